// POST /l/:token — a decision (or a delegation) from an email link, sent to the case's workflow as an Update.
//
// The token is consumed together with the Update: it is first claimed (usedAt set, the command stored as
// `pending`), then the Update is sent with the token's id as its update id. Accepted → the result is stored.
// Rejected by the workflow's validator → the claim is released (nothing happened). No answer (crash, timeout) →
// the claim stays pending and a retry re-sends the stored command under the same update id, so Temporal returns
// the first result instead of deciding twice. A POST on a used token shows what was recorded.
// The token's id is a safe update id as it is (unlike a client's idempotency key, see run-command.ts): a token
// belongs to one recipient and one step, is claimed by one request at a time, and is re-sent only with the command
// stored in its claim. A different command under the same token follows only a refusal, which Temporal does not
// keep: the validator rejected it before anything was written to history.
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Db } from '../../lib/db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { AppError } from '../../lib/errors.js';
import { canDelegateFromLink } from '../../lib/authz.js';
import { commandUpdate, type CommandResult, type EngineActor, type EngineCommand } from '../../workflows/approval/messages.js';
import { mapUpdateError } from '../cases/run-command.js';
import { auditLink, type RequestMeta } from './audit-link.js';
import { linkActor, linkCommand, type LinkForm } from './commands.js';
import { findLink, rejectUnusable } from './find-link.js';
import { loadPerson } from './show-link.js';
import { linkRecord, type LinkRecord } from './token.js';

export interface DecideFromLinkOptions {
  db: Db;
  temporal: Client;
  token: string;
  form: LinkForm;
  meta: RequestMeta;
}

export interface LinkOutcome {
  /** recorded: this request decided; replayed: the same action was recorded before; retried: a pending claim was completed. */
  kind: 'recorded' | 'replayed' | 'retried';
  caseId: string;
  stepId: string;
  record: Extract<LinkRecord, { state: 'done' }>;
}

export async function decideFromLink(o: DecideFromLinkOptions, attempt = 0): Promise<LinkOutcome> {
  const found = await findLink(o.db, o.token, 'decision', o.meta);
  const { row } = found;
  const caseId = row.caseId!;
  const stepId = row.stepId!;
  const prior = linkRecord(row);

  if (found.state === 'used' && prior?.state === 'done') {
    if (prior.action === o.form.action) return { kind: 'replayed', caseId, stepId, record: prior };
    return rejectUnusable(o.db, found, o.meta);
  }
  if (found.state === 'pending' && prior?.state === 'pending') {
    // The first attempt got no answer: re-send exactly what was claimed, under the same update id.
    return send(o, row.id, caseId, stepId, prior.actor as EngineActor, prior.command as EngineCommand, prior.action, 'retried');
  }
  if (found.state !== 'valid') return rejectUnusable(o.db, found, o.meta);

  if (!row.actions.includes(o.form.action)) throw new AppError('forbidden', 'This link does not allow this action.');
  const command = linkCommand(stepId, o.form);
  if (command.type === 'delegate' && !canDelegateFromLink(row.recipientEmail, command.to.email)) {
    throw new AppError('validation_failed', 'Please check the form.', {
      issues: [{ path: 'delegateEmail', message: 'delegate to a colleague with an address at your own organisation (the same email domain)' }],
    });
  }
  const person = await loadPerson(o.db, row.recipientEmail);
  const actor = linkActor({ recipientEmail: row.recipientEmail, stepId }, person);

  const pending: LinkRecord = { state: 'pending', action: o.form.action, at: new Date().toISOString(), command, actor };
  const claimed = await o.db.linkToken.updateMany({
    where: { id: row.id, usedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    data: { usedAt: new Date(), result: pending as object },
  });
  if (claimed.count === 0) {
    // Another request got there first (a double submit), or the link was revoked in between: start again.
    if (attempt > 2) throw new AppError('conflict', 'This link is being used by another request. Reload the page.');
    return decideFromLink(o, attempt + 1);
  }
  return send(o, row.id, caseId, stepId, actor, command, o.form.action, 'recorded');
}

async function send(
  o: DecideFromLinkOptions,
  tokenId: string,
  caseId: string,
  stepId: string,
  actor: EngineActor,
  command: EngineCommand,
  action: string,
  kind: LinkOutcome['kind'],
): Promise<LinkOutcome> {
  const caseRow = await o.db.case.findUnique({ where: { id: caseId }, select: { workflowId: true } });
  if (!caseRow) throw new AppError('case_closed', 'This case is closed.');
  let result: CommandResult;
  try {
    result = await o.temporal.workflow.getHandle(caseRow.workflowId).executeUpdate(commandUpdate, {
      args: [{ actor, command }],
      updateId: tokenId,
    });
  } catch (err) {
    const mapped = mapUpdateError(err);
    if (err instanceof WorkflowUpdateFailedError || mapped.status < 500) {
      // The workflow (or the server, for a malformed request) said no, or the case is gone: nothing was decided,
      // the link stays as it was. Only "no answer" (5xx) keeps the claim pending for a retry.
      await o.db.linkToken.updateMany({ where: { id: tokenId, result: { path: ['state'], equals: 'pending' } }, data: { usedAt: null, result: Prisma.DbNull } });
    }
    throw mapped;
  }
  const record: Extract<LinkRecord, { state: 'done' }> = {
    state: 'done',
    action,
    at: new Date().toISOString(),
    result: { status: result.status, stepStatus: result.stepStatus },
    ...(command.type === 'delegate' ? { delegateTo: command.to.email } : {}),
  };
  await o.db.linkToken.update({ where: { id: tokenId }, data: { result: record as object } });
  await auditLink(o.db, {
    type: command.type === 'delegate' ? 'link_delegated' : 'link_used',
    key: `link/${tokenId}/used`,
    caseId,
    actor: actor.email,
    payload: { tokenId, stepId, action, ...(record.delegateTo ? { delegateTo: record.delegateTo } : {}), caseStatus: result.status },
    meta: o.meta,
  });
  return { kind, caseId, stepId, record };
}
