// Looks a token up and tells its state. Unknown and damaged tokens are audited without a case; expired, revoked
// and used ones are audited on their own case. Nothing about any other case is ever revealed.
import type { Db } from '../../lib/db/client.js';
import { AppError } from '../../lib/errors.js';
import type { LinkToken } from '../../generated/prisma/client.js';
import { auditLink, type RequestMeta } from './audit-link.js';
import { hashToken, linkRecord, linkState, tokenShape, type LinkPurpose, type LinkState } from './token.js';

export interface FoundLink {
  row: LinkToken;
  state: LinkState;
}

export async function findLink(db: Db, token: string, purpose: LinkPurpose, meta: RequestMeta): Promise<FoundLink> {
  if (tokenShape(token) === 'tampered') {
    await auditLink(db, { type: 'link_rejected', payload: { reason: 'tampered', purpose }, meta });
    throw new AppError('token_invalid', 'This link is damaged: part of it is missing or changed.', { reason: 'tampered' });
  }
  const tokenHash = hashToken(token);
  const row = await db.linkToken.findUnique({ where: { tokenHash } });
  if (!row || row.purpose !== purpose) {
    await auditLink(db, { type: 'link_rejected', payload: { reason: 'unknown', purpose, tokenHashPrefix: tokenHash.slice(0, 12) }, meta });
    throw new AppError('token_invalid', 'This link is not valid.', { reason: 'unknown' });
  }
  return { row, state: linkState(row) };
}

/** Throws the error of a link that cannot act (expired, revoked, used), after auditing it. */
export async function rejectUnusable(db: Db, found: FoundLink, meta: RequestMeta): Promise<never> {
  const { row, state } = found;
  await auditLink(db, {
    type: 'link_rejected',
    caseId: row.caseId,
    actor: row.recipientEmail,
    payload: { reason: state, purpose: row.purpose, tokenId: row.id, stepId: row.stepId, revokedReason: row.revokedReason ?? undefined },
    meta,
  });
  if (state === 'expired') throw new AppError('token_expired', 'This link has expired.', { reason: 'expired' });
  if (state === 'revoked') throw new AppError('token_revoked', 'This link no longer works.', { reason: row.revokedReason ?? 'step_closed' });
  const record = linkRecord(row);
  throw new AppError('token_used', 'This link has already been used.', {
    reason: 'used',
    ...(record?.state === 'done' ? { recorded: { action: record.action, at: record.at, caseStatus: record.result?.status ?? null, delegateTo: record.delegateTo ?? null } } : {}),
  });
}
