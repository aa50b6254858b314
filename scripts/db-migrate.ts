// npm run db:migrate — applies prisma/migrations to DATABASE_URL with Prisma's WASM schema engine (the same
// `_prisma_migrations` bookkeeping as `prisma migrate deploy`). Without DATABASE_URL, to the embedded PGlite.
import path from 'node:path';
import { startEmbeddedPostgres } from '../lib/db/embedded.js';
import { migrate } from '../lib/db/migrate.js';
import { commonEnv, loadEnvOrExit } from '../lib/env.js';

const env = loadEnvOrExit(commonEnv);
const pg = env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: path.resolve(env.DATA_DIR, 'pglite') });
try {
  const applied = await migrate(env.DATABASE_URL ?? pg!.url);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
} finally {
  await pg?.close();
}
