// npm run audit:verify — walks the whole audit chain and recomputes every hash. Exit 0 when intact; exit 1 and
// the first broken row otherwise. Uses DATABASE_URL, or the embedded PGlite under DATA_DIR.
import path from 'node:path';
import { verifyAuditChain } from '../activities/audit.js';
import { createPrisma } from '../lib/db/client.js';
import { startEmbeddedPostgres } from '../lib/db/embedded.js';
import { commonEnv, loadEnvOrExit } from '../lib/env.js';

const env = loadEnvOrExit(commonEnv);
const pg = env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: path.resolve(env.DATA_DIR, 'pglite') });
const db = createPrisma(env.DATABASE_URL ?? pg!.url);
let ok = false;
try {
  const report = await verifyAuditChain(db);
  ok = report.ok;
  if (report.ok) console.log(`Audit chain intact: ${report.rows} rows, head ${report.headHash}; the audit heads of ${report.anchors ?? 0} sealed decisions are in it`);
  else if (report.brokenAt!.reason === 'anchor_missing') {
    const b = report.brokenAt!;
    console.error(`Audit chain CUT: a sealed decision names the audit head ${b.expected}, which is no longer in the chain (its last row is ${b.found}): rows were deleted from its end.`);
  } else {
    const b = report.brokenAt!;
    console.error(`Audit chain BROKEN at row ${b.seq} (${b.reason}): expected ${b.expected}, found ${b.found}. ${report.rows} rows before it are intact.`);
  }
} finally {
  await db.$disconnect();
  await pg?.close();
}
process.exit(ok ? 0 : 1);
