// npx tsx scripts/api-key.ts <email> [email…] — creates an API key for each person (the key is shown once; only
// its SHA-256 is stored). Uses DATABASE_URL, or asks the running embedded engine's database.
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { createPrisma } from '../lib/db/client.js';
import { startEmbeddedPostgres } from '../lib/db/embedded.js';
import { commonEnv, loadEnvOrExit } from '../lib/env.js';
import { createApiKey } from '../lib/identity.js';

const env = loadEnvOrExit(commonEnv);
const emails = process.argv.slice(2);
if (!emails.length) {
  console.error('usage: npx tsx scripts/api-key.ts <email> [email…]');
  process.exit(2);
}
// While `npm start` runs, PGlite is served on a loopback port recorded in DATA_DIR/pglite.url.
const urlFile = path.resolve(env.DATA_DIR, 'pglite.url');
const running = !env.DATABASE_URL && existsSync(urlFile) ? readFileSync(urlFile, 'utf8').trim() : undefined;
const pg = env.DATABASE_URL || running ? undefined : await startEmbeddedPostgres({ dataDir: path.resolve(env.DATA_DIR, 'pglite') });
const db = createPrisma(env.DATABASE_URL ?? running ?? pg!.url);
let failed = false;
try {
  for (const email of emails) {
    const person = await db.person.findUnique({ where: { email } });
    if (!person) {
      console.error(`# no person with email ${email}`);
      failed = true;
      continue;
    }
    const { key } = await createApiKey(db, person.id, 'created with scripts/api-key.ts');
    const name = email.split('@')[0]!.replace(/[^a-z0-9]/gi, '_').toUpperCase();
    console.log(`export KEY_${name}=${key}`);
  }
} finally {
  await db.$disconnect();
  await pg?.close();
}
process.exit(failed ? 1 : 0);
