// Prisma's schema engine, WASM build. Loaded by hand (instead of `import '@prisma/schema-engine-wasm'`) so that no
// process needs `--experimental-wasm-modules`: we instantiate the .wasm ourselves and hand it to the bindings.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SchemaEngine as SchemaEngineType } from '@prisma/schema-engine-wasm';

const require = createRequire(import.meta.url);

let bindings: Promise<typeof import('@prisma/schema-engine-wasm')> | undefined;

async function loadBindings(): Promise<typeof import('@prisma/schema-engine-wasm')> {
  const pkgDir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as Record<string, unknown> & {
    __wbg_set_wasm(w: unknown): void;
  };
  const bytes = await readFile(path.join(pkgDir, 'schema_engine_bg.wasm'));
  const wasmApi = (globalThis as unknown as { WebAssembly: { instantiate(b: Uint8Array, i: object): Promise<{ instance: { exports: Record<string, unknown> } }> } }).WebAssembly;
  const { instance } = await wasmApi.instantiate(bytes, { './schema_engine_bg.js': bg });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  return bg as unknown as typeof import('@prisma/schema-engine-wasm');
}

export const noFilters = { externalTables: [], externalEnums: [] };

/** A schema engine bound to the database at `connectionString` (it connects at once: the database must be up). */
export async function openSchemaEngine(connectionString: string, schema: { path: string; content: string }): Promise<SchemaEngineType> {
  bindings ??= loadBindings();
  const { SchemaEngine } = await bindings;
  const factory = new PrismaPg({ connectionString });
  return SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, () => {}, bindMigrationAwareSqlAdapterFactory(factory));
}
