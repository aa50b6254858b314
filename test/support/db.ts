// A fresh, migrated, seeded database per test file: PGlite in memory by default; with TEST_DATABASE_URL (CI sets
// it) a new database on that PostgreSQL server, dropped afterwards. No mock of Prisma or the database.
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { createPrisma, EMBEDDED_POOL_SIZE, type Db } from '../../lib/db/client.js';
import { startEmbeddedPostgres } from '../../lib/db/embedded.js';
import { migrate } from '../../lib/db/migrate.js';
import { seed } from '../../lib/seed.js';

export interface TestDb {
  db: Db;
  url: string;
  kind: 'pglite' | 'postgresql';
  close(): Promise<void>;
}

export async function createTestDb(opts: { seed?: boolean } = {}): Promise<TestDb> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  let url: string;
  let cleanup: () => Promise<void>;
  let kind: TestDb['kind'];
  if (serverUrl) {
    const name = `chain_t_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    kind = 'postgresql';
    cleanup = async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    const emb = await startEmbeddedPostgres();
    url = emb.url;
    kind = 'pglite';
    cleanup = () => emb.close();
  }
  await migrate(url);
  const db = createPrisma(url, { poolSize: kind === 'pglite' ? EMBEDDED_POOL_SIZE : 5 });
  if (opts.seed !== false) await seed(db);
  return {
    db,
    url,
    kind,
    async close() {
      await db.$disconnect();
      await cleanup();
    },
  };
}
