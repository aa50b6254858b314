// One due email of a strategy's progress schedule (heads-up or reminder), decided against the database: nothing
// is sent when the report for that point has come in ('submitted') or a newer strategy of the institution has
// been signed off ('superseded': the schedule ends quietly). Otherwise the institution's IRO staff get the email
// once per (strategy, point, reminder number, recipient), however often the activity is retried.
import type { Db } from '../lib/db/client.js';
import { countsAsSubmitted, reportsOfStrategy, signedOffStrategies } from '../lib/strategies.js';
import type { ReportPoint } from '../domain/strategy/report-fields.js';
import { asLocale, inLocale, messagesFor } from '../web/i18n/index.js';
import type { Mailer } from './mailer.js';

export interface ProgressReminderInput {
  strategyCaseId: string;
  institution: string;
  point: ReportPoint;
  /** The local due date, YYYY-MM-DD. */
  dueDate: string;
  /** 0 = the heads-up; n ≥ 1 = the n-th reminder (1 = on the due date). */
  n: number;
}

export type ProgressReminderStatus = 'submitted' | 'superseded' | 'reminded';

export async function progressReminder(
  deps: { db: Db; mailer: Mailer; publicUrl: string },
  args: ProgressReminderInput,
): Promise<{ status: ProgressReminderStatus; sent: number }> {
  const strategy = await deps.db.case.findUnique({ where: { id: args.strategyCaseId }, include: { institution: true } });
  // A strategy that is gone or no longer approved has no schedule to keep.
  if (!strategy || strategy.type !== 'strategy' || strategy.status !== 'approved') return { status: 'superseded', sent: 0 };
  const current = (await signedOffStrategies(deps.db, strategy.institutionId))[0];
  if (current && current.id !== strategy.id) return { status: 'superseded', sent: 0 };
  const reports = await reportsOfStrategy(deps.db, strategy.id);
  if (reports.some((r) => r.point === args.point && countsAsSubmitted(r))) return { status: 'submitted', sent: 0 };

  const iro = await deps.db.membership.findMany({
    where: { institutionId: strategy.institutionId, role: 'iro' },
    include: { person: { select: { email: true, name: true, locale: true } } },
    orderBy: { createdAt: 'asc' },
  });
  const kind = args.n === 0 ? 'heads_up' : 'reminder';
  const strategiesUrl = `${deps.publicUrl}/institutions/${encodeURIComponent(strategy.institution.code)}/strategies`;
  let sent = 0;
  for (const { person } of iro) {
    const locale = asLocale(person.locale);
    const m = messagesFor(locale);
    const point = m[`email.progress.point.${args.point}`];
    const links = [
      { label: m['email.progress.link.form'], url: inLocale(`${deps.publicUrl}/strategies/${encodeURIComponent(strategy.id)}/reports/${args.point}/new`, locale) },
      { label: m['email.progress.link.docs'], url: `${deps.publicUrl}/docs` },
      { label: m['email.progress.link.strategies'], url: inLocale(strategiesUrl, locale) },
    ];
    const text = [
      m['email.greeting'](person.name),
      '',
      m[`email.progress.intro.${kind}`](strategy.title, strategy.institution.name, point, args.dueDate),
      '',
      m['email.progress.how'](deps.publicUrl, strategy.id, args.point),
      '',
      ...links.map((l) => `${l.label}: ${l.url}`),
      '',
      m['email.footer.case'](strategy.id, strategy.institution.name),
      `${m['app.name']} — ${m['app.tagline']}`,
    ].join('\n');
    const res = await deps.mailer.send({
      idempotencyKey: `${strategy.id}/progress/${args.point}/${args.n}/${person.email.toLowerCase()}`,
      caseId: strategy.id,
      kind: `progress_${kind}`,
      to: person.email,
      subject: m[`email.progress.subject.${kind}`](strategy.title, point, args.dueDate),
      text,
      links,
    });
    if (!res.duplicate) sent++;
  }
  return { status: 'reminded', sent };
}
