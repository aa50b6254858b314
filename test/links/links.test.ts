// Decision links over the real engine: a scanner's GET decides nothing, CSRF and fetch-metadata checks, replays,
// a crash between the Update and the bookkeeping, form errors, a delegation chain, "send me a new link", rate
// limits and the security headers. Nothing mocked: the dev server, the worker, the database, the HTTP app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { waitFor } from '../support/wait.js';
import { commandUpdate } from '../../workflows/approval/messages.js';
import { linkActor, linkCommand } from '../../api/links/commands.js';
import { hashToken, newLinkToken } from '../../api/links/token.js';
import { Browser, PARTNER, PARTNER2, caseView, installLinkPolicy, linkFor, local, openCase } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' } });
  await installLinkPolicy(h);
  // A second institution whose partners get links only in the "new link" test.
  await installLinkPolicy(h, { institution: 'RUA', partners: ['renew.a@demo.ua.es', 'renew.b@demo.ua.es'] });
});
afterAll(async () => h?.close());

const tokenOf = (url: string) => url.split('/l/')[1]!;
const rowOf = (url: string) => h.t.db.linkToken.findUniqueOrThrow({ where: { tokenHash: hashToken(tokenOf(url)) } });

describe('a mail scanner', () => {
  it('opening a link (GET, HEAD, many times, without cookies) decides nothing; each view is audited as possibly automated', async () => {
    const c = await openCase(h);
    const url = local(h, await linkFor(h, c.caseId, PARTNER));
    for (let i = 0; i < 4; i++) {
      const scanner = new Browser();
      const r = await scanner.get(url, { 'user-agent': 'Mozilla/5.0 (compatible; SafeLinks scanner)' });
      expect(r.res.status).toBe(200);
      expect(r.body).toContain('Opening this page changes nothing');
    }
    const head = await fetch(url, { method: 'HEAD', headers: { 'x-forwarded-for': '10.9.9.9' } });
    expect(head.status).toBe(200);

    const v = await caseView(h, c.caseId);
    expect(v.status).toBe('in_progress');
    expect(v.stages[0]!.steps[0]!.status).toBe('open');
    expect(v.history.filter((e) => e.actor === PARTNER)).toHaveLength(0);
    const row = await rowOf(url);
    expect(row.usedAt).toBeNull();
    expect(row.revokedAt).toBeNull();
    const views = await h.t.db.auditEvent.findMany({ where: { caseId: c.caseId, type: 'link_viewed' } });
    expect(views.length).toBeGreaterThanOrEqual(1);
    expect(views[0]!.payload).toMatchObject({ possiblyAutomated: true, stepId: 'partner_sign', tokenId: row.id });
  });
});

describe('CSRF', () => {
  it('a POST without the form token, with a wrong one, without the cookie, from another site or with another link’s token is refused with 403', async () => {
    const c = await openCase(h);
    const url = local(h, await linkFor(h, c.caseId, PARTNER));
    const other = local(h, await linkFor(h, c.caseId, PARTNER2));
    const b = new Browser();
    const { csrf } = await b.get(url);
    const otherPage = await b.get(other);
    expect(csrf).toMatch(/^[a-f0-9]{64}$/);
    const form = { action: 'approve', documentSha256: c.sha256, comment: 'ok' };

    const attempts: [string, () => Promise<{ res: Response; body: string }>][] = [
      ['missing', () => b.post(url, form)],
      ['wrong', () => b.post(url, { ...form, _csrf: 'f'.repeat(64) })],
      ['no cookie', () => new Browser(b.ip).post(url, { ...form, _csrf: csrf })],
      ['cross-site', () => b.post(url, { ...form, _csrf: csrf }, { 'sec-fetch-site': 'cross-site' })],
      ['same-site (sibling subdomain)', () => b.post(url, { ...form, _csrf: csrf }, { 'sec-fetch-site': 'same-site' })],
      ['other link’s token', () => b.post(url, { ...form, _csrf: otherPage.csrf })],
    ];
    for (const [name, attempt] of attempts) {
      const r = await attempt();
      expect(r.res.status, name).toBe(403);
      expect(r.body, name).toContain('Please try again');
    }
    const json = await b.post(url, form, { accept: 'application/json' });
    expect(json.res.status).toBe(403);
    expect(JSON.parse(json.body)).toMatchObject({ code: 'csrf_failed' });
    expect((await rowOf(url)).usedAt).toBeNull();
    expect(await h.t.db.auditEvent.count({ where: { caseId: c.caseId, type: 'link_csrf_failed' } })).toBeGreaterThanOrEqual(attempts.length);

    // With the right token, from the same origin, it works.
    const ok = await b.post(url, { ...form, _csrf: csrf }, { 'sec-fetch-site': 'same-origin' });
    expect(ok.res.status).toBe(200);
  });
});

describe('single use', () => {
  it('a consumed token replayed shows the first result; another action is refused; the workflow decided once', async () => {
    const c = await openCase(h);
    const url = local(h, await linkFor(h, c.caseId, PARTNER));
    const b = new Browser();
    const { csrf } = await b.get(url);
    const first = await b.post(url, { _csrf: csrf, action: 'approve', documentSha256: c.sha256, comment: 'Agreed' });
    expect(first.res.status).toBe(200);
    expect(first.body).toContain('Recorded: Approve');

    const again = await b.post(url, { _csrf: csrf, action: 'approve', documentSha256: c.sha256, comment: 'Agreed' });
    expect(again.res.status).toBe(200);
    expect(again.body).toContain('This link was used before');
    expect(again.body).toContain('Recorded: Approve');

    const reject = await b.post(url, { _csrf: csrf, action: 'reject', documentSha256: c.sha256, comment: 'Changed my mind' });
    expect(reject.res.status).toBe(409);
    expect(reject.body).toContain('This link has already been used');
    expect(reject.body).toContain('Recorded: Approve');

    const page = await b.get(url);
    expect(page.res.status).toBe(409);
    expect(page.body).toContain('Recorded: Approve');

    const v = await caseView(h, c.caseId);
    expect(v.history.filter((e) => e.actor === PARTNER).map((e) => e.type)).toEqual(['approved']);
    expect(v.status).toBe('in_progress'); // on to the IRO filing stage
    // The other partner's link was revoked when the step closed.
    const otherUrl = local(h, await linkFor(h, c.caseId, PARTNER2));
    await waitFor(async () => (await rowOf(otherUrl)).revokedReason === 'step_closed', { what: 'revocation of the other link' });
    const otherPage = await new Browser().get(otherUrl);
    expect(otherPage.res.status).toBe(410);
    expect(otherPage.body).toContain('The step it was for has been decided or has closed.');
  });

  it('after a crash between the accepted Update and the bookkeeping, a retry returns the first result (same update id)', async () => {
    const c = await openCase(h);
    const url = local(h, await linkFor(h, c.caseId, PARTNER));
    const b = new Browser();
    const { csrf } = await b.get(url);
    const row = await rowOf(url);
    // What a process did before it died: claimed the token and sent the Update, never recorded the answer.
    const form = { action: 'approve' as const, documentSha256: c.sha256, comment: 'Sent before the crash' };
    const actor = linkActor({ recipientEmail: row.recipientEmail, stepId: 'partner_sign' });
    const command = linkCommand('partner_sign', form);
    await h.t.db.linkToken.update({ where: { id: row.id }, data: { usedAt: new Date(), result: { state: 'pending', action: 'approve', at: new Date().toISOString(), command, actor } as object } });
    await h.runtime.client.workflow.getHandle(c.caseId).executeUpdate(commandUpdate, { args: [{ actor, command }], updateId: row.id });

    const pendingPage = await b.get(url);
    expect(pendingPage.res.status).toBe(202);
    expect(pendingPage.body).toContain('Your decision is being recorded');
    const retry = await b.post(url, { _csrf: pendingPage.csrf ?? csrf, action: 'approve' }, { accept: 'application/json' });
    expect(retry.res.status).toBe(200);
    expect(JSON.parse(retry.body)).toMatchObject({ outcome: 'retried', action: 'approve', caseStatus: 'in_progress' });
    const v = await caseView(h, c.caseId);
    expect(v.history.filter((e) => e.type === 'approved')).toHaveLength(1);
    expect((await rowOf(url)).result).toMatchObject({ state: 'done', action: 'approve' });
  });

  it('a form mistake shows the form again and leaves the link usable', async () => {
    const c = await openCase(h);
    const url = local(h, await linkFor(h, c.caseId, PARTNER));
    const b = new Browser();
    const { csrf } = await b.get(url);
    const noComment = await b.post(url, { _csrf: csrf, action: 'reject', documentSha256: c.sha256, reasonCode: 'budget' });
    expect(noComment.res.status).toBe(422);
    expect(noComment.body).toContain('id="form-errors"');
    expect(noComment.body).toContain('say why the case is rejected');
    expect(noComment.body).toContain('value="budget"'); // what was entered is kept
    expect((await rowOf(url)).usedAt).toBeNull();

    const stale = await b.post(url, { _csrf: csrf, action: 'approve', documentSha256: 'a'.repeat(64) }, { accept: 'application/json' });
    expect(stale.res.status).toBe(409);
    expect(JSON.parse(stale.body)).toMatchObject({ code: 'stale_version' });
    expect((await rowOf(url)).usedAt).toBeNull(); // the claim was released: nothing happened

    const ok = await b.post(url, { _csrf: csrf, action: 'reject', documentSha256: c.sha256, comment: 'Not in line with the MoU framework', reasonCode: 'scope' });
    expect(ok.res.status).toBe(200);
    const v = await caseView(h, c.caseId);
    expect(v.status).toBe('rejected');
    expect(v.history.find((e) => e.type === 'rejected')).toMatchObject({ actor: PARTNER, via: 'link', reasonCode: 'scope' });
  });

  it('a link acts only on its own step and only with its allowed actions', async () => {
    const c = await openCase(h);
    const url = local(h, await linkFor(h, c.caseId, PARTNER));
    const row = await rowOf(url);
    expect(row.actions.sort()).toEqual(['approve', 'delegate', 'reject', 'send_back']);
    await h.t.db.linkToken.update({ where: { id: row.id }, data: { actions: ['approve'] } });
    const b = new Browser();
    const page = await b.get(url);
    expect(page.body).not.toContain('value="reject"');
    const r = await b.post(url, { _csrf: page.csrf, action: 'reject', documentSha256: c.sha256, comment: 'no' }, { accept: 'application/json' });
    expect(r.res.status).toBe(403);
    expect((await rowOf(url)).usedAt).toBeNull();
  });
});

describe('delegation from the link', () => {
  it('builds a chain A → B → C: each link is revoked when handed on, each delegate gets a link of their own, the chain is in the state and the audit', async () => {
    const c = await openCase(h);
    const a = PARTNER;
    const bMail = 'deputy.vr@demo.ua.es';
    const cMail = 'legal.office@demo.ua.es';
    const urlA = local(h, await linkFor(h, c.caseId, a));

    const ba = new Browser();
    const pA = await ba.get(urlA);
    // Not to another organisation.
    const outside = await ba.post(urlA, { _csrf: pA.csrf, action: 'delegate', delegateEmail: 'someone@gmail.com' });
    expect(outside.res.status).toBe(422);
    expect(outside.body).toContain('same email domain');
    expect((await rowOf(urlA)).usedAt).toBeNull();

    const d1 = await ba.post(urlA, { _csrf: pA.csrf, action: 'delegate', delegateEmail: bMail, delegateName: 'Deputy Vice-Rector', comment: 'Please handle this' });
    expect(d1.res.status).toBe(200);
    expect(d1.body).toContain(`You delegated this decision to ${bMail}`);
    expect((await ba.get(urlA)).res.status).toBe(409); // used: shows the delegation
    expect((await rowOf(urlA)).result).toMatchObject({ state: 'done', action: 'delegate', delegateTo: bMail });

    const urlB = local(h, await linkFor(h, c.caseId, bMail, 'delegated'));
    const bb = new Browser();
    const pB = await bb.get(urlB);
    expect(pB.body).toContain(`Delegated to you by ${a}.`);
    const d2 = await bb.post(urlB, { _csrf: pB.csrf, action: 'delegate', delegateEmail: cMail });
    expect(d2.res.status).toBe(200);

    const urlC = local(h, await linkFor(h, c.caseId, cMail, 'delegated'));
    const bc = new Browser();
    const pC = await bc.get(urlC);
    expect(pC.body).toContain(`Delegated to you by ${a} → ${bMail}.`);
    const done = await bc.post(urlC, { _csrf: pC.csrf, action: 'approve', documentSha256: c.sha256, comment: 'Approved on behalf of the Vice-Rector' });
    expect(done.res.status).toBe(200);

    const v = await caseView(h, c.caseId);
    const step = v.stages[0]!.steps[0]!;
    expect(step.status).toBe('approved');
    expect(step.assignees.map((x) => [x.email, x.active, x.source, x.delegatedFrom ?? []])).toEqual([
      [a, false, 'policy', []],
      [PARTNER2, true, 'policy', []],
      [bMail, false, 'delegation', [a]],
      [cMail, true, 'delegation', [a, bMail]],
    ]);
    expect(v.history.filter((e) => e.type === 'delegated').map((e) => [e.actor, e.to, e.via])).toEqual([
      [a, bMail, 'link'],
      [bMail, cMail, 'link'],
    ]);
    const audit = await waitFor(async () => {
      const rows = await h.t.db.auditEvent.findMany({ where: { caseId: c.caseId, type: { in: ['link_delegated', 'delegated'] } }, orderBy: { seq: 'asc' } });
      return rows.length >= 4 ? rows : null;
    }, { what: 'delegation audit' });
    expect(audit.filter((e) => e.type === 'link_delegated').map((e) => [e.actor, (e.payload as { delegateTo: string }).delegateTo])).toEqual([
      [a, bMail],
      [bMail, cMail],
    ]);
  });
});

describe('send me a new link', () => {
  it('answers the same for known and unknown addresses; a known one gets a fresh link and the old one stops working', async () => {
    const c = await openCase(h, 'RUA strategy (renewal)', { institution: 'RUA', submitter: 'iro@demo.rua.edu.kh' });
    const oldUrl = local(h, await linkFor(h, c.caseId, 'renew.a@demo.ua.es'));
    await h.t.db.linkToken.update({ where: { tokenHash: hashToken(tokenOf(oldUrl)) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await new Browser().get(oldUrl);
    expect(expired.res.status).toBe(410);
    expect(expired.body).toContain('href="/l/new"');

    const answer = async (email: string) => {
      const b = new Browser();
      const form = await b.get(`${h.url}/l/new`);
      const r = await b.post(`${h.url}/l/new`, { _csrf: form.csrf, email });
      return { status: r.res.status, text: /<main>([\s\S]*)<\/main>/.exec(r.body)?.[1] };
    };
    const known = await answer('Renew.A@demo.ua.es');
    const unknown = await answer('nobody@demo.ua.es');
    expect(known).toEqual(unknown);
    expect(known.status).toBe(200);

    const fresh = local(h, await linkFor(h, c.caseId, 'renew.a@demo.ua.es', 'link_renewal'));
    expect(fresh).not.toBe(oldUrl);
    const oldRow = await rowOf(oldUrl);
    expect(oldRow.revokedReason).toBe('replaced');
    const oldPage = await new Browser().get(oldUrl);
    expect(oldPage.res.status).toBe(410);
    expect(oldPage.body).toContain('A newer link was sent to you');
    const b = new Browser();
    const page = await b.get(fresh);
    expect(page.res.status).toBe(200);
    expect((await b.post(fresh, { _csrf: page.csrf, action: 'approve', documentSha256: c.sha256 })).res.status).toBe(200);
    // Nobody else was written to.
    expect(await h.t.db.outboxMessage.count({ where: { to: 'nobody@demo.ua.es' } })).toBe(0);
  });

  it('is protected by CSRF and rate-limited per client', async () => {
    const b = new Browser();
    expect((await b.post(`${h.url}/l/new`, { email: 'x@demo.ua.es' })).res.status).toBe(403);
    const form = await b.get(`${h.url}/l/new`);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await b.post(`${h.url}/l/new`, { _csrf: form.csrf, email: `x${i}@demo.ua.es` })).res.status);
    expect(statuses.slice(0, 4).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('rate limits and headers', () => {
  it('limits link requests per client address (429 with Retry-After), not across clients', async () => {
    const b = new Browser();
    let limited: Response | undefined;
    for (let i = 0; i < 80 && !limited; i++) {
      const r = await b.get(`${h.url}/l/${newLinkToken()}`);
      if (r.res.status === 429) limited = r.res;
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await new Browser().get(`${h.url}/l/${newLinkToken()}`)).res.status).toBe(404);
  });

  it('sends CSP, no-referrer and no-store on link pages, their errors and their JSON', async () => {
    const c = await openCase(h);
    const url = local(h, await linkFor(h, c.caseId, PARTNER));
    const b = new Browser();
    for (const r of [await b.get(url), await b.get(`${h.url}/l/${newLinkToken()}`), await b.get(url, { accept: 'application/json' }), await b.get(`${h.url}/l/new`)]) {
      const csp = r.res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
      expect(r.res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.res.headers.get('cache-control')).toBe('no-store');
      expect(r.body).not.toMatch(/<script/i);
    }
    const cookie = (await fetch(url, { headers: { 'x-forwarded-for': '10.8.8.8' } })).headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/chain_csrf=.*HttpOnly; SameSite=Lax/);
  });

  it('serves the document under review for a valid link, with its hash', async () => {
    const c = await openCase(h, 'With a PDF', { pdf: true });
    const url = local(h, await linkFor(h, c.caseId, PARTNER));
    const b = new Browser();
    const page = await b.get(url);
    expect(page.body).toContain(c.sha256);
    expect(page.body).toContain(`href="/l/${tokenOf(url)}/document"`);
    const doc = await fetch(`${url}/document`, { headers: { 'x-forwarded-for': b.ip } });
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-type')).toBe('application/pdf');
    expect(doc.headers.get('content-disposition')).toMatch(/^attachment/);
    const bytes = Buffer.from(await doc.arrayBuffer());
    expect(hashToken(bytes as unknown as string)).toBe(c.sha256);
  });
});
