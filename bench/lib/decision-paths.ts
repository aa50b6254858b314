// Where a decision's round trip went, read from its case's history: the Update's answer leaves with the workflow
// task that accepts it, so its time splits into waiting behind a workflow task already running for the case (the
// server starts no second one meanwhile), waiting for its own task to start (a worker polling it), the task itself
// (the worker's activation and its answer to the server) and the way back. Clocks: the client's send time and the
// server's event times, both this machine's wall clock.
import type { Client } from '@temporalio/client';
import protos from '@temporalio/proto';
import type { CaseTiming } from './engine-run.js';
import { ms } from './history.js';

const { EventType } = protos.temporal.api.enums.v1;
type Event = protos.temporal.api.history.v1.IHistoryEvent;

const at = (e: Event): number => ms(e.eventTime);

export interface DecisionPath {
  totalMs: number;
  /** Behind a workflow task of the case that was running when the decision was sent. */
  behindTaskMs: number;
  /** From then until its own workflow task started. */
  toStartMs: number;
  /** Its workflow task, started to completed. */
  taskMs: number;
  /** From the task's completion to the client holding the answer. */
  backMs: number;
}

/** The path of the `index`-th decision of a case (the `index`-th accepted Update in its history). */
export function decisionPath(events: Event[], index: number, sentAtMs: number, totalMs: number): DecisionPath | undefined {
  const accepted = events.map((e, i) => (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED ? i : -1)).filter((i) => i >= 0);
  const a = accepted[index];
  if (a === undefined) return undefined;
  const back = (from: number, type: number) => {
    let i = from;
    while (i >= 0 && events[i]!.eventType !== type) i--;
    return i;
  };
  const completed = back(a, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  const started = back(completed, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
  const before = back(started - 1, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  if (completed < 0 || started < 0) return undefined;
  const freeAt = Math.max(sentAtMs, before >= 0 ? at(events[before]!) : sentAtMs);
  return {
    totalMs,
    behindTaskMs: freeAt - sentAtMs,
    toStartMs: Math.max(0, at(events[started]!) - freeAt),
    taskMs: at(events[completed]!) - at(events[started]!),
    backMs: sentAtMs + totalMs - at(events[completed]!),
  };
}

/**
 * The mean path of the slowest `share` of the decisions, of as many around the median and of all of them, from
 * their cases' histories (one history read per case); `behind` is the share of all decisions sent while a workflow
 * task of their case was running.
 */
export async function slowAndMedianPaths(client: Client, timings: CaseTiming[], share = 0.01): Promise<{ slowest: DecisionPath; median: DecisionPath; all: DecisionPath; behind: number; n: number }> {
  const all = timings.flatMap((t) => t.postMs.map((ms, i) => ({ t, i, ms }))).sort((x, y) => y.ms - x.ms);
  const n = Math.max(1, Math.round(all.length * share));
  const mid = Math.floor(all.length / 2 - n / 2);
  const histories = new Map<string, Promise<Event[]>>();
  const eventsOf = (id: string) => {
    let h = histories.get(id);
    if (!h) histories.set(id, (h = client.workflow.getHandle(id).fetchHistory().then((x) => x.events ?? [])));
    return h;
  };
  // Slowest first, as `all`; undefined where the history does not show the decision.
  const paths = await Promise.all(all.map(async (d) => decisionPath(await eventsOf(d.t.id), d.i, d.t.sentAtMs[d.i]!, d.ms)));
  const mean = (some: (DecisionPath | undefined)[]): DecisionPath => {
    const found = some.filter((p): p is DecisionPath => !!p);
    const avg = (f: (p: DecisionPath) => number) => found.reduce((s, p) => s + f(p), 0) / Math.max(1, found.length);
    return { totalMs: avg((p) => p.totalMs), behindTaskMs: avg((p) => p.behindTaskMs), toStartMs: avg((p) => p.toStartMs), taskMs: avg((p) => p.taskMs), backMs: avg((p) => p.backMs) };
  };
  const found = paths.filter((p): p is DecisionPath => !!p);
  return {
    slowest: mean(paths.slice(0, n)),
    median: mean(paths.slice(mid, mid + n)),
    all: mean(found),
    behind: found.filter((p) => p.behindTaskMs > 0).length / Math.max(1, found.length),
    n,
  };
}

export const formatPath = (p: DecisionPath): string =>
  `${p.totalMs.toFixed(0)} ms = behind a running task ${p.behindTaskMs.toFixed(0)} + to its task's start ${p.toStartMs.toFixed(0)} + its task ${p.taskMs.toFixed(0)} + back ${p.backMs.toFixed(0)}`;
