// The activities' `revokeLinks` hook: the workflow revokes a step's unused links when the step closes (all
// recipients) or when a recipient stops being one (decided in a quorum, delegated, reassigned, handed over).
// A link whose decision is in flight (`usedAt` set) is never revoked: its answer must still be shown.
import type { Db } from '../../lib/db/client.js';
import { normaliseEmail, type RevokeReason } from './token.js';

export async function revokeStepLinks(db: Db, a: { caseId: string; stepId: string; emails?: string[] }): Promise<number> {
  const reason: RevokeReason = a.emails ? 'no_longer_assigned' : 'step_closed';
  const { count } = await db.linkToken.updateMany({
    where: {
      purpose: 'decision',
      caseId: a.caseId,
      stepId: a.stepId,
      usedAt: null,
      revokedAt: null,
      ...(a.emails ? { recipientEmail: { in: a.emails.map(normaliseEmail) } } : {}),
    },
    data: { revokedAt: new Date(), revokedReason: reason },
  });
  return count;
}
