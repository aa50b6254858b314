// Staff sign-in by emailed magic link, scanner-safe: GET shows a button, POST signs in. Session cookie flags in and
// outside the embedded mode, session CSRF, sign-out, single use, rate limits. Real engine, real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { waitFor } from '../support/wait.js';
import { demoStrategyFields } from '../support/strategy-fields.js';
import { sha256Hex } from '../../lib/crypto.js';
import { Browser } from '../links/support.js';
import { startProductionLikeApp } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' } });
});
afterAll(async () => h?.close());

const RECTOR = 'rector@demo.rupp.edu.kh';
const IRO = 'iro@demo.rupp.edu.kh';

/** Asks for a sign-in link as a browser would and returns the link from the outbox. */
async function requestLink(base: string, email: string, b = new Browser()): Promise<string> {
  const before = new Set((await h.t.db.outboxMessage.findMany({ where: { to: email, kind: 'sign_in' }, select: { id: true } })).map((m) => m.id));
  const form = await b.get(`${base}/sign-in`);
  const r = await b.post(`${base}/sign-in`, { _csrf: form.csrf, email });
  expect(r.res.status).toBe(200);
  const msg = await waitFor(async () => (await h.t.db.outboxMessage.findMany({ where: { to: email, kind: 'sign_in' } })).find((m) => !before.has(m.id)), { what: 'sign-in email' });
  return (msg.links as { url: string }[])[0]!.url;
}

const onHarness = (url: string) => h.url + new URL(url).pathname;

describe('sign-in by email link', () => {
  it('answers the same for any address; only a staff address gets an email', async () => {
    const main = async (email: string) => {
      const b = new Browser();
      const form = await b.get(`${h.url}/sign-in`);
      const r = await b.post(`${h.url}/sign-in`, { _csrf: form.csrf, email });
      return { status: r.res.status, main: /<main>([\s\S]*)<\/main>/.exec(r.body)?.[1] };
    };
    expect(await main('Dean.Science@demo.rupp.edu.kh')).toEqual(await main('stranger@example.org'));
    await waitFor(() => h.t.db.outboxMessage.findFirst({ where: { to: 'dean.science@demo.rupp.edu.kh', kind: 'sign_in' } }), { what: 'sign-in email' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.t.db.outboxMessage.count({ where: { to: 'stranger@example.org' } })).toBe(0);
    expect(await h.t.db.linkToken.count({ where: { recipientEmail: 'stranger@example.org' } })).toBe(0);
  });

  it('opening the link signs nobody in; the button does, with an HttpOnly SameSite=Lax cookie (not Secure in embedded mode)', async () => {
    const link = onHarness(await requestLink(h.url, RECTOR));
    const sessions = await h.t.db.session.count();
    const b = new Browser();
    const page = await b.get(link);
    expect(page.res.status).toBe(200);
    expect(page.body).toContain(`Sign in as ${RECTOR}?`);
    expect(page.res.headers.getSetCookie().some((c) => c.startsWith('chain_session'))).toBe(false);
    expect(await h.t.db.session.count()).toBe(sessions);

    const post = await b.post(link, { _csrf: page.csrf });
    expect(post.res.status).toBe(303);
    expect(post.res.headers.get('location')).toBe('/me');
    const cookie = post.res.headers.getSetCookie().find((c) => c.startsWith('chain_session='))!;
    expect(cookie).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
    expect(cookie).not.toContain('Secure');
    const value = decodeURIComponent(cookie.split(';')[0]!.split('=')[1]!);
    expect(await h.t.db.session.count({ where: { tokenHash: sha256Hex(value) } })).toBe(1);
    expect(await h.t.db.session.count({ where: { tokenHash: value } })).toBe(0);

    const me = await b.get(`${h.url}/me`, { accept: 'application/json' });
    expect(me.res.status).toBe(200);
    const body = JSON.parse(me.body) as { email: string; via: string; roles: unknown[]; csrfToken: string };
    expect(body).toMatchObject({ email: RECTOR, via: 'web', roles: [{ role: 'leadership', institution: 'RUPP' }] });
    expect(body.csrfToken).toBeTruthy();
    const mePage = await b.get(`${h.url}/me`, { accept: 'text/html' });
    expect(mePage.body).toContain('Signed in as Dr. Sok Chanthy');
    expect(mePage.body).toContain('action="/sign-out"');

    // Single use.
    const again = await b.post(link, { _csrf: page.csrf });
    expect(again.res.status).toBe(409);
    expect(again.body).toContain('This link has already been used');
  });

  it('refuses expired, unknown and damaged sign-in links, and decision links are not sign-in links', async () => {
    const link = onHarness(await requestLink(h.url, IRO));
    const token = link.split('/sign-in/')[1]!;
    const b = new Browser();
    await h.t.db.linkToken.update({ where: { tokenHash: sha256Hex(token) }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect((await b.get(link)).res.status).toBe(410);
    expect((await b.post(link, { _csrf: 'x' })).res.status).toBe(410);
    expect((await b.get(`${h.url}/sign-in/${token.slice(0, -1)}`)).res.status).toBe(404);
    // A sign-in token is not a decision link (purposes never mix).
    const fresh = onHarness(await requestLink(h.url, IRO));
    const r = await b.get(`${h.url}/l/${fresh.split('/sign-in/')[1]}`, { accept: 'application/json' });
    expect(r.res.status).toBe(404);
    expect(JSON.parse(r.body)).toMatchObject({ code: 'token_invalid', reason: 'unknown' });
  });

  it("writes to a Khmer reader in Khmer, and the link opens the sign-in page in Khmer", async () => {
    const email = 'rector@demo.rupp.edu.kh';
    await h.t.db.person.update({ where: { email }, data: { locale: 'km' } });
    try {
      const url = await requestLink(h.url, email);
      expect(new URL(url).searchParams.get('lang')).toBe('km');
      const msg = (await h.t.db.outboxMessage.findMany({ where: { to: email, kind: 'sign_in' }, orderBy: { createdAt: 'desc' }, take: 1 }))[0]!;
      expect(msg.text).toMatch(/[\u1780-\u17FF]/);
      const page = await new Browser().get(onHarness(url) + new URL(url).search);
      expect(page.body).toContain('<html lang="km">');
    } finally {
      await h.t.db.person.update({ where: { email }, data: { locale: 'en' } });
    }
  });

  it('needs the CSRF token of the form (403 otherwise)', async () => {
    const link = onHarness(await requestLink(h.url, IRO));
    const b = new Browser();
    await b.get(link);
    expect((await b.post(link, {})).res.status).toBe(403);
    expect((await b.post(`${h.url}/sign-in`, { email: IRO })).res.status).toBe(403);
  });
});

describe('a session', () => {
  async function signedIn(email: string): Promise<{ b: Browser; csrf: string }> {
    const b = new Browser();
    const link = onHarness(await requestLink(h.url, email, b));
    const page = await b.get(link);
    expect((await b.post(link, { _csrf: page.csrf })).res.status).toBe(303);
    const me = JSON.parse((await b.get(`${h.url}/me`, { accept: 'application/json' })).body) as { csrfToken: string };
    return { b, csrf: me.csrfToken };
  }

  it('acts on the API only with its CSRF token and never from another site', async () => {
    const { b, csrf } = await signedIn(RECTOR);
    const body = JSON.stringify({ type: 'strategy', institution: 'RUPP', title: 'Created from a browser session', fields: demoStrategyFields() });
    const post = (headers: Record<string, string>) =>
      fetch(`${h.url}/cases`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-forwarded-for': b.ip, ...headers }, body });
    const none = await post({});
    expect(none.status).toBe(403);
    expect(await none.json()).toMatchObject({ code: 'csrf_failed' });
    expect((await post({ 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect((await post({ 'x-csrf-token': csrf, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const ok = await post({ 'x-csrf-token': csrf, 'sec-fetch-site': 'same-origin' });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ institution: { code: 'RUPP' } });
    // Reading needs no CSRF token.
    expect((await b.get(`${h.url}/cases`, { accept: 'application/json' })).res.status).toBe(200);
  });

  it('signs out: the cookie is cleared and the session is revoked', async () => {
    const { b, csrf } = await signedIn('iro@demo.num.edu.kh');
    const stolen = new Map(b.cookies);
    expect((await b.post(`${h.url}/sign-out`, {})).res.status).toBe(403);
    const out = await b.post(`${h.url}/sign-out`, { _csrf: csrf });
    expect(out.res.status).toBe(200);
    expect(out.res.headers.getSetCookie().find((c) => c.startsWith('chain_session='))).toContain('Max-Age=0');
    expect((await b.get(`${h.url}/me`, { accept: 'application/json' })).res.status).toBe(401);
    const replay = new Browser();
    replay.cookies = stolen;
    expect((await replay.get(`${h.url}/me`, { accept: 'application/json' })).res.status).toBe(401);
    // A browser asking for the page is sent to sign in.
    const page = await replay.get(`${h.url}/me`, { accept: 'text/html' });
    expect(page.res.status).toBe(303);
    expect(page.res.headers.get('location')).toBe('/sign-in');
  });

  it('is rate limited when asking for links', async () => {
    const b = new Browser();
    const form = await b.get(`${h.url}/sign-in`);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await b.post(`${h.url}/sign-in`, { _csrf: form.csrf, email: `nobody${i}@example.org` })).res.status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('sends at most three sign-in emails per address and hour, silently', async () => {
    const email = 'dean.gic@demo.itc.edu.kh';
    for (let i = 0; i < 5; i++) {
      const b = new Browser();
      const form = await b.get(`${h.url}/sign-in`);
      expect((await b.post(`${h.url}/sign-in`, { _csrf: form.csrf, email })).res.status).toBe(200);
    }
    await waitFor(async () => (await h.t.db.outboxMessage.count({ where: { to: email, kind: 'sign_in' } })) >= 3, { what: 'three emails' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.t.db.outboxMessage.count({ where: { to: email, kind: 'sign_in' } })).toBe(3);
  });
});

describe('outside the embedded mode', () => {
  it('sets Secure __Host- cookies and has no outbox', async () => {
    const app = await startProductionLikeApp(h);
    try {
      const link = await requestLink(app.url, RECTOR);
      expect(link.startsWith(app.url)).toBe(true);
      const b = new Browser();
      const page = await b.get(link);
      expect(page.res.headers.getSetCookie().join('\n')).toMatch(/__Host-chain_csrf=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure/);
      const post = await b.post(link, { _csrf: page.csrf });
      expect(post.res.status).toBe(303);
      const cookie = post.res.headers.getSetCookie().find((c) => c.startsWith('__Host-chain_session='))!;
      expect(cookie).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=43200$/);
      expect((await b.get(`${app.url}/me`, { accept: 'application/json' })).res.status).toBe(200);
      expect((await fetch(`${app.url}/outbox`, { headers: { accept: 'application/json' } })).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
