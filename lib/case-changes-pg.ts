// Case changes across processes, over PostgreSQL's LISTEN/NOTIFY: a worker process without the API (npm run worker)
// sends each change its workflows announce, and an API process without a worker (npm run api) listens and wakes its
// waiting reads (lib/case-changes.ts). A notification lost on the way (a reconnect, a full queue) costs only time:
// a waiting read looks again every CASE_WAIT_RECHECK_MS anyway. The embedded mode runs both in one process and
// needs none of this.
import pg from 'pg';
import type { Db } from './db/client.js';
import type { Logger } from './logger.js';
import type { CaseChanges } from './case-changes.js';

/** The channel's name (an identifier: LISTEN takes no parameter). */
export const CASE_CHANGES_CHANNEL = 'chain_case_changed';

/** Tells the API processes listening that a case changed (payload: its id and new version; ids have no spaces). */
export async function notifyCaseChanged(db: Db, caseId: string, version?: string): Promise<void> {
  await db.$executeRaw`SELECT pg_notify(${CASE_CHANGES_CHANNEL}, ${version === undefined ? caseId : `${caseId} ${version}`})`;
}

export interface CaseChangeListener {
  /** Resolves once listening (or rejects with why the first connection failed; it keeps trying either way). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Listens on a connection of its own (not from the pool: a LISTEN belongs to its session) and announces each
 * notified case to `changes`; reconnects after `retryMs` when the connection drops, waiting twice as long after
 * each failed attempt (up to a minute).
 */
export function listenForCaseChanges(opts: { databaseUrl: string; changes: CaseChanges; logger: Logger; retryMs?: number }): CaseChangeListener {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const firstDelay = opts.retryMs ?? 2000;
  let delay = firstDelay;

  const drop = (c: pg.Client) => {
    if (client === c) client = undefined;
    c.removeAllListeners('notification');
    void c.end().catch(() => undefined);
  };
  const again = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch(() => undefined);
    }, delay);
    delay = Math.min(delay * 2, 60_000);
    retry.unref();
  };
  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: opts.databaseUrl, application_name: 'chain-case-changes' });
    c.on('notification', (n) => {
      if (n.channel !== CASE_CHANGES_CHANNEL || !n.payload) return;
      const [caseId, version] = n.payload.split(' ');
      if (caseId) opts.changes.announce(caseId, version);
    });
    c.on('error', (err) => {
      opts.logger.warn({ err: String(err) }, 'case change listener lost its connection; reconnecting');
      drop(c);
      again();
    });
    // Ended without an error (the server shut down cleanly): listen again too, unless we closed it.
    c.on('end', () => {
      if (client !== c) return;
      client = undefined;
      again();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CASE_CHANGES_CHANNEL}`);
    } catch (err) {
      drop(c);
      opts.logger.warn({ err: String(err) }, 'case change listener could not connect; waiting reads look again by themselves meanwhile');
      again();
      throw err;
    }
    if (closed) return drop(c);
    client = c;
    delay = firstDelay;
  }

  const ready = connect();
  ready.catch(() => undefined);
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
