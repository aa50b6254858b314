// Emails for the people who must act now, reminders, escalations and outcomes. Texts come from the message
// catalogue; one email per (case, step, recipient, kind, round) — the effect key plus the recipient — however
// often the activity is retried.
import type { Db } from '../lib/db/client.js';
import type { Mailer } from './mailer.js';
import type { ResolvedPerson } from './assignees.js';

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

const subjects: Record<NotifyKind, (title: string, step?: string) => string> = {
  task: (t, s) => `Action needed: ${s ?? 'review'} — ${t}`,
  reminder: (t, s) => `Reminder: ${s ?? 'review'} is waiting for you — ${t}`,
  escalation: (t, s) => `Escalated to you: ${s ?? 'review'} — ${t}`,
  sent_back: (t) => `Sent back for changes — ${t}`,
  outcome: (t) => `Decision — ${t}`,
  delegated: (t, s) => `A review was delegated to you: ${s ?? 'review'} — ${t}`,
  withdrawn: (t) => `Withdrawn — ${t}`,
};

export async function sendNotifications(deps: NotifyDeps, n: NotifyInput): Promise<{ sent: number; duplicates: number }> {
  const c = await deps.db.case.findUnique({ where: { id: n.caseId }, include: { institution: true } });
  if (!c) return { sent: 0, duplicates: 0 };
  const caseUrl = `${deps.publicUrl}/cases/${encodeURIComponent(c.id)}`;
  let sent = 0;
  let duplicates = 0;
  let recipients = n.recipients;
  if (n.kind === 'outcome') {
    // The outcome goes to the submitter and to the institution's leadership and IRO.
    const staff = await deps.db.membership.findMany({
      where: { institutionId: c.institutionId, role: { in: ['leadership', 'iro'] } },
      include: { person: true },
    });
    const seen = new Set(recipients.map((r) => r.email.toLowerCase()));
    recipients = [...recipients, ...staff.filter((m) => !seen.has(m.person.email.toLowerCase()) && seen.add(m.person.email.toLowerCase())).map((m) => ({ id: m.person.id, email: m.person.email, name: m.person.name }))];
  }
  for (const r of recipients) {
    const idempotencyKey = `${n.key}/${r.email.toLowerCase()}`;
    const already = await deps.db.outboxMessage.findUnique({ where: { idempotencyKey }, select: { sentAt: true } });
    if (already?.sentAt) {
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
      links.push({ label: 'Review and decide', url });
    } else {
      links.push({ label: 'Open the case', url: caseUrl });
    }
    if (n.sealedId) {
      links.push({ label: 'Sealed decision (PDF)', url: `${deps.publicUrl}/sealed/${encodeURIComponent(n.sealedId)}.pdf` });
      links.push({ label: 'Verify the decision', url: `${deps.publicUrl}/verify/${encodeURIComponent(c.id)}` });
    }
    const greeting = `Dear ${r.name ?? r.email},`;
    const lines = [
      greeting,
      '',
      intro(n, c.title, c.institution.name),
      ...(n.detail ? ['', n.detail] : []),
      ...(n.dueAt ? ['', `Due: ${n.dueAt.slice(0, 10)}`] : []),
      '',
      ...links.map((l) => `${l.label}: ${l.url}`),
      '',
      `Case ${c.id} · ${c.institution.name}`,
      'CHAIn approvals — Cambodian Higher Education Internationalisation network',
    ];
    const res = await deps.mailer.send({
      idempotencyKey,
      caseId: c.id,
      kind: n.kind,
      to: r.email,
      subject: subjects[n.kind](c.title, n.stepName),
      text: lines.join('\n'),
      links,
    });
    if (res.duplicate) duplicates++;
    else sent++;
  }
  return { sent, duplicates };
}

function intro(n: NotifyInput, title: string, institution: string): string {
  const step = n.stepName ?? 'a review step';
  switch (n.kind) {
    case 'task':
      return `"${title}" from ${institution} is waiting for your decision at the step "${step}".`;
    case 'reminder':
      return `This is a reminder: "${title}" from ${institution} is still waiting for your decision at "${step}".`;
    case 'escalation':
      return `The step "${step}" of "${title}" (${institution}) passed its deadline and has been escalated to you.`;
    case 'delegated':
      return `A colleague delegated their decision at "${step}" on "${title}" (${institution}) to you.`;
    case 'sent_back':
      return `"${title}" has been sent back for changes. Please revise and resubmit it.`;
    case 'outcome':
      return `A final decision has been made on "${title}" (${institution}).`;
    case 'withdrawn':
      return `"${title}" (${institution}) has been withdrawn by its submitter.`;
  }
}
