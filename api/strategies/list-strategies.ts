// An institution's strategies as plain data (the API route and, later, the pages render it): each strategy case
// with its status and current step; the newest signed-off one is the institution's current strategy and earlier
// signed-off ones are archived; a signed-off strategy lists its progress reports (mid-period and end) with when
// each is due and the report case filed for it, if any.
import type { Db } from '../../lib/db/client.js';
import { AppError } from '../../lib/errors.js';
import type { Identity } from '../../lib/identity.js';
import { canReadCase } from '../../lib/authz.js';
import { countsAsSubmitted, signedOffStrategies, type ReportRow } from '../../lib/strategies.js';
import { periodOf, progressSchedule, type Period } from '../../domain/strategy/progress.js';
import type { ReportPoint } from '../../domain/strategy/report-fields.js';

export interface StrategyReportItem {
  point: ReportPoint;
  /** The local due date (Asia/Phnom_Penh), YYYY-MM-DD. */
  dueDate: string;
  /** 08:00 local on the due date, ISO 8601: when the due-date reminder goes. */
  dueAt: string;
  /** The report filed for this point (the one that counts: open or approved, else the newest), if any. */
  caseId: string | null;
  status: string | null;
}

export interface StrategyItem {
  caseId: string;
  title: string;
  period: Period | null;
  status: string;
  currentStep: string | null;
  dueAt: string | null;
  current: boolean;
  archived: boolean;
  sealedId: string | null;
  createdAt: string;
  /** Signed-off strategies: one entry per report point; others: empty. */
  reports: StrategyReportItem[];
}

export interface StrategyList {
  institution: { code: string; name: string };
  current: string | null;
  items: StrategyItem[];
}

export interface ListStrategiesOptions {
  db: Db;
  identity: Identity;
  institutionCode: string;
}

export async function listStrategies(opts: ListStrategiesOptions): Promise<StrategyList> {
  const { db, identity } = opts;
  const inst = await db.institution.findUnique({ where: { code: opts.institutionCode } });
  if (!inst) throw new AppError('not_found', `No institution ${opts.institutionCode}.`);
  const readable = (c: { assignees: string[] }, type: 'strategy' | 'strategy_report') =>
    canReadCase(identity, { institution: inst.code, type, participants: c.assignees });
  const [rows, reportRows, signedOff] = await Promise.all([
    db.case.findMany({
      where: { type: 'strategy', institutionId: inst.id },
      include: { sealed: { where: { outcome: 'approved' }, select: { id: true, createdAt: true } } },
      orderBy: { createdAt: 'desc' },
    }),
    db.case.findMany({ where: { type: 'strategy_report', institutionId: inst.id }, select: { id: true, status: true, fields: true, assignees: true, createdAt: true }, orderBy: { createdAt: 'desc' } }),
    signedOffStrategies(db, inst.id),
  ]);
  const visible = rows.filter((c) => readable(c, 'strategy'));
  const visibleIds = new Set(visible.map((c) => c.id));
  const currentId = signedOff.find((s) => visibleIds.has(s.id))?.id ?? null;
  const reportsByStrategy = new Map<string, ReportRow[]>();
  for (const r of reportRows) {
    if (!readable(r, 'strategy_report')) continue;
    const f = (r.fields ?? {}) as { strategyCaseId?: string; point?: ReportPoint };
    if (!f.strategyCaseId || (f.point !== 'mid' && f.point !== 'end')) continue;
    const list = reportsByStrategy.get(f.strategyCaseId) ?? [];
    list.push({ id: r.id, status: r.status, point: f.point, createdAt: r.createdAt });
    reportsByStrategy.set(f.strategyCaseId, list);
  }
  const signedOffIds = new Set(signedOff.map((s) => s.id));
  return {
    institution: { code: inst.code, name: inst.name },
    current: currentId,
    items: visible.map((c) => {
      const period = periodOf(c.fields);
      const filed = reportsByStrategy.get(c.id) ?? [];
      const reports: StrategyReportItem[] =
        signedOffIds.has(c.id) && period
          ? progressSchedule(period).map((due) => {
              // Newest first: the report that counts (open or approved), else the newest rejected or withdrawn one.
              const forPoint = filed.filter((r) => r.point === due.point);
              const report = forPoint.find(countsAsSubmitted) ?? forPoint[0];
              return { point: due.point, dueDate: due.dueDate, dueAt: new Date(due.dueAt).toISOString(), caseId: report?.id ?? null, status: report?.status ?? null };
            })
          : [];
      return {
        caseId: c.id,
        title: c.title,
        period,
        status: c.status,
        currentStep: c.currentStage,
        dueAt: c.dueAt?.toISOString() ?? null,
        current: c.id === currentId,
        archived: c.status === 'approved' && c.id !== currentId,
        sealedId: c.sealed[0]?.id ?? null,
        createdAt: c.createdAt.toISOString(),
        reports,
      };
    }),
  };
}
