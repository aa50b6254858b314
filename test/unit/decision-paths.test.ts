// The bench's split of a decision's round trip over its case's history (bench/lib/decision-paths.ts).
import { describe, expect, it } from 'vitest';
import protos from '@temporalio/proto';
import { decisionPath } from '../../bench/lib/decision-paths.js';

const T = protos.temporal.api.enums.v1.EventType;
const BASE = 1_800_000_000_000;
/** An event of `type` at BASE + ms (seconds as a plain number, as decisionPath also reads them). */
const ev = (type: number, ms: number) =>
  ({ eventType: type, eventTime: { seconds: Math.floor((BASE + ms) / 1000), nanos: ((BASE + ms) % 1000) * 1e6 } }) as unknown as protos.temporal.api.history.v1.IHistoryEvent;

/** A workflow task scheduled, started and completed at these times. */
const task = (scheduled: number, started: number, completed: number) => [
  ev(T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, scheduled),
  ev(T.EVENT_TYPE_WORKFLOW_TASK_STARTED, started),
  ev(T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, completed),
];

// A case: a workflow task runs 0–40 ms (an activity's completion), the first decision's task 45–60 ms; later a
// second decision finds the case idle, its task running 205–230 ms.
const events = [
  ...task(-5, 0, 40),
  ...task(41, 45, 60),
  ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, 60),
  ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, 60),
  ev(T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, 60),
  ...task(202, 205, 230),
  ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, 230),
];

describe('decisionPath', () => {
  it('splits a decision sent while a workflow task ran into the wait behind it, the wait for its own task, the task and the way back', () => {
    // Sent at 10 ms, answered at 70 ms.
    expect(decisionPath(events, 0, BASE + 10, 60)).toEqual({ totalMs: 60, behindTaskMs: 30, toStartMs: 5, taskMs: 15, backMs: 10 });
  });

  it('has nothing behind a decision sent to an idle case', () => {
    expect(decisionPath(events, 1, BASE + 200, 35)).toEqual({ totalMs: 35, behindTaskMs: 0, toStartMs: 5, taskMs: 25, backMs: 5 });
  });

  it('knows no decision the history has not accepted', () => {
    expect(decisionPath(events, 2, BASE, 10)).toBeUndefined();
  });
});
