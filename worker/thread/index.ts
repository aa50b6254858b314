// The Temporal worker on a thread of its own, for a process that also serves the API (`npm start`,
// WORKER_THREAD). On one event loop, an API request — a decision's answer coming back from Temporal, a read —
// waits behind whatever the worker is doing: handing workflow tasks to the workflow threads, its side of the
// Temporal core's pipeline, the database reads that open a step. Here the API's event loop is left with the API,
// and the worker runs as it does in a process of its own (lib/runtime.ts with `worker: true, api: false`),
// announcing each case change to the API's waiting reads by message instead of through PostgreSQL's NOTIFY.
import { Worker } from 'node:worker_threads';
import type { EngineState } from '../../domain/approval/index.js';
import type { Logger } from '../../lib/logger.js';
import type { WorkerThreadConfig } from './config.js';
import { closeThread, revive, type WireError } from '../../lib/thread-messages.js';

export type { WorkerThreadConfig } from './config.js';

const entry = new URL('./thread.mjs', import.meta.url);

/** The first pause before a thread that ended unasked is replaced (it doubles while new ones fail, up to a minute). */
const RESTART_MS = 1000;
/** How long a closing thread may take to shut its worker down (in-flight activities) before it is terminated. */
const CLOSE_MS = 30_000;

type Message = { ready: true } | { fatal: WireError } | { change: [string, string, EngineState | undefined] } | { closed: true };

export interface WorkerThread {
  /** How many times the thread was replaced after it ended unasked. */
  restarts(): number;
  close(): Promise<void>;
}

/**
 * Starts the thread and resolves once its worker runs; rejects when it cannot start (an unknown namespace, a
 * database not reachable): the process's start-up fails as it would with the worker on its own event loop. A thread
 * that ends later without being asked to is replaced: its workflow tasks and activities time out on the Temporal
 * server and are retried on the new one (every activity is idempotent).
 */
export async function startWorkerThread(
  config: WorkerThreadConfig,
  opts: {
    /** A case's state moved on (the workflow's announcement): wakes the API's reads waiting for it. */
    onChange: (caseId: string, version: string, state?: EngineState) => void;
    logger: Logger;
    /** The thread's body (tests give one that ends by itself); worker/thread/thread.mjs otherwise. */
    body?: URL;
  },
): Promise<WorkerThread> {
  let current: Worker | undefined;
  /** Whether `current` has its worker running (and so listens for { close }). */
  let currentReady = false;
  let closed = false;
  let restarts = 0;
  let pauseMs = RESTART_MS;
  let restartTimer: NodeJS.Timeout | undefined;

  /** A thread, settled once its worker runs (or failed to start, or the thread ended first). */
  const spawn = () => {
    const thread = new Worker(opts.body ?? entry, { workerData: config });
    const startedAt = Date.now();
    let ready = false;
    const running = new Promise<void>((resolve, reject) => {
      thread.on('message', (m: Message) => {
        if ('change' in m) {
          // As the SDK does for a sink called on the worker's own event loop: a listener's error is logged, not thrown.
          try {
            opts.onChange(...m.change);
          } catch (err) {
            opts.logger.error({ err, caseId: m.change[0] }, 'a case change could not be announced');
          }
        } else if ('ready' in m) {
          ready = true;
          if (current === thread) currentReady = true;
          resolve();
        } else if ('fatal' in m) {
          reject(revive(m.fatal));
          void thread.terminate();
        }
      });
      thread.on('error', (err) => {
        if (!ready) reject(err);
        else opts.logger.error({ err }, 'the worker thread failed');
      });
      thread.on('exit', (code) => {
        if (!ready) reject(new Error(`the worker thread ended before its worker started (exit code ${code})`));
        // The first thread's failure to start is the caller's (the promise below); a replacement's, ours.
        if (current !== thread || closed || (!ready && restarts === 0)) return;
        current = undefined;
        // A thread that ran for a while before it ended gets a new one soon; one that keeps ending, less often.
        if (ready && Date.now() - startedAt > 60_000) pauseMs = RESTART_MS;
        opts.logger.error({ exitCode: code, restartInMs: pauseMs }, 'the worker thread ended; starting a new one');
        restartTimer = setTimeout(replace, pauseMs);
        pauseMs = Math.min(pauseMs * 2, 60_000);
      });
    });
    current = thread;
    currentReady = false;
    return running;
  };
  const replace = () => {
    if (closed) return;
    restarts++;
    spawn().then(
      () => !closed && opts.logger.info({ restarts }, 'a new worker thread is running'),
      (err: unknown) => !closed && opts.logger.error({ err }, 'a new worker thread did not start'),
    );
  };

  try {
    await spawn();
  } catch (err) {
    closed = true;
    await current?.terminate();
    throw err;
  }

  return {
    restarts: () => restarts,
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(restartTimer);
      const thread = current;
      current = undefined;
      if (!thread) return;
      // A replacement still starting (or failing to) has no worker to shut down and would read { close } only
      // once it is up: it ends now.
      if (!currentReady) {
        await thread.terminate();
        return;
      }
      await closeThread(thread, CLOSE_MS);
    },
  };
}
