// The application_name a database connection announces, shown by PostgreSQL (pg_stat_activity): the activities'
// connections are told apart from the API's.

/** The activities' connections (activities/thread/host.ts): projections, audit rows, outbox, sealing. */
export const BACKGROUND_APPLICATION = 'chain-activities';

/** The URL with `application_name` set (replacing one it had); an unparsable URL is returned as it was. */
export function withApplicationName(url: string, name: string): string {
  try {
    const u = new URL(url);
    u.searchParams.set('application_name', name);
    return u.toString();
  } catch {
    return url;
  }
}
