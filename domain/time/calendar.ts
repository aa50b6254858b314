// A working-day calendar for Cambodia: "5 working days" skips weekends and public holidays. Pure (no Intl, no
// clock): local time is UTC+7 all year (Asia/Phnom_Penh has no daylight saving), so local dates are epoch + 7 h.
import { CALENDAR_REVISION, cambodianHolidays, fixedDateHolidays, type Holiday } from './holidays.js';

export interface Duration {
  workingDays?: number;
  days?: number;
  hours?: number;
}

export interface Calendar {
  offsetMs: number;
  weekend: number[]; // 0 = Sunday … 6 = Saturday
  holidays: ReadonlySet<string>;
  /** Years with a list of their own; any other year takes `fallback` (MM-DD), when there is one. */
  listedYears?: ReadonlySet<number>;
  fallback?: ReadonlySet<string>;
  /** The revision of holidays.ts this calendar was made from. */
  revision?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A calendar from holiday lists as they stood at `revision` (default: the newest; see holidays.ts). */
export function makeCalendar(holidays: Record<number, Holiday[]> = cambodianHolidays, revision = CALENDAR_REVISION): Calendar {
  const inForce = (h: Holiday) => (h.since ?? 1) <= revision && (h.until === undefined || revision <= h.until);
  const lists = Object.entries(holidays).map(([year, list]) => [Number(year), list.filter(inForce)] as const);
  const cal: Calendar = { offsetMs: 7 * HOUR, weekend: [0, 6], holidays: new Set(lists.flatMap(([, list]) => list.map((h) => h.date))), revision };
  if (revision >= 2) {
    cal.listedYears = new Set(lists.filter(([, list]) => list.length > 0).map(([year]) => year));
    cal.fallback = new Set(fixedDateHolidays.filter((h) => (h.since ?? 2) <= revision && (h.until === undefined || revision <= h.until)).map((h) => h.monthDay));
  }
  return cal;
}

const revisions = new Map<number, Calendar>();

/**
 * Cambodia's calendar at a revision of holidays.ts: what a case computes its deadlines and reminders with, the
 * revision it started with (absent in cases started before revisions: 1). Replays compute the same times.
 */
export function calendarAt(revision = 1): Calendar {
  // A case opened by newer code (an API deployed before the workers): computing with older data would differ from
  // a later replay. Failing here fails the workflow task, which a worker that knows the revision then completes.
  if (revision > CALENDAR_REVISION) throw new Error(`calendar revision ${revision} is newer than this code knows (${CALENDAR_REVISION}): deploy the workers first`);
  const r = Math.max(1, Math.trunc(revision));
  let cal = revisions.get(r);
  if (!cal) revisions.set(r, (cal = makeCalendar(cambodianHolidays, r)));
  return cal;
}

/** The newest calendar: for everything outside running workflows. */
export const cambodia: Calendar = calendarAt(CALENDAR_REVISION);

export function localDate(ms: number, cal: Calendar = cambodia): string {
  return new Date(ms + cal.offsetMs).toISOString().slice(0, 10);
}

export function isWorkingDay(ms: number, cal: Calendar = cambodia): boolean {
  const local = new Date(ms + cal.offsetMs);
  if (cal.weekend.includes(local.getUTCDay())) return false;
  const date = local.toISOString().slice(0, 10);
  if (cal.holidays.has(date)) return false;
  return !(cal.fallback && !cal.listedYears?.has(local.getUTCFullYear()) && cal.fallback.has(date.slice(5)));
}

/** `ms` itself when it falls on a working day; otherwise 08:00 local on the next working day. */
export function nextWorkingTime(ms: number, cal: Calendar = cambodia): number {
  if (isWorkingDay(ms, cal)) return ms;
  const local = ms + cal.offsetMs;
  let dayStart = local - (local % DAY) - cal.offsetMs; // local midnight, as epoch ms
  for (let i = 0; i < 400; i++) {
    dayStart += DAY;
    if (isWorkingDay(dayStart, cal)) return dayStart + 8 * HOUR;
  }
  throw new Error('no working day within 400 days: check the calendar');
}

/** Adds working days (same local time of day, skipping weekends and holidays), then days, then hours. */
export function addDuration(startMs: number, d: Duration, cal: Calendar = cambodia): number {
  let t = startMs;
  let left = d.workingDays ?? 0;
  while (left > 0) {
    t += DAY;
    if (isWorkingDay(t, cal)) left--;
  }
  t += (d.days ?? 0) * DAY + (d.hours ?? 0) * HOUR;
  return t;
}
