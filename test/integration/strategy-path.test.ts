// The strategy path end to end over the real engine: API → dev server → worker → activities → database, the
// seeded default policy (IRO check → leadership → MoEYS review with a rubric by 2 of 3 → MoEYS sign-off), the
// sealed decision checked by pdfsig and by /verify, and the audit chain.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { demoStrategyFields } from '../support/strategy-fields.js';
import { waitFor } from '../support/wait.js';
import { describeWithPoppler, pdfsig, pdftotext } from '../support/poppler.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const IRO = 'iro@demo.rupp.edu.kh';
const RECTOR = 'rector@demo.rupp.edu.kh';
const R1 = 'reviewer1@demo.moeys.gov.kh';
const R2 = 'reviewer2@demo.moeys.gov.kh';
const DIRECTOR = 'reviewer3@demo.moeys.gov.kh';
const scores = { alignment: 4, goals: 4, feasibility: 3, partnerships: 5, governance: 4 };

interface CaseBody {
  id: string;
  documents: { sha256: string }[];
  state: { status: string; currentStage: { id: string } | null; allowed: { stepId?: string; actions: string[] }[] };
}

async function getCase(id: string, as: string): Promise<CaseBody> {
  const res = await h.api(`/cases/${id}`, { as });
  expect(res.status).toBe(200);
  return (await res.json()) as CaseBody;
}

async function stageIs(id: string, stage: string) {
  await waitFor(async () => (await getCase(id, IRO)).state.currentStage?.id === stage, { what: `stage ${stage}` });
}

/** Waits until `as` may approve `stepId` (the step is open and its assignees resolved). */
async function mayApprove(id: string, as: string, stepId: string) {
  await waitFor(
    async () => {
      // Until the step opens, its future assignees may not even see the case (404).
      const res = await h.api(`/cases/${id}`, { as });
      if (res.status !== 200) return false;
      return ((await res.json()) as CaseBody).state.allowed.some((a) => a.stepId === stepId && a.actions.includes('approve'));
    },
    { what: `${as} may approve ${stepId}` },
  );
}

/** Flips one byte of stream data inside the signed range (the PDF stays parseable; its digest no longer matches). */
function flipInSignedStream(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const signedEnd = Number(/\/ByteRange \[0 (\d+)/.exec(text)![1]);
  const at = text.indexOf('stream\n') + 40;
  expect(at).toBeGreaterThan(40);
  expect(at).toBeLessThan(signedEnd);
  const copy = Buffer.from(pdf);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

let caseId = '';
let sha = '';

describe('strategy path over the real engine', () => {
  it('goes from submission to MoEYS sign-off and seals the decision', async () => {
    const created = await h.api('/cases', { as: RECTOR, json: { type: 'strategy', institution: 'RUPP', title: 'RUPP internationalisation strategy 2026–2030', fields: demoStrategyFields() } });
    expect(created.status).toBe(201);
    const c = (await created.json()) as CaseBody;
    caseId = c.id;
    sha = c.documents[0]!.sha256;
    await stageIs(caseId, 'iro_check');
    await mayApprove(caseId, IRO, 'iro_check');
    expect((await getCase(caseId, IRO)).state.allowed).toEqual([{ stepId: 'iro_check', actions: ['approve', 'reject', 'send_back', 'delegate', 'reassign'] }]);

    const decide = (as: string, body: Record<string, unknown>) => h.api(`/cases/${caseId}/decisions`, { as, json: { action: 'approve', documentSha256: sha, ...body } });
    expect((await decide(IRO, { stepId: 'iro_check' })).status).toBe(200);
    await stageIs(caseId, 'endorsement');
    await mayApprove(caseId, RECTOR, 'leadership_endorsement');
    expect((await decide(RECTOR, { stepId: 'leadership_endorsement', comment: 'Endorsed by the rector.' })).status).toBe(200);
    await stageIs(caseId, 'moeys_review');
    await mayApprove(caseId, R1, 'moeys_review');

    // The rubric is enforced at the edge of the workflow: 422 with the path of each missing score.
    const incomplete = await decide(R1, { stepId: 'moeys_review', scores: { alignment: 4 }, comment: 'Good.' });
    expect(incomplete.status).toBe(422);
    const problem = (await incomplete.json()) as { code: string; issues: { path: string }[] };
    expect(problem.code).toBe('validation_failed');
    expect(problem.issues.map((i) => i.path)).toEqual(['scores.goals', 'scores.feasibility', 'scores.partnerships', 'scores.governance']);
    // Another HEI's staff cannot even see the case.
    expect((await h.api(`/cases/${caseId}/decisions`, { as: 'iro@demo.itc.edu.kh', json: { action: 'approve', stepId: 'moeys_review', documentSha256: sha } })).status).toBe(404);

    expect((await decide(R1, { stepId: 'moeys_review', scores, comment: 'Well aligned with the MoEYS reforms.' })).status).toBe(200);
    const dup = await decide(R1, { stepId: 'moeys_review', scores, comment: 'again' });
    expect(dup.status).toBe(409);
    expect((await decide(R2, { stepId: 'moeys_review', scores, comment: 'Clear KPIs.' })).status).toBe(200);
    await stageIs(caseId, 'moeys_signoff');
    await mayApprove(caseId, DIRECTOR, 'moeys_signoff');
    expect((await decide(DIRECTOR, { stepId: 'moeys_signoff', comment: 'Signed off.' })).status).toBe(200);

    const sealed = await waitFor(() => h.t.db.sealedDocument.findFirst({ where: { caseId } }), { what: 'sealed decision' });
    expect(sealed.outcome).toBe('approved');
    expect(sealed.approvedSha256).toBe(sha);
    // The seal covers the whole decision: the audit chain's head it names comes after the case's closing events
    // (the sign-off and the outcome were stored before sealing).
    const head = await h.t.db.auditEvent.findUniqueOrThrow({ where: { hash: sealed.auditHeadHash } });
    const closing = await h.t.db.auditEvent.findMany({ where: { caseId, type: { in: ['approved', 'completed'] } }, orderBy: { seq: 'asc' } });
    expect(closing.map((e) => e.type).slice(-2)).toEqual(['approved', 'completed']);
    expect(closing.at(-1)!.seq <= head.seq).toBe(true);
    const row = await waitFor(async () => {
      const r = await h.t.db.case.findUnique({ where: { id: caseId } });
      return r?.status === 'approved' ? r : null;
    }, { what: 'approved projection' });
    expect(row.openAssignees).toEqual([]);

    // The outcome email reaches the submitter, leadership and the IRO, with the sealed PDF's link.
    const outcome = await waitFor(() => h.t.db.outboxMessage.findMany({ where: { caseId, kind: 'outcome' } }).then((m) => (m.length >= 2 ? m : null)), { what: 'outcome emails' });
    expect(outcome.map((m) => m.to).sort()).toEqual([IRO, RECTOR].sort());
    expect(outcome[0]!.text).toContain(`/sealed/${sealed.id}.pdf`);
  });

  it('lets anyone verify the sealed PDF, and detects one flipped byte', async () => {
    const info = await h.api(`/verify/${caseId}`);
    expect(info.status).toBe(200);
    const sealedRow = await h.t.db.sealedDocument.findFirstOrThrow({ where: { caseId } });
    expect(await info.json()).toMatchObject({ caseId, sealed: [{ outcome: 'approved', sha256: sealedRow.sha256, approvedSha256: sha }] });

    const pdf = await h.api(`/sealed/${sealedRow.id}.pdf`, { as: IRO });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect((await h.api(`/sealed/${sealedRow.id}.pdf`, { as: 'iro@demo.itc.edu.kh' })).status).toBe(404);

    const ok = (await (await h.api('/verify', { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: bytes })).json()) as Record<string, unknown>;
    expect(ok).toMatchObject({ ok: true, decision: { caseId, outcome: 'approved', approvedSha256: sha }, record: { caseId, outcome: 'approved' } });

    const tampered = flipInSignedStream(bytes);
    const bad = (await (await h.api('/verify', { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: tampered })).json()) as Record<string, unknown>;
    expect(bad).toMatchObject({ ok: false, reason: 'digest_mismatch', record: null });

    const garbage = await h.api('/verify', { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: Buffer.from('not a pdf at all') });
    expect(await garbage.json()).toMatchObject({ ok: false, reason: 'not_pdf' });
    expect((await h.api('/verify', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })).status).toBe(415);
  });

  describeWithPoppler('with poppler', () => {
    it('pdfsig reports the sealed decision valid, and a flipped byte as a mismatch', async () => {
      const row = await h.t.db.sealedDocument.findFirstOrThrow({ where: { caseId } });
      const dir = await mkdtemp(path.join(tmpdir(), 'chain-pdfsig-'));
      const good = path.join(dir, 'good.pdf');
      await writeFile(good, row.bytes);
      expect(pdfsig(good)).toContain('Signature is Valid.');
      // The decisions listed in the PDF end with the MoEYS sign-off that closed the case.
      expect(pdftotext(good)).toContain('Signed off.');
      const flipped = flipInSignedStream(Buffer.from(row.bytes));
      const bad = path.join(dir, 'bad.pdf');
      await writeFile(bad, flipped);
      expect(pdfsig(bad)).toMatch(/Digest Mismatch|Signature is Invalid/);
    });
  });

  it('sends back, takes a resubmission with changed fields, and shows reviewers what changed', async () => {
    const created = (await (await h.api('/cases', { as: RECTOR, json: { type: 'strategy', institution: 'RUPP', title: 'RUPP strategy, second attempt', fields: demoStrategyFields() } })).json()) as CaseBody;
    const v1 = created.documents[0]!.sha256;
    await mayApprove(created.id, IRO, 'iro_check');
    const back = await h.api(`/cases/${created.id}/decisions`, { as: IRO, json: { action: 'send_back', stepId: 'iro_check', documentSha256: v1, to: 'submitter', comment: 'Raise the mobility targets.' } });
    expect(back.status).toBe(200);
    await waitFor(async () => (await getCase(created.id, RECTOR)).state.status === 'sent_back', { what: 'sent back' });
    await waitFor(async () => {
      const t = (await (await h.api('/me/tasks', { as: RECTOR })).json()) as { items: { caseId: string; resubmit: boolean }[] };
      return t.items.some((i) => i.caseId === created.id && i.resubmit);
    }, { what: 'resubmission task' });

    // Only the submitter may resubmit; bad fields are refused with their path and leave no version behind.
    expect((await h.api(`/cases/${created.id}/resubmit`, { as: IRO, json: { fields: demoStrategyFields() } })).status).toBe(403);
    const bad = await h.api(`/cases/${created.id}/resubmit`, { as: RECTOR, json: { fields: demoStrategyFields({ budget: { amount: -5 } }) } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(['body.fields.budget.amount']);
    expect(await h.t.db.documentVersion.count({ where: { caseId: created.id } })).toBe(1);

    const changed = demoStrategyFields({ budget: { amount: 300000, currency: 'USD' } });
    (changed.goals[0]!.kpis[0]!.targets as Record<string, number>)['2030'] = 150;
    const re = await h.api(`/cases/${created.id}/resubmit`, { as: RECTOR, json: { fields: changed, comment: 'Targets raised.' } });
    expect(re.status).toBe(200);
    const diff = (await (await h.api(`/cases/${created.id}/changes`, { as: IRO })).json()) as { from: { version: number }; to: { version: number; sha256: string }; changes: unknown[] };
    expect(diff.from.version).toBe(1);
    expect(diff.to.version).toBe(2);
    expect(diff.changes).toEqual([
      { path: 'budget.amount', kind: 'changed', before: 250000, after: 300000 },
      { path: 'goals[0].kpis[0].targets.2030', kind: 'changed', before: 100, after: 150 },
    ]);
    // The projection carries fields only when they changed: the row now holds the resubmitted ones.
    const projected = await waitFor(async () => {
      const row = await h.t.db.case.findUniqueOrThrow({ where: { id: created.id }, select: { fields: true } });
      return (row.fields as { budget?: { amount?: number } }).budget?.amount === 300000 ? row.fields : null;
    }, { what: 'resubmitted fields projected' });
    expect((projected as typeof changed).goals[0]!.kpis[0]!.targets).toMatchObject({ '2030': 150 });
    // Decisions on the old version are refused; the review restarts on version 2.
    await mayApprove(created.id, IRO, 'iro_check');
    const stale = await h.api(`/cases/${created.id}/decisions`, { as: IRO, json: { action: 'approve', stepId: 'iro_check', documentSha256: v1 } });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ code: 'stale_version' });
    expect((await h.api(`/cases/${created.id}/decisions`, { as: IRO, json: { action: 'approve', stepId: 'iro_check', documentSha256: diff.to.sha256 } })).status).toBe(200);
  });

  it('keeps an intact audit chain, and reports a tampered row', async () => {
    const admin = 'admin@demo.moeys.gov.kh';
    expect((await h.api('/audit/verify', { as: IRO })).status).toBe(403);
    const report = (await (await h.api('/audit/verify', { as: admin })).json()) as { ok: boolean; rows: number };
    expect(report.ok).toBe(true);
    expect(report.rows).toBeGreaterThan(10);
    const victim = await h.t.db.auditEvent.findFirstOrThrow({ where: { caseId, type: 'approved' }, orderBy: { seq: 'asc' } });
    await h.t.db.auditEvent.update({ where: { seq: victim.seq }, data: { actor: 'someone.else@demo.rupp.edu.kh' } });
    const broken = (await (await h.api('/audit/verify', { as: admin })).json()) as { ok: boolean; brokenAt: { seq: string } };
    expect(broken.ok).toBe(false);
    expect(broken.brokenAt.seq).toBe(victim.seq.toString());
  });
});
