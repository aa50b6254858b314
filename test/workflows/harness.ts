// The workflow tests' harness: one time-skipping server and one workflow bundle per test file, a Worker per
// case with recording activity fakes (the activities are not the subject of these tests).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { chainSinks, workflowsPath } from '../../worker/create-worker.js';
import { approvalWorkflow } from '../../workflows/approval/workflow.js';
import { commandUpdate, stateQuery, type ApprovalInput, type CommandAnswer } from '../../workflows/approval/messages.js';
import { progressWorkflowId } from '../../workflows/progress/messages.js';
import type { Actor, Command, CaseView } from '../../domain/approval/index.js';
import { createTimeSkippingEnv } from '../support/time-skipping.js';
import { fakeActivities, newRecorder, type Recorder } from './fixtures.js';

export let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

/** Call at the top of a test file: starts its time-skipping server and bundles the workflows. */
export function useTimeSkipping(): void {
beforeAll(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflowCode({ workflowsPath, logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } })]);
});
afterAll(async () => {
  await env?.teardown();
});
}

/** The file's workflow bundle, for tests that run a Worker of their own (e.g. with real activities). */
export const workflowBundle = (): WorkflowBundleWithSourceMap => bundle;

export const SHA = 'a'.repeat(64);

export async function withCase<T>(inp: ApprovalInput, fn: (h: CaseHandle, rec: Recorder) => Promise<T>, opts: { recorder?: Recorder } = {}): Promise<T> {
  const rec = opts.recorder ?? newRecorder();
  const taskQueue = `wf-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: fakeActivities(rec),
    sinks: chainSinks((caseId, version, state) => {
      rec.changes.push({ caseId, version });
      if (state) rec.announced.push({ version, state });
    }),
  });
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start(approvalWorkflow, { workflowId: inp.caseId, taskQueue, args: [inp] });
    const h: CaseHandle = {
      handle,
      send: (a, c, updateId, o = {}) => handle.executeUpdate(commandUpdate, { args: [{ actor: a, command: c, ...o }], ...(updateId ? { updateId } : {}) }),
      state: (viewer?: Actor) => handle.query(stateQuery, viewer),
      settle: async () => {
        // Let the workflow run its effects (activities) after an Update; a query sees the result.
        // Idle = no workflow task and no activity pending, twice in a row (an Update's effects start with a task).
        const idle = async () => {
          const d = await handle.describe();
          return !d.raw.pendingWorkflowTask && (d.raw.pendingActivities ?? []).length === 0;
        };
        for (let i = 0; i < 200; i++) {
          if ((await idle()) && (await new Promise((r) => setTimeout(r, 50)), await idle())) return;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error('the workflow did not settle');
      },
    };
    await waitOpen(h);
    try {
      return await fn(h, rec);
    } finally {
      // A case left running with pending activities would hold the shared test server's clock.
      await env.client.workflow.getHandle(inp.caseId).terminate('test over').catch(() => undefined);
      // An approved strategy leaves its progress schedule running (abandoned child): end it too, once its first
      // workflow task is done (the test server holds its clock for a task cut short by termination).
      const child = env.client.workflow.getHandle(progressWorkflowId(inp.caseId));
      for (let i = 0; i < 100; i++) {
        const d = await child.describe().catch(() => undefined);
        if (!d?.raw.pendingWorkflowTask) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      await child.terminate('test over').catch(() => undefined);
    }
  });
}

export interface CaseHandle {
  handle: Awaited<ReturnType<typeof env.client.workflow.start<typeof approvalWorkflow>>>;
  send(a: Actor, c: Command, updateId?: string, o?: { withState?: boolean }): Promise<CommandAnswer>;
  state(viewer?: Actor): Promise<CaseView>;
  settle(): Promise<void>;
}

export async function waitOpen(h: CaseHandle): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const s = await h.state();
    if (s.stages.some((st) => st.steps.some((x) => x.status === 'open')) || s.status !== 'in_progress') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no step opened');
}

export async function rejection(p: Promise<unknown>): Promise<{ type: string; message: string }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (e as WorkflowUpdateFailedError).cause as unknown as { type: string; message: string };
    return { type: cause.type, message: cause.message };
  }
  throw new Error('expected the update to be rejected');
}

/** Moves the test server's clock forward a day at a time (one long sleep can stall while activities run). */
export async function advanceDays(days: number): Promise<void> {
  for (let i = 0; i < days; i++) await env.sleep('1 day');
}

/**
 * Waits until the case's workflow has closed, by polling, and returns its status. For cases that start a child
 * with timers (an approved strategy's progress schedule): awaiting `result()` lets the time-skipping server jump
 * its clock to the child's first timer, years ahead.
 */
export async function closed(h: CaseHandle): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const d = await h.handle.describe();
    if (d.status.name !== 'RUNNING') return d.status.name;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the workflow did not close');
}

export const openSteps = (s: CaseView) => s.stages.flatMap((st) => st.steps).filter((x) => x.status === 'open').map((x) => x.id);

