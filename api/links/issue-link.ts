// Issues link tokens: decision links for the emails of the workflow (the activities' `issueLink` hook) and
// sign-in links. A retried notification (same issue key) replaces the token it issued before instead of adding one,
// so exactly one token stands behind each email that went out.
import type { Db } from '../../lib/db/client.js';
import type { LinkIssuer } from '../../activities/notify.js';
import { hashToken, newLinkToken, normaliseEmail, type LinkPurpose } from './token.js';

export const DEFAULT_LINK_DAYS = 14;
const DAY_MS = 24 * 3600 * 1000;

export interface IssueLinkTokenOptions {
  purpose: LinkPurpose;
  caseId?: string | null;
  stepId?: string | null;
  email: string;
  actions?: string[];
  expiresAt: Date;
  issueKey?: string;
}

export async function issueLinkToken(db: Db, o: IssueLinkTokenOptions): Promise<{ id: string; token: string; expiresAt: Date }> {
  const token = newLinkToken();
  const tokenHash = hashToken(token);
  if (o.issueKey) {
    const existing = await db.linkToken.findUnique({ where: { issueKey: o.issueKey } });
    if (existing && !existing.usedAt && !existing.revokedAt) {
      // The email carrying the previous token was not sent (or the activity is retried): rotate it.
      await db.linkToken.update({ where: { id: existing.id }, data: { tokenHash, expiresAt: o.expiresAt } });
      return { id: existing.id, token, expiresAt: o.expiresAt };
    }
  }
  const keyFree = o.issueKey ? !(await db.linkToken.findUnique({ where: { issueKey: o.issueKey }, select: { id: true } })) : false;
  const row = await db.linkToken.create({
    data: {
      tokenHash,
      purpose: o.purpose,
      caseId: o.caseId ?? null,
      stepId: o.stepId ?? null,
      recipientEmail: normaliseEmail(o.email),
      actions: o.actions ?? [],
      expiresAt: o.expiresAt,
      issueKey: keyFree ? o.issueKey : null,
    },
  });
  return { id: row.id, token, expiresAt: row.expiresAt };
}

export const linkUrl = (publicUrl: string, token: string) => `${publicUrl.replace(/\/$/, '')}/l/${token}`;

/** The activities' `issueLink` hook: a decision link for one recipient of a task / reminder / escalation / delegation email. */
export function createLinkIssuer(opts: { db: Db; publicUrl: () => string }): LinkIssuer {
  return async (a) => {
    const days = a.expiryDays > 0 ? a.expiryDays : DEFAULT_LINK_DAYS;
    const { token } = await issueLinkToken(opts.db, {
      purpose: 'decision',
      caseId: a.caseId,
      stepId: a.stepId,
      email: a.email,
      actions: a.actions,
      expiresAt: new Date(Date.now() + days * DAY_MS),
      issueKey: `decision/${a.issueKey}`,
    });
    return linkUrl(opts.publicUrl(), token);
  };
}
