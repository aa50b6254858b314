// The case projection: a copy of the engine's summary in the Case row for lists, search and task inboxes.
// Keyed by a monotonic sequence from the workflow, so a late retry of an older projection never wins.
import type { DbTx } from '../lib/db/client.js';

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
  const { count } = await db.case.updateMany({
    where: { id: p.caseId, projectionSeq: { lt: p.seq } },
    data: {
      projectionSeq: p.seq,
      status: p.status,
      currentStage: p.currentStage,
      dueAt: p.dueAt ? new Date(p.dueAt) : null,
      openAssignees: p.openAssignees.map((a) => a.toLowerCase()),
      summary: p.summary as object,
      ...(p.fields ? { fields: p.fields as object } : {}),
    },
  });
  if (count > 0 && p.participants.length) {
    // Participants only grow: union with what is stored, in one statement (a person removed from a step keeps read
    // access to what they already saw). New ones are appended in the order given, each once.
    const participants = p.participants.map((a) => a.toLowerCase());
    await db.$executeRaw`
      UPDATE "Case" SET "assignees" = "assignees" || ARRAY(
        SELECT t.a FROM unnest(${participants}::text[]) WITH ORDINALITY AS t(a, i)
        WHERE t.a <> ALL("Case"."assignees") GROUP BY t.a ORDER BY min(t.i))
      WHERE "id" = ${p.caseId} AND NOT ("assignees" @> ${participants}::text[])`;
  }
  return { applied: count > 0 };
}
