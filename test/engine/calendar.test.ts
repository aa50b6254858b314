// The Cambodian working-day calendar (UTC+7, Saturday and Sunday off, public holidays from the sub-decrees).
import { describe, it, expect } from 'vitest';
import { addDuration, calendarAt, cambodia, isWorkingDay, localDate, makeCalendar, nextWorkingTime } from '../../domain/time/calendar.js';
import { CALENDAR_REVISION, cambodianHolidays, fixedDateHolidays } from '../../domain/time/holidays.js';
import { HOUR, local } from './helpers.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('calendar', () => {
  it('reads dates in Phnom Penh time, not UTC', () => {
    // Friday 10 April 2026, 23:30 local is still Friday; 00:30 local is Saturday although UTC says Friday.
    expect(localDate(local(2026, 4, 10, 23, 30))).toBe('2026-04-10');
    expect(localDate(local(2026, 4, 11, 0, 30))).toBe('2026-04-11');
    expect(new Date(local(2026, 4, 11, 0, 30)).getUTCDay()).toBe(5);
    expect(isWorkingDay(local(2026, 4, 10, 23, 30))).toBe(true);
    expect(isWorkingDay(local(2026, 4, 11, 0, 30))).toBe(false);
  });

  it('skips weekends: Saturday and Sunday are not working days, Monday is', () => {
    expect(isWorkingDay(local(2026, 2, 7, 10))).toBe(false); // Sat
    expect(isWorkingDay(local(2026, 2, 8, 10))).toBe(false); // Sun
    expect(isWorkingDay(local(2026, 2, 9, 10))).toBe(true); // Mon
    // One working day from Friday 09:00 is Monday 09:00.
    expect(iso(addDuration(local(2026, 2, 6, 9), { workingDays: 1 }))).toBe(iso(local(2026, 2, 9, 9)));
    // From a Saturday, the first working day is Monday.
    expect(iso(addDuration(local(2026, 2, 7, 11), { workingDays: 1 }))).toBe(iso(local(2026, 2, 9, 11)));
  });

  it('5 working days from Friday 10 April 2026 09:00 skip the weekend and Khmer New Year (14–16 April)', () => {
    for (const d of ['2026-04-14', '2026-04-15', '2026-04-16']) expect(cambodia.holidays.has(d)).toBe(true);
    // Mon 13 (1), [Tue 14–Thu 16 holiday], Fri 17 (2), [weekend], Mon 20 (3), Tue 21 (4), Wed 22 (5).
    const due = addDuration(local(2026, 4, 10, 9), { workingDays: 5 });
    expect(iso(due)).toBe(iso(local(2026, 4, 22, 9)));
    expect(iso(due)).toBe('2026-04-22T02:00:00.000Z');
  });

  it('nextWorkingTime keeps a working-day instant and moves a holiday to 08:00 local on the next working day', () => {
    const wed = local(2026, 4, 8, 15, 45);
    expect(nextWorkingTime(wed)).toBe(wed);
    expect(iso(nextWorkingTime(local(2026, 4, 14, 13)))).toBe(iso(local(2026, 4, 17, 8))); // Khmer New Year → Fri 17
    expect(iso(nextWorkingTime(local(2026, 4, 14, 13)))).toBe('2026-04-17T01:00:00.000Z');
    expect(iso(nextWorkingTime(local(2026, 4, 11, 0, 30)))).toBe(iso(local(2026, 4, 13, 8))); // Sat just after midnight
    expect(iso(nextWorkingTime(local(2026, 4, 12, 23, 59)))).toBe(iso(local(2026, 4, 13, 8))); // Sun late evening
    // Sunday 13 April 2025 ran straight into Khmer New Year (Mon 14–Wed 16): the next working day was Thursday 17.
    expect(iso(nextWorkingTime(local(2025, 4, 13, 9)))).toBe(iso(local(2025, 4, 17, 8)));
  });

  it('Water Festival 2026 (23–25 November) and Independence Day are not working days', () => {
    expect(cambodianHolidays[2026]!.filter((h) => h.name === 'Water Festival').map((h) => h.date)).toEqual(['2026-11-23', '2026-11-24', '2026-11-25']);
    for (const d of [23, 24, 25]) expect(isWorkingDay(local(2026, 11, d, 10))).toBe(false);
    expect(isWorkingDay(local(2026, 11, 26, 10))).toBe(true);
    expect(isWorkingDay(local(2026, 11, 9, 10))).toBe(false); // Independence Day, a Monday
    // Friday 20 November + 1 working day = Thursday 26 November (weekend, then the festival).
    expect(iso(addDuration(local(2026, 11, 20, 14), { workingDays: 1 }))).toBe(iso(local(2026, 11, 26, 14)));
    expect(iso(nextWorkingTime(local(2026, 11, 24, 9)))).toBe(iso(local(2026, 11, 26, 8)));
  });

  it('days and hours are calendar time, not working time; working days come first', () => {
    const fri = local(2026, 2, 6, 9);
    expect(addDuration(fri, { days: 2 })).toBe(fri + 48 * HOUR); // Sunday 09:00
    expect(addDuration(fri, { hours: 20 })).toBe(fri + 20 * HOUR); // Saturday 05:00
    expect(iso(addDuration(local(2026, 2, 5, 9), { workingDays: 1, days: 1, hours: 2 }))).toBe(iso(local(2026, 2, 7, 11)));
    expect(addDuration(fri, {})).toBe(fri);
  });

  it('a calendar made from other holidays uses only those', () => {
    const cal = makeCalendar({ 2026: [{ date: '2026-02-09', name: 'Test day' }] });
    expect(isWorkingDay(local(2026, 2, 9, 10), cal)).toBe(false);
    expect(isWorkingDay(local(2026, 4, 14, 10), cal)).toBe(true); // not Khmer New Year in this calendar
    expect(iso(addDuration(local(2026, 2, 6, 9), { workingDays: 1 }, cal))).toBe(iso(local(2026, 2, 10, 9)));
  });

  it('a year without a published list: nothing at revision 1, the fixed-date holidays from revision 2', () => {
    expect(Object.keys(cambodianHolidays)).not.toContain('2029');
    const newYear = local(2029, 4, 16, 10); // Monday 16 April 2029, Khmer New Year
    expect(isWorkingDay(newYear, calendarAt(1))).toBe(true);
    expect(isWorkingDay(newYear, calendarAt(2))).toBe(false);
    expect(isWorkingDay(newYear)).toBe(false); // the default calendar is the newest revision
    expect(cambodia.revision).toBe(CALENDAR_REVISION);
    for (const h of fixedDateHolidays) expect(isWorkingDay(Date.parse(`2031-${h.monthDay}T10:00:00+07:00`), calendarAt(2)), h.monthDay).toBe(false);
    // 5 working days from Friday 11 April 2031 at revision 2: Mon 14–Wed 16 are Khmer New Year.
    expect(iso(addDuration(local(2031, 4, 11, 9), { workingDays: 5 }, calendarAt(2)))).toBe(iso(local(2031, 4, 23, 9)));
    expect(iso(addDuration(local(2031, 4, 11, 9), { workingDays: 5 }, calendarAt(1)))).toBe(iso(local(2031, 4, 18, 9)));
  });

  it('a listed year uses its own list, not the fixed dates', () => {
    const cal = makeCalendar({ 2029: [{ date: '2029-04-13', name: 'Khmer New Year' }] }, 2);
    expect(isWorkingDay(local(2029, 4, 13, 10), cal)).toBe(false);
    expect(isWorkingDay(local(2029, 4, 16, 10), cal)).toBe(true); // not in 2029's list
    expect(isWorkingDay(local(2030, 4, 16, 10), cal)).toBe(false); // 2030 has no list: fixed dates
  });

  it('revisions: a date added later counts only from its revision, a withdrawn one only up to it (running cases keep theirs)', () => {
    const lists = { 2026: [{ date: '2026-02-09', name: 'One-off holiday', since: 3 }, { date: '2026-02-10', name: 'Moved away', until: 2 }] };
    const mon = local(2026, 2, 9, 10);
    const tue = local(2026, 2, 10, 10);
    expect([isWorkingDay(mon, makeCalendar(lists, 2)), isWorkingDay(tue, makeCalendar(lists, 2))]).toEqual([true, false]);
    expect([isWorkingDay(mon, makeCalendar(lists, 3)), isWorkingDay(tue, makeCalendar(lists, 3))]).toEqual([false, true]);
    // calendarAt remembers each revision, refuses one this code does not know (a newer API than worker).
    expect(() => calendarAt(CALENDAR_REVISION + 1)).toThrow(/newer than this code knows/);
    expect(calendarAt(CALENDAR_REVISION)).toBe(calendarAt(CALENDAR_REVISION));
    expect(calendarAt(undefined)).toBe(calendarAt(1));
    expect(calendarAt(0).revision).toBe(1);
  });

  it('the holiday table is well formed: one entry per local date, every date in its own year', () => {
    for (const [year, list] of Object.entries(cambodianHolidays)) {
      const dates = list.map((h) => h.date);
      expect(new Set(dates).size, year).toBe(dates.length);
      for (const d of dates) expect(d.slice(0, 4), d).toBe(year);
      for (const d of dates) expect(localDate(Date.parse(`${d}T00:00:00+07:00`)), d).toBe(d);
      for (const h of list) expect((h.since ?? 1) <= CALENDAR_REVISION && (h.until ?? CALENDAR_REVISION) >= (h.since ?? 1), h.date).toBe(true);
    }
  });
});
