// API → Temporal dev server → worker → activities → database → API, with nothing mocked.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { demoStrategyFields } from '../support/strategy-fields.js';
import { waitFor } from '../support/wait.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const IRO = 'iro@demo.rupp.edu.kh';

describe('cases API over the real engine', () => {
  it('answers health, readiness and the OpenAPI document without a key', async () => {
    expect((await h.api('/health')).status).toBe(200);
    const ready = await h.api('/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true }, temporal: { ok: true } } });
    const doc = (await (await h.api('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/cases', '/cases/{id}', '/cases/{id}/decisions']));
    expect((await h.api('/docs')).headers.get('content-type')).toMatch(/text\/html/);
  });

  it('refuses requests without a valid key with problem+json', async () => {
    const none = await h.api('/cases');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await none.json()).toMatchObject({ code: 'unauthenticated', status: 401 });
    const bad = await h.api('/cases', { headers: { authorization: 'Bearer chain_not-a-key' } });
    expect(bad.status).toBe(401);
  });

  it('rejects invalid bodies with the path of each problem, and malformed JSON with 400', async () => {
    const res = await h.api('/cases', { as: IRO, json: { type: 'visa', institution: 'RUPP', title: 'x' } });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { code: string; issues: { path: string }[] };
    expect(body.code).toBe('validation_failed');
    expect(body.issues.map((i) => i.path).sort()).toEqual(['body.title', 'body.type']);
    const malformed = await h.api('/cases', { as: IRO, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'bad_request' });
    const unknown = await h.api('/cases', { as: IRO, json: { type: 'strategy', institution: 'XYZ', title: 'Strategy' } });
    expect(unknown.status).toBe(422);
  });

  it('checks a strategy\'s structured fields and names each bad field', async () => {
    const res = await h.api('/cases', {
      as: IRO,
      json: { type: 'strategy', institution: 'RUPP', title: 'Incomplete strategy', fields: demoStrategyFields({ vision: 'short', goals: [], period: { from: 2026, to: 2030 } }) },
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { issues: { path: string; message: string }[] };
    expect(body.issues.map((i) => i.path).sort()).toEqual(['body.fields.goals', 'body.fields.vision']);
    expect(body.issues.find((i) => i.path === 'body.fields.goals')!.message).toBe('add at least one goal');
    expect(await h.t.db.case.count({ where: { title: 'Incomplete strategy' } })).toBe(0);
  });

  it('does not let one HEI open a case for another', async () => {
    const res = await h.api('/cases', { as: 'iro@demo.itc.edu.kh', json: { type: 'strategy', institution: 'RUPP', title: 'Not ours' } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'forbidden' });
    expect(await h.t.db.case.count({ where: { title: 'Not ours' } })).toBe(0);
  });

  it('opens a case, starts its workflow and projects its state into the database', async () => {
    const res = await h.api('/cases', {
      as: IRO,
      json: { type: 'strategy', institution: 'rupp', title: 'RUPP internationalisation strategy 2026–2030', fields: demoStrategyFields() },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; workflowId: string; status: string; documents: { sha256: string }[]; stateSource: string; state: { status: string } };
    expect(created.workflowId).toBe(created.id);
    expect(created.stateSource).toBe('workflow');
    expect(created.documents).toHaveLength(1);
    expect(created.documents[0]!.sha256).toMatch(/^[a-f0-9]{64}$/);
    expect(res.headers.get('location')).toBe(`/cases/${created.id}`);

    // The worker's activities project the state, append the audit chain and send the first task emails.
    const row = await waitFor(async () => {
      const r = await h.t.db.case.findUnique({ where: { id: created.id } });
      return r && r.status === 'in_progress' && r.openAssignees.length > 0 ? r : null;
    }, { what: 'projection' });
    expect(row.openAssignees).toContain(IRO);
    expect(row.currentStage).toBeTruthy();
    // What the create statement stored: the row, its first version (the fields as the approved document), in UTC.
    expect(row).toMatchObject({ type: 'strategy', title: 'RUPP internationalisation strategy 2026–2030', workflowId: created.id, policyKey: expect.any(String), policyVersion: expect.any(Number) });
    expect(Math.abs(row.createdAt.getTime() - Date.now())).toBeLessThan(120_000);
    expect((row.fields as { period?: unknown }).period).toEqual(demoStrategyFields().period);
    const version = await h.t.db.documentVersion.findFirstOrThrow({ where: { caseId: created.id } });
    expect(version).toMatchObject({ version: 1, sha256: created.documents[0]!.sha256, fileName: 'fields.json', mimeType: 'application/json' });
    expect(createHash('sha256').update(version.content!).digest('hex')).toBe(version.sha256);
    expect(version.size).toBe(version.content!.length);
    const audit = await h.t.db.auditEvent.findMany({ where: { caseId: created.id } });
    expect(audit.length).toBeGreaterThan(0);
    const mail = await waitFor(() => h.t.db.outboxMessage.findMany({ where: { caseId: created.id, kind: 'task' } }).then((m) => (m.length ? m : null)), { what: 'task email' });
    expect(mail.map((m) => m.to)).toContain(IRO);

    const got = await h.api(`/cases/${created.id}`, { as: IRO });
    expect(got.status).toBe(200);
    const view = (await got.json()) as Record<string, unknown> & { state: { status: string }; institution: { code: string } };
    expect(view.institution).toEqual({ code: 'RUPP', name: expect.any(String) });
    expect(view.state.status).toBe('in_progress');
    // The row as stored, field by field (the read is a plain statement: its mapping is checked here).
    const stored = await h.t.db.case.findUniqueOrThrow({ where: { id: created.id }, include: { documents: true } });
    expect(view).toMatchObject({
      id: stored.id,
      type: 'strategy',
      title: stored.title,
      workflowId: stored.workflowId,
      policy: { key: stored.policyKey, version: stored.policyVersion },
      fields: stored.fields,
      createdAt: stored.createdAt.toISOString(),
      updatedAt: stored.updatedAt.toISOString(),
      dueAt: stored.dueAt?.toISOString() ?? null,
      documents: stored.documents.map((d) => ({ version: d.version, sha256: d.sha256, fileName: d.fileName, mimeType: d.mimeType, size: d.size, createdAt: d.createdAt.toISOString() })),
    });

    const list = (await (await h.api('/cases?type=strategy&institution=RUPP', { as: IRO })).json()) as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).toContain(created.id);
    const mine = (await (await h.api(`/cases?assignee=${encodeURIComponent(IRO)}`, { as: IRO })).json()) as { items: { id: string }[] };
    expect(mine.items.map((i) => i.id)).toContain(created.id);

    const tasks = (await (await h.api('/me/tasks', { as: IRO })).json()) as { items: { caseId: string; steps: { id: string }[] }[] };
    expect(tasks.items.find((t) => t.caseId === created.id)?.steps.map((s) => s.id)).toEqual(['iro_check']);
    const rectorTasks = (await (await h.api('/me/tasks', { as: 'rector@demo.rupp.edu.kh' })).json()) as { items: { caseId: string }[] };
    expect(rectorTasks.items.map((t) => t.caseId)).not.toContain(created.id);

    // Another HEI neither reads it nor sees it listed.
    expect((await h.api(`/cases/${created.id}`, { as: 'iro@demo.itc.edu.kh' })).status).toBe(404);
    const theirs = (await (await h.api('/cases', { as: 'iro@demo.itc.edu.kh' })).json()) as { items: { id: string }[] };
    expect(theirs.items.map((i) => i.id)).not.toContain(created.id);
  });

  it('returns the first case for a repeated Idempotency-Key', async () => {
    const body = { type: 'strategy', institution: 'RUPP', title: 'Idempotent strategy', fields: demoStrategyFields() };
    const a = await h.api('/cases', { as: IRO, json: body, headers: { 'idempotency-key': 'k-123456789' } });
    const b = await h.api('/cases', { as: IRO, json: body, headers: { 'idempotency-key': 'k-123456789' } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(((await a.json()) as { id: string }).id).toBe(((await b.json()) as { id: string }).id);
    expect(await h.t.db.case.count({ where: { title: 'Idempotent strategy' } })).toBe(1);
  });

  it('counts cases from Temporal visibility: by status over my institutions, and those waiting for me', async () => {
    // UBB: no other test of this file opens cases there, so the counts are exact.
    const UBB_IRO = 'iro@demo.ubb.edu.kh';
    type Counts = { source: string; total: number; byStatus: Record<string, number>; waitingForMe: number };
    const counts = async (as: string, q = '') => {
      const res = await h.api(`/cases/counts${q}`, { as });
      expect(res.status).toBe(200);
      return (await res.json()) as Counts;
    };
    const zero = { in_progress: 0, sent_back: 0, approved: 0, rejected: 0, withdrawn: 0 };
    expect(await counts(UBB_IRO)).toMatchObject({ source: 'temporal-visibility', total: 0, byStatus: zero, waitingForMe: 0 });
    const itcBefore = await counts('iro@demo.itc.edu.kh');

    const created = await h.api('/cases', { as: UBB_IRO, json: { type: 'strategy', institution: 'UBB', title: 'Counted strategy', fields: demoStrategyFields() } });
    const { id } = (await created.json()) as { id: string };
    // Visibility follows the workflow's search attributes a moment later.
    await waitFor(async () => {
      const c = await counts(UBB_IRO);
      return c.byStatus.in_progress === 1 && c.waitingForMe === 1;
    }, { what: 'the new case counted' });
    expect(await counts(UBB_IRO)).toMatchObject({ total: 1, byStatus: { ...zero, in_progress: 1 }, waitingForMe: 1 });
    // The type filter: a strategy counts among strategies, not among MoUs.
    expect((await counts(UBB_IRO, '?type=strategy')).total).toBe(1);
    expect((await counts(UBB_IRO, '?type=mou')).total).toBe(0);

    expect((await h.api(`/cases/${id}/withdraw`, { as: UBB_IRO, json: { comment: 'Counted enough.' } })).status).toBe(200);
    await waitFor(async () => {
      const c = await counts(UBB_IRO);
      return c.byStatus.withdrawn === 1 && c.byStatus.in_progress === 0 && c.waitingForMe === 0;
    }, { what: 'the withdrawn case counted as withdrawn' });
    // Another HEI counts its own cases only, and may not ask for UBB's; the network admin counts all.
    expect(await counts('iro@demo.itc.edu.kh')).toMatchObject({ total: itcBefore.total });
    expect((await h.api('/cases/counts?institution=UBB', { as: 'iro@demo.itc.edu.kh' })).status).toBe(403);
    expect((await counts('admin@demo.moeys.gov.kh', '?institution=UBB')).byStatus.withdrawn).toBe(1);
    expect((await h.api("/cases/counts?institution=U'BB", { as: UBB_IRO })).status).toBe(422);
  });

  it('lets an institution admin add someone to a step nobody could be found for', async () => {
    // No contact at the receiving university in the fields: its step opens with nobody to decide it.
    const created = await h.api('/cases', { as: IRO, json: { type: 'recognition', institution: 'RUPP', title: 'Exchange semester at Saarland', fields: { receiving: { name: 'Saarland University' } } } });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    type Step = { id: string; status: string; assignees: { email: string }[] };
    const stepOf = async (stepId: string) => {
      const c = (await (await h.api(`/cases/${id}`, { as: IRO })).json()) as { state: { stages: { steps: Step[] }[]; allowed: { stepId?: string; actions: string[] }[] } };
      return { step: c.state.stages.flatMap((x) => x.steps).find((x) => x.id === stepId)!, allowed: c.state.allowed.find((a) => a.stepId === stepId)?.actions ?? [] };
    };
    const empty = await waitFor(async () => {
      const s = await stepOf('receiving_institution');
      return s.step.status === 'open' ? s : null;
    }, { what: 'receiving step open' });
    expect(empty.step.assignees).toEqual([]);
    expect(empty.allowed).toContain('reassign');

    // The sending faculty has its dean: nobody is added there, the admin must say whom to replace.
    const notShort = await h.api(`/cases/${id}/reassign`, { as: IRO, json: { stepId: 'sending_faculty', to: { email: 'other.dean@demo.rupp.edu.kh' } } });
    expect(notShort.status).toBe(409);
    expect(((await notShort.json()) as { issues?: { path: string }[] }).issues?.[0]?.path).toBe('from');

    const added = await h.api(`/cases/${id}/reassign`, { as: IRO, json: { stepId: 'receiving_institution', to: { email: 'erasmus@uni-saarland.de', name: 'Erasmus office' }, comment: 'Contact from the nomination letter.' } });
    expect(added.status).toBe(200);
    expect((await stepOf('receiving_institution')).step.assignees.map((a) => a.email)).toEqual(['erasmus@uni-saarland.de']);
    // They are told, with a link to decide (the step is decided from email links).
    const email = await waitFor(() => h.t.db.outboxMessage.findFirst({ where: { caseId: id, to: 'erasmus@uni-saarland.de' } }), { what: 'task email' });
    expect(email.kind).toBe('task');
    expect(email.text).toMatch(/\/l\//);
  });
});
