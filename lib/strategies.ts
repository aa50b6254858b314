// Strategies and their progress reports as the database sees them, shared by the API (listing, the checks on a
// new report) and the progress activity (has the report come in, was the strategy superseded). One definition of
// "current": the newest signed-off strategy of an institution (approved, with its sealed decision); earlier
// signed-off ones are archived.
import type { Db } from './db/client.js';
import type { ReportPoint } from '../domain/strategy/report-fields.js';

/** A report in one of these states counts as submitted for its point; a rejected or withdrawn one does not. */
export const reportNotSubmittedStatuses = ['rejected', 'withdrawn'] as const;
/** A report in one of these states is still open (under review or sent back). */
export const reportOpenStatuses = ['starting', 'in_progress', 'sent_back'] as const;

export interface SignedOff {
  id: string;
  signedOffAt: Date;
}

/** The institution's signed-off strategies, newest sign-off first: the first one is current, the others archived. */
export async function signedOffStrategies(db: Db, institutionId: string): Promise<SignedOff[]> {
  const rows = await db.case.findMany({
    where: { type: 'strategy', institutionId, status: 'approved', sealed: { some: { outcome: 'approved' } } },
    select: { id: true, sealed: { where: { outcome: 'approved' }, select: { createdAt: true }, orderBy: { createdAt: 'asc' }, take: 1 } },
  });
  return rows
    .map((r) => ({ id: r.id, signedOffAt: r.sealed[0]!.createdAt }))
    .sort((a, b) => b.signedOffAt.getTime() - a.signedOffAt.getTime() || (a.id < b.id ? 1 : -1));
}

export interface ReportRow {
  id: string;
  point: ReportPoint;
  status: string;
  createdAt: Date;
}

/** The progress reports filed on a strategy (any state), newest first. */
export async function reportsOfStrategy(db: Db, strategyCaseId: string): Promise<ReportRow[]> {
  const rows = await db.case.findMany({
    where: { type: 'strategy_report', fields: { path: ['strategyCaseId'], equals: strategyCaseId } },
    select: { id: true, status: true, fields: true, createdAt: true },
    orderBy: { createdAt: 'desc' },
  });
  return rows
    .map((r) => ({ id: r.id, status: r.status, createdAt: r.createdAt, point: (r.fields as { point?: ReportPoint }).point! }))
    .filter((r) => r.point === 'mid' || r.point === 'end');
}

export const countsAsSubmitted = (r: Pick<ReportRow, 'status'>) => !(reportNotSubmittedStatuses as readonly string[]).includes(r.status);
