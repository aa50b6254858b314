// Reads a workflow's history: how many activities it ran and of which types, how they fall into the phases
// between Updates, and how long activities waited and ran.
import type { Client } from '@temporalio/client';
import protos from '@temporalio/proto';
import type { BarePhase } from '../bare-workflow.js';

const { EventType } = protos.temporal.api.enums.v1;
type Event = protos.temporal.api.history.v1.IHistoryEvent;

/** An event time in ms since the epoch. */
export const ms = (t: Event['eventTime']): number => {
  if (!t) return NaN;
  const s = t.seconds as unknown;
  const secs = typeof s === 'object' && s !== null && 'toNumber' in s ? (s as { toNumber(): number }).toNumber() : Number(s ?? 0);
  return secs * 1000 + (t.nanos ?? 0) / 1e6;
};

export interface HistoryFacts {
  events: number;
  workflowTasks: number;
  activities: number;
  /** Of those, local activities (a marker in the workflow's own task instead of an activity task). */
  localActivities: number;
  activityTypes: Record<string, number>;
  /** Activities per phase (after the start, after each accepted Update); `open` = up to the first `openAfter`. */
  phases: BarePhase[];
  /** Per activity type: [schedule→start, start→close] in ms, summed, with the count. */
  timing: Record<string, { waitMs: number; runMs: number; n: number }>;
}

export async function historyFacts(client: Client, workflowId: string, opts: { openAfter?: string } = {}): Promise<HistoryFacts> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const facts: HistoryFacts = { events: events.length, workflowTasks: 0, activities: 0, localActivities: 0, activityTypes: {}, phases: [], timing: {} };
  const scheduled = new Map<string, { type: string; at: number; startedAt?: number }>();
  let phase = { types: [] as string[] };
  const phases = [phase];
  /** An activity of `type` in the current phase (an ordinary or a local one). */
  const count = (type: string) => {
    facts.activities++;
    facts.activityTypes[type] = (facts.activityTypes[type] ?? 0) + 1;
    phase.types.push(type);
  };
  for (const e of events) {
    const id = String(e.eventId);
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
        facts.workflowTasks++;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        phase = { types: [] };
        phases.push(phase);
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const type = e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
        count(type);
        scheduled.set(id, { type, at: ms(e.eventTime) });
        break;
      }
      case EventType.EVENT_TYPE_MARKER_RECORDED: {
        if (e.markerRecordedEventAttributes?.markerName !== 'core_local_activity') break;
        const data = e.markerRecordedEventAttributes.details?.data?.payloads?.[0]?.data;
        const type = (data && (JSON.parse(Buffer.from(data).toString()) as { activity_type?: string }).activity_type) || '?';
        facts.localActivities++;
        count(type);
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const s = scheduled.get(String(e.activityTaskStartedEventAttributes?.scheduledEventId));
        if (s) s.startedAt = ms(e.eventTime);
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
        const attrs = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
        const s = scheduled.get(String(attrs?.scheduledEventId));
        if (s && s.startedAt !== undefined) {
          const t = (facts.timing[s.type] ??= { waitMs: 0, runMs: 0, n: 0 });
          t.waitMs += s.startedAt - s.at;
          t.runMs += ms(e.eventTime) - s.startedAt;
          t.n++;
        }
        break;
      }
    }
  }
  facts.phases = phases.map((p, i) => {
    const at = opts.openAfter && i < phases.length - 1 ? p.types.indexOf(opts.openAfter) : -1;
    const open = at + 1;
    return { open, rest: p.types.length - open };
  });
  return facts;
}

/** Sums facts of several histories (for timing over a sample of cases). */
export function mergeTiming(all: HistoryFacts[]): HistoryFacts['timing'] {
  const out: HistoryFacts['timing'] = {};
  for (const f of all) {
    for (const [k, v] of Object.entries(f.timing)) {
      const t = (out[k] ??= { waitMs: 0, runMs: 0, n: 0 });
      t.waitMs += v.waitMs;
      t.runMs += v.runMs;
      t.n += v.n;
    }
  }
  return out;
}

export function formatTiming(timing: HistoryFacts['timing']): string {
  return Object.entries(timing)
    .map(([k, v]) => `${k} ${(v.waitMs / v.n).toFixed(0)}+${(v.runMs / v.n).toFixed(0)} ms`)
    .join(', ');
}
