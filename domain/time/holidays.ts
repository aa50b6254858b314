// Cambodian public holidays by year (Asia/Phnom_Penh dates). Lunar holidays move every year: take the dates from
// the Royal Government's annual sub-decree on public holidays and add a year here. Weekends (Sat, Sun) are not
// listed; a holiday falling on a weekend is not moved (Cambodia does not give substitute days since 2024).
//
// Running cases compute their timers from this data on every replay, so it is REVISED, never edited in place:
// to add a year, a one-off holiday or a correction, raise CALENDAR_REVISION and mark each new date with
// `since: <the new revision>` (a removed date gets `until: <the last revision that had it>`). A case computes with
// the revision it started with (see calendarAt in calendar.ts); new cases take the newest.
export interface Holiday {
  date: string; // YYYY-MM-DD, local date
  name: string;
  /** The revision that added this date (absent: 1). */
  since?: number;
  /** The last revision that had this date (absent: still in force). */
  until?: number;
}

/**
 * The newest calendar revision. 1: the lists below, nothing for other years. 2: a year without a published list
 * gets the fixed-date holidays (fixedDateHolidays) instead of none, and deadlines and escalations that fall on a
 * weekend or holiday move to the next working morning (domain/approval/engine.ts).
 */
export const CALENDAR_REVISION = 2;

/**
 * Holidays on the same date every year (MM-DD). From revision 2 they stand in for a year whose sub-decree is not in
 * the lists yet, so that a schedule reaching years ahead (a strategy's end-of-period report, an MoU renewal) does
 * not treat Khmer New Year as a working day. The lunar ones (Visak Bochea, Royal Ploughing, Pchum Ben, Water
 * Festival) are not predictable here: add the year's list when it is published. Revised like the lists: a change
 * gets `since` / `until` and a new CALENDAR_REVISION.
 */
export const fixedDateHolidays: readonly { monthDay: string; name: string; /** Revision that added it (absent: 2). */ since?: number; until?: number }[] = [
  { monthDay: '01-01', name: 'International New Year Day' },
  { monthDay: '01-07', name: 'Victory over Genocide Day' },
  { monthDay: '03-08', name: "International Women's Day" },
  { monthDay: '04-14', name: 'Khmer New Year' },
  { monthDay: '04-15', name: 'Khmer New Year' },
  { monthDay: '04-16', name: 'Khmer New Year' },
  { monthDay: '05-01', name: 'International Labour Day' },
  { monthDay: '05-14', name: "King Norodom Sihamoni's Birthday" },
  { monthDay: '06-18', name: "Queen Mother Norodom Monineath Sihanouk's Birthday" },
  { monthDay: '09-24', name: 'Constitution Day' },
  { monthDay: '10-15', name: 'Commemoration Day of King Father Norodom Sihanouk' },
  { monthDay: '10-29', name: "King Norodom Sihamoni's Coronation Day" },
  { monthDay: '11-09', name: 'Independence Day' },
];

export const cambodianHolidays: Record<number, Holiday[]> = {
  2025: [
    { date: '2025-01-01', name: 'International New Year Day' },
    { date: '2025-01-07', name: 'Victory over Genocide Day' },
    { date: '2025-03-08', name: "International Women's Day" },
    { date: '2025-04-14', name: 'Khmer New Year' },
    { date: '2025-04-15', name: 'Khmer New Year' },
    { date: '2025-04-16', name: 'Khmer New Year' },
    { date: '2025-05-01', name: 'International Labour Day' },
    { date: '2025-05-11', name: 'Visak Bochea Day' },
    { date: '2025-05-14', name: "King Norodom Sihamoni's Birthday" },
    { date: '2025-05-15', name: 'Royal Ploughing Ceremony' },
    { date: '2025-06-18', name: "Queen Mother Norodom Monineath Sihanouk's Birthday" },
    { date: '2025-09-21', name: 'Pchum Ben' },
    { date: '2025-09-22', name: 'Pchum Ben' },
    { date: '2025-09-23', name: 'Pchum Ben' },
    { date: '2025-09-24', name: 'Constitution Day' },
    { date: '2025-10-15', name: 'Commemoration Day of King Father Norodom Sihanouk' },
    { date: '2025-10-29', name: "King Norodom Sihamoni's Coronation Day" },
    { date: '2025-11-04', name: 'Water Festival' },
    { date: '2025-11-05', name: 'Water Festival' },
    { date: '2025-11-06', name: 'Water Festival' },
    { date: '2025-11-09', name: 'Independence Day' },
  ],
  2026: [
    { date: '2026-01-01', name: 'International New Year Day' },
    { date: '2026-01-07', name: 'Victory over Genocide Day' },
    { date: '2026-03-08', name: "International Women's Day" },
    { date: '2026-04-14', name: 'Khmer New Year' },
    { date: '2026-04-15', name: 'Khmer New Year' },
    { date: '2026-04-16', name: 'Khmer New Year' },
    { date: '2026-05-01', name: 'International Labour Day; Visak Bochea Day' },
    { date: '2026-05-05', name: 'Royal Ploughing Ceremony' },
    { date: '2026-05-14', name: "King Norodom Sihamoni's Birthday" },
    { date: '2026-06-18', name: "Queen Mother Norodom Monineath Sihanouk's Birthday" },
    { date: '2026-09-24', name: 'Constitution Day' },
    { date: '2026-10-10', name: 'Pchum Ben' },
    { date: '2026-10-11', name: 'Pchum Ben' },
    { date: '2026-10-12', name: 'Pchum Ben' },
    { date: '2026-10-15', name: 'Commemoration Day of King Father Norodom Sihanouk' },
    { date: '2026-10-29', name: "King Norodom Sihamoni's Coronation Day" },
    { date: '2026-11-09', name: 'Independence Day' },
    { date: '2026-11-23', name: 'Water Festival' },
    { date: '2026-11-24', name: 'Water Festival' },
    { date: '2026-11-25', name: 'Water Festival' },
  ],
  2027: [
    { date: '2027-01-01', name: 'International New Year Day' },
    { date: '2027-01-07', name: 'Victory over Genocide Day' },
    { date: '2027-03-08', name: "International Women's Day" },
    { date: '2027-04-14', name: 'Khmer New Year' },
    { date: '2027-04-15', name: 'Khmer New Year' },
    { date: '2027-04-16', name: 'Khmer New Year' },
    { date: '2027-05-01', name: 'International Labour Day' },
    { date: '2027-05-14', name: "King Norodom Sihamoni's Birthday" },
    { date: '2027-05-20', name: 'Visak Bochea Day' },
    { date: '2027-05-24', name: 'Royal Ploughing Ceremony' },
    { date: '2027-06-18', name: "Queen Mother Norodom Monineath Sihanouk's Birthday" },
    { date: '2027-09-24', name: 'Constitution Day' },
    { date: '2027-09-29', name: 'Pchum Ben' },
    { date: '2027-09-30', name: 'Pchum Ben' },
    { date: '2027-10-01', name: 'Pchum Ben' },
    { date: '2027-10-15', name: 'Commemoration Day of King Father Norodom Sihanouk' },
    { date: '2027-10-29', name: "King Norodom Sihamoni's Coronation Day" },
    { date: '2027-11-09', name: 'Independence Day' },
    { date: '2027-11-12', name: 'Water Festival' },
    { date: '2027-11-13', name: 'Water Festival' },
    { date: '2027-11-14', name: 'Water Festival' },
  ],
};
