// A case as the caller may see it: the DB row (what surrounds the workflow) merged with the workflow's own
// state from a Query (the source of truth in flight), including what the caller may do now.
import type { Client } from '@temporalio/client';
import type { Db } from '../../lib/db/client.js';
import { AppError } from '../../lib/errors.js';
import type { Identity } from '../../lib/identity.js';
import { canReadCase } from '../../lib/authz.js';
import { stateQuery, type CaseView } from '../../workflows/approval/messages.js';
import { toViewer } from './viewer.js';

export interface GetCaseOptions {
  db: Db;
  temporal: Client;
  identity: Identity;
  caseId: string;
  /** Told when the workflow could not be queried (the answer then comes from the projection). */
  onQueryError?: (err: unknown) => void;
}

/** Everyone the workflow has assigned so far (the DB projection may lag a moment behind the workflow). */
async function liveParticipants(temporal: Client, workflowId: string): Promise<string[]> {
  try {
    const view = await temporal.workflow.getHandle(workflowId).query(stateQuery, undefined);
    return view.stages.flatMap((s) => s.steps.flatMap((st) => st.assignees.map((a) => a.email.toLowerCase())));
  } catch {
    return [];
  }
}

export async function loadReadableCase(db: Db, identity: Identity, caseId: string, temporal?: Client) {
  const row = await db.case.findUnique({
    where: { id: caseId },
    include: {
      institution: { select: { code: true, name: true } },
      documents: { orderBy: { version: 'asc' }, select: { version: true, sha256: true, fileName: true, mimeType: true, size: true, createdAt: true } },
    },
  });
  // Not found and not allowed look the same: a case's existence is not revealed to outsiders.
  if (!row) throw new AppError('not_found', 'No such case, or you may not see it.');
  const submitter = row.createdById ? await db.person.findUnique({ where: { id: row.createdById }, select: { email: true } }) : null;
  const access = { institution: row.institution.code, type: row.type, participants: row.assignees, submitterEmail: submitter?.email };
  if (!canReadCase(identity, access)) {
    // Just assigned? The workflow knows before the projection does.
    const live = temporal ? await liveParticipants(temporal, row.workflowId) : [];
    if (!live.length || !canReadCase(identity, { ...access, participants: live })) throw new AppError('not_found', 'No such case, or you may not see it.');
  }
  return row;
}

export async function getCase(opts: GetCaseOptions) {
  const row = await loadReadableCase(opts.db, opts.identity, opts.caseId, opts.temporal);
  let state: CaseView | null = null;
  let stateSource: 'workflow' | 'projection' = 'workflow';
  try {
    state = await opts.temporal.workflow.getHandle(row.workflowId).query(stateQuery, toViewer(opts.identity));
  } catch (err) {
    // The workflow may have closed and aged out of Temporal's retention, or its worker may be too busy to answer
    // the query in time (a case that was just started): the projection still tells the story.
    stateSource = 'projection';
    const name = (err as { name?: string }).name;
    if (name !== 'WorkflowNotFoundError') opts.onQueryError?.(err);
  }
  return {
    id: row.id,
    type: row.type,
    institution: row.institution,
    title: row.title,
    status: state?.status ?? row.status,
    workflowId: row.workflowId,
    policy: { key: row.policyKey, version: row.policyVersion },
    fields: row.fields,
    currentStage: row.currentStage,
    dueAt: row.dueAt?.toISOString() ?? null,
    documents: row.documents.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() })),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    stateSource,
    state: state ?? row.summary,
  };
}
