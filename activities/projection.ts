// The case projection: a copy of the engine's summary in the Case row for lists, search and task inboxes.
// Keyed by a monotonic sequence from the workflow, so a late retry of an older projection never wins.
import type { DbTx } from '../lib/db/client.js';
import { Prisma } from '../generated/prisma/client.js';

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

export async function projectCase(db: DbTx, p: ProjectionInput): Promise<{ applied: boolean }> {
  // One statement: the summary, and the participants union with what is stored (they only grow: a person removed
  // from a step keeps read access to what they already saw; new ones are appended in the order given, each once).
  const participants = p.participants.map((a) => a.toLowerCase());
  const utc = (iso: string | null) => Prisma.sql`(${iso}::timestamptz AT TIME ZONE 'UTC')`;
  const count = await db.$executeRaw`
    UPDATE "Case" SET
      "projectionSeq" = ${p.seq},
      "status" = ${p.status},
      "currentStage" = ${p.currentStage},
      "dueAt" = ${utc(p.dueAt)},
      "openAssignees" = ${p.openAssignees.map((a) => a.toLowerCase())}::text[],
      "summary" = ${JSON.stringify(p.summary ?? null)}::jsonb,
      "fields" = COALESCE(${p.fields ? JSON.stringify(p.fields) : null}::jsonb, "fields"),
      "assignees" = "assignees" || ARRAY(
        SELECT t.a FROM unnest(${participants}::text[]) WITH ORDINALITY AS t(a, i)
        WHERE t.a <> ALL("Case"."assignees") GROUP BY t.a ORDER BY min(t.i)),
      "updatedAt" = ${utc(new Date().toISOString())}
    WHERE "id" = ${p.caseId} AND "projectionSeq" < ${p.seq}`;
  return { applied: count > 0 };
}
