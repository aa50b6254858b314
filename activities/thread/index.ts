// The activities on a thread of their own, at a lower CPU priority than the rest of the process. The Temporal
// worker stays on its event loop (its native connection lives there: the process's main one, or the worker thread's
// in `npm start`, worker/thread) and hands each activity to this thread; the thread runs it with its own database
// pool, mailer and sealer. The worker's event loop is then left with what people wait on — the API's requests, when
// it serves them too, and the workflow tasks that answer their decisions — while
// projections, audit rows, emails and sealing take whatever CPU is left over. The results are the same: the
// activities are the same functions (activities/index.ts), only their event loop differs.
import { Worker } from 'node:worker_threads';
import type { Activities } from '../index.js';
import type { ActivityThreadConfig } from './config.js';
import { closeThread, revive, type WireError } from '../../lib/thread-messages.js';

export type { ActivityThreadConfig } from './config.js';

const entry = new URL('./thread.mjs', import.meta.url);

/** Every activity by name; a new activity that is missing here fails to compile. */
const NAMES = ['resolveAssignees', 'notify', 'project', 'audit', 'record', 'sealDecision', 'revokeLinks', 'progressReminder'] as const;
type Missing = Exclude<keyof Activities, (typeof NAMES)[number]>;
const allNamed: Missing extends never ? true : Missing = true;
void allNamed;

type Reply = { id: number; result?: unknown; error?: WireError };

export interface ActivityThread {
  activities: Activities;
  /** Whether the thread could lower its priority (Linux); known once it answered. */
  niced(): boolean | undefined;
  /** Whether the thread runs in the idle scheduling class (asked with `idle`; Linux with `chrt`); known once it answered. */
  idle(): boolean | undefined;
  setPublicUrl(url: string): void;
  close(): Promise<void>;
}

/**
 * Starts the thread now and again after it died (the activity in flight fails and Temporal retries it; every
 * activity is idempotent). Calls made before it is ready wait in its message queue.
 */
export function startActivityThread(
  config: ActivityThreadConfig,
  /** The thread's body (tests give one that dies); activities/thread/thread.mjs otherwise. */
  body: URL = entry,
): ActivityThread {
  let worker: Worker | undefined;
  let nextId = 1;
  let closed = false;
  let niced: boolean | undefined;
  let idle: boolean | undefined;
  let publicUrl = config.publicUrl;
  const pending = new Map<number, { thread: Worker; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** Fails the calls sent to `thread` (all calls when absent); a replacement's calls are its own. */
  const failAll = (err: Error, thread?: Worker) => {
    for (const [id, p] of pending) {
      if (thread && p.thread !== thread) continue;
      pending.delete(id);
      p.reject(err);
    }
  };

  const spawn = (): Worker => {
    const w = new Worker(body, { workerData: { ...config, publicUrl } });
    w.unref();
    w.on('message', (m: Reply | { ready: true; niced: boolean; idle: boolean } | { fatal: true; error: WireError } | { closed: true }) => {
      if ('ready' in m) {
        niced = m.niced;
        idle = m.idle;
      } else if ('fatal' in m) failAll(revive(m.error), w);
      else if ('id' in m) {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if (m.error) p.reject(revive(m.error));
        else p.resolve(m.result);
      }
    });
    w.on('error', (err) => {
      if (worker === w) worker = undefined;
      failAll(err, w);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(new Error(`activity thread exited (${code})`), w);
    });
    return w;
  };
  worker = spawn();

  const call = (name: string, args: unknown[]) => {
    if (closed) return Promise.reject(new Error('activity thread closed'));
    const thread = (worker ??= spawn());
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { thread, resolve, reject });
      thread.postMessage({ id, name, args });
    });
  };
  const activities = Object.fromEntries(NAMES.map((name) => [name, (...args: unknown[]) => call(name, args)])) as unknown as Activities;

  return {
    activities,
    niced: () => niced,
    idle: () => idle,
    setPublicUrl(url) {
      publicUrl = url;
      worker?.postMessage({ publicUrl: url });
    },
    async close() {
      if (closed) return;
      closed = true;
      const w = worker;
      worker = undefined;
      if (w) await closeThread(w, 5_000);
      failAll(new Error('activity thread closed'));
    },
  };
}
