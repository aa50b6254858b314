// The deadlock guard (worker/deadlock-guard.ts) with the runtime that restarts the worker (lib/runtime.ts), on the
// run's Temporal dev server: workflow code stuck in a loop gets its thread terminated and named in the log, a new
// worker takes over, and work on the task queue goes on.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pino } from 'pino';
import { bundleWorkflowCode } from '@temporalio/worker';
import { embeddedEnv, parseEnv } from '../../lib/env.js';
import { startRuntime, type Runtime } from '../../lib/runtime.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { waitFor } from '../support/wait.js';

const stuckWorkflows = fileURLToPath(new URL('../fixtures/workflows/stuck.ts', import.meta.url));

describe('a workflow thread stuck in workflow code', () => {
  let t: TestDb;
  let runtime: Runtime;
  let dataDir: string;
  const logs: { level: number; msg: string; tasks?: { workflowId: string; workflowType: string }[] }[] = [];
  const taskQueue = `guard-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    t = await createTestDb();
    dataDir = await mkdtemp(path.join(tmpdir(), 'chain-guard-'));
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line));
        done();
      },
    });
    const env = parseEnv(embeddedEnv, { TEMPORAL_TASK_QUEUE: taskQueue, DATA_DIR: dataDir, WORKER_ACTIVITY_THREAD: 'false', WORKER_DEADLOCK_MS: '1500' });
    runtime = await startRuntime({
      env,
      databaseUrl: t.url,
      temporalAddress: inject('temporalAddress'),
      logger: pino({ level: 'warn' }, sink),
      worker: true,
      api: false,
      embedded: true,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: stuckWorkflows, logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } }),
      dbPoolSize: 1,
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await t?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const run = (type: 'greetWorkflow' | 'spinWorkflow', args: unknown[] = []) =>
    runtime.client.workflow.start(type, { taskQueue, workflowId: `${type}-${randomUUID()}`, args });

  it('is terminated and named in the log; a new worker takes the task queue over', async () => {
    expect(await (await run('greetWorkflow', ['before'])).result()).toBe('hello before');
    const first = runtime.worker;

    const spin = await run('spinWorkflow');
    const stuck = await waitFor(() => logs.find((l) => l.level === 50 && /answered nothing for \d+ ms/.test(l.msg) && l.tasks?.some((t) => t.workflowId === spin.workflowId)), {
      timeoutMs: 15_000,
    });
    expect(stuck.tasks).toContainEqual(expect.objectContaining({ workflowId: spin.workflowId, workflowType: 'spinWorkflow' }));
    await waitFor(() => logs.find((l) => l.level === 50 && /the worker stopped with an error; starting a new one/.test(l.msg)), { timeoutMs: 15_000 });
    // Once stuck, the case stays stuck on every worker that takes its task: here it is stopped by hand.
    await spin.terminate('stuck in a loop');

    expect(await (await run('greetWorkflow', ['after'])).result()).toBe('hello after');
    expect(runtime.worker).not.toBe(first);
    expect(runtime.worker?.getState()).toBe('RUNNING');
  });
});
