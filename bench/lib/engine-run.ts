// The engine side of `npm run bench`: a bench institution with a three-stage policy of single-person steps, and
// cases driven through the HTTP API exactly as a client would (POST /cases, GET /cases/:id, POST decisions).
import http from 'node:http';
import type { Client } from '@temporalio/client';
import type { Db } from '../../lib/db/client.js';
import { createApiKey } from '../../lib/identity.js';
import { parsePolicy, type Policy } from '../../domain/routing/policy.js';
import { findPolicyInForce } from '../../api/policies/find-policy.js';
import { pollUntil, runPool } from './util.js';

export const BENCH_INSTITUTION = 'BENCH';
const SUBMITTER = 'dean.science@demo.rupp.edu.kh';
/** One person per stage (seeded people, see lib/seed-data.ts). */
const STEPS = [
  { stepId: 'bench_iro', name: 'IRO check', email: 'iro@demo.rupp.edu.kh' },
  { stepId: 'bench_rector', name: 'Rector endorsement', email: 'rector@demo.rupp.edu.kh' },
  { stepId: 'bench_moeys', name: 'MoEYS review', email: 'reviewer1@demo.moeys.gov.kh' },
] as const;
export const ENGINE_STEPS = STEPS.length;

/** A complete strategy (domain/strategy/fields.ts): what a real submission carries. */
const strategyFields = (i: number) => ({
  period: { from: 2026, to: 2030 },
  vision: `Bench case ${i}: a regionally connected university that sends and welcomes students across ASEAN and Europe.`,
  goals: [
    {
      title: 'Grow student mobility',
      kpis: [
        { kind: 'outgoing_mobility', name: 'Outgoing students per year', unit: 'students', baseline: 35, targets: { '2026': 40, '2030': 100 } },
        { kind: 'incoming_mobility', name: 'Incoming students per year', unit: 'students', baseline: 12, targets: { '2030': 50 } },
      ],
    },
    { title: 'Joint research with partners', kpis: [{ kind: 'joint_research_outputs', name: 'Co-authored papers', targets: { '2030': 30 } }] },
  ],
  budget: { amount: 250000, currency: 'USD' },
  responsibleUnits: ['International Relations Office', 'Research Office'],
});

export interface EngineSetup {
  policy: { key: string; version: number };
  submitterKey: string;
  stepKeys: string[];
}

/** The bench institution, its members (submitter: leadership; deciders: faculty) and a newer policy version for it. */
export async function setUpEngine(db: Db): Promise<EngineSetup> {
  const inst = { code: BENCH_INSTITUTION, name: 'Bench institution', kind: 'hei' as const, country: 'KH', region: 'ASEAN', city: 'Phnom Penh' };
  const institution = await db.institution.upsert({ where: { code: inst.code }, create: inst, update: {} });
  const member = async (email: string, role: 'leadership' | 'faculty') => {
    const person = await db.person.findUniqueOrThrow({ where: { email } });
    await db.membership.upsert({
      where: { personId_institutionId_role: { personId: person.id, institutionId: institution.id, role } },
      create: { personId: person.id, institutionId: institution.id, role },
      update: {},
    });
    return (await createApiKey(db, person.id, 'bench')).key;
  };
  const submitterKey = await member(SUBMITTER, 'leadership');
  const stepKeys: string[] = [];
  for (const s of STEPS) stepKeys.push(await member(s.email, 'faculty'));

  const key = 'strategy-default';
  const latest = await db.policy.findFirst({ where: { key }, orderBy: { version: 'desc' } });
  const version = (latest?.version ?? 0) + 1;
  const definition: Policy = {
    key,
    processType: 'strategy',
    institution: BENCH_INSTITUTION,
    version,
    name: 'Bench: three single-person stages',
    stages: STEPS.map((s) => ({
      id: s.stepId,
      name: s.name,
      steps: [{ id: s.stepId, name: s.name, assignees: [{ kind: 'person', email: s.email }], mode: { type: 'any' }, viaLink: false, linkExpiryDays: 14, actions: ['approve', 'reject'] }],
    })),
  };
  const parsed = parsePolicy(definition);
  if (!parsed.ok) throw new Error(`bench policy invalid: ${JSON.stringify(parsed.issues)}`);
  await db.policy.create({ data: { key, version, processType: 'strategy', institutionId: institution.id, name: definition.name, definition: parsed.policy as object } });
  const inForce = await findPolicyInForce(db, 'strategy', BENCH_INSTITUTION);
  if (inForce.key !== key || inForce.version !== version) throw new Error(`bench policy not in force (found ${inForce.key} v${inForce.version})`);
  return { policy: { key, version }, submitterKey, stepKeys };
}

interface CaseBody {
  id: string;
  documents: { sha256: string }[];
  state: { status?: string; version?: string; stages?: { steps: { id: string; status: string }[] }[]; allowed?: { stepId?: string; actions: string[] }[] };
}

export interface CaseTiming {
  id: string;
  createMs: number;
  /** Per decision: POST sent → a read shows the step approved (the POST's own answer, or a GET when it has no state). */
  roundTripMs: number[];
  /** Per decision: POST sent → POST answered (Update completed). */
  postMs: number[];
  /** Per decision: when it was sent, in ms since the epoch (to place it among the case's history events). */
  sentAtMs: number[];
  /** Per decision: waiting for the step to open (assignees resolved) before it could be decided. */
  openWaitMs: number[];
  totalMs: number;
}

export interface EngineDriver {
  /** Requests sent so far: reads (GET /cases/:id) and writes. */
  requests: { reads: number; writes: number };
  runCase(i: number, opts?: { settle?: boolean }): Promise<CaseTiming>;
}

export function engineDriver(opts: {
  url: string;
  client: Client;
  setup: EngineSetup;
  pollMs: number;
  maxPollMs: number;
  /** Wait for a step to open with reads that wait for a change (changedSince), as the engine's clients may; false: poll as the bare side does. */
  waitForChanges: boolean;
}): EngineDriver {
  const { url, client, setup, pollMs, maxPollMs, waitForChanges } = opts;
  const requests = { reads: 0, writes: 0 };
  // The load generator should cost little next to what it measures: plain node:http on kept-alive connections
  // (fetch's web streams cost the client several times more CPU per request, and it shares this process).
  // Idle sockets are dropped after 4 s, before the API's server closes them (Node's keepAliveTimeout, 5 s): a request
  // sent on a socket the server is closing at that moment fails with "socket hang up". (The timeout ends only idle
  // sockets; a read that waits for a change keeps its own.)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4_000 });
  const base = new URL(url);
  const call = (method: 'GET' | 'POST', path: string, key: string, json?: unknown, expect = method === 'POST' ? [200, 201] : [200]) => {
    if (method === 'GET') requests.reads++;
    else requests.writes++;
    const body = json === undefined ? undefined : JSON.stringify(json);
    return new Promise<CaseBody>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method,
          path,
          headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (!expect.includes(res.statusCode ?? 0)) reject(new Error(`${method} ${path}: HTTP ${res.statusCode} ${text.slice(0, 300)}`));
            else {
              try {
                resolve(JSON.parse(text) as CaseBody);
              } catch (err) {
                reject(err);
              }
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };
  const stepStatus = (c: CaseBody, stepId: string) => c.state?.stages?.flatMap((s) => s.steps).find((s) => s.id === stepId)?.status;
  const mayApprove = (c: CaseBody, stepId: string) => !!c.state?.allowed?.some((a) => a.stepId === stepId && a.actions.includes('approve'));

  /** Waits until the workflow has nothing in flight (no workflow task, no activity): clean phases in the history. */
  const settle = async (id: string) => {
    const handle = client.workflow.getHandle(id);
    await pollUntil(
      () => handle.describe(),
      (d) => !d.raw.pendingWorkflowTask && !(d.raw.pendingActivities?.length),
      { everyMs: 20, what: `case ${id} idle` },
    );
  };

  return {
    requests,
    async runCase(i, o = {}) {
      const t0 = performance.now();
      const created = await call('POST', '/cases', setup.submitterKey, { type: 'strategy', institution: BENCH_INSTITUTION, title: `Bench case ${i}`, fields: strategyFields(i) }, [201]);
      const id = created.id;
      const sha = created.documents[0]!.sha256;
      const timing: CaseTiming = { id, createMs: performance.now() - t0, roundTripMs: [], postMs: [], sentAtMs: [], openWaitMs: [], totalMs: 0 };
      let last: CaseBody | undefined;
      /**
       * The latest state seen, by any viewer: its version is what a waiting read starts from; whether a step is open
       * shows to all, what one may do only to them.
       */
      let latest: CaseBody = created;
      for (let s = 0; s < STEPS.length; s++) {
        const step = STEPS[s]!;
        const key = setup.stepKeys[s]!;
        const tw = performance.now();
        if (!last || !mayApprove(last, step.stepId)) {
          let seen: CaseBody | undefined;
          // A read that answers when the case changes (the step opening), again until the step is ours; a plain
          // read when the state seen already shows the step open (its people are looked up as the step opens).
          while (waitForChanges && latest.state?.version !== undefined && !(seen && mayApprove(seen, step.stepId))) {
            const opened = !seen && stepStatus(latest, step.stepId) === 'open';
            seen = await call('GET', opened ? `/cases/${id}` : `/cases/${id}?changedSince=${latest.state.version}&wait=10`, key);
            latest = seen;
          }
          if (!seen || !mayApprove(seen, step.stepId)) {
            await pollUntil(() => call('GET', `/cases/${id}`, key), (c) => mayApprove(c, step.stepId), { everyMs: pollMs, maxEveryMs: maxPollMs, what: `${id}: ${step.stepId} open` });
          }
        }
        if (o.settle) await settle(id);
        timing.openWaitMs.push(performance.now() - tw);
        const t = performance.now();
        timing.sentAtMs.push(performance.timeOrigin + t);
        const answer = await call('POST', `/cases/${id}/decisions`, key, { action: 'approve', stepId: step.stepId, documentSha256: sha });
        timing.postMs.push(performance.now() - t);
        latest = answer;
        if (stepStatus(answer, step.stepId) === 'approved') {
          // The answer carries the decider's new state: readable now. The next decider reads their own.
          last = undefined;
        } else {
          // Confirm as the next decider: the same read shows whether their step is open yet.
          const readerKey = setup.stepKeys[s + 1] ?? key;
          last = await pollUntil(() => call('GET', `/cases/${id}`, readerKey), (c) => stepStatus(c, step.stepId) === 'approved', { everyMs: pollMs, what: `${id}: ${step.stepId} approved` });
          latest = last;
        }
        timing.roundTripMs.push(performance.now() - t);
      }
      const result = (await client.workflow.getHandle(id).result()) as { outcome?: string };
      if (result?.outcome !== 'approved') throw new Error(`${id}: outcome ${JSON.stringify(result)}`);
      timing.totalMs = performance.now() - t0;
      return timing;
    },
  };
}

export async function runEngineCases(driver: EngineDriver, n: number, concurrency: number, offset: number) {
  const timings: CaseTiming[] = [];
  const t0 = performance.now();
  await runPool(n, concurrency, async (i) => {
    timings.push(await driver.runCase(offset + i));
  });
  return { wallMs: performance.now() - t0, timings };
}

/** What the engine left in the database for these cases: projection, audit, outbox, sealed decisions. */
export async function checkDatabase(db: Db, ids: string[]) {
  const where = { caseId: { in: ids } };
  const [approved, audit, outbox, sealed] = await Promise.all([
    db.case.count({ where: { id: { in: ids }, status: 'approved', openAssignees: { isEmpty: true } } }),
    db.auditEvent.count({ where }),
    db.outboxMessage.count({ where }),
    db.sealedDocument.count({ where }),
  ]);
  if (approved !== ids.length) throw new Error(`projection: ${approved} of ${ids.length} cases show approved`);
  if (sealed !== ids.length) throw new Error(`sealed decisions: ${sealed} for ${ids.length} cases`);
  if (audit === 0 || outbox === 0) throw new Error(`audit rows ${audit}, outbox messages ${outbox}: expected some`);
  return { approved, audit, outbox, sealed };
}
