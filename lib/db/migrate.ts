// Applies prisma/migrations with Prisma's WASM schema engine; writes `_prisma_migrations` exactly as
// `prisma migrate deploy` would, so either tool can take over the same database.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../paths.js';
import { noFilters, openSchemaEngine } from './schema-engine.js';

export const schemaPath = path.join(repoRoot, 'prisma', 'schema.prisma');
export const migrationsDir = path.join(repoRoot, 'prisma', 'migrations');

export async function readMigrations(dir = migrationsDir) {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: await readFile(path.join(dir, name, 'migration.sql'), 'utf8') },
      },
    })),
  );
}

/** Applies every migration not applied yet; returns their names (empty when the database is current). */
export async function migrate(connectionString: string): Promise<string[]> {
  const content = await readFile(schemaPath, 'utf8');
  const engine = await openSchemaEngine(connectionString, { path: 'schema.prisma', content });
  try {
    const lockfile = await readFile(path.join(migrationsDir, 'migration_lock.toml'), 'utf8');
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList: {
        baseDir: migrationsDir,
        lockfile: { path: 'migration_lock.toml', content: lockfile },
        shadowDbInitScript: '',
        migrationDirectories: await readMigrations(),
      },
      filters: noFilters,
    });
    return appliedMigrationNames;
  } finally {
    engine.free();
  }
}
