// `npm start`'s layout (WORKER_THREAD): the API on this event loop and the Temporal worker on a thread of its own
// (worker/thread), on the run's dev server. A case goes through the API; the thread's announcements wake the API's
// waiting reads; its emails link to the API's address; a stop ends the thread; a worker that cannot start fails the
// start. (The thread's supervision with a stand-in body: test/unit/worker-thread.test.ts.)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { describe, expect, inject, it } from 'vitest';
import { useHarness, workflowBundle, type Harness } from '../support/harness.js';
import { demoStrategyFields } from '../support/strategy-fields.js';
import { waitFor } from '../support/wait.js';
import { startRuntime } from '../../lib/runtime.js';
import { embeddedEnv, parseEnv } from '../../lib/env.js';
import { createLogger } from '../../lib/logger.js';
import { workerThreadCount } from '../support/threads.js';
import { spyOnQueries } from '../support/query-spy.js';

let h: Harness;
// Looking again every 30 s: a waiting read answered sooner can only have been woken by the thread's announcement.
useHarness((started) => (h = started), { workerThread: true, env: { CASE_WAIT_RECHECK_MS: '30000' } });

const IRO = 'iro@demo.rupp.edu.kh';
const RECTOR = 'rector@demo.rupp.edu.kh';

interface CaseBody {
  id: string;
  documents: { sha256: string }[];
  state: { version?: string; allowed: { stepId?: string; actions: string[] }[]; stages: { steps: { id: string; status: string }[] }[] };
}

const call = async (p: string, as: string, json?: unknown) => {
  const res = await h.api(p, { as, ...(json === undefined ? {} : { json }) });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return (await res.json()) as CaseBody;
};
const stepStatus = (b: CaseBody, stepId: string) => b.state.stages.flatMap((s) => s.steps).find((s) => s.id === stepId)?.status;

describe('the worker on a thread of its own', () => {
  it('runs the cases the API starts; its announcements wake waiting reads; its emails link to the API', async () => {
    // No worker on this event loop: the thread's.
    expect(h.runtime.worker).toBeUndefined();
    expect(h.runtime.workerThread).toBeDefined();
    expect(threadId).toBe(0);

    // Opened without eager start (the thread has a connection of its own), the case tells the API the state its first
    // task ended with, from the thread: the answer shows the first step open, without a Query.
    const { queried, spy } = spyOnQueries(h.runtime.client);
    let created: CaseBody;
    try {
      created = await call('/cases', RECTOR, { type: 'strategy', institution: 'RUPP', title: 'Worker thread: a case', fields: demoStrategyFields() });
    } finally {
      spy.mockRestore();
    }
    expect(queried).toEqual([]);
    expect(stepStatus(created, 'iro_check')).toBe('open');
    // The IRO check opens (its people looked up on the thread): the IRO's reads wait for it.
    let seen = await call(`/cases/${created.id}`, IRO);
    const t0 = performance.now();
    while (!seen.state.allowed.some((a) => a.stepId === 'iro_check')) seen = await call(`/cases/${created.id}?changedSince=${seen.state.version}&wait=20`, IRO);
    expect(performance.now() - t0).toBeLessThan(15_000);

    // The rector waits for a change; the IRO's decision wakes the read well before its next look (30 s).
    const waiting = call(`/cases/${created.id}?changedSince=${seen.state.version}&wait=25`, RECTOR);
    const t1 = performance.now();
    const decided = await call(`/cases/${created.id}/decisions`, IRO, { action: 'approve', stepId: 'iro_check', documentSha256: created.documents[0]!.sha256 });
    expect(stepStatus(decided, 'iro_check')).toBe('approved');
    const woken = await waiting;
    expect(performance.now() - t1).toBeLessThan(15_000);
    expect(woken.state.version).not.toBe(seen.state.version);
    expect(stepStatus(woken, 'iro_check')).toBe('approved');

    // The thread's activities wrote the projection and the next step's email, with links to this API.
    const row = await waitFor(() => h.t.db.case.findUnique({ where: { id: created.id } }).then((c) => (c?.openAssignees.includes(RECTOR) ? c : null)), { what: 'the projection' });
    expect(row.status).toBe('in_progress');
    expect(row.openAssignees).not.toContain(IRO);
    const mail = await waitFor(() => h.t.db.outboxMessage.findMany({ where: { caseId: created.id, kind: 'task', to: RECTOR } }).then((m) => (m.length ? m : null)), { what: "the rector's email" });
    expect(mail[0]!.text).toContain(`${h.runtime.publicUrl}/`);
    expect(h.runtime.publicUrl).toBe(`http://localhost:${new URL(h.url).port}`);
    expect(h.runtime.workerThread!.restarts()).toBe(0);
  });

  it('bundles the workflows itself and ends with the runtime; a worker that cannot start fails the start', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'chain-worker-thread-'));
    try {
      const common = { databaseUrl: h.t.url, temporalAddress: inject('temporalAddress'), logger: createLogger('silent'), worker: true, api: true, embedded: true, workerThread: true, port: 0, workflowBundle: await workflowBundle() };
      const env = parseEnv(embeddedEnv, { LOG_LEVEL: 'silent', TEMPORAL_TASK_QUEUE: `thread-${h.taskQueue}`, DATA_DIR: dataDir, WORKER_ACTIVITY_IDLE: 'false' });
      const before = workerThreadCount();
      // Without a bundle, as `npm start` starts it: the thread bundles the workflows itself.
      const { workflowBundle: _given, ...asNpmStart } = common;
      const second = await startRuntime({ ...asNpmStart, env });
      // Its worker thread, with the activity thread and the SDK's workflow thread inside it.
      expect(workerThreadCount()).toBeGreaterThanOrEqual(before + 3);
      const t0 = performance.now();
      await second.stop();
      expect(performance.now() - t0).toBeLessThan(15_000);
      await waitFor(() => workerThreadCount() === before || undefined, { what: 'its threads ended', timeoutMs: 5_000 });

      const nowhere = parseEnv(embeddedEnv, { LOG_LEVEL: 'silent', TEMPORAL_NAMESPACE: 'no-such-namespace', DATA_DIR: dataDir, WORKER_ACTIVITY_IDLE: 'false' });
      await expect(startRuntime({ ...common, env: nowhere })).rejects.toThrow(/namespace/i);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
