// When progress reports fall due, and how a report is checked against its strategy's KPIs (pure functions).
import { describe, expect, it } from 'vitest';
import { localDate } from '../../domain/time/calendar.js';
import { nextProgressReminder, periodOf, progressSchedule, reportDue } from '../../domain/strategy/progress.js';
import { checkActualsAgainstStrategy, strategyReportFieldsSchema } from '../../domain/strategy/report-fields.js';
import { strategyFieldsSchema } from '../../domain/strategy/fields.js';
import { demoStrategyFields } from '../support/strategy-fields.js';

const localTime = (ms: number) => new Date(ms + 7 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('progress report due dates', () => {
  it('mid-period is the middle of the period, the end report three months after its last year', () => {
    expect(progressSchedule({ from: 2026, to: 2030 }).map((d) => [d.point, d.dueDate])).toEqual([
      ['mid', '2028-07-01'],
      ['end', '2031-03-31'],
    ]);
    expect(reportDue({ from: 2026, to: 2029 }, 'mid').dueDate).toBe('2028-01-01');
    expect(reportDue({ from: 2026, to: 2027 }, 'mid').dueDate).toBe('2027-01-01');
  });

  it('sends the heads-up 30 days before and the reminder on the due date, at 08:00 Phnom Penh time on working days', () => {
    const mid = reportDue({ from: 2026, to: 2030 }, 'mid');
    expect(localTime(mid.dueAt)).toBe('2028-07-01 08:00'); // a Saturday
    expect(localTime(mid.firstReminderAt)).toBe('2028-07-03 08:00'); // the Monday after
    expect(localTime(mid.headsUpAt)).toBe('2028-06-01 08:00'); // a Thursday
    // 1 January 2027 (mid of 2026–2027) is a public holiday: heads-up 2 December 2026, reminder on Monday 4 January.
    const holiday = reportDue({ from: 2026, to: 2027 }, 'mid');
    expect(localTime(holiday.headsUpAt)).toBe('2026-12-02 08:00');
    expect(localTime(holiday.firstReminderAt)).toBe('2027-01-04 08:00');
    // Ten working days after Monday 4 January 2027, skipping the weekends and 7 January (a holiday).
    expect(localDate(nextProgressReminder(holiday.firstReminderAt))).toBe('2027-01-19');
  });

  it('reads a period from case fields, or none', () => {
    expect(periodOf({ period: { from: 2026, to: 2030 } })).toEqual({ from: 2026, to: 2030 });
    expect(periodOf({ period: { from: '2026', to: '2030' } })).toEqual({ from: 2026, to: 2030 });
    expect(periodOf({})).toBeNull();
    expect(periodOf({ period: { from: 2030, to: 2026 } })).toBeNull();
  });
});

describe('report fields against the strategy', () => {
  const strategy = strategyFieldsSchema.parse(demoStrategyFields());
  const actuals = [
    { goal: 0, kpi: 0, actual: 72 },
    { goal: 0, kpi: 1, actual: 20 },
    { goal: 1, kpi: 0, actual: 9 },
    { goal: 2, kpi: 0, year: 2028, actual: 24 },
  ];
  const report = (over: Record<string, unknown> = {}) =>
    strategyReportFieldsSchema.parse({ strategyCaseId: 'strategy-rupp-1', point: 'mid', actuals, narrative: 'Mobility grew faster than planned; joint research is behind its targets.', ...over });

  it('accepts one actual value per KPI of the strategy', () => {
    expect(checkActualsAgainstStrategy(report(), strategy)).toEqual([]);
  });

  it('names each problem by its path: unknown KPI, twice, outside the period, missing', () => {
    const bad = report({ actuals: [{ goal: 0, kpi: 5, actual: 1 }, { goal: 0, kpi: 0, actual: 1 }, { goal: 0, kpi: 0, actual: 2 }, { goal: 1, kpi: 0, year: 2031, actual: 3 }, { goal: 9, kpi: 0, actual: 0 }] });
    expect(checkActualsAgainstStrategy(bad, strategy).map((i) => [i.path.join('.'), i.message])).toEqual([
      ['actuals.0.kpi', 'goal 0 ("Grow student and staff mobility") has no KPI 5 (it has 2, counted from 0)'],
      ['actuals.2', 'goals[0].kpis[0] is reported twice'],
      ['actuals.3.year', '2031 is outside the period 2026–2030'],
      ['actuals.4.goal', 'the strategy has no goal 9 (it has 3, counted from 0)'],
      ['actuals', 'no actual value for goals[0].kpis[1] ("Incoming students per year")'],
      ['actuals', 'no actual value for goals[2].kpis[0] ("Active MoUs")'],
    ]);
  });

  it('refuses a report without point, actuals or narrative, with paths', () => {
    const r = strategyReportFieldsSchema.safeParse({ strategyCaseId: 'x', point: 'half', actuals: [], narrative: 'short' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['actuals', 'narrative', 'point']);
  });
});
