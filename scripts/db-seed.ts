// npm run db:seed — loads the demo institutions, people and default policies (idempotent: run it as often as you like).
import path from 'node:path';
import { createPrisma } from '../lib/db/client.js';
import { startEmbeddedPostgres } from '../lib/db/embedded.js';
import { migrate } from '../lib/db/migrate.js';
import { commonEnv, loadEnvOrExit } from '../lib/env.js';
import { seed } from '../lib/seed.js';

const env = loadEnvOrExit(commonEnv);
const pg = env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: path.resolve(env.DATA_DIR, 'pglite') });
const url = env.DATABASE_URL ?? pg!.url;
await migrate(url);
const db = createPrisma(url);
try {
  const r = await seed(db);
  console.log(`Seeded ${r.institutions} institutions, ${r.people} people, ${r.memberships} memberships, ${r.policies} policies.`);
} finally {
  await db.$disconnect();
  await pg?.close();
}
