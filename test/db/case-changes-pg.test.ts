// Case changes across processes over PostgreSQL's LISTEN/NOTIFY (lib/case-changes-pg.ts): what a worker process
// sends, an API process hears, also after its listening connection was cut. PostgreSQL only (CI runs this file on
// a real server; PGlite serves one session to the whole process, where nothing needs telling).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseChanges } from '../../lib/case-changes.js';
import { listenForCaseChanges, notifyCaseChanged } from '../../lib/case-changes-pg.js';
import { createLogger } from '../../lib/logger.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { waitFor } from '../support/wait.js';

const onPostgres = !!process.env.TEST_DATABASE_URL;

let t: TestDb;
beforeAll(async () => {
  if (onPostgres) t = await createTestDb({ seed: false });
});
afterAll(async () => {
  await t?.close();
});

describe.skipIf(!onPostgres)('case changes over LISTEN/NOTIFY', () => {
  it('wakes the watches of the notified case, and listens again after the server cut its connection', async () => {
    const changes = new CaseChanges();
    const listener = listenForCaseChanges({ databaseUrl: t.url, changes, logger: createLogger('silent'), retryMs: 100 });
    try {
      await listener.ready;
      const mine = changes.watch('case-1')!;
      const other = changes.watch('case-2')!;
      await notifyCaseChanged(t.db, 'case-1');
      expect(await mine.changed(5_000)).toBe(true);
      expect(await other.changed(300)).toBe(false);
      mine.stop();
      other.stop();

      const cut = await t.db.$queryRaw<{ cut: boolean }[]>`
        SELECT pg_terminate_backend(pid) AS "cut" FROM pg_stat_activity
        WHERE application_name = 'chain-case-changes' AND datname = current_database()`;
      expect(cut.map((r) => r.cut)).toEqual([true]);
      await waitFor(
        async () => {
          const w = changes.watch('case-1')!;
          await notifyCaseChanged(t.db, 'case-1');
          const heard = await w.changed(300);
          w.stop();
          return heard;
        },
        { what: 'the listener back' },
      );
    } finally {
      await listener.close();
    }
  });
});
