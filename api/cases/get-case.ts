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
}

export async function loadReadableCase(db: Db, identity: Identity, caseId: string) {
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
  if (!canReadCase(identity, { institution: row.institution.code, type: row.type, participants: row.assignees, submitterEmail: submitter?.email })) {
    throw new AppError('not_found', 'No such case, or you may not see it.');
  }
  return row;
}

export async function getCase(opts: GetCaseOptions) {
  const row = await loadReadableCase(opts.db, opts.identity, opts.caseId);
  let state: CaseView | null = null;
  let stateSource: 'workflow' | 'projection' = 'workflow';
  try {
    state = await opts.temporal.workflow.getHandle(row.workflowId).query(stateQuery, toViewer(opts.identity));
  } catch (err) {
    // The workflow may have closed and aged out of Temporal's retention: the projection still tells the story.
    const name = (err as { name?: string }).name;
    if (name !== 'WorkflowNotFoundError' && name !== 'QueryNotRegisteredError') throw err;
    stateSource = 'projection';
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
