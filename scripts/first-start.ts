// What the embedded mode does once: demo data into an empty database, the default policies, and an admin API
// key written to DATA_DIR/dev-api-key so that a person can try the API with curl at once.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../lib/db/client.js';
import { createApiKey } from '../lib/identity.js';
import { seed, type SeedResult } from '../lib/seed.js';
import { devAdminEmail } from '../lib/seed-data.js';

export async function firstStart(db: Db, dataDir: string): Promise<{ seeded?: SeedResult; keyCreated: boolean }> {
  let seeded: SeedResult | undefined;
  if ((await db.institution.count()) === 0) seeded = await seed(db);
  const keyFile = path.join(dataDir, 'dev-api-key');
  let keyCreated = false;
  if (!existsSync(keyFile)) {
    const admin = await db.person.findUnique({ where: { email: devAdminEmail } });
    if (admin) {
      const { key } = await createApiKey(db, admin.id, 'embedded development key');
      await writeFile(keyFile, `${key}\n`, { mode: 0o600 });
      keyCreated = true;
    }
  }
  return { seeded, keyCreated };
}
