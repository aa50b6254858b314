// Prisma 7 CLI configuration. `prisma generate` needs only the schema; migrations are made and applied by
// scripts/db-diff.ts and lib/db/migrate.ts with Prisma's WASM schema engine (see README).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/chain' },
});
