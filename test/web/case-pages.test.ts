// The strategy path in pages, over HTTP as a browser speaks it: the submission form (multipart upload, errors next
// to their fields, CSRF, one case per form), the case page (state, timeline, versions, what I may do), deciding and
// sending back from it, resubmitting with the change summary, and who may see what. Real Temporal, real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { waitFor } from '../support/wait.js';
import { Browser, caseView, tinyPdf } from '../links/support.js';
import { createSession } from '../../api/auth/session.js';
import { parseStrategyForm, strategyToForm } from '../../web/strategy-form.js';
import { demoStrategyFields } from '../support/strategy-fields.js';

const RECTOR = 'rector@demo.sru.edu.kh';
const IRO = 'iro@demo.sru.edu.kh';
const OTHER_HEI_IRO = 'iro@demo.rupp.edu.kh';
const MOEYS_REVIEWER = 'reviewer1@demo.moeys.gov.kh';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' } });
});
afterAll(async () => h?.close());

async function signedIn(email: string): Promise<Browser> {
  const person = await h.t.db.person.findUniqueOrThrow({ where: { email } });
  const s = await createSession(h.t.db, person.id);
  const b = new Browser();
  b.cookies.set('chain_session', s.value);
  return b;
}

/** A valid strategy as the form's inputs. */
const validInputs = (title: string) => ({ institution: 'SRU', title, ...strategyToForm(demoStrategyFields()) });
const pdf = (label: string) => ({ field: 'document', name: 'strategy.pdf', type: 'application/pdf', bytes: Buffer.from(tinyPdf(label), 'base64') });

/** The text of the error shown for an input, if any (it sits between the input's label and the input). */
function errorFor(body: string, id: string): string | undefined {
  const m = new RegExp(`<label for="${id}">[^<]*</label>\\s*<p class="error" id="${id}-error">([^<]*)</p>\\s*<[a-z]+ [^>]*id="${id}"[^>]*aria-invalid="true"`).exec(body);
  return m?.[1];
}

describe('the strategy form (pure mapping)', () => {
  it('maps every schema error back to the input the person typed in, skipping blank rows', () => {
    const values = {
      ...strategyToForm(demoStrategyFields()),
      // Row 0 blank: the goal typed in row 1 is goals[0] for the schema, but its errors belong to row 1's inputs.
      'goals.0.title': '',
      'goals.0.kpis.0.name': '',
      'goals.0.kpis.0.targets': '',
      'goals.0.kpis.0.baseline': '',
      'goals.0.kpis.1.baseline': '',
      'goals.0.kpis.1.name': '',
      'goals.0.kpis.1.targets': '',
      'goals.1.title': 'x',
      'goals.1.kpis.0.targets': '2026: 5, 2040: 9',
      'goals.2.kpis.0.targets': 'lots',
      'period.to': '',
      vision: 'short',
    };
    const r = parseStrategyForm(values, { needTitle: true });
    expect(r.fields).toBeUndefined();
    expect(r.errors).toMatchObject({
      title: expect.stringContaining('title'),
      'period.to': 'Enter the last year of the period.',
      vision: expect.stringContaining('20 characters'),
      'goals.1.title': 'name the goal',
      'goals.2.kpis.0.targets': expect.stringContaining('year: number'),
    });
    expect(r.errors['goals.0.title']).toBeUndefined();
    // With the period missing, the target-year check cannot run; with it, 2040 is reported on row 1's targets.
    const r2 = parseStrategyForm({ ...values, 'period.to': '2030' }, { needTitle: false });
    expect(r2.errors['goals.1.kpis.0.targets']).toBe('2040 is outside the period 2026–2030');
  });

  it('round-trips the demo strategy through the form', () => {
    const r = parseStrategyForm({ title: 'SRU strategy', institution: 'sru', ...strategyToForm(demoStrategyFields()) }, { needTitle: true });
    expect(r.errors).toEqual({});
    expect(r.institution).toBe('SRU');
    expect(r.fields).toEqual(demoStrategyFields({ goals: demoStrategyFields().goals.map((g) => ({ ...g, kpis: g.kpis.map((k) => ({ unit: 'count', ...k })) })) }));
  });
});

describe('submitting a strategy from the form', () => {
  it('sends a visitor without a session to sign in', async () => {
    const r = await new Browser().get(`${h.url}/strategies/new`, { accept: 'text/html' });
    expect(r.res.status).toBe(303);
    expect(r.res.headers.get('location')).toBe('/sign-in?next=%2Fstrategies%2Fnew');
  });

  it('shows each error next to its field, keeps what was typed, and creates nothing', async () => {
    const b = await signedIn(RECTOR);
    const form = await b.get(`${h.url}/strategies/new`, { accept: 'text/html' });
    expect(form.res.status).toBe(200);
    expect(form.body).toContain('enctype="multipart/form-data"');
    const formId = /name="formId" value="([^"]+)"/.exec(form.body)?.[1];
    const before = await h.t.db.case.count();
    const r = await b.postMultipart(
      `${h.url}/strategies/new`,
      { ...validInputs('SRU strategy with mistakes'), _csrf: form.csrf, formId, vision: 'Too short', 'goals.0.kpis.0.targets': '2026 forty', 'budget.amount': '' },
      { field: 'document', name: 'strategy.pdf', type: 'application/pdf', bytes: Buffer.from('not a pdf at all') },
      { accept: 'text/html' },
    );
    expect(r.res.status).toBe(422);
    expect(errorFor(r.body, 'f-vision')).toContain('20 characters');
    expect(errorFor(r.body, 'f-goals-0-kpis-0-targets')).toContain('year: number');
    expect(errorFor(r.body, 'f-budget-amount')).toBe('Enter the budget (0 if none).');
    expect(errorFor(r.body, 'f-document')).toBe('The file must be a PDF document.');
    expect(r.body).toContain('Please correct the 4 fields marked below.');
    expect(r.body).toContain('href="#f-vision"');
    // What was typed is still there (the vision as typed, the title), escaped.
    expect(r.body).toContain('>Too short</textarea>');
    expect(r.body).toContain('value="SRU strategy with mistakes"');
    expect(await h.t.db.case.count()).toBe(before);
  });

  it('refuses a form without its CSRF token (403) and from another site', async () => {
    const b = await signedIn(RECTOR);
    const before = await h.t.db.case.count();
    const r = await b.postMultipart(`${h.url}/strategies/new`, validInputs('No token'), pdf('no token'), { accept: 'text/html' });
    expect(r.res.status).toBe(403);
    const form = await b.get(`${h.url}/strategies/new`, { accept: 'text/html' });
    const cross = await b.postMultipart(`${h.url}/strategies/new`, { ...validInputs('Cross site'), _csrf: form.csrf }, pdf('x'), { accept: 'text/html', 'sec-fetch-site': 'cross-site' });
    expect(cross.res.status).toBe(403);
    // The JSON API does not take an unchecked multipart request either.
    const api = await b.postMultipart(`${h.url}/cases/some-case/withdraw`, { comment: 'x' }, undefined, { accept: 'application/json' });
    expect(api.res.status).toBe(403);
    expect(await h.t.db.case.count()).toBe(before);
  });

  it('does not offer or accept another HEI', async () => {
    const b = await signedIn(RECTOR);
    const form = await b.get(`${h.url}/strategies/new`, { accept: 'text/html' });
    expect(form.body).toContain('<option value="SRU">Svay Rieng University</option>');
    expect(form.body).not.toContain('value="RUPP"');
    const r = await b.postMultipart(`${h.url}/strategies/new`, { ...validInputs('For RUPP'), institution: 'RUPP', _csrf: form.csrf }, pdf('rupp'), { accept: 'text/html' });
    expect(r.res.status).toBe(422);
    expect(errorFor(r.body, 'f-institution')).toBeTruthy();
    // A MoEYS reviewer may not submit strategies at all.
    const reviewer = await signedIn(MOEYS_REVIEWER);
    expect((await reviewer.get(`${h.url}/strategies/new`, { accept: 'text/html' })).res.status).toBe(403);
  });

  it('"More rows" adds a goal and indicator rows without submitting', async () => {
    const b = await signedIn(RECTOR);
    const form = await b.get(`${h.url}/strategies/new`, { accept: 'text/html' });
    expect(form.body).toContain('id="goal-1"');
    expect(form.body).not.toContain('id="goal-2"');
    const r = await b.postMultipart(`${h.url}/strategies/new`, { ...validInputs('More'), _csrf: form.csrf, more: '1' }, undefined, { accept: 'text/html' });
    expect(r.res.status).toBe(200);
    expect(r.body).toContain('id="goal-3"'); // the demo's three goals, plus one
    expect(r.body).toContain('id="goal-0-kpi-2"');
    expect(r.body).not.toContain('class="error"');
    // With a file chosen: the form cannot bring it back, and says so (it used to drop it without a word).
    const pdf = { field: 'document', name: 'strategy.pdf', type: 'application/pdf', bytes: Buffer.from('%PDF-1.7\n%%EOF\n') };
    const withFile = await b.postMultipart(`${h.url}/strategies/new`, { ...validInputs('More'), _csrf: form.csrf, more: '1' }, pdf, { accept: 'text/html' });
    expect(withFile.res.status).toBe(200);
    expect(withFile.body).toContain('choose it once more');
  });

  it('a file over 10 MB comes back as an error on the file, with everything typed kept (not a 413 page)', async () => {
    const b = await signedIn(RECTOR);
    const form = await b.get(`${h.url}/strategies/new`, { accept: 'text/html' });
    const big = { field: 'document', name: 'scan.pdf', type: 'application/pdf', bytes: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(11 * 1024 * 1024, 0x20)]) };
    const inputs = validInputs('Too large an upload');
    const r = await b.postMultipart(`${h.url}/strategies/new`, { ...inputs, _csrf: form.csrf }, big, { accept: 'text/html' });
    expect(r.res.status).toBe(422);
    expect(r.body).toContain('The file is larger than 10 MB');
    expect(r.body).toContain('value="Too large an upload"');
    expect(r.body).toContain(String((inputs as Record<string, string>).vision).slice(0, 40));
    expect(await h.t.db.case.count({ where: { title: 'Too large an upload' } })).toBe(0);
  });
});

describe('the case page', () => {
  let caseId: string;
  let sha1: string;

  it('a valid form opens one case (a second post of the same form opens no other) and shows it', async () => {
    const b = await signedIn(RECTOR);
    const form = await b.get(`${h.url}/strategies/new`, { accept: 'text/html' });
    const formId = /name="formId" value="([^"]+)"/.exec(form.body)![1];
    const fields = { ...validInputs('SRU Internationalisation Strategy 2026–2030'), _csrf: form.csrf, formId };
    const r = await b.postMultipart(`${h.url}/strategies/new`, fields, pdf('sru strategy'), { accept: 'text/html' });
    expect(r.res.status).toBe(303);
    const location = r.res.headers.get('location')!;
    expect(location).toMatch(/^\/cases\/strategy-[a-f0-9]{16}\?done=submitted$/);
    caseId = decodeURIComponent(location.split('/')[2]!.split('?')[0]!);
    const again = await b.postMultipart(`${h.url}/strategies/new`, fields, pdf('sru strategy'), { accept: 'text/html' });
    expect(again.res.headers.get('location')).toBe(location);
    expect(await h.t.db.case.count({ where: { title: 'SRU Internationalisation Strategy 2026–2030' } })).toBe(1);

    const doc = await h.t.db.documentVersion.findFirstOrThrow({ where: { caseId } });
    sha1 = doc.sha256;
    expect(doc.fileName).toBe('strategy.pdf');
    expect(Buffer.from(doc.content!).subarray(0, 5).toString()).toBe('%PDF-');

    const pageRes = await waitFor(async () => {
      const p = await b.get(h.url + location, { accept: 'text/html' });
      return p.body.includes('data-step="iro_check" data-status="open"') ? p : null;
    }, { what: 'the IRO step open on the case page' });
    expect(pageRes.body).toContain('The strategy has been submitted.');
    expect(pageRes.body).toContain(`<span class="hash" id="document-sha256">${sha1}</span>`);
    expect(pageRes.body).toMatch(/data-type="submitted" data-via="web"[\s\S]*Dr. Nhem Sovanna \(rector@demo.sru.edu.kh\) · signed in · on version 1/);
    expect(pageRes.body).toContain('Grow student and staff mobility');
    // The submitter may withdraw, not decide the IRO's step.
    expect(pageRes.body).toContain('value="withdraw"');
    expect(pageRes.body).not.toContain('name="stepId" value="iro_check"');
    // A withdrawal refused (a comment over the API's 5,000 characters, posted by hand) keeps what was typed.
    const long = `Withdrawn: ${'x'.repeat(5000)}`;
    const refused = await b.post(`${h.url}/cases/${caseId}/act`, { _csrf: pageRes.csrf, action: 'withdraw', comment: long }, { accept: 'text/html' });
    expect(refused.res.status).toBe(422);
    expect(refused.body).toContain(`id="withdraw-comment" name="comment" maxlength="5000" value="${long}"`);
    expect((await caseView(h, caseId)).status).toBe('in_progress');
    // JSON clients still get the API's answer on the same address.
    const json = await h.api(`/cases/${caseId}`, { as: RECTOR });
    expect(json.headers.get('content-type')).toContain('application/json');
    // The file comes back byte for byte.
    const file = await b.get(`${h.url}/cases/${caseId}/documents/1`);
    expect(file.res.headers.get('x-document-sha256')).toBe(sha1);
  });

  it('a visitor following a link to the case signs in by email and lands on the case (never on another site)', async () => {
    const b = new Browser();
    const first = await b.get(`${h.url}/cases/${caseId}`, { accept: 'text/html' });
    expect(first.res.status).toBe(303);
    const signInPage = first.res.headers.get('location')!;
    expect(signInPage).toBe(`/sign-in?next=${encodeURIComponent(`/cases/${caseId}`)}`);
    for (const [next, lands] of [
      [`/cases/${caseId}`, `/cases/${caseId}`],
      ['//evil.example/x', '/me'],
      ['https://evil.example/', '/me'],
    ] as const) {
      const form = await b.get(`${h.url}/sign-in?next=${encodeURIComponent(next)}`, { accept: 'text/html' });
      const since = new Date();
      await b.post(`${h.url}/sign-in`, { _csrf: form.csrf, email: IRO, next: /name="next" value="([^"]+)"/.exec(form.body)?.[1] });
      const mail = await waitFor(() => h.t.db.outboxMessage.findFirst({ where: { to: IRO, kind: 'sign_in', createdAt: { gte: since } } }), { what: 'sign-in email' });
      const link = (mail.links as { url: string }[]).map((l) => l.url).find((u) => u.includes('/sign-in/'))!;
      const confirm = await b.get(h.url + new URL(link).pathname + new URL(link).search, { accept: 'text/html' });
      const done = await b.post(h.url + new URL(link).pathname, { _csrf: confirm.csrf, next: /name="next" value="([^"]+)"/.exec(confirm.body)?.[1] }, { accept: 'text/html' });
      expect(done.res.status, next).toBe(303);
      expect(done.res.headers.get('location'), next).toBe(lands);
    }
  });

  it('staff of another HEI see nothing of it', async () => {
    const other = await signedIn(OTHER_HEI_IRO);
    for (const path of [`/cases/${caseId}`, `/cases/${caseId}/documents/1`, `/cases/${caseId}/edit`]) {
      expect((await other.get(h.url + path, { accept: 'text/html' })).res.status, path).toBe(404);
    }
    const list = await other.get(`${h.url}/cases`, { accept: 'text/html' });
    expect(list.body).not.toContain(caseId);
    const form = await other.get(`${h.url}/me`, { accept: 'text/html' });
    const r = await other.post(`${h.url}/cases/${caseId}/act`, { _csrf: form.csrf, action: 'approve', stepId: 'iro_check', documentSha256: sha1 }, { accept: 'text/html' });
    expect(r.res.status).toBe(404);
  });

  it('the case list drops a bad filter on its own and keeps the others', async () => {
    const b = await signedIn(RECTOR);
    const list = async (query: string) => (await b.get(`${h.url}/cases?${query}`, { accept: 'text/html' })).body;
    // Lists read the projection, which the workflow records once the opened step's people are emailed: after
    // the step shows open on the case page.
    await waitFor(async () => (await list('status=in_progress')).includes(caseId), { what: 'the case in the projection' });
    expect(await list('status=approved')).not.toContain(caseId);
    // assignee is not an email: it is ignored, status=approved still applies (it used to list every case).
    expect(await list('status=approved&assignee=not-an-email')).not.toContain(caseId);
    expect(await list('status=in_progress&assignee=not-an-email')).toContain(caseId);
  });

  it('the IRO decides from the page: a refused decision says why and keeps the comment; an approval is recorded once', async () => {
    const b = await signedIn(IRO);
    const p = await b.get(`${h.url}/cases/${caseId}`, { accept: 'text/html' });
    expect(p.body).toContain('name="stepId" value="iro_check"');
    const requestId = /name="requestId" value="([^"]+)"/.exec(p.body.slice(p.body.indexOf('value="iro_check"')))![1];
    // Without the CSRF token: refused, nothing recorded.
    expect((await b.post(`${h.url}/cases/${caseId}/act`, { action: 'approve', stepId: 'iro_check', documentSha256: sha1 }, { accept: 'text/html' })).res.status).toBe(403);
    // Rejecting needs a reason.
    const bad = await b.post(`${h.url}/cases/${caseId}/act`, { _csrf: p.csrf, action: 'reject', stepId: 'iro_check', documentSha256: sha1, reasonCode: 'R-1' }, { accept: 'text/html' });
    expect(bad.res.status).toBe(422);
    expect(bad.body).toContain('say why the case is rejected');
    expect(bad.body).toContain('value="R-1"');
    // Handing the step to the submitter is refused: the delegation form comes back open, with what was typed, and
    // its comment is not put into the decision form.
    const del = await b.post(
      `${h.url}/cases/${caseId}/act`,
      { _csrf: p.csrf, action: 'delegate', stepId: 'iro_check', delegateEmail: RECTOR, delegateName: 'The rector', comment: 'Please take this one' },
      { accept: 'text/html' },
    );
    expect(del.res.status).toBeGreaterThanOrEqual(400);
    expect(del.res.status).toBeLessThan(500);
    expect(del.body).toMatch(/<details open><summary>[^<]*<\/summary><form[\s\S]*?name="comment" maxlength="5000" value="Please take this one">/);
    expect(del.body).toContain(`value="${RECTOR}"`);
    expect(del.body).toMatch(/<textarea id="iro_check-comment" name="comment" maxlength="5000"><\/textarea>/);
    // Approve, twice with the same request id (a double click): one approval.
    const ok = await b.post(`${h.url}/cases/${caseId}/act`, { _csrf: p.csrf, requestId, action: 'approve', stepId: 'iro_check', documentSha256: sha1, comment: 'Complete.' }, { accept: 'text/html' });
    expect(ok.res.status).toBe(303);
    expect(ok.res.headers.get('location')).toBe(`/cases/${caseId}?done=approve`);
    await b.post(`${h.url}/cases/${caseId}/act`, { _csrf: p.csrf, requestId, action: 'approve', stepId: 'iro_check', documentSha256: sha1, comment: 'Complete.' }, { accept: 'text/html' });
    const v = await caseView(h, caseId);
    expect(v.history.filter((e) => e.type === 'approved')).toHaveLength(1);
    expect(v.history.find((e) => e.type === 'approved')).toMatchObject({ actor: IRO, via: 'web', comment: 'Complete.', documentVersion: 1 });
    const after = await b.get(h.url + ok.res.headers.get('location')!, { accept: 'text/html' });
    expect(after.body).toContain('Recorded: Approve.');
    expect(after.body).toMatch(/data-type="approved" data-via="web"[\s\S]*Mr. Oum Rithy \(iro@demo.sru.edu.kh\) · signed in · on version 1[\s\S]*<blockquote>Complete.<\/blockquote>/);
  });

  it('leadership sends it back; the submitter resubmits from the prefilled form; the page shows what changed', async () => {
    const rector = await signedIn(RECTOR);
    const p = await waitFor(async () => {
      const x = await rector.get(`${h.url}/cases/${caseId}`, { accept: 'text/html' });
      return x.body.includes('name="stepId" value="leadership_endorsement"') ? x : null;
    }, { what: 'the endorsement form' });
    const sent = await rector.post(
      `${h.url}/cases/${caseId}/act`,
      { _csrf: p.csrf, action: 'send_back', stepId: 'leadership_endorsement', documentSha256: sha1, sendBackTo: 'submitter', comment: 'Raise the 2030 outgoing target.' },
      { accept: 'text/html' },
    );
    expect(sent.res.status).toBe(303);
    const back = await waitFor(async () => {
      const x = await rector.get(`${h.url}/cases/${caseId}`, { accept: 'text/html' });
      return x.body.includes(`href="/cases/${caseId}/edit"`) ? x : null;
    }, { what: 'the resubmit link' });
    expect(back.body).toContain('data-status="sent_back"');
    const edit = await rector.get(`${h.url}/cases/${caseId}/edit`, { accept: 'text/html' });
    expect(edit.res.status).toBe(200);
    expect(edit.body).toContain('value="2026: 40, 2028: 70, 2030: 100"');
    const values = Object.fromEntries([...edit.body.matchAll(/<input type="(?:text|hidden)" id="[^"]*" name="([^"]+)" value="([^"]*)"/g)].map((x) => [x[1]!, x[2]!.replace(/&amp;/g, '&')]));
    const r = await rector.postMultipart(
      `${h.url}/cases/${caseId}/edit`,
      { ...strategyToForm(demoStrategyFields()), ...values, _csrf: edit.csrf, requestId: /name="requestId" value="([^"]+)"/.exec(edit.body)?.[1], 'goals.0.kpis.0.targets': '2026: 40, 2028: 70, 2030: 120', comment: 'Raised the target.' },
      undefined,
      { accept: 'text/html' },
    );
    expect(r.res.status, r.body.slice(0, 2000)).toBe(303);
    expect(r.res.headers.get('location')).toBe(`/cases/${caseId}?done=resubmitted`);
    const page = await waitFor(async () => {
      const x = await rector.get(`${h.url}/cases/${caseId}?done=resubmitted`, { accept: 'text/html' });
      return x.body.includes('data-type="resubmitted"') ? x : null;
    }, { what: 'the resubmission in the timeline' });
    expect(page.body).toContain('What changed from version 1 to 2');
    expect(page.body).toContain('<code>goals[0].kpis[0].targets.2030</code>: <del>100</del> <ins>120</ins>');
    // The IRO's approval of version 1 no longer counts; the IRO check is open again on version 2.
    expect(page.body).toMatch(/data-type="approved"[^>]*>[\s\S]*?no longer counts/);
    const v = await caseView(h, caseId);
    expect(v.document.version).toBe(2);
    expect(v.status).toBe('in_progress');
  });
  it("lists the institution's strategies with their step, for its own staff only", async () => {
    const rector = await signedIn(RECTOR);
    // The list reads the projection, which follows the workflow a moment later.
    const p = await waitFor(async () => {
      const x = await rector.get(`${h.url}/institutions/SRU/strategies`, { accept: 'text/html' });
      return x.body.includes('2026–2030 · In progress') ? x : null;
    }, { what: 'the resubmitted strategy in progress' });
    expect(p.res.status).toBe(200);
    expect(p.body).toContain('Internationalisation strategies — Svay Rieng University');
    expect(p.body).toMatch(new RegExp(`data-case="${caseId}"[\\s\\S]*?SRU Internationalisation Strategy 2026–2030[\\s\\S]*?2026–2030 · In progress · IRO check`));
    expect(p.body).toContain('href="/strategies/new?institution=SRU"');
    const json = await h.api('/institutions/SRU/strategies', { as: RECTOR });
    expect(json.headers.get('content-type')).toContain('application/json');
    const other = await signedIn(OTHER_HEI_IRO);
    const theirs = await other.get(`${h.url}/institutions/SRU/strategies`, { accept: 'text/html' });
    expect(theirs.body).not.toContain(caseId);
    expect(theirs.body).not.toContain('href="/strategies/new?institution=SRU"');
  });
  it('the report form: refused while the strategy is in review, with the reason on the page; not for outsiders', async () => {
    const iro = await signedIn(IRO);
    const url = `${h.url}/strategies/${caseId}/reports/mid/new`;
    const form = await iro.get(url, { accept: 'text/html' });
    expect(form.res.status).toBe(200);
    expect(form.body).toContain('id="f-actual-0-0"');
    expect(form.body).toContain('Targets: 2026: 40, 2028: 70, 2030: 120 · baseline 35');
    const values: Record<string, string | undefined> = { _csrf: form.csrf, formId: /name="formId" value="([^"]+)"/.exec(form.body)?.[1], title: 'SRU mid-period report' };
    values.narrative = 'Mobility grows as planned; research output lags and gets a new fund from next year onwards.';
    for (const [g, k] of [[0, 0], [0, 1], [1, 0], [2, 0]]) values[`actual.${g}.${k}`] = '5';
    const before = await h.t.db.case.count();
    const r = await iro.postMultipart(url, values, undefined, { accept: 'text/html' });
    expect(r.res.status).toBe(409);
    expect(r.body).toContain('has not been signed off');
    expect(r.body).toContain('value="SRU mid-period report"');
    expect(await h.t.db.case.count()).toBe(before);
    expect((await iro.get(`${h.url}/strategies/${caseId}/reports/later/new`, { accept: 'text/html' })).res.status).toBe(404);
    expect((await (await signedIn(OTHER_HEI_IRO)).get(url, { accept: 'text/html' })).res.status).toBe(404);
  });
});
