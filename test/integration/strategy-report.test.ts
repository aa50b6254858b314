// Progress reports on a signed-off strategy over the real engine (API → dev server → worker → activities →
// database): the strategy is signed off through the API, the IRO files the mid-period report, a MoEYS reviewer
// approves it from the link in their email, and the report's decision is sealed. Reports on a strategy that is not
// signed off, of another institution, archived, or for a point already reported are refused with their codes.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { demoStrategyFields } from '../support/strategy-fields.js';
import { waitFor } from '../support/wait.js';
import { Browser, linkFor, local, tinyPdf } from '../links/support.js';
import { progressWorkflowId } from '../../workflows/progress/messages.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const IRO = 'iro@demo.rupp.edu.kh';
const RECTOR = 'rector@demo.rupp.edu.kh';
const DEAN = 'dean.science@demo.rupp.edu.kh';
const ITC_IRO = 'iro@demo.itc.edu.kh';
const NETWORK_ADMIN = 'admin@demo.moeys.gov.kh';
const R1 = 'reviewer1@demo.moeys.gov.kh';
const R2 = 'reviewer2@demo.moeys.gov.kh';
const DIRECTOR = 'reviewer3@demo.moeys.gov.kh';
const scores = { alignment: 4, goals: 4, feasibility: 3, partnerships: 5, governance: 4 };

interface CaseBody {
  id: string;
  status: string;
  documents: { sha256: string }[];
  state: { status: string; allowed: { stepId?: string; actions: string[] }[] };
}
interface Problem {
  code: string;
  issues?: { path: string; message: string }[];
  [k: string]: unknown;
}

const actuals = [
  { goal: 0, kpi: 0, actual: 72, comment: 'Erasmus+ credit mobility with Saarland and Alicante.' },
  { goal: 0, kpi: 1, actual: 20 },
  { goal: 1, kpi: 0, actual: 9 },
  { goal: 2, kpi: 0, year: 2028, actual: 24 },
];
const reportFields = (strategyCaseId: string, over: Record<string, unknown> = {}) => ({
  strategyCaseId,
  point: 'mid',
  actuals,
  narrative: 'Outgoing mobility is ahead of its 2028 target; joint publications lag behind and get a research fund from 2029.',
  ...over,
});
const fileReport = (as: string, fields: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  h.api('/cases', { as, json: { type: 'strategy_report', institution: 'RUPP', title: 'RUPP mid-period progress report', fields, ...extra } });

async function mayApprove(id: string, as: string, stepId: string) {
  await waitFor(
    async () => {
      const res = await h.api(`/cases/${id}`, { as });
      if (res.status !== 200) return false;
      return ((await res.json()) as CaseBody).state.allowed.some((a) => a.stepId === stepId && a.actions.includes('approve'));
    },
    { what: `${as} may approve ${stepId}` },
  );
}

/** A RUPP strategy through the API; with `signOff`, through every step to MoEYS sign-off. */
async function strategy(signOff: boolean): Promise<string> {
  const created = await h.api('/cases', { as: RECTOR, json: { type: 'strategy', institution: 'RUPP', title: `RUPP strategy ${randomUUID().slice(0, 4)}`, fields: demoStrategyFields() } });
  expect(created.status).toBe(201);
  const c = (await created.json()) as CaseBody;
  if (!signOff) return c.id;
  const sha = c.documents[0]!.sha256;
  const steps: [string, string, Record<string, unknown>][] = [
    [IRO, 'iro_check', {}],
    [RECTOR, 'leadership_endorsement', {}],
    [R1, 'moeys_review', { scores, comment: 'Well aligned.' }],
    [R2, 'moeys_review', { scores, comment: 'Clear KPIs.' }],
    [DIRECTOR, 'moeys_signoff', {}],
  ];
  for (const [as, stepId, extra] of steps) {
    await mayApprove(c.id, as, stepId);
    expect((await h.api(`/cases/${c.id}/decisions`, { as, json: { action: 'approve', stepId, documentSha256: sha, ...extra } })).status).toBe(200);
  }
  await waitFor(async () => (await h.t.db.case.findUnique({ where: { id: c.id } }))?.status === 'approved' && (await h.t.db.sealedDocument.count({ where: { caseId: c.id } })) > 0, { what: 'signed-off strategy' });
  return c.id;
}

let strategyId = '';
let reportId = '';

describe('progress reports on a signed-off strategy', () => {
  it('are refused on a strategy still in review, and the sign-off starts the progress schedule', async () => {
    const inReview = await strategy(false);
    const early = await fileReport(IRO, reportFields(inReview));
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ code: 'strategy_not_approved', strategyCaseId: inReview });

    strategyId = await strategy(true);
    const schedule = await waitFor(() => h.runtime.client.workflow.getHandle(progressWorkflowId(strategyId)).describe().catch(() => null), { what: 'progress schedule' });
    expect(schedule.type).toBe('strategyProgressWorkflow');
    expect(schedule.status.name).toBe('RUNNING');
  });

  it('may be filed by the IRO or leadership of the strategy’s institution only', async () => {
    // Another HEI's IRO, naming its own institution: the strategy is not theirs, and they may not even learn that
    // it exists — the same answer as for an id that names nothing.
    const other = await h.api('/cases', { as: ITC_IRO, json: { type: 'strategy_report', institution: 'ITC', title: 'Not ours', fields: reportFields(strategyId) } });
    const none = await h.api('/cases', { as: ITC_IRO, json: { type: 'strategy_report', institution: 'ITC', title: 'Not ours', fields: reportFields('strategy-rupp-00000000') } });
    expect([other.status, none.status]).toEqual([422, 422]);
    const [a, b] = (await Promise.all([other.json(), none.json()])) as { code: string; issues: { path: string }[] }[];
    expect(a).toMatchObject({ code: 'validation_failed', issues: [{ path: 'body.fields.strategyCaseId' }] });
    expect(b).toMatchObject({ code: a!.code, title: (a as unknown as { title: string }).title });
    // Naming RUPP: not their institution at all.
    expect((await h.api('/cases', { as: ITC_IRO, json: { type: 'strategy_report', institution: 'RUPP', title: 'Not ours', fields: reportFields(strategyId) } })).status).toBe(403);
    // A faculty dean and the network administrator do not speak for RUPP's strategy.
    for (const as of [DEAN, NETWORK_ADMIN]) expect((await fileReport(as, reportFields(strategyId))).status, as).toBe(403);
  });

  it('names each field that does not fit the strategy', async () => {
    const bad = await fileReport(IRO, reportFields(strategyId, { point: 'half', narrative: 'Fine.' }));
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as Problem).issues!.map((i) => i.path).sort()).toEqual(['body.fields.narrative', 'body.fields.point']);
    const kpis = await fileReport(IRO, reportFields(strategyId, { actuals: [...actuals.slice(0, 3), { goal: 2, kpi: 3, actual: 1 }] }));
    expect(kpis.status).toBe(422);
    expect(((await kpis.json()) as Problem).issues).toEqual([
      { path: 'body.fields.actuals[3].kpi', message: 'goal 2 ("Active partnerships") has no KPI 3 (it has 1, counted from 0)' },
      { path: 'body.fields.actuals', message: 'no actual value for goals[2].kpis[0] ("Active MoUs")' },
    ]);
    expect(await h.t.db.case.count({ where: { type: 'strategy_report' } })).toBe(0);
  });

  it('is filed by the IRO, listed with its strategy, refused a second time, and approved by MoEYS from the email link', async () => {
    const document = { fileName: 'mid-period-report.pdf', mimeType: 'application/pdf', contentBase64: tinyPdf('RUPP mid-period report') };
    const filed = await fileReport(IRO, reportFields(strategyId), { document });
    expect(filed.status).toBe(201);
    const report = (await filed.json()) as CaseBody & { documents: { sha256: string; fileName: string }[] };
    reportId = report.id;
    expect(report.documents[0]!.fileName).toBe('mid-period-report.pdf');

    const list = async () =>
      (await (await h.api('/institutions/RUPP/strategies', { as: IRO })).json()) as { current: string; items: { caseId: string; reports: { point: string; dueDate: string; dueAt: string; caseId: string | null; status: string | null }[] }[] };
    const listed = await list();
    expect(listed.current).toBe(strategyId);
    expect(listed.items.find((i) => i.caseId === strategyId)!.reports).toEqual([
      { point: 'mid', dueDate: '2028-07-01', dueAt: '2028-07-01T01:00:00.000Z', caseId: reportId, status: expect.stringMatching(/starting|in_progress/) },
      { point: 'end', dueDate: '2031-03-31', dueAt: '2031-03-31T01:00:00.000Z', caseId: null, status: null },
    ]);
    // A strategy still in review has no reports to list.
    expect(listed.items.filter((i) => i.caseId !== strategyId).every((i) => i.reports.length === 0)).toBe(true);

    const again = await fileReport(RECTOR, reportFields(strategyId));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'report_already_filed', reportCaseId: reportId });

    // The MoEYS reviewers are asked by email; one of them decides from the link (no account needed).
    const url = local(h, await linkFor(h, reportId, R1));
    const b = new Browser();
    const page = await b.get(url);
    expect(page.res.status).toBe(200);
    expect(page.body).toContain('MoEYS review of the progress report');
    const decided = await b.post(url, { action: 'approve', documentSha256: report.documents[0]!.sha256, comment: 'Good progress on mobility.', _csrf: page.csrf }, { 'sec-fetch-site': 'same-origin' });
    expect(decided.res.status).toBe(200);

    const sealed = await waitFor(() => h.t.db.sealedDocument.findFirst({ where: { caseId: reportId } }), { what: 'sealed report decision' });
    expect(sealed.outcome).toBe('approved');
    expect(Buffer.from(sealed.bytes).toString('latin1')).toContain('CHAInDecision');
    await waitFor(async () => (await list()).items.find((i) => i.caseId === strategyId)!.reports[0]!.status === 'approved', { what: 'approved report in the list' });
    const verify = (await (await h.api(`/verify/${reportId}`)).json()) as { sealed: { outcome: string }[] };
    expect(verify.sealed).toMatchObject([{ outcome: 'approved' }]);

    // Approved, the mid-period report stays the one for its point.
    expect(await (await fileReport(IRO, reportFields(strategyId))).json()).toMatchObject({ code: 'report_already_filed', reportStatus: 'approved' });
  });

  it('is refused on an archived strategy once a newer one is signed off', async () => {
    // A newer RUPP strategy as the engine leaves a signed-off one (approved, sealed decision).
    const rupp = await h.t.db.institution.findUniqueOrThrow({ where: { code: 'RUPP' } });
    const newer = `strategy-rupp-${randomUUID().slice(0, 8)}`;
    await h.t.db.case.create({ data: { id: newer, type: 'strategy', institutionId: rupp.id, title: 'RUPP strategy 2031–2035', status: 'approved', workflowId: newer, fields: demoStrategyFields({ period: { from: 2031, to: 2035 } }) } });
    await h.t.db.sealedDocument.create({ data: { caseId: newer, decisionKey: `${newer}/approved`, outcome: 'approved', sha256: randomBytes(32).toString('hex'), auditHeadHash: '0'.repeat(64), bytes: new Uint8Array([37]) } });
    const res = await fileReport(IRO, reportFields(strategyId, { point: 'end' }));
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'strategy_archived', currentStrategyCaseId: newer });
  });
});
