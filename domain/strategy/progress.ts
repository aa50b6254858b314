// When the progress reports of a signed-off strategy are due, and when the IRO hears about them. Pure and
// deterministic (no clock: callers pass `now`), so the progress workflow and the API compute the same dates.
//
//   mid-period  the middle of the period: from 1 January of the first year, half the period's length on
//               (2026–2030 → 1 July 2028; 2026–2029 → 1 January 2028)
//   end         31 December of the last year plus three months' grace: 31 March of the year after
//               (2026–2030 → 31 March 2031)
//
// Times are Asia/Phnom_Penh (UTC+7 all year): a due date's reminder goes at 08:00 local on that date, or on the
// next working day when it is a weekend or public holiday. A heads-up goes 30 days before the due date (again on
// a working day); reminders follow every 10 working days until the report is submitted.
import { addDuration, cambodia, nextWorkingTime, type Calendar } from '../time/calendar.js';
import type { ReportPoint } from './report-fields.js';

export const PROGRESS_HEADS_UP_DAYS = 30;
export const PROGRESS_REMINDER_EVERY_WORKING_DAYS = 10;
/** Grace after the end of the period before the end report is due. */
export const END_REPORT_GRACE_MONTHS = 3;

const HOUR = 3_600_000;
const LOCAL_OFFSET = 7 * HOUR;
const REMINDER_HOUR = 8;

export interface Period {
  from: number;
  to: number;
}

export interface ReportDue {
  point: ReportPoint;
  /** The local due date, YYYY-MM-DD. */
  dueDate: string;
  /** 08:00 local on the due date (epoch ms): the due-date reminder goes then (or on the next working day). */
  dueAt: number;
  /** When the heads-up goes: 30 days earlier, on a working day. */
  headsUpAt: number;
  /** When the due-date reminder goes: dueAt, or the next working day. */
  firstReminderAt: number;
}

/** 08:00 local on the given local date, as epoch ms. */
const localMorning = (y: number, monthIndex: number, day: number) => Date.UTC(y, monthIndex, day, REMINDER_HOUR) - LOCAL_OFFSET;

const iso = (y: number, monthIndex: number, day: number) => new Date(Date.UTC(y, monthIndex, day)).toISOString().slice(0, 10);

/** The local due date of a report point, as [year, monthIndex, day]. */
export function dueDateOf(period: Period, point: ReportPoint): [number, number, number] {
  if (point === 'mid') {
    const months = (period.to - period.from + 1) * 6;
    return [period.from + Math.floor(months / 12), months % 12, 1];
  }
  // Day 0 of the month after the grace = the last day of the grace's last month (31 March for 3 months).
  const end = new Date(Date.UTC(period.to + 1, END_REPORT_GRACE_MONTHS, 0));
  return [end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate()];
}

export function reportDue(period: Period, point: ReportPoint, cal: Calendar = cambodia): ReportDue {
  const [y, m, d] = dueDateOf(period, point);
  const dueAt = localMorning(y, m, d);
  return {
    point,
    dueDate: iso(y, m, d),
    dueAt,
    headsUpAt: nextWorkingTime(dueAt - PROGRESS_HEADS_UP_DAYS * 24 * HOUR, cal),
    firstReminderAt: nextWorkingTime(dueAt, cal),
  };
}

export const progressSchedule = (period: Period, cal: Calendar = cambodia): ReportDue[] => [reportDue(period, 'mid', cal), reportDue(period, 'end', cal)];

/** The reminder after one sent at `previousAt` (10 working days later, same time of day). */
export const nextProgressReminder = (previousAt: number, every = PROGRESS_REMINDER_EVERY_WORKING_DAYS, cal: Calendar = cambodia): number =>
  addDuration(previousAt, { workingDays: every }, cal);

/** A period read from a case's fields, or null when it is not one (cases recorded before fields were checked). */
export function periodOf(fields: unknown): Period | null {
  const p = (fields as { period?: { from?: unknown; to?: unknown } } | null | undefined)?.period;
  const from = Number(p?.from);
  const to = Number(p?.to);
  return Number.isInteger(from) && Number.isInteger(to) && from >= 2000 && to > from && to <= 2100 ? { from, to } : null;
}
