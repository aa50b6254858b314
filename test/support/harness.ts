// The whole engine for an integration test: a fresh database (PGlite, or PostgreSQL with TEST_DATABASE_URL),
// the run's Temporal dev server, a worker on a task queue of its own, and the HTTP app on a free port.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { parseEnv, embeddedEnv } from '../../lib/env.js';
import { createLogger } from '../../lib/logger.js';
import { createApiKey } from '../../lib/identity.js';
import { startRuntime, type Runtime } from '../../lib/runtime.js';
import { EMBEDDED_POOL_SIZE } from '../../lib/db/client.js';
import { workflowsPath } from '../../worker/create-worker.js';
import { createTestDb, type TestDb } from './db.js';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** One workflow bundle per test file (bundling takes seconds). */
export const workflowBundle = () => (bundle ??= bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger }));

const quietBundlerLogger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error(message: string, meta?: unknown) {
    console.error(message, meta);
  },
  log() {},
};

export interface Harness {
  t: TestDb;
  runtime: Runtime;
  url: string;
  taskQueue: string;
  /** API keys by seeded email, created on demand. */
  keyFor(email: string): Promise<string>;
  /** fetch against the app with a person's API key (or none). */
  api(path: string, init?: RequestInit & { as?: string; json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export async function startHarness(opts: { env?: Record<string, string>; worker?: boolean; workerThread?: boolean } = {}): Promise<Harness> {
  const t = await createTestDb();
  const taskQueue = `test-${randomUUID().slice(0, 8)}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'chain-test-'));
  // The activity thread in the normal scheduling class: vitest keeps this machine busy, where an idle-class thread
  // would barely run (the class itself is tested in test/db/activity-thread.test.ts).
  const env = parseEnv(embeddedEnv, { LOG_LEVEL: 'silent', TEMPORAL_TASK_QUEUE: taskQueue, DATA_DIR: dataDir, WORKER_ACTIVITY_IDLE: 'false', ...opts.env });
  const runtime = await startRuntime({
    env,
    databaseUrl: t.url,
    temporalAddress: inject('temporalAddress'),
    logger: createLogger(env.LOG_LEVEL),
    worker: opts.worker !== false,
    api: true,
    embedded: true,
    workflowBundle: await workflowBundle(),
    workerThread: opts.workerThread,
    dbPoolSize: t.kind === 'pglite' ? EMBEDDED_POOL_SIZE : 10,
    port: 0,
  });
  const keys = new Map<string, string>();
  const keyFor = async (email: string) => {
    const k = keys.get(email);
    if (k) return k;
    const person = await t.db.person.findUniqueOrThrow({ where: { email } });
    const { key } = await createApiKey(t.db, person.id, 'test');
    keys.set(email, key);
    return key;
  };
  return {
    t,
    runtime,
    url: runtime.url!,
    taskQueue,
    keyFor,
    async api(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.as) headers.set('authorization', `Bearer ${await keyFor(init.as)}`);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(init.json);
      }
      return fetch(runtime.url + path, { ...init, method: init.method ?? (init.json !== undefined ? 'POST' : 'GET'), headers, body });
    },
    async close() {
      await runtime.stop();
      await t.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** One harness for a test file: started before its tests, closed after them; `use` receives it. */
export function useHarness(use: (h: Harness) => void, opts: Parameters<typeof startHarness>[0] = {}): void {
  let started: Harness | undefined;
  beforeAll(async () => {
    started = await startHarness(opts);
    use(started);
  });
  afterAll(async () => {
    await started?.close();
  });
}
