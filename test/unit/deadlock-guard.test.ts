// worker/deadlock-guard.ts on its own: when a workflow thread counts as stuck, and when not. The thread here is a
// stand-in (an EventEmitter with terminate); the real SDK thread is in test/integration/deadlock-guard.test.ts.
import { EventEmitter } from 'node:events';
import type { Worker as Thread } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { Workflow, WorkflowCreateOptions, WorkflowCreator } from '@temporalio/worker/lib/workflow/interface.js';
import { guardCreator, threadsOf, type StuckTask } from '../../worker/deadlock-guard.js';
import { waitFor } from '../support/wait.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class FakeThread extends EventEmitter {
  terminated = 0;
  terminate() {
    this.terminated++;
    return Promise.resolve(1);
  }
  /** The thread answers a request (any message counts). */
  answer() {
    this.emit('message', { requestId: 0n });
  }
}

/** A creator over one stand-in thread whose activations resolve when the test says so. */
function fakeCreator(thread: FakeThread) {
  const open: (() => void)[] = [];
  const workflow = {
    workerThreadClient: { workerThread: thread },
    activate: () => new Promise((resolve) => open.push(() => resolve({}))),
    getAndResetSinkCalls: async () => [],
    dispose: async () => undefined,
  };
  const creator = {
    workerThreadClients: [{ workerThread: thread }],
    createWorkflow: async () => workflow as unknown as Workflow,
    destroy: async () => undefined,
  };
  return { creator: creator as unknown as WorkflowCreator, finish: () => open.shift()?.() };
}

const options = (workflowId: string) => ({ info: { workflowId, runId: `run-${workflowId}`, workflowType: 'approvalWorkflow' } }) as unknown as WorkflowCreateOptions;

function setUp(deadlockMs: number) {
  const thread = new FakeThread();
  const { creator, finish } = fakeCreator(thread);
  const stuck: { tasks: StuckTask[]; silentMs: number }[] = [];
  const guarded = guardCreator(creator, [thread as unknown as Thread], { deadlockMs, onStuck: (tasks, silentMs) => stuck.push({ tasks, silentMs }) });
  return { thread, finish, stuck, guarded };
}

describe('the deadlock guard', () => {
  it('finds the SDK threads it watches, and nothing where the SDK keeps none', () => {
    const thread = new FakeThread();
    expect(threadsOf(fakeCreator(thread).creator)).toEqual([thread]);
    expect(threadsOf({ createWorkflow: async () => ({}) as Workflow, destroy: async () => undefined })).toBeUndefined();
    expect(threadsOf({ workerThreadClients: [{}] } as unknown as WorkflowCreator)).toBeUndefined();
  });

  it('terminates a thread that answers nothing while a task waits, naming the task, once', async () => {
    const { thread, stuck, guarded } = setUp(200);
    const wf = await guarded.createWorkflow(options('case-1'));
    void wf.activate({});
    await waitFor(() => thread.terminated > 0, { timeoutMs: 5000, intervalMs: 20 });
    await sleep(300);
    expect(thread.terminated).toBe(1);
    expect(stuck).toHaveLength(1);
    expect(stuck[0]!.silentMs).toBeGreaterThanOrEqual(200);
    expect(stuck[0]!.tasks).toEqual([expect.objectContaining({ workflowId: 'case-1', runId: 'run-case-1', workflowType: 'approvalWorkflow' })]);
    expect(stuck[0]!.tasks[0]!.waitedMs).toBeGreaterThanOrEqual(200);
    await guarded.destroy();
  });

  it('leaves alone a thread that keeps answering, and an idle one', async () => {
    const { thread, finish, stuck, guarded } = setUp(300);
    await sleep(450); // idle: no work, however long
    const wf = await guarded.createWorkflow(options('case-2'));
    void wf.activate({});
    // A long task on a thread that answers other requests meanwhile is not stuck.
    for (let i = 0; i < 6; i++) {
      await sleep(100);
      thread.answer();
    }
    finish();
    await sleep(300);
    expect(stuck).toEqual([]);
    expect(thread.terminated).toBe(0);
    await guarded.destroy();
  });

  it('does not take a blocked event loop for a stuck thread: the answers waiting behind it are read first', async () => {
    const { thread, finish, stuck, guarded } = setUp(200);
    const wf = await guarded.createWorkflow(options('case-3'));
    void wf.activate({});
    await sleep(60);
    // The thread answers, but this event loop is busy for longer than the limit before it reads the answer.
    setImmediate(() => thread.answer());
    const until = Date.now() + 500;
    while (Date.now() < until); // the event loop blocked
    await sleep(120);
    finish();
    await sleep(100);
    expect(stuck).toEqual([]);
    expect(thread.terminated).toBe(0);
    await guarded.destroy();
  });
});
