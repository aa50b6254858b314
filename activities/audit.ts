// The append-only, hash-chained audit log. Each row's hash covers the previous row's hash and the row's own
// content, so that changing or deleting any row breaks every hash after it. Appends are serialised with a
// transaction-scoped advisory lock; the idempotency key makes a retried append return the row already written.
import type { Db, DbTx } from '../lib/db/client.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { sha256Hex } from '../lib/crypto.js';

export const GENESIS_HASH = '0'.repeat(64);
const AUDIT_LOCK = 727_001;

export interface AuditInput {
  idempotencyKey: string;
  caseId?: string | null;
  type: string;
  actor?: string | null;
  payload?: Record<string, unknown>;
  /** ISO time of the event (from the workflow's deterministic clock when it comes from a workflow). */
  at?: string;
}

export interface AuditRow {
  seq: bigint;
  caseId: string | null;
  type: string;
  actor: string | null;
  payload: unknown;
  idempotencyKey: string;
  prevHash: string;
  hash: string;
  createdAt: Date;
}

export function auditHash(prevHash: string, row: Omit<AuditRow, 'seq' | 'hash' | 'prevHash'>): string {
  return sha256Hex(prevHash + auditCanonical(row));
}

/** The text a row's hash covers after the previous hash. */
export function auditCanonical(row: Omit<AuditRow, 'seq' | 'hash' | 'prevHash'>): string {
  return canonicalJson({
    caseId: row.caseId,
    type: row.type,
    actor: row.actor,
    payload: row.payload,
    idempotencyKey: row.idempotencyKey,
    createdAt: row.createdAt.toISOString(),
  });
}

export async function appendAudit(db: Db, input: AuditInput): Promise<{ seq: string; hash: string; created: boolean }> {
  const existing = await db.auditEvent.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
  if (existing) return { seq: existing.seq.toString(), hash: existing.hash, created: false };
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`;
    const again = await tx.auditEvent.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
    if (again) return { seq: again.seq.toString(), hash: again.hash, created: false };
    const last = await tx.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { hash: true } });
    const content = auditContent(input);
    const prevHash = last?.hash ?? GENESIS_HASH;
    const hash = auditHash(prevHash, content);
    const row = await tx.auditEvent.create({ data: { ...content, prevHash, hash } });
    return { seq: row.seq.toString(), hash, created: true };
    // The head is read after the lock: under a snapshot isolation it would come from before it (a forked chain).
  }, { isolationLevel: 'ReadCommitted' });
}

function auditContent(input: AuditInput) {
  return {
    caseId: input.caseId ?? null,
    type: input.type,
    actor: input.actor ?? null,
    payload: (input.payload ?? {}) as object,
    idempotencyKey: input.idempotencyKey,
    createdAt: input.at ? new Date(input.at) : new Date(),
  };
}

/** The argument of the `audit_append` database function: each event with its canonical JSON (what is hashed). */
export function auditBatch(events: AuditInput[]): string {
  return JSON.stringify(
    events.map((e) => {
      const content = auditContent(e);
      return { ...content, createdAt: content.createdAt.toISOString(), canonical: auditCanonical(content) };
    }),
  );
}

/**
 * Appends a batch of events in order with one statement: the database function "audit_append" (migrations
 * 20261129020000_audit_append and 20261129120000_audit_append_read_committed, which refuses snapshot isolation) takes the advisory lock, reads the chain's head, skips keys already written and
 * chains the rest, hashing exactly as auditHash() does. The lock is held for that statement only. A retried batch
 * appends only what is missing.
 */
export async function appendAuditEvents(db: DbTx, events: AuditInput[]): Promise<{ appended: number }> {
  if (events.length === 0) return { appended: 0 };
  const [row] = await db.$queryRaw<{ appended: number }[]>`SELECT "audit_append"(${auditBatch(events)}::jsonb) AS "appended"`;
  return { appended: Number(row?.appended ?? 0) };
}

export interface ChainReport {
  ok: boolean;
  rows: number;
  headHash: string;
  /** Sealed decisions whose audit head was found in the chain. */
  anchors?: number;
  /**
   * The first row whose stored hash or link does not match; or (`anchor_missing`, seq `end`) a sealed decision names
   * an audit head that is no longer in the chain: rows were cut from its end, which the links alone cannot show.
   */
  brokenAt?: { seq: string; reason: 'hash_mismatch' | 'link_mismatch' | 'anchor_missing'; expected: string; found: string };
}

/** Walks the whole chain in order, recomputing each hash. */
export async function verifyAuditChain(db: DbTx, opts: { batchSize?: number } = {}): Promise<ChainReport> {
  const batchSize = opts.batchSize ?? 1000;
  let prev = GENESIS_HASH;
  let rows = 0;
  let cursor: bigint | undefined;
  for (;;) {
    const batch = await db.auditEvent.findMany({
      where: cursor === undefined ? {} : { seq: { gt: cursor } },
      orderBy: { seq: 'asc' },
      take: batchSize,
    });
    if (batch.length === 0) break;
    for (const row of batch) {
      if (row.prevHash !== prev) {
        return { ok: false, rows, headHash: prev, brokenAt: { seq: row.seq.toString(), reason: 'link_mismatch', expected: prev, found: row.prevHash } };
      }
      const expected = auditHash(prev, row as AuditRow);
      if (expected !== row.hash) {
        return { ok: false, rows, headHash: prev, brokenAt: { seq: row.seq.toString(), reason: 'hash_mismatch', expected, found: row.hash } };
      }
      prev = row.hash;
      rows++;
      cursor = row.seq;
    }
  }
  // Every sealed PDF names the chain's head when it was sealed: each such head must still be in the chain (the
  // links are intact, so any row found is part of it). A missing one means the newest rows were deleted.
  const anchors = await db.$queryRaw<{ hash: string; found: boolean }[]>`
    SELECT s."auditHeadHash" AS "hash", (a."hash" IS NOT NULL OR s."auditHeadHash" = ${GENESIS_HASH}) AS "found"
    FROM "SealedDocument" s LEFT JOIN "AuditEvent" a ON a."hash" = s."auditHeadHash"`;
  const missing = anchors.find((a) => !a.found);
  if (missing) return { ok: false, rows, headHash: prev, anchors: anchors.length, brokenAt: { seq: 'end', reason: 'anchor_missing', expected: missing.hash, found: prev } };
  return { ok: true, rows, headHash: prev, anchors: anchors.length };
}

export async function auditHead(db: DbTx): Promise<string> {
  const last = await db.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { hash: true } });
  return last?.hash ?? GENESIS_HASH;
}
