// Emails for the people who must act now, reminders, escalations and outcomes. Texts come from the message
// catalogue; one email per (case, step, recipient, kind, round) — the effect key plus the recipient — however
// often the activity is retried.
import type { Db } from '../lib/db/client.js';
import type { Mailer } from './mailer.js';
import type { ResolvedPerson } from './assignees.js';
import { asLocale, inLocale, messagesFor } from '../web/i18n/index.js';
import { localDate } from '../domain/time/calendar.js';

export type NotifyKind = 'task' | 'reminder' | 'escalation' | 'sent_back' | 'outcome' | 'delegated' | 'withdrawn';

export interface NotifyInput {
  caseId: string;
  kind: NotifyKind;
  key: string;
  stepId?: string;
  stepName?: string;
  recipients: ResolvedPerson[];
  /** Outcome or comment to include (outcome emails, send back). */
  detail?: string;
  /** When the step is decided from an email link, the actions the link allows. */
  link?: { actions: string[]; expiryDays: number };
  dueAt?: string | null;
  /** Outcome emails: the sealed decision PDF to link to. */
  sealedId?: string;
}

/** Issues a decision link for one recipient; provided by the link layer (api/links). Returns the URL. */
export type LinkIssuer = (args: {
  caseId: string;
  stepId: string;
  email: string;
  actions: string[];
  expiryDays: number;
  issueKey: string;
}) => Promise<string>;

export interface NotifyDeps {
  db: Db;
  mailer: Mailer;
  publicUrl: string;
  issueLink?: LinkIssuer;
}

/** What one notification needs of the database, in one query: the case's title and institution, the recipients'
 *  locales, and which of their messages a retried activity already sent. */
async function readContext(db: Db, caseId: string, emails: string[], keys: string[]) {
  const rows = await db.$queryRaw<{ id: string; title: string; institutionName: string; locales: { email: string; locale: string | null }[]; sent: string[] }[]>`
    SELECT c."id", c."title", i."name" AS "institutionName",
      COALESCE((SELECT json_agg(json_build_object('email', p."email", 'locale', p."locale")) FROM "Person" p WHERE p."email" = ANY(${emails}::text[])), '[]'::json) AS "locales",
      COALESCE((SELECT array_agg(o."idempotencyKey") FROM "OutboxMessage" o WHERE o."idempotencyKey" = ANY(${keys}::text[]) AND o."sentAt" IS NOT NULL), '{}'::text[]) AS "sent"
    FROM "Case" c JOIN "Institution" i ON i."id" = c."institutionId"
    WHERE c."id" = ${caseId}`;
  return rows[0];
}

export async function sendNotifications(deps: NotifyDeps, n: NotifyInput): Promise<{ sent: number; duplicates: number }> {
  let recipients = n.recipients;
  if (n.kind === 'outcome') {
    // The outcome goes to the submitter and to the institution's leadership and IRO.
    const staff = await deps.db.membership.findMany({
      where: { institution: { cases: { some: { id: n.caseId } } }, role: { in: ['leadership', 'iro'] } },
      include: { person: true },
    });
    const seen = new Set(recipients.map((r) => r.email.toLowerCase()));
    recipients = [...recipients, ...staff.filter((m) => !seen.has(m.person.email.toLowerCase()) && seen.add(m.person.email.toLowerCase())).map((m) => ({ id: m.person.id, email: m.person.email, name: m.person.name }))];
  }
  const keyOf = (r: ResolvedPerson) => `${n.key}/${r.email.toLowerCase()}`;
  const c = await readContext(deps.db, n.caseId, recipients.map((r) => r.email), recipients.map(keyOf));
  if (!c) return { sent: 0, duplicates: 0 };
  const caseUrl = `${deps.publicUrl}/cases/${encodeURIComponent(c.id)}`;
  let sent = 0;
  let duplicates = 0;
  // Each recipient reads the email in their own locale (people without an account: English).
  const localeOf = (email: string) => asLocale(c.locales.find((p) => p.email.toLowerCase() === email.toLowerCase())?.locale);
  // What a retried activity already sent.
  const alreadySent = new Set(c.sent);
  for (const r of recipients) {
    const locale = localeOf(r.email);
    const m = messagesFor(locale);
    const step = n.stepName ?? m['email.stepFallback'];
    const idempotencyKey = keyOf(r);
    if (alreadySent.has(idempotencyKey)) {
      duplicates++;
      continue;
    }
    const links: { label: string; url: string }[] = [];
    if (n.link && n.stepId && deps.issueLink && ['task', 'reminder', 'escalation', 'delegated'].includes(n.kind)) {
      const url = await deps.issueLink({
        caseId: c.id,
        stepId: n.stepId,
        email: r.email,
        actions: n.link.actions,
        expiryDays: n.link.expiryDays,
        issueKey: idempotencyKey,
      });
      links.push({ label: m['email.link.decide'], url });
    } else {
      links.push({ label: m['email.link.case'], url: caseUrl });
    }
    if (n.sealedId) {
      links.push({ label: m['email.link.sealed'], url: `${deps.publicUrl}/sealed/${encodeURIComponent(n.sealedId)}.pdf` });
      links.push({ label: m['email.link.verify'], url: `${deps.publicUrl}/verify/${encodeURIComponent(c.id)}` });
    }
    // The pages the email leads to speak the recipient's language too (the sealed PDF has one language).
    for (const l of links) if (!l.url.endsWith('.pdf')) l.url = inLocale(l.url, locale);
    const lines = [
      m['email.greeting'](r.name ?? r.email),
      '',
      m[`email.intro.${n.kind}`](c.title, c.institutionName, step),
      ...(n.detail ? ['', n.detail] : []),
      // The date as people in Cambodia read it (UTC+7), not the UTC date of the instant.
      ...(n.dueAt ? ['', m['email.due'](localDate(Date.parse(n.dueAt)))] : []),
      '',
      ...links.map((l) => `${l.label}: ${l.url}`),
      '',
      m['email.footer.case'](c.id, c.institutionName),
      `${m['app.name']} — ${m['app.tagline']}`,
    ];
    const res = await deps.mailer.send({
      idempotencyKey,
      caseId: c.id,
      kind: n.kind,
      to: r.email,
      subject: m[`email.subject.${n.kind}`](c.title, step),
      text: lines.join('\n'),
      links,
    });
    if (res.duplicate) duplicates++;
    else sent++;
  }
  return { sent, duplicates };
}
