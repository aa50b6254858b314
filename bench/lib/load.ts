// The bench's load generator: both sides' clients, run on a thread of their own (bench/lib/load-thread.mjs), as
// clients run on other machines in production. On the main event loop they would queue behind the engine's API
// and workers, and those behind them: a decision crosses that loop several times on its way.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { BareInput } from '../bare-workflow.js';
import { bareDriver, runBareCases } from './bare-run.js';
import { engineDriver, runEngineCases, type CaseTiming, type EngineSetup } from './engine-run.js';

export interface LoadConfig {
  /** The Temporal server (the bare side's client; the engine side waits for a case's result there). */
  address: string;
  namespace: string;
  /** The engine's API. */
  url: string;
  setup: EngineSetup;
  bare: { taskQueue: string; input: BareInput; runId: string };
  pollMs: number;
  maxPollMs: number;
  /** The engine's client waits for steps to open with reads that wait for a change (false: polls, as the bare one). */
  waitForChanges: boolean;
}

export interface LoadRun {
  side: 'engine' | 'bare';
  /** Cases, numbered from `offset`, `concurrency` at a time. */
  n: number;
  offset: number;
  concurrency: number;
}

export interface LoadResult {
  wallMs: number;
  timings: CaseTiming[];
  /** Reads sent (GET /cases/:id, or Queries). */
  reads: number;
}

/** The generator itself (inside the thread). */
export async function startLoad(cfg: LoadConfig) {
  // The same kind of connection as the engine's API uses (lib/temporal.ts): the bare side's Updates go the same way.
  const connection = await NativeConnection.connect({ address: cfg.address });
  const client = new Client({ connection, namespace: cfg.namespace });
  const engine = engineDriver({ url: cfg.url, client, setup: cfg.setup, pollMs: cfg.pollMs, maxPollMs: cfg.maxPollMs, waitForChanges: cfg.waitForChanges });
  const bare = bareDriver({ client, ...cfg.bare, pollMs: cfg.pollMs, maxPollMs: cfg.maxPollMs });
  return {
    async run(r: LoadRun): Promise<LoadResult> {
      const requests = r.side === 'engine' ? engine.requests : bare.requests;
      const before = requests.reads;
      const run = r.side === 'engine' ? await runEngineCases(engine, r.n, r.concurrency, r.offset) : await runBareCases(bare, r.n, r.concurrency, r.offset);
      return { ...run, reads: requests.reads - before };
    },
    close: () => connection.close(),
  };
}

/** Starts the generator's thread; `run` sends it one batch of cases and resolves with their timings. */
export async function startLoadThread(cfg: LoadConfig) {
  const worker = new Worker(fileURLToPath(new URL('./load-thread.mjs', import.meta.url)), { workerData: cfg });
  const pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failure: Error | undefined;
  const failAll = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: { ready?: true; fatal?: string; id?: number; result?: LoadResult; error?: string }) => {
      if (m.ready) return resolve();
      if (m.fatal) return reject(new Error(`load thread: ${m.fatal}`));
      const p = m.id === undefined ? undefined : pending.get(m.id);
      if (!p) return;
      pending.delete(m.id!);
      if (m.error) p.reject(new Error(`load thread: ${m.error}`));
      else p.resolve(m.result!);
    });
    worker.on('error', (err) => {
      reject(err);
      failAll(err);
    });
    worker.on('exit', (code) => {
      const err = new Error(`load thread exited (${code})`);
      reject(err);
      failAll(err);
    });
  });
  await ready;
  return {
    run(r: LoadRun): Promise<LoadResult> {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<LoadResult>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, ...r });
      });
    },
    async close(): Promise<void> {
      worker.postMessage({ close: true });
      const closed = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
      await worker.terminate();
    },
  };
}
