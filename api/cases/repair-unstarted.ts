// Cases stored whose workflow start was never confirmed: Temporal did not answer the start, nor could it say
// afterwards whether the workflow existed, and the client never repeated the request with its key (or had none).
// Such a case would stay "Starting" for ever. Every API process looks for them now and then: a case still
// 'starting' some minutes (and less than a day) after it was opened gets its workflow, started from the stored
// case, when Temporal says there is none (several processes may do it at once: Temporal starts one workflow per
// case id).
import type { Client } from '@temporalio/client';
import type { Db } from '../../lib/db/client.js';
import { loadIdentity } from '../../lib/identity.js';
import type { Logger } from '../../lib/logger.js';
import { LATE_START_WITHIN_MS, startIfMissing } from './create-case.js';

/** A normal start shows in the projection within seconds; five minutes leave the slow ones alone. */
export const REPAIR_AFTER_MS = 5 * 60_000;
export const REPAIR_EVERY_MS = 5 * 60_000;
const PAGE = 100;

export async function repairUnstartedCases(opts: {
  db: Db;
  temporal: Client;
  taskQueue: string;
  olderThanMs?: number;
  logger?: Logger;
  now?: Date;
  /** Cases read at a time (100). */
  pageSize?: number;
}): Promise<{ started: string[] }> {
  const pageSize = opts.pageSize ?? PAGE;
  const now = opts.now ?? new Date();
  const before = new Date(now.getTime() - (opts.olderThanMs ?? REPAIR_AFTER_MS));
  const since = new Date(now.getTime() - LATE_START_WITHIN_MS);
  const started: string[] = [];
  // The whole window, a page at a time: cases it cannot start (their submitter gone, their workflow closed before
  // its first projection) must not hide the ones after them.
  let after: { createdAt: Date; id: string } | undefined;
  for (;;) {
    const rows = await opts.db.case.findMany({
      where: {
        status: 'starting',
        createdAt: { lte: before, gte: since },
        createdById: { not: null },
        ...(after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {}),
      },
      select: { id: true, createdById: true, createdAt: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: pageSize,
    });
    for (const row of rows) {
      try {
        // The submitter as they are now (the original request's channel is not stored: 'api').
        const identity = await loadIdentity(opts.db, row.createdById!, 'api');
        if (!identity) continue;
        if (await startIfMissing({ db: opts.db, temporal: opts.temporal, taskQueue: opts.taskQueue, identity }, row.id, now)) started.push(row.id);
      } catch (err) {
        opts.logger?.warn({ err: String(err), caseId: row.id }, 'could not repair a case left starting; will try again');
      }
    }
    if (rows.length < pageSize) break;
    after = rows[rows.length - 1]!;
  }
  if (started.length) opts.logger?.info({ started }, 'started the workflows of cases left starting');
  return { started };
}
