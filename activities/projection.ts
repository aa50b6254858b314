// The case projection: a copy of the engine's summary in the Case row for lists, search and task inboxes.
// Keyed by a monotonic sequence from the workflow, so a late retry of an older projection never wins.
import type { Db } from '../lib/db/client.js';

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

export async function projectCase(db: Db, p: ProjectionInput): Promise<{ applied: boolean }> {
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
    // Participants only grow: union with what is stored (a person removed from a step keeps read access to
    // what they already saw).
    const row = await db.case.findUnique({ where: { id: p.caseId }, select: { assignees: true } });
    const merged = [...new Set([...(row?.assignees ?? []), ...p.participants.map((a) => a.toLowerCase())])];
    if (row && merged.length !== row.assignees.length) await db.case.update({ where: { id: p.caseId }, data: { assignees: merged } });
  }
  return { applied: count > 0 };
}
