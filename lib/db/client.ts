import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from '../../generated/prisma/client.js';

export type Db = PrismaClient;
/** What a function that writes may take: the client itself or an open transaction. */
export type DbTx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/** PGlite answers one exchange at a time (lib/db/pglite-server.ts): a few connections are plenty. */
export const EMBEDDED_POOL_SIZE = 4;

export function createPrisma(connectionString: string, opts: { poolSize?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString, max: opts.poolSize ?? 10 });
  return new PrismaClient({ adapter });
}

/**
 * An ISO instant as a value for the schema's `timestamp(3)` columns (UTC without a zone, as Prisma writes them),
 * for raw statements: the server converts, whatever its TimeZone setting.
 */
export const utcTimestamp = (iso: string | null): Prisma.Sql => Prisma.sql`(${iso}::timestamptz AT TIME ZONE 'UTC')`;
