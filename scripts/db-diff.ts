// npm run db:diff -- <name>
// Writes prisma/migrations/<timestamp>_<name>/migration.sql: the SQL from the schema as of the last migration
// (prisma/schema.snapshot.prisma) to prisma/schema.prisma, made by Prisma's WASM schema engine against a
// throw-away in-memory PGlite. (Diffing from the migrations folder fails with this engine build: see README.)
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres } from '../lib/db/embedded.js';
import { migrationsDir, schemaPath } from '../lib/db/migrate.js';
import { noFilters, openSchemaEngine } from '../lib/db/schema-engine.js';
import { repoRoot } from '../lib/paths.js';

const snapshotPath = path.join(repoRoot, 'prisma', 'schema.snapshot.prisma');
const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]/gi, '_').toLowerCase();
if (!name) {
  console.error('usage: npm run db:diff -- <migration_name>');
  process.exit(2);
}

const current = await readFile(schemaPath, 'utf8');
const pg = await startEmbeddedPostgres();
try {
  const engine = await openSchemaEngine(pg.url, { path: 'schema.prisma', content: current });
  const from = existsSync(snapshotPath)
    ? { tag: 'schemaDatamodel' as const, files: [{ path: 'schema.prisma', content: await readFile(snapshotPath, 'utf8') }] }
    : { tag: 'empty' as const };
  const result = await engine.diff({
    from,
    to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: current }] },
    script: true,
    exitCode: null,
    filters: noFilters,
  } as Parameters<typeof engine.diff>[0]);
  engine.free();
  const sql = (result as unknown as { stdout: string }).stdout ?? '';
  if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) {
    console.log('No schema changes since the last migration.');
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = path.join(migrationsDir, `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'migration.sql'), sql);
    await copyFile(schemaPath, snapshotPath);
    console.log(`Wrote ${path.relative(repoRoot, dir)}/migration.sql`);
  }
} finally {
  await pg.close();
}
