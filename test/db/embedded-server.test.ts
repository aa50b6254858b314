// The embedded database's socket server (lib/db/pglite-server.ts) with the plain `pg` driver: several connections
// at once must each see their own statements, parameters, errors and transactions, although PGlite has one session.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../lib/db/embedded.js';
import { canIdle, idleThreadCount, threadNiceValues } from '../support/threads.js';

let server: EmbeddedPostgres;
const clients: pg.Client[] = [];

async function connect(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await startEmbeddedPostgres();
  const c = await connect();
  await c.query('CREATE TABLE kv (k text PRIMARY KEY, v int NOT NULL)');
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await server?.close();
});

describe('embedded PostgreSQL (PGlite behind a socket)', () => {
  it('keeps concurrent parameterised statements of several connections apart', async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 4 });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const c = pool;
        // Different parameter counts at once: an interleaved Bind would fail or mix them up.
        return i % 2
          ? c.query('SELECT $1::int * 2 AS x, $2::text AS tag', [i, `t${i}`]).then((r) => [r.rows[0].x, r.rows[0].tag])
          : c.query('SELECT $1::int * 2 AS x, $2::text || $3::text AS tag', [i, 't', String(i)]).then((r) => [r.rows[0].x, r.rows[0].tag]);
      }),
    );
    await pool.end();
    results.forEach(([x, tag], i) => expect([x, tag]).toEqual([i * 2, `t${i}`]));
  });

  it('answers an error inside an exchange and goes on with the next statement on the same connection', async () => {
    const c = await connect();
    await c.query('INSERT INTO kv (k, v) VALUES ($1, $2)', ['dup', 1]);
    await expect(c.query('INSERT INTO kv (k, v) VALUES ($1, $2)', ['dup', 2])).rejects.toMatchObject({ code: '23505' });
    await expect(c.query('SELECT 1 / $1::int AS x', [0])).rejects.toMatchObject({ code: '22012' });
    const r = await c.query('SELECT v FROM kv WHERE k = $1', ['dup']);
    expect(r.rows).toEqual([{ v: 1 }]);
  });

  it('gives an open transaction the database until it ends; a rolled back one leaves nothing', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    await a.query('BEGIN');
    await a.query('INSERT INTO kv (k, v) VALUES ($1, $2)', ['tx', 1]);
    // b's statement waits for a's transaction: it sees the committed row, never the half-done state.
    const seen = b.query('SELECT v FROM kv WHERE k = $1', ['tx']);
    await a.query('UPDATE kv SET v = $1 WHERE k = $2', [2, 'tx']);
    await a.query('COMMIT');
    expect((await seen).rows).toEqual([{ v: 2 }]);

    await b.query('BEGIN');
    await b.query('INSERT INTO kv (k, v) VALUES ($1, $2)', ['gone', 1]);
    await expect(b.query('INSERT INTO kv (k, v) VALUES ($1, $2)', ['gone', 2])).rejects.toMatchObject({ code: '23505' });
    await b.query('ROLLBACK');
    expect((await a.query('SELECT count(*)::int AS n FROM kv WHERE k = $1', ['gone'])).rows).toEqual([{ n: 0 }]);
  });

  it('rolls back what a connection left open when it disconnects', async () => {
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    await c.query('BEGIN');
    await c.query('INSERT INTO kv (k, v) VALUES ($1, $2)', ['orphan', 1]);
    await c.end();
    const other = await connect();
    expect((await other.query('SELECT count(*)::int AS n FROM kv WHERE k = $1', ['orphan'])).rows).toEqual([{ n: 0 }]);
  });

  it('returns large results whole', async () => {
    const c = await connect();
    const r = await c.query("SELECT g AS n, repeat('x', 500) AS pad FROM generate_series(1, 5000) g");
    expect(r.rows).toHaveLength(5000);
    expect(r.rows[4999]).toEqual({ n: 5000, pad: 'x'.repeat(500) });
  });

  it.runIf(process.platform === 'linux')('runs at a lower CPU priority when asked (PGLITE_NICE), and answers as before', async () => {
    const main = threadNiceValues()[0]!;
    const before = threadNiceValues().filter((n) => n === main + 7).length;
    const lowered = await startEmbeddedPostgres({ nice: 7 });
    try {
      const c = new pg.Client({ connectionString: lowered.url });
      await c.connect();
      expect((await c.query('SELECT 6 * 7 AS n')).rows).toEqual([{ n: 42 }]);
      await c.end();
      // The database thread (and any helper thread it started after lowering itself); the main thread is as it was.
      expect(threadNiceValues().filter((n) => n === main + 7).length).toBeGreaterThan(before);
      expect(threadNiceValues()[0]).toBe(main);
    } finally {
      await lowered.close();
    }
  });

  it.runIf(canIdle)('runs in the idle scheduling class when asked (PGLITE_IDLE), and answers as before', async () => {
    const before = idleThreadCount();
    const idle = await startEmbeddedPostgres({ idle: true });
    try {
      const c = new pg.Client({ connectionString: idle.url });
      await c.connect();
      expect((await c.query('SELECT 6 * 7 AS n')).rows).toEqual([{ n: 42 }]);
      await c.end();
      expect(idleThreadCount()).toBeGreaterThan(before);
    } finally {
      await idle.close();
    }
    expect(idleThreadCount()).toBe(before);
  });
});
