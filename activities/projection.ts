// The case projection: a copy of the engine's summary in the Case row for lists, search and task inboxes.
// Keyed by a monotonic sequence from the workflow, so a late retry of an older projection never wins.
import { utcTimestamp, type DbTx } from '../lib/db/client.js';
import { Prisma } from '../generated/prisma/client.js';
import { auditBatch, type AuditInput } from './audit.js';

export interface ProjectionInput {
  caseId: string;
  seq: number;
  status: string;
  currentStage: string | null;
  dueAt: string | null;
  /** Who may act now. */
  openAssignees: string[];
  /** Everyone assigned so far (the projection only ever adds to the stored list). */
  participants: string[];
  summary: unknown;
  fields?: Record<string, unknown>;
}

/**
 * The projection as one UPDATE statement (to run alone or inside a larger one): the summary, and the participants
 * union with what is stored (they only grow: a person removed from a step keeps read access to what they already
 * saw; new ones are appended in the order given, each once).
 */
export function projectionUpdate(p: ProjectionInput): Prisma.Sql {
  const participants = p.participants.map((a) => a.toLowerCase());
  return Prisma.sql`
    UPDATE "Case" SET
      "projectionSeq" = ${p.seq},
      "status" = ${p.status},
      "currentStage" = ${p.currentStage},
      "dueAt" = ${utcTimestamp(p.dueAt)},
      "openAssignees" = ${p.openAssignees.map((a) => a.toLowerCase())}::text[],
      "summary" = ${JSON.stringify(p.summary ?? null)}::jsonb,
      "fields" = COALESCE(${p.fields ? JSON.stringify(p.fields) : null}::jsonb, "fields"),
      "assignees" = "assignees" || ARRAY(
        SELECT t.a FROM unnest(${participants}::text[]) WITH ORDINALITY AS t(a, i)
        WHERE t.a <> ALL("Case"."assignees") GROUP BY t.a ORDER BY min(t.i)),
      "updatedAt" = ${utcTimestamp(new Date().toISOString())}
    WHERE "id" = ${p.caseId} AND "projectionSeq" < ${p.seq}`;
}

export async function projectCase(db: DbTx, p: ProjectionInput): Promise<{ applied: boolean }> {
  return { applied: (await db.$executeRaw(projectionUpdate(p))) > 0 };
}

/**
 * A transition's projection and its audit events in ONE statement, so both land or neither does, and nothing holds
 * a lock across client round trips (with the embedded PGlite an open transaction holds the whole database).
 * Idempotent: a monotonic projection sequence, keyed audit rows (`audit_append`).
 */
export async function recordTransition(db: DbTx, r: { audit: AuditInput[]; projection: ProjectionInput }): Promise<{ appended: number; applied: boolean }> {
  // Without audit rows the chain's lock is not taken at all.
  if (r.audit.length === 0) return { appended: 0, ...(await projectCase(db, r.projection)) };
  const [row] = await db.$queryRaw<{ applied: number; appended: number }[]>`
    WITH "projected" AS (${projectionUpdate(r.projection)} RETURNING 1)
    SELECT (SELECT count(*) FROM "projected")::int AS "applied", "audit_append"(${auditBatch(r.audit)}::jsonb) AS "appended"`;
  return { appended: Number(row?.appended ?? 0), applied: Number(row?.applied ?? 0) > 0 };
}
