// The structured part of a progress report on a signed-off strategy (mid-period or end): the actual value of each
// KPI of the strategy, against its targets, and a narrative. Workflow-safe: zod only. Which KPIs exist is known
// only from the strategy, so `checkActualsAgainstStrategy` compares the two (the use case loads the strategy).
import { z } from 'zod';
import type { StrategyFields } from './fields.js';

export const reportPoints = ['mid', 'end'] as const;
export type ReportPoint = (typeof reportPoints)[number];

const year = z.coerce.number().int().min(2000, 'a year such as 2028').max(2100, 'a year such as 2028');

export const kpiActualSchema = z
  .object({
    /** Index of the goal in the strategy's `goals`. */
    goal: z.number().int().min(0),
    /** Index of the KPI in that goal's `kpis`. */
    kpi: z.number().int().min(0),
    /** The year the value was measured (default: the year of the report point). */
    year: year.optional(),
    actual: z.coerce.number().min(0),
    comment: z.string().trim().max(2000).optional(),
  })
  .strict();

export const strategyReportFieldsSchema = z
  .object({
    strategyCaseId: z.string().trim().min(1, 'the id of the signed-off strategy case').max(100).regex(/^[A-Za-z0-9_-]+$/, 'a case id'),
    point: z.enum(reportPoints, { message: "'mid' (mid-period) or 'end'" }),
    actuals: z.array(kpiActualSchema).min(1, 'give the actual value of each KPI').max(400),
    narrative: z.string().trim().min(50, 'describe the progress in a few sentences (at least 50 characters)').max(8000),
  })
  .strict();

export type StrategyReportFields = z.infer<typeof strategyReportFieldsSchema>;
export type KpiActual = z.infer<typeof kpiActualSchema>;

export interface ReportIssue {
  /** Path inside the report's fields, e.g. ['actuals', 2, 'kpi']. */
  path: (string | number)[];
  message: string;
}

/**
 * Every KPI of the strategy gets exactly one actual value, naming a KPI that exists, for a year inside the
 * strategy's period. Returns the problems with their paths (empty when the report fits the strategy).
 */
export function checkActualsAgainstStrategy(report: StrategyReportFields, strategy: Pick<StrategyFields, 'goals' | 'period'>): ReportIssue[] {
  const issues: ReportIssue[] = [];
  const seen = new Set<string>();
  report.actuals.forEach((a, i) => {
    const goal = strategy.goals[a.goal];
    if (!goal) {
      issues.push({ path: ['actuals', i, 'goal'], message: `the strategy has no goal ${a.goal} (it has ${strategy.goals.length}, counted from 0)` });
      return;
    }
    if (!goal.kpis[a.kpi]) {
      issues.push({ path: ['actuals', i, 'kpi'], message: `goal ${a.goal} ("${goal.title}") has no KPI ${a.kpi} (it has ${goal.kpis.length}, counted from 0)` });
      return;
    }
    const key = `${a.goal}/${a.kpi}`;
    if (seen.has(key)) issues.push({ path: ['actuals', i], message: `goals[${a.goal}].kpis[${a.kpi}] is reported twice` });
    seen.add(key);
    if (a.year !== undefined && (a.year < strategy.period.from || a.year > strategy.period.to)) {
      issues.push({ path: ['actuals', i, 'year'], message: `${a.year} is outside the period ${strategy.period.from}–${strategy.period.to}` });
    }
  });
  strategy.goals.forEach((g, gi) =>
    g.kpis.forEach((k, ki) => {
      if (!seen.has(`${gi}/${ki}`)) issues.push({ path: ['actuals'], message: `no actual value for goals[${gi}].kpis[${ki}] ("${k.name}")` });
    }),
  );
  return issues;
}
