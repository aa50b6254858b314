// What the API accepts at its edge, over the real engine: idempotency keys that name one person's one request,
// body limits and bounded scores and fields (a too-large request is refused before it reaches Temporal, and the
// case keeps working), no NUL anywhere, concurrent repeats, resubmission retries and integer bounds.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { Client as TemporalClient, ServiceError, WorkflowNotFoundError, NamespaceNotFoundError } from '@temporalio/client';
import { useHarness, workflowBundle, type Harness } from '../support/harness.js';
import { threadNiceValues } from '../support/threads.js';
import { startRuntime } from '../../lib/runtime.js';
import { embeddedEnv, parseEnv } from '../../lib/env.js';
import { createLogger } from '../../lib/logger.js';
import { demoStrategyFields } from '../support/strategy-fields.js';
import { waitFor } from '../support/wait.js';
import { mapUpdateError, runCommand, withState } from '../../api/cases/run-command.js';
import { parseScores } from '../../api/links/commands.js';
import { findInputIssue } from '../../api/http/input-limits.js';
import { isAppError } from '../../lib/errors.js';
import { createCase } from '../../api/cases/create-case.js';
import { repairUnstartedCases } from '../../api/cases/repair-unstarted.js';
import { loadIdentity } from '../../lib/identity.js';
import type { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

let h: Harness;
useHarness((started) => (h = started));

const IRO = 'iro@demo.rupp.edu.kh';
const RECTOR = 'rector@demo.rupp.edu.kh';

interface State {
  status: string;
  allowed: { stepId?: string; actions: string[] }[];
  stages: { steps: { id: string; status: string }[] }[];
  history: { type: string; actor?: string; stepId?: string; comment?: string }[];
}

/** A strategy of RUPP, submitted by the rector, with its first step (the IRO check) open. */
async function openCase(title: string): Promise<{ id: string; sha: string }> {
  const res = await h.api('/cases', { as: RECTOR, json: { type: 'strategy', institution: 'RUPP', title, fields: demoStrategyFields() } });
  expect(res.status).toBe(201);
  const c = (await res.json()) as { id: string; documents: { sha256: string }[] };
  await waitFor(async () => (await stateOf(c.id, IRO)).allowed.some((a) => a.stepId === 'iro_check'), { what: 'the IRO check' });
  return { id: c.id, sha: c.documents[0]!.sha256 };
}

const stateOf = async (id: string, as: string) => ((await (await h.api(`/cases/${id}`, { as })).json()) as { state: State }).state;

/** The input a case's workflow was started with (its first history event). */
async function startInputOf(id: string): Promise<Record<string, unknown>> {
  const history = await h.runtime.client.workflow.getHandle(id).fetchHistory();
  const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  return JSON.parse(Buffer.from(payload.data!).toString('utf8')) as Record<string, unknown>;
}
const stepStatus = (s: State, stepId: string) => s.stages.flatMap((x) => x.steps).find((x) => x.id === stepId)?.status;

const decide = (id: string, as: string, body: unknown, key?: string) =>
  h.api(`/cases/${id}/decisions`, { as, json: body, headers: key === undefined ? {} : { 'idempotency-key': key } });

async function problem(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  const body = JSON.parse(text) as { code: string; issues?: { path: string; message: string }[] };
  expect(body.code).toBe(code);
  return body;
}

/** A case sent back to the rector, ready for a resubmission. */
async function sendBack(c: { id: string; sha: string }) {
  // After a resubmission the IRO check opens again once its people are resolved (an activity): wait for it.
  await waitFor(async () => (await stateOf(c.id, IRO)).allowed.some((a) => a.stepId === 'iro_check' && a.actions.includes('send_back')), { what: 'the IRO check open' });
  const res = await decide(c.id, IRO, { action: 'send_back', stepId: 'iro_check', documentSha256: c.sha, comment: 'Add the budget lines.' });
  expect(res.status, await res.clone().text()).toBe(200);
  await waitFor(async () => (await stateOf(c.id, RECTOR)).allowed.some((a) => a.actions.includes('resubmit')), { what: 'sent back' });
}

describe('idempotency keys', () => {
  it('a reused key is one person’s one command: the rector’s approval with the IRO’s key counts; a true repeat records once', async () => {
    const c = await openCase('Reused key strategy');
    const K = 'shared-key-0001';
    const iro = { action: 'approve', stepId: 'iro_check', documentSha256: c.sha, comment: 'Complete.' };
    const first = await decide(c.id, IRO, iro, K);
    expect(first.status).toBe(200);
    const { state: firstState, ...firstResult } = (await first.json()) as { state: State };
    // The answer carries the state the decider now sees: their step approved, nothing left for them to do.
    expect(stepStatus(firstState, 'iro_check')).toBe('approved');
    expect(firstState.allowed.filter((a) => a.stepId === 'iro_check')).toEqual([]);
    // A true repeat (same person, key and command) answers the first result and records nothing more.
    const repeat = await decide(c.id, IRO, iro, K);
    expect(repeat.status).toBe(200);
    const { state: repeatState, ...repeatResult } = (await repeat.json()) as { state: State };
    expect(repeatResult).toEqual(firstResult);
    expect(repeatState.history.filter((e) => e.type === 'approved')).toHaveLength(1);

    await waitFor(async () => (await stateOf(c.id, RECTOR)).allowed.some((a) => a.stepId === 'leadership_endorsement'), { what: 'leadership step' });
    // The same key from another person is their own request (the body's requestId is the same key).
    const rector = await decide(c.id, RECTOR, { action: 'approve', stepId: 'leadership_endorsement', documentSha256: c.sha, requestId: K });
    expect(rector.status).toBe(200);
    expect(await rector.json()).toMatchObject({ command: 'approve', stepStatus: 'approved' });

    const s = await stateOf(c.id, RECTOR);
    expect(stepStatus(s, 'iro_check')).toBe('approved');
    expect(stepStatus(s, 'leadership_endorsement')).toBe('approved');
    const approvals = s.history.filter((e) => e.type === 'approved');
    expect(approvals.map((e) => [e.actor, e.stepId])).toEqual([
      [IRO, 'iro_check'],
      [RECTOR, 'leadership_endorsement'],
    ]);
  });

  it("a decision's state is the workflow's own answer to its Update (recorded in history), not a second request", async () => {
    const c = await openCase('State in the Update answer');
    const res = await decide(c.id, IRO, { action: 'approve', stepId: 'iro_check', documentSha256: c.sha });
    expect(res.status).toBe(200);
    const { state } = (await res.json()) as { state: State };
    const history = await h.runtime.client.workflow.getHandle(c.id).fetchHistory();
    const completed = history.events!.filter((e) => e.workflowExecutionUpdateCompletedEventAttributes).at(-1)!;
    const payload = completed.workflowExecutionUpdateCompletedEventAttributes!.outcome!.success!.payloads![0]!;
    const recorded = JSON.parse(Buffer.from(payload.data!).toString('utf8')) as { state?: State };
    expect(recorded.state).toEqual(state);
    expect(stepStatus(state, 'iro_check')).toBe('approved');
  });

  it('an answer without the state (a view too large for history, a worker from before) gets it from a Query after the Update', async () => {
    const c = await openCase('Answer without state');
    const person = await h.t.db.person.findUniqueOrThrow({ where: { email: IRO } });
    const identity = (await loadIdentity(h.t.db, person.id, 'api'))!;
    const temporal = h.runtime.client;
    const command = { type: 'approve', stepId: 'iro_check', documentSha256: c.sha } as const;
    // Not asked for it, the workflow answers with the result alone, as its answer to a large view is.
    const answer = await runCommand({ temporal, workflowId: c.id, identity, command, requestId: 'no-state-0001' });
    expect(answer).toMatchObject({ ok: true, stepStatus: 'approved' });
    expect(answer).not.toHaveProperty('state');
    const full = await withState(temporal, c.id, identity, answer);
    expect(stepStatus(full.state as unknown as State, 'iro_check')).toBe('approved');
    expect(full.state!.allowed.filter((a) => a.stepId === 'iro_check')).toEqual([]);
    // A repeat is the first answer, still without the state: the API reads it the same way then.
    const repeat = await runCommand({ temporal, workflowId: c.id, identity, command, requestId: 'no-state-0001' });
    expect(repeat).toEqual(answer);
  });

  it('the same key with another command by the same person is a request of its own (and gets the validator’s answer)', async () => {
    const c = await openCase('Same key other command');
    const K = 'my-key-00000002';
    const wrongStep = await decide(c.id, IRO, { action: 'approve', stepId: 'leadership_endorsement', documentSha256: c.sha }, K);
    await problem(wrongStep, 409, 'conflict'); // that step is not open yet
    const right = await decide(c.id, IRO, { action: 'approve', stepId: 'iro_check', documentSha256: c.sha }, K);
    expect(right.status).toBe(200);
    const again = await decide(c.id, IRO, { action: 'reject', stepId: 'iro_check', documentSha256: c.sha, comment: 'Changed my mind.' }, K);
    await problem(again, 409, 'conflict'); // not the first result: "you have already decided"
  });

  it('checks the Idempotency-Key header (8–200 printable ASCII characters) on cases and decisions: 422, not ignored or 503', async () => {
    const body = { type: 'strategy', institution: 'RUPP', title: 'Key checked strategy', fields: demoStrategyFields() };
    for (const key of ['k'.repeat(201), 'short', 'tab\tinside-key', 'caf\u00e9-key-1234']) {
      const res = await h.api('/cases', { as: RECTOR, json: body, headers: { 'idempotency-key': key } });
      const p = await problem(res, 422, 'validation_failed');
      expect(p.issues?.[0]?.path).toBe('headers.idempotency-key');
    }
    expect(await h.t.db.case.count({ where: { title: 'Key checked strategy' } })).toBe(0);
    const c = await h.t.db.case.findFirstOrThrow({ where: { title: 'Reused key strategy' } });
    const long = await decide(c.id, IRO, { action: 'approve', stepId: 'iro_check', documentSha256: 'a'.repeat(64) }, 'x'.repeat(5000));
    expect((await problem(long, 422, 'validation_failed')).issues?.[0]?.path).toBe('headers.idempotency-key');
    const shortBody = await decide(c.id, IRO, { action: 'approve', stepId: 'iro_check', documentSha256: 'a'.repeat(64), requestId: 'short' });
    expect((await problem(shortBody, 422, 'validation_failed')).issues?.[0]?.path).toBe('body.requestId');
  });

  it('three simultaneous POST /cases with one key open one case: one 201, two 200 with the same case', async () => {
    const body = { type: 'strategy', institution: 'RUPP', title: 'Concurrent key strategy', fields: demoStrategyFields() };
    const rs = await Promise.all([1, 2, 3].map(() => h.api('/cases', { as: IRO, json: body, headers: { 'idempotency-key': 'concurrent-key-1' } })));
    expect(rs.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    const ids = await Promise.all(rs.map(async (r) => ((await r.json()) as { id: string }).id));
    expect(new Set(ids).size).toBe(1);
    expect(await h.t.db.case.count({ where: { title: 'Concurrent key strategy' } })).toBe(1);
  });
});

describe('a case whose workflow has ended', () => {
  it('answers a decision with 409 case_closed, from the real server’s refusal over the native connection', async () => {
    const c = await openCase('Withdrawn before the decision');
    const withdrawn = await h.api(`/cases/${c.id}/withdraw`, { as: RECTOR, json: { comment: 'Replaced by a newer draft.' } });
    expect(withdrawn.status).toBe(200);
    await waitFor(async () => (await h.runtime.client.workflow.getHandle(c.id).describe()).status.name === 'COMPLETED', { what: 'the workflow closed' });
    const body = await problem(await decide(c.id, IRO, { action: 'approve', stepId: 'iro_check', documentSha256: c.sha }), 409, 'case_closed');
    expect(JSON.stringify(body)).not.toMatch(/grpc|ServiceError/i);
  });
});

describe('sizes and bounds', () => {
  it('bounds rubric scores (422) and command bodies (413); the case keeps working afterwards', async () => {
    const c = await openCase('Bounded scores strategy');
    const approve = (scores: unknown) => decide(c.id, IRO, { action: 'approve', stepId: 'iro_check', documentSha256: c.sha, scores });
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`criterion_${i}`, 3]));
    expect((await problem(await approve(many), 422, 'validation_failed')).issues?.[0]?.path).toBe('body.scores');
    expect((await problem(await approve({ alignment: 1e300 }), 422, 'validation_failed')).issues?.[0]?.path).toBe('body.scores.alignment');
    await problem(await approve({ 'Not-A-Criterion': 3 }), 422, 'validation_failed');
    // 3 MB of scores: refused by the body limit before anything reaches the workflow.
    const huge = Object.fromEntries(Array.from({ length: 120_000 }, (_, i) => [`criterion_number_${i}`, 1]));
    await problem(await approve(huge), 413, 'payload_too_large');
    const ok = await decide(c.id, IRO, { action: 'approve', stepId: 'iro_check', documentSha256: c.sha });
    expect(ok.status).toBe(200);
    await waitFor(async () => (await h.t.db.case.findUnique({ where: { id: c.id } }))?.openAssignees.includes(RECTOR), { what: 'the next step in the projection' });
  });

  it('bounds the scores of link and page forms the same way', () => {
    expect(parseScores({ score_alignment: '4', score_goals: '', comment: 'x' })).toEqual({ alignment: 4 });
    const bad = (form: Record<string, string>) => {
      try {
        parseScores(form);
      } catch (err) {
        return isAppError(err) ? [err.code, err.details.issues?.[0]?.path] : ['thrown', String(err)];
      }
      return ['accepted'];
    };
    expect(bad(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`score_c${i}`, '3'])))).toEqual(['validation_failed', 'scores']);
    expect(bad({ score_alignment: '1e300' })).toEqual(['validation_failed', 'score_alignment']);
    expect(bad({ score_alignment: 'four' })).toEqual(['validation_failed', 'score_alignment']);
    expect(bad({ 'score_Bad-Key': '3' })).toEqual(['validation_failed', 'score_Bad-Key']);
  });

  it('bounds every type’s fields (size, nesting, strings) on create, before anything else: 422 with the path, nothing stored', async () => {
    const mou = (fields: unknown) => h.api('/cases', { as: IRO, json: { type: 'mou', institution: 'RUPP', title: 'Bounded MoU', fields } });
    const big = await mou({ notes: Array.from({ length: 20 }, () => 'x'.repeat(15_000)) });
    expect((await problem(big, 422, 'validation_failed')).issues?.[0]?.path).toBe('body.fields');
    const long = await mou({ partner: 'x'.repeat(20_001) });
    expect((await problem(long, 422, 'validation_failed')).issues?.[0]?.path).toBe('body.fields.partner');
    let deep: unknown = 1;
    for (let i = 0; i < 25; i++) deep = { a: deep };
    const tooDeep = await mou({ d: deep });
    expect((await problem(tooDeep, 422, 'validation_failed')).issues?.[0]?.message).toMatch(/nested too deeply/);
    // 20,000 levels: refused at the edge (no stack overflow anywhere).
    const key = await h.keyFor(IRO);
    const nested = `{"type":"mou","institution":"RUPP","title":"Bounded MoU","fields":{"d":${'['.repeat(20_000)}1${']'.repeat(20_000)}}}`;
    const veryDeep = await fetch(`${h.url}/cases`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: nested });
    expect((await problem(veryDeep, 422, 'validation_failed')).issues?.[0]?.message).toMatch(/nested too deeply/);
    // 3 MB of fields are within the body limit for documents, and refused by the fields' bound.
    await problem(await mou({ notes: 'x'.repeat(3_000_000) }), 422, 'validation_failed');
    expect(await h.t.db.case.count({ where: { title: 'Bounded MoU' } })).toBe(0);
    // Within the bounds, an MoU opens.
    expect((await mou({ partner: 'Saarland University', areas: ['joint research', 'staff mobility'] })).status).toBe(201);
  });

  it('finds a problem in a value nested 100,000 deep without recursion', () => {
    let v: unknown = 'end';
    for (let i = 0; i < 100_000; i++) v = [v];
    expect(findInputIssue(v, { maxDepth: 20 }, ['body'])?.message).toMatch(/nested too deeply \(at most 20 levels\)/);
    expect(findInputIssue({ a: [{ b: 'ok\u0000' }] }, { maxDepth: 20 }, ['body'])).toEqual({ path: 'body.a[0].b', message: expect.stringMatching(/NUL/) });
  });

  it('caps integers in queries: 422, not 500', async () => {
    const c = await h.t.db.case.findFirstOrThrow({ where: { title: 'Bounded scores strategy' } });
    expect((await problem(await h.api(`/cases/${c.id}/changes?to=3000000000`, { as: IRO }), 422, 'validation_failed')).issues?.[0]?.path).toBe('query.to');
    expect((await problem(await h.api('/policies/strategy-default?version=3000000000', { as: IRO }), 422, 'validation_failed')).issues?.[0]?.path).toBe('query.version');
    expect((await h.api('/policies/strategy-default?version=1', { as: IRO })).status).toBe(200);
  });
});

describe('NUL characters', () => {
  it('are refused wherever they arrive, with the path: JSON bodies, query strings, path parameters, forms', async () => {
    const create = (over: Record<string, unknown>) => h.api('/cases', { as: IRO, json: { type: 'mou', institution: 'RUPP', title: 'NUL MoU', fields: {}, ...over } });
    expect((await problem(await create({ title: 'Bad \u0000 title' }), 422, 'validation_failed')).issues?.[0]?.path).toBe('body.title');
    expect((await problem(await create({ fields: { partner: 'a\u0000b' } }), 422, 'validation_failed')).issues?.[0]?.path).toBe('body.fields.partner');
    expect((await problem(await create({ fields: { ['k\u0000']: 1 } }), 422, 'validation_failed')).issues?.[0]?.path).toBe('body.fields.k\\u0000');
    expect(await h.t.db.case.count({ where: { title: { startsWith: 'NUL MoU' } } })).toBe(0);
    expect((await problem(await h.api('/cases?cursor=%00', { as: IRO }), 422, 'validation_failed')).issues?.[0]?.path).toBe('query.cursor');
    expect((await problem(await h.api('/policies/%00', { as: IRO }), 422, 'validation_failed')).issues?.[0]?.path).toBe('path');
    await problem(await h.api('/verify/abc%00def'), 422, 'validation_failed');
    const form = await h.api('/sign-in', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a%00%40b.kh' });
    expect((await problem(form, 422, 'validation_failed')).issues?.[0]?.path).toBe('body.email');
    // A malformed escape in the path is a 400, not a 500.
    await problem(await h.api('/cases/%E0%A4%A', { as: IRO }), 400, 'bad_request');
  });

  it('in a decision’s comment: refused before the workflow (JSON and the page’s multipart form); the step stays open and decides cleanly', async () => {
    const c = await openCase('NUL comment strategy');
    const nul = await decide(c.id, IRO, { action: 'approve', stepId: 'iro_check', documentSha256: c.sha, comment: 'ok\u0000' });
    expect((await problem(nul, 422, 'validation_failed')).issues?.[0]?.path).toBe('body.comment');
    const form = new FormData();
    for (const [k, v] of Object.entries({ action: 'approve', stepId: 'iro_check', documentSha256: c.sha, comment: 'ok\u0000' })) form.append(k, v);
    const page = await h.api(`/cases/${c.id}/act`, { as: IRO, method: 'POST', body: form, headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(422);
    // Half an emoji (a client that cut the text) fails PostgreSQL's json the same way: refused too.
    const half = await decide(c.id, IRO, { action: 'approve', stepId: 'iro_check', documentSha256: c.sha, comment: 'Looks good \ud83d' });
    expect((await problem(half, 422, 'validation_failed')).issues?.[0]).toMatchObject({ path: 'body.comment', message: expect.stringMatching(/lone surrogate/) });
    expect(stepStatus(await stateOf(c.id, IRO), 'iro_check')).toBe('open');

    const audit = await h.t.db.auditEvent.count({ where: { caseId: c.id } });
    // A whole emoji is fine.
    expect((await decide(c.id, IRO, { action: 'approve', stepId: 'iro_check', documentSha256: c.sha, comment: 'Complete 👍' })).status).toBe(200);
    // The decision is recorded (the activity that failed on a NUL before): audit and projection move on.
    await waitFor(async () => (await h.t.db.auditEvent.count({ where: { caseId: c.id } })) > audit, { what: 'the decision in the audit chain' });
    await waitFor(async () => (await h.t.db.case.findUnique({ where: { id: c.id } }))?.openAssignees.includes(RECTOR), { what: 'the next step' });
  });
});

describe('resubmission', () => {
  it('a retry with the same requestId returns the first result and stores no second version; concurrent ones give 200 and 409', async () => {
    const c = await openCase('Resubmitted strategy');
    await sendBack(c);
    const body = { fields: demoStrategyFields({ vision: 'A changed vision statement for the resubmitted strategy document.' }), requestId: 'resubmit-key-1' };
    const first = await h.api(`/cases/${c.id}/resubmit`, { as: RECTOR, json: body });
    expect(first.status).toBe(200);
    const firstResult = await first.json();
    const retry = await h.api(`/cases/${c.id}/resubmit`, { as: RECTOR, json: body });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual(firstResult);
    const versions = async () => (await h.t.db.documentVersion.findMany({ where: { caseId: c.id }, orderBy: { version: 'asc' }, select: { version: true } })).map((v) => v.version);
    expect(await versions()).toEqual([1, 2]);
    const s = await stateOf(c.id, RECTOR);
    expect(s.history.filter((e) => e.type === 'resubmitted')).toHaveLength(1);

    // Generic bounds apply to resubmitted fields too.
    const tooDeep = { fields: { a: JSON.parse('{"b":'.repeat(25) + '1' + '}'.repeat(25)) } };
    await problem(await h.api(`/cases/${c.id}/resubmit`, { as: RECTOR, json: tooDeep }), 422, 'validation_failed');

    // Sent back again; two different resubmissions at the same moment: one is the new version, the other a 409.
    const sha2 = (await h.t.db.documentVersion.findFirstOrThrow({ where: { caseId: c.id, version: 2 } })).sha256;
    await sendBack({ id: c.id, sha: sha2 });
    const rs = await Promise.all(
      [1, 2].map((i) => h.api(`/cases/${c.id}/resubmit`, { as: RECTOR, json: { fields: demoStrategyFields({ vision: `Changed vision number ${i} for the strategy, long enough.` }) } })),
    );
    const statuses = rs.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const refused = rs.find((r) => r.status === 409)!;
    await problem(refused, 409, 'conflict');
    const after = await versions();
    expect(after).toHaveLength(3); // the refused one's version was removed again
    expect(after.slice(0, 2)).toEqual([1, 2]);
  });
});

describe('mapping Temporal’s errors', () => {
  const grpc = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
  it('a request the server refuses as invalid is the client’s (422/413), only a workflow not found is a closed case', () => {
    expect(mapUpdateError(new ServiceError('Workflow Update failed', { cause: grpc(3, 'WorkflowId length exceeds limit.') })).code).toBe('validation_failed');
    expect(mapUpdateError(new ServiceError('Workflow Update failed', { cause: grpc(3, 'Blob data size exceeds limit.') })).code).toBe('payload_too_large');
    expect(mapUpdateError(new NamespaceNotFoundError('chain')).code).toBe('dependency_unavailable');
    expect(mapUpdateError(new ServiceError('Workflow Update failed', { cause: grpc(14, 'namespace not found') })).code).toBe('dependency_unavailable');
    expect(mapUpdateError(new WorkflowNotFoundError('Workflow not found', 'strategy-x', undefined)).code).toBe('case_closed');
    expect(mapUpdateError(new ServiceError('Workflow Update failed', { cause: grpc(9, 'workflow execution already completed') })).code).toBe('case_closed');
    expect(mapUpdateError(new ServiceError('Workflow Update failed', { cause: grpc(14, 'connection refused') })).code).toBe('dependency_unavailable');
  });
});

describe('a workflow start whose answer is lost', () => {
  it('keeps the case when the workflow did start, and removes it when it did not', async () => {
    const real = h.runtime.client;
    const person = await h.t.db.person.findUniqueOrThrow({ where: { email: RECTOR } });
    const identity = (await loadIdentity(h.t.db, person.id, 'api'))!;
    /** The real client, except that start's answer is lost — after starting (`started`) or before; `blind`: describe fails too. */
    const losing = (started: boolean, blind = false) =>
      ({
        withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn(),
        workflow: {
          getHandle: (id: string) => (blind ? { describe: () => Promise.reject(new Error('14 UNAVAILABLE: connection reset')) } : real.workflow.getHandle(id)),
          start: async (...args: Parameters<Client['workflow']['start']>) => {
            if (started) await real.workflow.start(...args);
            throw new Error('deadline exceeded');
          },
        },
      }) as unknown as Client;
    const open = (title: string, temporal: Client) =>
      createCase({ db: h.t.db, temporal, taskQueue: h.taskQueue, identity, input: { type: 'strategy', institution: 'RUPP', title, fields: demoStrategyFields() } });

    const kept = await open('Start answer lost after starting', losing(true));
    expect(kept.created).toBe(true);
    expect(await h.t.db.case.count({ where: { id: kept.caseId } })).toBe(1);
    await waitFor(async () => (await stateOf(kept.caseId, IRO)).allowed.some((a) => a.stepId === 'iro_check'), { what: 'the kept case running' });

    await expect(open('Start refused before starting', losing(false))).rejects.toMatchObject({ code: 'dependency_unavailable' });
    expect(await h.t.db.case.count({ where: { title: 'Start refused before starting' } })).toBe(0);

    // Temporal cannot say whether it started: the row stays (a workflow must never run without its case).
    await expect(open('Start unknown', losing(true, true))).rejects.toMatchObject({ code: 'dependency_unavailable', message: expect.stringMatching(/may have started/) });
    const unknown = await h.t.db.case.findFirstOrThrow({ where: { title: 'Start unknown' } });
    await waitFor(async () => (await stateOf(unknown.id, IRO)).allowed.some((a) => a.stepId === 'iro_check'), { what: 'the case that did start' });

    // It did not start, and Temporal could not say so: the case is kept, and the client's repeat with the same key
    // starts its workflow (before, the repeat answered "already created" and the case never ran).
    const keyed = (temporal: Client, title = 'Start lost, repeated', key = 'lost-start-0001') =>
      createCase({ db: h.t.db, temporal, taskQueue: h.taskQueue, identity, idempotencyKey: key, input: { type: 'strategy', institution: 'RUPP', title, fields: demoStrategyFields() } });
    const age = (id: string, ms: number) => h.t.db.$executeRaw`UPDATE "Case" SET "createdAt" = "createdAt" - make_interval(secs => ${ms / 1000}) WHERE "id" = ${id}`;
    const running = (id: string) => real.workflow.getHandle(id).describe().then(() => true, () => false);
    await expect(keyed(losing(false, true))).rejects.toMatchObject({ code: 'dependency_unavailable' });
    const stuck = await h.t.db.case.findFirstOrThrow({ where: { title: 'Start lost, repeated' } });
    expect(stuck.status).toBe('starting');
    // A repeat while the first request may still be at work (a double submit) starts nothing: the first request
    // could yet delete the case.
    expect(await keyed(real)).toEqual({ created: false, caseId: stuck.id });
    expect(await running(stuck.id)).toBe(false);
    await age(stuck.id, 3 * 60_000);
    // Still unable to tell: nothing is started blindly.
    await expect(keyed(losing(false, true))).rejects.toMatchObject({ code: 'dependency_unavailable' });
    // A newer policy in force meanwhile: the late start keeps the version the case was opened on.
    const opened = stuck.policyVersion!;
    const inForce = await h.t.db.policy.findUniqueOrThrow({ where: { key_version: { key: stuck.policyKey!, version: opened } } });
    await h.t.db.policy.create({
      data: { key: inForce.key, processType: inForce.processType, institutionId: inForce.institutionId, version: opened + 1, name: inForce.name, definition: { ...(inForce.definition as object), version: opened + 1 } },
    });
    expect(await keyed(real)).toEqual({ created: false, caseId: stuck.id });
    await waitFor(async () => (await stateOf(stuck.id, IRO)).allowed.some((a) => a.stepId === 'iro_check'), { what: 'the repeated case running' });
    const startInput = await startInputOf(stuck.id);
    expect(startInput).toMatchObject({
      caseId: stuck.id,
      title: 'Start lost, repeated',
      policy: { version: opened },
      document: { sha256: (await h.t.db.documentVersion.findFirstOrThrow({ where: { caseId: stuck.id, version: 1 } })).sha256, version: 1 },
      submitter: { email: RECTOR },
    });
    // Once running, a further repeat starts nothing more.
    expect(await keyed(real)).toEqual({ created: false, caseId: stuck.id });
    expect((await real.workflow.getHandle(stuck.id).describe()).status.name).toBe('RUNNING');

    // A day later a repeat starts nothing: "no such workflow" may then mean one that ran, was stopped and deleted.
    await expect(keyed(losing(false, true), 'Start lost, old', 'lost-start-0002')).rejects.toMatchObject({ code: 'dependency_unavailable' });
    const old = await h.t.db.case.findFirstOrThrow({ where: { title: 'Start lost, old' } });
    await age(old.id, 25 * 3600_000);
    expect(await keyed(real, 'Start lost, old', 'lost-start-0002')).toEqual({ created: false, caseId: old.id });
    expect(await running(old.id)).toBe(false);

    // Without a key nobody repeats it: the API processes' periodic repair starts it once it has waited long enough.
    await expect(open('Start lost, no key', losing(false, true))).rejects.toMatchObject({ code: 'dependency_unavailable' });
    const orphan = await h.t.db.case.findFirstOrThrow({ where: { title: 'Start lost, no key' } });
    const repair = (olderThanMs: number) => repairUnstartedCases({ db: h.t.db, temporal: real, taskQueue: h.taskQueue, olderThanMs });
    expect((await repair(60_000)).started).toEqual([]);
    await age(orphan.id, 6 * 60_000);
    expect((await repair(5 * 60_000)).started).toEqual([orphan.id]);
    await waitFor(async () => (await stateOf(orphan.id, IRO)).allowed.some((a) => a.stepId === 'iro_check'), { what: 'the repaired case running' });
    expect((await repair(0)).started).toEqual([]);
    expect(await running(old.id)).toBe(false);

    // A case the repair cannot start (its policy version gone) does not hide the ones after it.
    for (const title of ['Unstartable', 'Startable']) await expect(open(title, losing(false, true))).rejects.toMatchObject({ code: 'dependency_unavailable' });
    const [unstartable, startable] = await Promise.all(['Unstartable', 'Startable'].map((title) => h.t.db.case.findFirstOrThrow({ where: { title } })));
    await h.t.db.case.update({ where: { id: unstartable!.id }, data: { policyVersion: 9999 } });
    await age(unstartable!.id, 7 * 60_000);
    await age(startable!.id, 6 * 60_000);
    expect((await repairUnstartedCases({ db: h.t.db, temporal: real, taskQueue: h.taskQueue, pageSize: 1 })).started).toEqual([startable!.id]);
    expect(await running(unstartable!.id)).toBe(false);
  });
});

describe('eager workflow start', () => {
  it('hands a new case’s first task to the worker on the API’s connection; without one there, the case starts as usual', async () => {
    const person = await h.t.db.person.findUniqueOrThrow({ where: { email: RECTOR } });
    const identity = (await loadIdentity(h.t.db, person.id, 'api'))!;
    const open = (title: string, temporal: Client, eagerStart?: boolean) =>
      createCase({ db: h.t.db, temporal, taskQueue: h.taskQueue, identity, eagerStart, input: { type: 'strategy', institution: 'RUPP', title, fields: demoStrategyFields() } });
    // A client on a connection of its own: no worker of this task queue polls through it.
    const elsewhere = new TemporalClient({ connection: await NativeConnection.connect({ address: inject('temporalAddress') }) });
    try {
      const cases = [
        { title: 'Started eagerly', started: await open('Started eagerly', h.runtime.client, true), eager: true },
        { title: 'Started as usual', started: await open('Started as usual', h.runtime.client), eager: false },
        { title: 'Eager asked, no worker there', started: await open('Eager asked, no worker there', elsewhere, true), eager: false },
      ];
      for (const c of cases) {
        expect(c.started, c.title).toMatchObject({ created: true, eagerlyStarted: c.eager });
        await waitFor(async () => (await stateOf(c.started.caseId, IRO)).allowed.some((a) => a.stepId === 'iro_check'), { what: `${c.title}: the first step open` });
      }
    } finally {
      await elsewhere.connection.close();
    }
  });
});

describe('what the pages send to createCase', () => {
  it('is held to the API’s title limit too (the forms do not pass the JSON schema)', async () => {
    const person = await h.t.db.person.findUniqueOrThrow({ where: { email: RECTOR } });
    const identity = (await loadIdentity(h.t.db, person.id, 'web'))!;
    const open = (title: string) => createCase({ db: h.t.db, temporal: h.runtime.client, taskQueue: h.taskQueue, identity, input: { type: 'strategy', institution: 'RUPP', title, fields: demoStrategyFields() } });
    await expect(open('T'.repeat(201))).rejects.toMatchObject({ code: 'validation_failed', details: { issues: [{ path: 'body.title' }] } });
    expect(await h.t.db.case.count({ where: { title: 'T'.repeat(201) } })).toBe(0);
    expect((await open('T'.repeat(200))).created).toBe(true);
  });
});

describe('start-up', () => {
  it.runIf(process.platform === 'linux')('closes what it started when it cannot listen (the port is taken): no activity thread is left behind', async (ctx) => {
    // A thread's nice value stops at 19: under `nice -n 7` or more a left-behind thread could not be told apart.
    if (threadNiceValues()[0]! + 13 > 19) ctx.skip();
    const dataDir = await mkdtemp(path.join(tmpdir(), 'chain-startup-'));
    try {
      // The harness's own API holds the port; this runtime's activity thread runs at +13 (the harness's at +10).
      const env = parseEnv(embeddedEnv, { LOG_LEVEL: 'silent', TEMPORAL_TASK_QUEUE: `startup-${Date.now()}`, DATA_DIR: dataDir, WORKER_ACTIVITY_NICE: '13' });
      const main = threadNiceValues()[0]!;
      const starting = startRuntime({
        env,
        databaseUrl: h.t.url,
        temporalAddress: inject('temporalAddress'),
        logger: createLogger('silent'),
        worker: true,
        api: true,
        embedded: true,
        workflowBundle: await workflowBundle(),
        port: Number(new URL(h.url).port),
      });
      await expect(starting).rejects.toMatchObject({ code: 'EADDRINUSE' });
      expect(threadNiceValues().filter((n) => n === main + 13)).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
