// "Send me a new link": for every review still waiting for this address (a decision link it holds, unused, whose
// step is open and still theirs), a fresh link is emailed and the older ones for that review stop working.
// The caller learns nothing: the page says the same for any address, and this runs after the answer was sent.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Db } from '../../lib/db/client.js';
import type { Mailer } from '../../activities/mailer.js';
import { stateQuery } from '../../workflows/approval/messages.js';
import { asLocale, inLocale, messagesFor } from '../../web/i18n/index.js';
import { when } from '../../web/pages/format.js';
import { auditLink, type RequestMeta } from './audit-link.js';
import { linkActor } from './commands.js';
import { DEFAULT_LINK_DAYS, issueLinkToken, linkUrl } from './issue-link.js';
import { loadPerson } from './show-link.js';
import { normaliseEmail } from './token.js';

const DAY_MS = 24 * 3600 * 1000;

export interface RenewLinksOptions {
  db: Db;
  temporal: Client;
  mailer: Mailer;
  publicUrl: string;
  email: string;
  meta?: RequestMeta;
}

export async function renewLinks(o: RenewLinksOptions): Promise<{ sent: number }> {
  const email = normaliseEmail(o.email);
  const rows = await o.db.linkToken.findMany({
    where: { purpose: 'decision', recipientEmail: email, usedAt: null, revokedAt: null },
    orderBy: { createdAt: 'desc' },
  });
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    if (!r.caseId || !r.stepId) continue;
    const k = `${r.caseId}\u0000${r.stepId}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const person = await loadPerson(o.db, email);
  const locale = asLocale(person?.locale);
  const m = messagesFor(locale);
  let sent = 0;
  for (const group of groups.values()) {
    const latest = group[0]!;
    const caseRow = await o.db.case.findUnique({ where: { id: latest.caseId! }, select: { id: true, title: true, workflowId: true } });
    if (!caseRow) continue;
    const view = await o.temporal.workflow
      .getHandle(caseRow.workflowId)
      .query(stateQuery, linkActor({ recipientEmail: email, stepId: latest.stepId! }, person))
      .catch(() => null);
    const allowed = view?.allowed.find((a) => a.stepId === latest.stepId)?.actions ?? [];
    if (!view || allowed.length === 0) continue;
    const step = view.stages.flatMap((s) => s.steps).find((s) => s.id === latest.stepId);
    const days = Math.max(1, Math.round((latest.expiresAt.getTime() - latest.createdAt.getTime()) / DAY_MS)) || DEFAULT_LINK_DAYS;
    const issued = await issueLinkToken(o.db, {
      purpose: 'decision',
      caseId: caseRow.id,
      stepId: latest.stepId,
      email,
      actions: latest.actions,
      expiresAt: new Date(Date.now() + days * DAY_MS),
    });
    await o.db.linkToken.updateMany({
      where: { id: { in: group.map((g) => g.id) }, usedAt: null, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: 'replaced' },
    });
    const url = inLocale(linkUrl(o.publicUrl, issued.token), locale);
    await o.mailer.send({
      idempotencyKey: `link-renewal/${issued.id}`,
      caseId: caseRow.id,
      kind: 'link_renewal',
      to: email,
      subject: m['mail.renew.subject'](caseRow.title),
      text: m['mail.renew.body'](person?.name ?? email, caseRow.title, step?.name ?? latest.stepId!, url, when(issued.expiresAt)),
      links: [{ label: 'Review and decide', url }],
    });
    await auditLink(o.db, {
      type: 'link_renewed',
      key: `link/${issued.id}/renewed`,
      caseId: caseRow.id,
      actor: email,
      payload: { tokenId: issued.id, stepId: latest.stepId, replaced: group.map((g) => g.id) },
      meta: o.meta,
    });
    sent++;
  }
  if (sent === 0) {
    await auditLink(o.db, { type: 'link_renewal_requested', key: `link/renewal/${randomUUID()}`, payload: { sent: 0 }, meta: o.meta });
  }
  return { sent };
}
