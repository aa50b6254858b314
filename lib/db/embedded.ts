// The embedded database: PGlite (Postgres compiled to WASM) served on a loopback socket so that the ordinary
// `pg` driver — and with it Prisma's adapter and the schema engine — talks to it exactly as to PostgreSQL.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createServer } from 'node:net';

export interface EmbeddedPostgres {
  url: string;
  close(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** A directory to keep the data in; in memory when absent (tests). */
  dataDir?: string;
  /** 0 picks a free port. */
  port?: number;
  maxConnections?: number;
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
  const db = opts.dataDir ? new PGlite(opts.dataDir) : new PGlite();
  await db.waitReady;
  const port = opts.port || (await freePort());
  // Several pool connections are accepted but serialised by PGlite: keep transactions short.
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: opts.maxConnections ?? 16 });
  await server.start();
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
