// The checks a progress report on a strategy must pass before it is opened (POST /cases with type
// strategy_report) or resubmitted: the strategy exists, belongs to the report's institution, is signed off and is
// still the institution's current one; the report names each of its KPIs; and no report for the same point is
// open or approved already. Each refusal has its own stable code (lib/errors.ts).
import type { Db } from '../../lib/db/client.js';
import { AppError } from '../../lib/errors.js';
import type { Identity } from '../../lib/identity.js';
import { canReadCase } from '../../lib/authz.js';
import { countsAsSubmitted, reportsOfStrategy, signedOffStrategies } from '../../lib/strategies.js';
import { issuePath } from '../../domain/routing/policy.js';
import type { StrategyFields } from '../../domain/strategy/fields.js';
import { checkActualsAgainstStrategy, type StrategyReportFields } from '../../domain/strategy/report-fields.js';

export interface CheckStrategyReportOptions {
  db: Db;
  /** The report's fields, already validated by their schema. */
  fields: StrategyReportFields;
  /** The institution the report is filed for (its code). */
  institution: string;
  /** Where the fields sit in the request, for the issues' paths. */
  prefix: string;
  /** On resubmission: the report case itself (not a duplicate of itself). */
  reportCaseId?: string;
  /** Who files it: another institution's strategy they may not read looks like no strategy at all. */
  identity?: Identity;
}

export async function checkStrategyReport(opts: CheckStrategyReportOptions): Promise<void> {
  const { db, fields, prefix } = opts;
  const at = (path: (string | number)[]) => `${prefix}.${issuePath(path)}`;
  const strategy = await db.case.findUnique({ where: { id: fields.strategyCaseId }, include: { institution: { select: { code: true } } } });
  // A strategy the caller may not read does not exist for them (its id says nothing about another institution).
  const hidden = strategy && opts.identity && !canReadCase(opts.identity, { institution: strategy.institution.code, type: 'strategy', participants: strategy.assignees });
  if (!strategy || strategy.type !== 'strategy' || hidden) {
    throw new AppError('validation_failed', 'There is no such strategy to report on.', {
      issues: [{ path: at(['strategyCaseId']), message: `no strategy case ${fields.strategyCaseId}` }],
    });
  }
  if (strategy.institution.code !== opts.institution) {
    throw new AppError('strategy_other_institution', `Strategy ${strategy.id} belongs to another institution: a report is filed by the strategy's own institution.`, {
      issues: [{ path: at(['strategyCaseId']), message: `not a strategy of ${opts.institution}` }],
    });
  }
  const signedOff = await signedOffStrategies(db, strategy.institutionId);
  if (!signedOff.some((s) => s.id === strategy.id)) {
    throw new AppError('strategy_not_approved', `Strategy ${strategy.id} has not been signed off (it is ${strategy.status}): progress reports follow the sign-off.`, {
      strategyCaseId: strategy.id,
      strategyStatus: strategy.status,
    });
  }
  if (signedOff[0]!.id !== strategy.id) {
    throw new AppError('strategy_archived', `Strategy ${strategy.id} is archived: a newer strategy (${signedOff[0]!.id}) has been signed off since.`, {
      strategyCaseId: strategy.id,
      currentStrategyCaseId: signedOff[0]!.id,
    });
  }
  const issues = checkActualsAgainstStrategy(fields, strategy.fields as StrategyFields);
  if (issues.length) {
    throw new AppError('validation_failed', "The report does not match the strategy's KPIs.", {
      issues: issues.map((i) => ({ path: at(i.path), message: i.message })),
    });
  }
  const existing = (await reportsOfStrategy(db, strategy.id)).find((r) => r.point === fields.point && r.id !== opts.reportCaseId && countsAsSubmitted(r));
  if (existing) {
    throw new AppError('report_already_filed', `A ${fields.point} report on this strategy is already ${existing.status === 'approved' ? 'approved' : 'open'} (${existing.id}).`, {
      reportCaseId: existing.id,
      reportStatus: existing.status,
    });
  }
}

/** A resubmitted report stays a report on the same strategy and point. */
export function checkSameReport(before: unknown, after: StrategyReportFields, prefix: string): void {
  const b = (before ?? {}) as Partial<StrategyReportFields>;
  const issues = (['strategyCaseId', 'point'] as const)
    .filter((k) => b[k] !== undefined && b[k] !== after[k])
    .map((k) => ({ path: `${prefix}.${k}`, message: `a resubmission keeps ${k} ${JSON.stringify(b[k])}` }));
  if (issues.length) throw new AppError('validation_failed', 'A resubmitted report must be on the same strategy and point.', { issues });
}
