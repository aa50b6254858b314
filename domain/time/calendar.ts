// A working-day calendar for Cambodia: "5 working days" skips weekends and public holidays. Pure (no Intl, no
// clock): local time is UTC+7 all year (Asia/Phnom_Penh has no daylight saving), so local dates are epoch + 7 h.
import { cambodianHolidays, type Holiday } from './holidays.js';

export interface Duration {
  workingDays?: number;
  days?: number;
  hours?: number;
}

export interface Calendar {
  offsetMs: number;
  weekend: number[]; // 0 = Sunday … 6 = Saturday
  holidays: ReadonlySet<string>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function makeCalendar(holidays: Record<number, Holiday[]> = cambodianHolidays): Calendar {
  return { offsetMs: 7 * HOUR, weekend: [0, 6], holidays: new Set(Object.values(holidays).flat().map((h) => h.date)) };
}

export const cambodia: Calendar = makeCalendar();

export function localDate(ms: number, cal: Calendar = cambodia): string {
  return new Date(ms + cal.offsetMs).toISOString().slice(0, 10);
}

export function isWorkingDay(ms: number, cal: Calendar = cambodia): boolean {
  const local = new Date(ms + cal.offsetMs);
  return !cal.weekend.includes(local.getUTCDay()) && !cal.holidays.has(local.toISOString().slice(0, 10));
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
