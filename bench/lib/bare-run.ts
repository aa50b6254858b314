// The baseline side of `npm run bench`: the bare workflow (bench/bare-workflow.ts) on its own worker and task
// queue, driven with the Temporal client directly: start, wait for the step to open (query), executeUpdate, then
// its answer (the new state) as the read.
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bareDecide, bareState, bareWorkflow, type BareInput } from '../bare-workflow.js';
import { pollUntil, runPool } from './util.js';
import type { CaseTiming } from './engine-run.js';

export const bareWorkflowPath = fileURLToPath(new URL('../bare-workflow.ts', import.meta.url));

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, log() {}, error(m: string, meta?: unknown) { console.error(m, meta ?? ''); } };

export const bundleBare = (): Promise<WorkflowBundleWithSourceMap> => bundleWorkflowCode({ workflowsPath: bareWorkflowPath, logger: quiet });

export async function createBareWorker(opts: { address: string; namespace: string; taskQueue: string; bundle: WorkflowBundleWithSourceMap; maxActivities: number }) {
  const connection = await NativeConnection.connect({ address: opts.address });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: opts.bundle,
    activities: { async noop(phase: number) { return phase; } },
    maxConcurrentActivityTaskExecutions: opts.maxActivities,
  });
  return { worker, connection };
}

export function bareDriver(opts: { client: Client; taskQueue: string; input: BareInput; pollMs: number; maxPollMs: number; runId: string }) {
  const { client, taskQueue, input, pollMs, maxPollMs } = opts;
  const requests = { reads: 0, writes: 0 };
  const query = (handle: { query: (q: typeof bareState) => Promise<{ decided: number; open: number }> }) => {
    requests.reads++;
    return handle.query(bareState);
  };
  const runCase = async (i: number): Promise<CaseTiming> => {
    const t0 = performance.now();
    const id = `bare-${opts.runId}-${i}`;
    const handle = await client.workflow.start(bareWorkflow, { workflowId: id, taskQueue, args: [input] });
    const timing: CaseTiming = { id, createMs: performance.now() - t0, roundTripMs: [], postMs: [], sentAtMs: [], openWaitMs: [], totalMs: 0 };
    let last: { decided: number; open: number } | undefined;
    for (let s = 0; s < input.steps; s++) {
      const tw = performance.now();
      if (last?.open !== s) await pollUntil(() => query(handle), (v) => v.open === s, { everyMs: pollMs, maxEveryMs: maxPollMs, what: `${id}: step ${s} open` });
      timing.openWaitMs.push(performance.now() - tw);
      const t = performance.now();
      timing.sentAtMs.push(performance.timeOrigin + t);
      requests.writes++;
      last = await handle.executeUpdate(bareDecide, { args: [s] });
      timing.postMs.push(performance.now() - t);
      // The Update's answer is the new state, as the engine's decision answer is: no read after it.
      if (!(last.decided > s)) throw new Error(`${id}: step ${s} answered ${JSON.stringify(last)}`);
      timing.roundTripMs.push(performance.now() - t);
    }
    const decided = await handle.result();
    if (decided !== input.steps) throw new Error(`${id}: decided ${decided}`);
    timing.totalMs = performance.now() - t0;
    return timing;
  };
  return { runCase, requests };
}

export async function runBareCases({ runCase }: { runCase: (i: number) => Promise<CaseTiming> }, n: number, concurrency: number, offset: number) {
  const timings: CaseTiming[] = [];
  const t0 = performance.now();
  await runPool(n, concurrency, async (i) => {
    timings.push(await runCase(offset + i));
  });
  return { wallMs: performance.now() - t0, timings };
}
