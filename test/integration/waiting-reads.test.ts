// GET /cases/:id?changedSince=<version>&wait=<seconds> over the real engine: a read that answers when the case
// changes, woken by the workflow's sink in the same process, or by looking again when the API runs on its own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { useHarness, workflowBundle, type Harness } from '../support/harness.js';
import { demoStrategyFields } from '../support/strategy-fields.js';
import { waitFor } from '../support/wait.js';
import { spyOnQueries } from '../support/query-spy.js';
import { startRuntime } from '../../lib/runtime.js';
import { embeddedEnv, parseEnv } from '../../lib/env.js';
import { createLogger } from '../../lib/logger.js';

let h: Harness;
useHarness((started) => (h = started));

const IRO = 'iro@demo.rupp.edu.kh';
const RECTOR = 'rector@demo.rupp.edu.kh';

interface CaseBody {
  state: { version?: string; allowed: { stepId?: string; actions: string[] }[]; stages: { steps: { id: string; status: string }[] }[] };
}

const read = async (base: (p: string, init?: RequestInit & { as?: string }) => Promise<Response>, p: string, as: string) => {
  const res = await base(p, { as });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as CaseBody;
};
const stepStatus = (b: CaseBody, stepId: string) => b.state.stages.flatMap((s) => s.steps).find((s) => s.id === stepId)?.status;

/** A strategy of RUPP with its IRO check open; the version a read shows then. */
async function openCase(title: string): Promise<{ id: string; sha: string; version: string }> {
  const res = await h.api('/cases', { as: RECTOR, json: { type: 'strategy', institution: 'RUPP', title, fields: demoStrategyFields() } });
  expect(res.status).toBe(201);
  const c = (await res.json()) as { id: string; documents: { sha256: string }[] };
  const open = await waitFor(
    async () => {
      const b = await read(h.api, `/cases/${c.id}`, IRO);
      return b.state.allowed.some((a) => a.stepId === 'iro_check') ? b : undefined;
    },
    { what: 'the IRO check' },
  );
  expect(open.state.version).toMatch(/^\d+\.\d+$/);
  return { id: c.id, sha: c.documents[0]!.sha256, version: open.state.version! };
}


const approveIroCheck = (c: { id: string; sha: string }) => h.api(`/cases/${c.id}/decisions`, { as: IRO, json: { action: 'approve', stepId: 'iro_check', documentSha256: c.sha } });

/** Settles to its time in ms, or to 'pending' if still waiting after `ms`. */
const pendingAfter = <T,>(p: Promise<T>, ms: number) => Promise.race([p.then(() => 'settled' as const), new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);

describe('reads that wait for a change', () => {
  it('answers once someone else decides, with the new state; at once when the caller is behind already', async () => {
    const c = await openCase('Waiting read: decision');
    // Every viewer sees the same version.
    expect((await read(h.api, `/cases/${c.id}`, RECTOR)).state.version).toBe(c.version);
    const t0 = performance.now();
    const waiting = read(h.api, `/cases/${c.id}?changedSince=${c.version}&wait=20`, RECTOR);
    expect(await pendingAfter(waiting, 400)).toBe('pending');
    expect(h.runtime.caseChanges!.size).toBe(1);
    const decided = await approveIroCheck(c);
    expect(decided.status).toBe(200);
    const answer = await waiting;
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(answer.state.version).not.toBe(c.version);
    expect(stepStatus(answer, 'iro_check')).toBe('approved');
    expect(h.runtime.caseChanges!.size).toBe(0);
    // Behind already: the current state at once.
    const t1 = performance.now();
    const behind = await read(h.api, `/cases/${c.id}?changedSince=${c.version}&wait=20`, RECTOR);
    expect(performance.now() - t1).toBeLessThan(2_000);
    expect(behind.state.version).not.toBe(c.version);
  });

  it("shows a read woken by its own worker the state that worker announced, without a Query; a read woken by another process's notice asks the workflow", async () => {
    const c = await openCase('Waiting read: the announced state');
    // Count the Queries the API sends for this case from here on.
    const { queried, spy } = spyOnQueries(h.runtime.client, c.id);
    try {
      const waiting = read(h.api, `/cases/${c.id}?changedSince=${c.version}&wait=20`, RECTOR);
      await waitFor(async () => h.runtime.caseChanges!.size === 1 || undefined, { what: 'the read waiting' });
      // A notice without the state (what another process's NOTIFY brings) wakes the read: it asks the workflow,
      // finds nothing new and waits again.
      h.runtime.caseChanges!.announce(c.id, 'elsewhere');
      await waitFor(async () => queried.length === 1 || undefined, { what: 'the Query' });
      expect(await pendingAfter(waiting, 300)).toBe('pending');
      // The decision (its answer carries its state) and the read woken by the worker: no Query.
      expect((await approveIroCheck(c)).status).toBe(200);
      const answer = await waiting;
      expect(answer.state.version).not.toBe(c.version);
      expect(stepStatus(answer, 'iro_check')).toBe('approved');
      expect(queried).toEqual(['state']);
      // Shaped for the caller, as a Query would be: the rector, who submitted the case, may withdraw it.
      expect(answer.state.allowed).toContainEqual({ actions: ['withdraw'] });
    } finally {
      spy.mockRestore();
    }
  });

  it('needs no wait for the first step: the answer to opening a case shows it open (its people are looked up in the first workflow task), from the state its worker announced', async () => {
    const { queried, spy } = spyOnQueries(h.runtime.client);
    let res: Response;
    try {
      res = await h.api('/cases', { as: RECTOR, json: { type: 'strategy', institution: 'RUPP', title: 'Waiting read: first step', fields: demoStrategyFields() } });
    } finally {
      spy.mockRestore();
    }
    expect(res.status).toBe(201);
    // Started on this process's worker (eager start), the case told the API its state: no Query.
    expect(queried).toEqual([]);
    const created = (await res.json()) as CaseBody & { id: string };
    expect(stepStatus(created, 'iro_check')).toBe('open');
    // The IRO may act at once, on the same version of the case.
    const asIro = await read(h.api, `/cases/${created.id}`, IRO);
    expect(asIro.state.allowed.some((a) => a.stepId === 'iro_check' && a.actions.includes('approve'))).toBe(true);
    expect(asIro.state.version).toBe(created.state.version);
  });

  it('lets the next decider wait for their step to open after a decision', async () => {
    const c = await openCase('Waiting read: next step');
    const decided = (await (await approveIroCheck(c)).json()) as CaseBody;
    let version = decided.state.version!;
    // The rector's step opens once its people are resolved (an activity): each answer is a change, until it is ours.
    let reads = 0;
    for (let b: CaseBody | undefined; !b?.state.allowed.some((a) => a.stepId === 'leadership_endorsement' && a.actions.includes('approve')); version = b.state.version!) {
      b = await read(h.api, `/cases/${c.id}?changedSince=${version}&wait=20`, RECTOR);
      reads++;
      expect(b.state.version).not.toBe(version);
    }
    expect(reads).toBeLessThanOrEqual(2);
  });

  it('answers with the same version when nothing changes in time, and stops waiting for a client that left', async () => {
    const c = await openCase('Waiting read: nothing happens');
    const t0 = performance.now();
    const same = await read(h.api, `/cases/${c.id}?changedSince=${c.version}&wait=1`, IRO);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(900);
    expect(same.state.version).toBe(c.version);
    // The client gives up after 300 ms: the server stops waiting for it.
    const gone = new AbortController();
    const left = h.api(`/cases/${c.id}?changedSince=${c.version}&wait=30`, { as: IRO, signal: gone.signal }).catch((err: Error) => err.name);
    await waitFor(async () => h.runtime.caseChanges!.size === 1 || undefined, { what: 'the read waiting' });
    gone.abort();
    expect(await left).toBe('AbortError');
    await waitFor(async () => h.runtime.caseChanges!.size === 0 || undefined, { what: 'the wait dropped' });
  });

  it('checks its parameters and access before waiting: 422 with the path, 404 for an outsider', async () => {
    const c = await openCase('Waiting read: bad input');
    const bad = async (query: string, where: string) => {
      const res = await h.api(`/cases/${c.id}?${query}`, { as: IRO });
      expect(res.status, query).toBe(422);
      const body = (await res.json()) as { code: string; issues: { path: string }[] };
      expect(body.code).toBe('validation_failed');
      expect(body.issues.map((i) => i.path)).toContain(where);
    };
    await bad(`changedSince=${c.version}&wait=31`, 'query.wait');
    await bad(`changedSince=${c.version}&wait=-1`, 'query.wait');
    await bad('wait=5', 'query.wait');
    await bad('changedSince=latest', 'query.changedSince');
    await bad(`changedSince=${c.version}&since=1`, 'query');
    const t0 = performance.now();
    const outsider = await h.api(`/cases/${c.id}?changedSince=${c.version}&wait=20`, { as: 'iro@demo.itc.edu.kh' });
    expect(outsider.status).toBe(404);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it('with the API on its own (no worker in its process), looks again every CASE_WAIT_RECHECK_MS; a stop answers waiting reads at once', async () => {
    const c = await openCase('Waiting read: API alone');
    const dataDir = await mkdtemp(path.join(tmpdir(), 'chain-api-alone-'));
    const env = parseEnv(embeddedEnv, { LOG_LEVEL: 'silent', TEMPORAL_TASK_QUEUE: h.taskQueue, DATA_DIR: dataDir, CASE_WAIT_RECHECK_MS: '200' });
    const apiAlone = await startRuntime({ env, databaseUrl: h.t.url, temporalAddress: inject('temporalAddress'), logger: createLogger('silent'), worker: false, api: true, embedded: true, port: 0 });
    let stopped = false;
    try {
      const key = await h.keyFor(RECTOR);
      const readAlone = (version: string, wait: number) =>
        fetch(`${apiAlone.url}/cases/${c.id}?changedSince=${version}&wait=${wait}`, { headers: { authorization: `Bearer ${key}` } }).then(async (r) => ({ status: r.status, body: (await r.json()) as CaseBody }));
      const waiting = readAlone(c.version, 20);
      expect(await pendingAfter(waiting, 500)).toBe('pending');
      const t0 = performance.now();
      expect((await approveIroCheck(c)).status).toBe(200);
      const answer = await waiting;
      expect(answer.status).toBe(200);
      expect(answer.body.state.version).not.toBe(c.version);
      expect(performance.now() - t0).toBeLessThan(5_000);

      // Stopping the process does not wait out a 30-second read: it answers with the state as it is.
      await waitFor(async () => (await read(h.api, `/cases/${c.id}`, RECTOR)).state.allowed.some((a) => a.stepId === 'leadership_endorsement') || undefined, { what: 'the next step' });
      const current = (await read(h.api, `/cases/${c.id}`, RECTOR)).state.version!;
      const held = readAlone(current, 30);
      await waitFor(async () => apiAlone.caseChanges!.size === 1 || undefined, { what: 'the read waiting' });
      const t1 = performance.now();
      await apiAlone.stop();
      stopped = true;
      expect(performance.now() - t1).toBeLessThan(5_000);
      const last = await held;
      expect(last.status).toBe(200);
      expect(last.body.state.version).toBe(current);
    } finally {
      if (!stopped) await apiAlone.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('reads that wait for a change, API and worker in processes of their own (PostgreSQL)', () => {
  it("a worker's NOTIFY wakes the API's waiting read long before it would look again by itself", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'chain-split-'));
    // Looking again every 30 s: an answer within the 20-second wait can only come from the worker's notification.
    const env = parseEnv(embeddedEnv, { LOG_LEVEL: 'silent', TEMPORAL_TASK_QUEUE: `split-${h.taskQueue}`, DATA_DIR: dataDir, WORKER_ACTIVITY_IDLE: 'false', CASE_WAIT_RECHECK_MS: '30000' });
    const common = { env, databaseUrl: h.t.url, temporalAddress: inject('temporalAddress'), logger: createLogger('silent'), embedded: false };
    const worker = await startRuntime({ ...common, worker: true, api: false, workflowBundle: await workflowBundle() });
    const api = await startRuntime({ ...common, worker: false, api: true, port: 0 });
    try {
      const call = async (p: string, as: string, json?: unknown) => {
        const res = await fetch(`${api.url}${p}`, {
          method: json === undefined ? 'GET' : 'POST',
          headers: { authorization: `Bearer ${await h.keyFor(as)}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
          body: json === undefined ? undefined : JSON.stringify(json),
        });
        expect(res.status, await res.clone().text()).toBeLessThan(300);
        return (await res.json()) as CaseBody & { id: string; documents: { sha256: string }[] };
      };
      const created = await call('/cases', RECTOR, { type: 'strategy', institution: 'RUPP', title: 'Waiting read: split processes', fields: demoStrategyFields() });
      const open = await waitFor(async () => {
        const b = await call(`/cases/${created.id}`, IRO);
        return b.state.allowed.some((a) => a.stepId === 'iro_check') ? b : undefined;
      }, { what: 'the IRO check' });
      const waiting = call(`/cases/${created.id}?changedSince=${open.state.version}&wait=20`, RECTOR);
      expect(await pendingAfter(waiting, 500)).toBe('pending');
      const t0 = performance.now();
      await call(`/cases/${created.id}/decisions`, IRO, { action: 'approve', stepId: 'iro_check', documentSha256: created.documents[0]!.sha256 });
      const answer = await waiting;
      expect(answer.state.version).not.toBe(open.state.version);
      expect(performance.now() - t0).toBeLessThan(10_000);
    } finally {
      await api.stop();
      await worker.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
