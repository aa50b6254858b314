// The embedded database: PGlite (Postgres compiled to WASM) served on a loopback socket so that the ordinary
// `pg` driver — and with it Prisma's adapter and the schema engine — talks to it exactly as to PostgreSQL.
import { createServer } from 'node:net';
import { startPgliteThread } from './pglite-thread.js';

export interface EmbeddedPostgres {
  url: string;
  close(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** A directory to keep the data in; in memory when absent (tests). */
  dataDir?: string;
  /** 0 picks a free port. */
  port?: number;
  /**
   * Lowers the database thread's CPU priority by this much (Linux; 0: none). The engine's own processes pass
   * PGLITE_NICE, so that on a busy machine the database's work for activities yields to the API and the workflow
   * tasks; scripts and tests leave it.
   */
  nice?: number;
  /** Runs the database thread in Linux's idle scheduling class (PGLITE_IDLE; lib/thread-priority.mjs). */
  idle?: boolean;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const port = opts.port || (await freePort());
  // Any number of connections; each exchange (and each open transaction) has PGlite to itself: keep them short.
  // PGlite runs on its own thread, off the event loop of the API and the worker.
  return startPgliteThread({ dataDir: opts.dataDir, port, nice: opts.nice, idle: opts.idle });
}
