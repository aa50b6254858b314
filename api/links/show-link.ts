// GET /l/:token — what the holder of a valid decision link sees. Read-only: mail scanners open these links, so
// this never decides anything; it records a "viewed" audit event marked as possibly automated.
import type { Client } from '@temporalio/client';
import type { Db } from '../../lib/db/client.js';
import { AppError } from '../../lib/errors.js';
import { stateQuery, type CaseView } from '../../workflows/approval/messages.js';
import { auditLink, type RequestMeta } from './audit-link.js';
import { LINK_ACTIONS, linkActor, type LinkAction } from './commands.js';
import { findLink, rejectUnusable, type FoundLink } from './find-link.js';

export type StepView = CaseView['stages'][number]['steps'][number];

export type ShownLink =
  | { kind: 'pending'; found: FoundLink }
  | {
      kind: 'decide';
      found: FoundLink;
      person: { id: string; name: string } | null;
      caseRow: { id: string; title: string; type: string; fields: unknown; institution: { code: string; name: string } };
      document: { version: number; sha256: string; fileName: string | null; mimeType: string | null; hasFile: boolean };
      view: CaseView;
      step: StepView;
      /** What the holder may do now: the link's actions that the engine also allows. */
      actions: LinkAction[];
      delegatedFrom: string[];
    };

export async function loadPerson(db: Db, email: string) {
  return db.person.findFirst({ where: { email: { equals: email, mode: 'insensitive' } }, select: { id: true, name: true, locale: true } });
}

export async function showLink(o: { db: Db; temporal: Client; token: string; meta: RequestMeta }): Promise<ShownLink> {
  const found = await findLink(o.db, o.token, 'decision', o.meta);
  if (found.state === 'pending') return { kind: 'pending', found };
  if (found.state !== 'valid') return rejectUnusable(o.db, found, o.meta);
  const { row } = found;
  const caseRow = await o.db.case.findUnique({
    where: { id: row.caseId! },
    select: { id: true, title: true, type: true, fields: true, workflowId: true, institution: { select: { code: true, name: true } } },
  });
  if (!caseRow || !row.stepId) throw new AppError('token_invalid', 'This link is not valid.', { reason: 'unknown' });
  const person = await loadPerson(o.db, row.recipientEmail);
  const actor = linkActor({ recipientEmail: row.recipientEmail, stepId: row.stepId }, person);
  let view: CaseView;
  try {
    view = await o.temporal.workflow.getHandle(caseRow.workflowId).query(stateQuery, actor);
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'WorkflowNotFoundError') throw new AppError('case_closed', 'This case is closed.');
    throw new AppError('dependency_unavailable', 'The workflow engine did not answer. Try again in a moment.', { internal: String(err) });
  }
  const step = view.stages.flatMap((s) => s.steps).find((s) => s.id === row.stepId);
  if (!step) throw new AppError('token_invalid', 'This link is not valid.', { reason: 'unknown' });
  const engineAllows = view.allowed.find((a) => a.stepId === row.stepId)?.actions ?? [];
  const actions = LINK_ACTIONS.filter((a) => row.actions.includes(a) && engineAllows.includes(a));
  const doc = await o.db.documentVersion.findFirst({
    where: { caseId: caseRow.id, version: view.document.version },
    select: { version: true, sha256: true, fileName: true, mimeType: true, size: true },
  });
  const mine = step.assignees.find((a) => a.active && a.email.toLowerCase() === row.recipientEmail);

  // One "viewed" event per link per minute: a scanner that opens a link ten times does not flood the chain.
  const minute = new Date().toISOString().slice(0, 16);
  await auditLink(o.db, {
    type: 'link_viewed',
    key: `link/${row.id}/viewed/${minute}`,
    caseId: caseRow.id,
    actor: row.recipientEmail,
    payload: { tokenId: row.id, stepId: row.stepId, possiblyAutomated: true },
    meta: o.meta,
  });

  return {
    kind: 'decide',
    found,
    person,
    caseRow,
    document: {
      version: view.document.version,
      sha256: view.document.sha256,
      fileName: doc?.fileName ?? null,
      mimeType: doc?.mimeType ?? null,
      hasFile: !!doc && doc.sha256 === view.document.sha256 && doc.mimeType === 'application/pdf',
    },
    view,
    step,
    actions,
    delegatedFrom: mine?.delegatedFrom ?? [],
  };
}

/** GET /l/:token/document — the exact version under review, for a valid link only. */
export async function linkDocument(o: { db: Db; temporal: Client; token: string; meta: RequestMeta }) {
  const shown = await showLinkQuiet(o);
  const doc = await o.db.documentVersion.findFirst({ where: { caseId: shown.caseId, sha256: shown.sha256 }, orderBy: { version: 'desc' } });
  if (!doc?.content) throw new AppError('not_found', 'This case has no document file: its details are the document.');
  return doc;
}

async function showLinkQuiet(o: { db: Db; temporal: Client; token: string; meta: RequestMeta }): Promise<{ caseId: string; sha256: string }> {
  const found = await findLink(o.db, o.token, 'decision', o.meta);
  if (found.state !== 'valid') return rejectUnusable(o.db, found, o.meta);
  const row = found.row;
  const caseRow = await o.db.case.findUnique({ where: { id: row.caseId! }, select: { workflowId: true, id: true } });
  if (!caseRow) throw new AppError('token_invalid', 'This link is not valid.', { reason: 'unknown' });
  const view = await o.temporal.workflow
    .getHandle(caseRow.workflowId)
    .query(stateQuery, undefined)
    .catch(() => {
      throw new AppError('case_closed', 'This case is closed.');
    });
  return { caseId: caseRow.id, sha256: view.document.sha256 };
}
