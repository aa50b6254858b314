// A stuck workflow task, caught by one timer on the event loop instead of a thread per call into the sandbox.
//
// The SDK guards each call into the workflow sandbox (node:vm's `timeout`; 3–4 calls per activation) with a
// watchdog thread that node creates and joins around that call. On a busy machine each of those threads must be
// scheduled before the call returns, and a decision's workflow task waits for all of them (`npm run bench`, README
// "Benchmarks"). Here the sandbox runs without them, and this guard watches the workflow threads from the event
// loop instead: a thread that has work and has answered nothing for `deadlockMs` is stuck — workflow code looping
// (ours is an interpreter of policies as data, so that is a bug). The guard logs the workflow tasks it holds and
// terminates the thread; the SDK then stops the worker with an error, and lib/runtime.ts starts a new one. The
// SDK's own watchdog, by contrast, fails the one task and keeps the thread; here every case on the worker waits
// for the restart (about a second) — the price of not paying a thread per call on every task.
import type { Worker as Thread } from 'node:worker_threads';
import { Worker } from '@temporalio/worker';
import type { Workflow, WorkflowCreateOptions, WorkflowCreator } from '@temporalio/worker/lib/workflow/interface.js';

export interface StuckTask {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** How long the task has waited for its thread's answer. */
  waitedMs: number;
}

export interface DeadlockGuardOptions {
  /** A workflow thread with work that answers nothing for this long is stuck (the SDK's per-call limit: 5 s). */
  deadlockMs: number;
  /** Told once per stuck thread, before it is terminated. */
  onStuck: (stillRunning: StuckTask[], silentMs: number) => void;
}

interface Watched {
  thread: Thread;
  pending: Set<{ info: WorkflowCreateOptions['info']; since: number }>;
  lastAnswer: number;
  stuck: boolean;
}

/** The SDK's workflow threads (ThreadedVMWorkflowCreator's clients); undefined if the SDK keeps them otherwise. */
export function threadsOf(creator: WorkflowCreator): Thread[] | undefined {
  const clients = (creator as { workerThreadClients?: { workerThread?: Thread }[] }).workerThreadClients;
  const threads = clients?.map((c) => c.workerThread);
  return threads && threads.length > 0 && threads.every((t) => typeof t?.terminate === 'function' && typeof t.on === 'function')
    ? (threads as Thread[])
    : undefined;
}

function threadOf(workflow: Workflow): Thread | undefined {
  return (workflow as { workerThreadClient?: { workerThread?: Thread } }).workerThreadClient?.workerThread;
}

/** Wraps the SDK's creator: every call that waits for a workflow thread counts as that thread's work. */
export function guardCreator(creator: WorkflowCreator, threads: Thread[], opts: DeadlockGuardOptions): WorkflowCreator {
  const watched = new Map<Thread, Watched>();
  for (const thread of threads) {
    const w: Watched = { thread, pending: new Set(), lastAnswer: Date.now(), stuck: false };
    thread.on('message', () => void (w.lastAnswer = Date.now()));
    watched.set(thread, w);
  }
  const everyMs = Math.max(50, Math.min(1000, Math.floor(opts.deadlockMs / 5)));
  let lastCheck = Date.now();
  const check = setInterval(() => {
    const now = Date.now();
    // A check this late means the event loop itself was blocked: the threads' answers may be waiting behind this
    // timer, unread. They are read before the next check.
    const late = now - lastCheck > 2 * everyMs;
    lastCheck = now;
    if (late) return;
    for (const w of watched.values()) {
      if (w.stuck || w.pending.size === 0) continue;
      const silent = now - Math.max(w.lastAnswer, Math.min(...[...w.pending].map((p) => p.since)));
      if (silent < opts.deadlockMs) continue;
      w.stuck = true;
      opts.onStuck(
        [...w.pending].map((p) => ({ workflowId: p.info.workflowId, runId: p.info.runId, workflowType: p.info.workflowType, waitedMs: now - p.since })),
        silent,
      );
      void w.thread.terminate();
    }
  }, everyMs);
  check.unref();

  async function waitFor<T>(w: Watched | undefined, info: WorkflowCreateOptions['info'], call: () => Promise<T>): Promise<T> {
    if (!w) return call();
    const entry = { info, since: Date.now() };
    w.pending.add(entry);
    try {
      return await call();
    } finally {
      w.pending.delete(entry);
    }
  }

  return {
    async createWorkflow(options) {
      // The thread the SDK picks is known only afterwards (with one thread, the SDK's default here, it is that one).
      const info = { ...options.info };
      const only = watched.size === 1 ? [...watched.values()][0] : undefined;
      const workflow = await waitFor(only, info, () => creator.createWorkflow(options));
      const thread = threadOf(workflow);
      const w = (thread && watched.get(thread)) ?? only;
      return {
        activate: (activation) => waitFor(w, info, () => workflow.activate(activation)),
        getAndResetSinkCalls: () => waitFor(w, info, () => workflow.getAndResetSinkCalls()),
        dispose: () => waitFor(w, info, () => workflow.dispose()),
      };
    },
    async destroy() {
      clearInterval(check);
      await creator.destroy();
    },
  };
}

type CreatorArgs = Parameters<(typeof Worker)['createWorkflowCreator']>;

/**
 * A Worker class whose workflow threads run without the SDK's per-call watchdog threads, guarded as above. If this
 * SDK keeps its threads where the guard cannot see them, the SDK's watchdog stays and `onFallback` says so.
 */
export function guardedWorkerClass(opts: DeadlockGuardOptions & { onFallback?: () => void }): typeof Worker {
  return class GuardedWorker extends Worker {
    protected static override async createWorkflowCreator(...[bundle, compiled, logger]: CreatorArgs): Promise<WorkflowCreator> {
      const unguarded = await super.createWorkflowCreator(bundle, { ...compiled, isolateExecutionTimeoutMs: undefined as unknown as number }, logger);
      const threads = threadsOf(unguarded);
      if (threads) return guardCreator(unguarded, threads, opts);
      await unguarded.destroy();
      opts.onFallback?.();
      return super.createWorkflowCreator(bundle, compiled, logger);
    }
  };
}
