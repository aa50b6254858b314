// The page layer: one layout, one catalogue per locale (Khmer complete and typed against English), escaping,
// the CSP hash of the inline stylesheet, no JavaScript anywhere, the home page and the embedded-mode outbox.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { en } from '../../web/i18n/en.js';
import { km } from '../../web/i18n/km.js';
import { messagesFor } from '../../web/i18n/index.js';
import { html, raw } from '../../web/html.js';
import { CSS, CSS_HASH } from '../../web/layout.js';
import { languageLinks } from '../../web/http.js';
import { khmerFontUrl } from '../../web/assets.js';
import { appErrorStatus } from '../../lib/errors.js';
import { Browser, PARTNER, installLinkPolicy, linkFor, local, openCase } from '../links/support.js';
import { createSession } from '../../api/auth/session.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' } });
  await installLinkPolicy(h);
});
afterAll(async () => h?.close());

describe('message catalogues', () => {
  it('Khmer has exactly the keys English has, with the same kind of value, and is what the km locale gets', () => {
    for (const [k, v] of Object.entries(km)) {
      expect(Object.keys(en)).toContain(k);
      expect(typeof v).toBe(typeof en[k as keyof typeof en]);
    }
    const kmAll = messagesFor('km');
    expect(Object.keys(kmAll).sort()).toEqual(Object.keys(en).sort());
    expect(kmAll['link.title']).toBe(km['link.title']);
    expect(kmAll['link.title']).not.toBe(en['link.title']);
    expect(kmAll['layout.language']).toBe('ភាសា');
  });

  it('English has a title for every error a link page can show', () => {
    for (const code of ['token_invalid', 'token_tampered', 'token_expired', 'token_used', 'token_revoked', 'csrf_failed', 'rate_limited']) {
      expect(en[`error.${code}.title` as keyof typeof en], code).toBeTruthy();
    }
    for (const code of Object.keys(appErrorStatus)) expect(en[`error.${code}.title` as keyof typeof en] ?? en['error.title']).toBeTruthy();
  });

  it('escapes every interpolated value unless it is marked as markup', () => {
    expect(html`<p title="${'"x" & <y>'}">${'<script>alert(1)</script>'}${raw('<b>ok</b>')}</p>`.value).toBe(
      '<p title="&quot;x&quot; &amp; &lt;y&gt;">&lt;script&gt;alert(1)&lt;/script&gt;<b>ok</b></p>',
    );
  });
});

describe('pages', () => {
  it('the stylesheet is allowed by its hash and no page carries a script', async () => {
    expect(CSS_HASH).toBe(`'sha256-${createHash('sha256').update(CSS).digest('base64')}'`);
    const b = new Browser('127.0.0.1'); // on this machine: the outbox answers only here
    for (const path of ['/', '/sign-in', '/l/new', '/outbox']) {
      const r = await b.get(h.url + path, { accept: 'text/html' });
      expect(r.res.status, path).toBe(200);
      const style = /<style>([\s\S]*?)<\/style>/.exec(r.body)![1]!;
      expect(`'sha256-${createHash('sha256').update(style).digest('base64')}'`).toBe(CSS_HASH);
      expect(r.res.headers.get('content-security-policy')).toContain(CSS_HASH);
      expect(r.body).not.toMatch(/<script|javascript:|\son[a-z]+=/i);
      expect(r.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    }
  });

  it('picks the locale from ?lang= or Accept-Language and speaks its texts', async () => {
    const b = new Browser();
    const q = await b.get(`${h.url}/sign-in?lang=km`);
    expect(q.body).toContain('<html lang="km">');
    expect(q.body).toContain(km['signin.intro']);
    expect(q.body).not.toContain(en['signin.intro']);
    const hdr = await b.get(`${h.url}/sign-in`, { 'accept-language': 'km-KH,km;q=0.9,en;q=0.5' });
    expect(hdr.body).toContain('<html lang="km">');
    expect(hdr.body).toContain(km['signin.title']);
    // (A fresh browser: the first one chose Khmer with ?lang=, which it remembers.)
    const fr = (await new Browser().get(`${h.url}/sign-in`, { 'accept-language': 'fr' })).body;
    expect(fr).toContain('<html lang="en">');
    expect(fr).toContain(en['signin.intro']);
  });

  it('offers each page in the other language, and remembers a language chosen with ?lang= on this browser', async () => {
    const b = new Browser();
    const first = await b.get(`${h.url}/sign-in?next=%2Fme`, { accept: 'text/html' });
    expect(first.body).toContain('<html lang="en">');
    // The switcher keeps the page's own query.
    expect(first.body).toContain('<a href="/sign-in?next=%2Fme&amp;lang=km" lang="km" hreflang="km">ខ្មែរ</a>');
    expect(first.body).toContain('<span lang="en" aria-current="true">English</span>');
    const chosen = await b.get(`${h.url}/sign-in?lang=km`);
    expect(chosen.res.headers.get('set-cookie')).toMatch(/^chain_lang=km; Path=\/; HttpOnly; SameSite=Lax; Max-Age=31536000/);
    // The next pages stay in Khmer, whatever the browser says, until English is chosen.
    const next = await b.get(`${h.url}/sign-in`, { 'accept-language': 'en' });
    expect(next.body).toContain('<html lang="km">');
    await b.get(`${h.url}/sign-in?lang=en`);
    expect((await b.get(`${h.url}/sign-in`, { 'accept-language': 'km' })).body).toContain('<html lang="en">');

    // A page reached by an odd address links to itself on this host, never to another one.
    const raw = (path: string) =>
      new Promise<string>((resolve, reject) => {
        const u = new URL(h.url);
        http.get({ host: u.hostname, port: u.port, path, headers: { accept: 'text/html' } }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(body));
        }).on('error', reject);
      });
    const switcher = (body: string) => [...(/<nav class="lang"[^]*?<\/nav>/.exec(body)?.[0] ?? '').matchAll(/<a href="([^"]*)"/g)].map((x) => x[1]);
    expect(switcher(await raw('/l/..\\evil.example?x=1'))).toEqual(['/l/..\\evil.example?x=1&amp;lang=km']);
    for (const path of ['//evil.example/x', '/\\evil.example/x']) expect(languageLinks({ method: 'GET', originalUrl: `${path}?a=b` }, 'en')!.map((l) => l.href)).toEqual(['/?a=b&lang=en', '/?a=b&lang=km']);
  });

  it('serves the Khmer web font by a versioned address, cacheable for a year, and nothing else from /assets', async () => {
    const url = khmerFontUrl(700);
    // Before any authenticator: a stale session cookie gets no Set-Cookie on a response caches may keep.
    const font = await fetch(h.url + url, { headers: { cookie: 'chain_session=stale' } });
    expect(font.headers.get('set-cookie')).toBeNull();
    expect(font.status).toBe(200);
    expect(font.headers.get('content-type')).toBe('font/woff2');
    expect(font.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await font.arrayBuffer()).subarray(0, 4).toString('latin1')).toBe('wOF2');
    expect(CSS).toContain(`src:url(${url}) format("woff2")`);
    for (const other of ['/assets/fonts/noto-sans-khmer-0.0.0-700.woff2', '/assets/fonts/..%2f..%2fpackage.json']) expect((await fetch(h.url + other)).status, other).toBe(404);
  });

  it("a person's own language: their pages by default, changed from their page (with its CSRF token) or PATCH /me", async () => {
    const email = 'iro@demo.rupp.edu.kh';
    await h.t.db.person.update({ where: { email }, data: { locale: 'km' } });
    const person = await h.t.db.person.findUniqueOrThrow({ where: { email } });
    const b = new Browser();
    b.cookies.set('chain_session', (await createSession(h.t.db, person.id)).value);
    const mine = await b.get(`${h.url}/me`, { accept: 'text/html', 'accept-language': 'en' });
    expect(mine.body).toContain('<html lang="km">');
    expect(mine.body).toContain('<option value="km" lang="km" selected>ខ្មែរ</option>');
    // Without the CSRF token nothing changes.
    expect((await b.post(`${h.url}/me/preferences`, { locale: 'en' }, { accept: 'text/html' })).res.status).toBe(403);
    expect((await h.t.db.person.findUniqueOrThrow({ where: { email } })).locale).toBe('km');
    const bad = await b.post(`${h.url}/me/preferences`, { _csrf: mine.csrf, locale: 'fr' }, { accept: 'text/html' });
    expect(bad.res.status).toBe(422);
    const saved = await b.post(`${h.url}/me/preferences`, { _csrf: mine.csrf, locale: 'en' }, { accept: 'text/html' });
    expect(saved.res.status).toBe(303);
    expect(saved.res.headers.get('location')).toBe('/me?lang=en&done=language');
    expect((await h.t.db.person.findUniqueOrThrow({ where: { email } })).locale).toBe('en');
    const after = await b.get(h.url + saved.res.headers.get('location')!, { accept: 'text/html' });
    expect(after.body).toContain('<html lang="en">');
    expect(after.body).toContain(en['me.languageSaved']);

    // The API: GET /me says the language, PATCH /me changes it, anything else is refused with the path.
    expect(await (await h.api('/me', { as: email })).json()).toMatchObject({ email, locale: 'en' });
    const patched = await h.api('/me', { as: email, method: 'PATCH', json: { locale: 'km' } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ locale: 'km' });
    expect((await h.t.db.person.findUniqueOrThrow({ where: { email } })).locale).toBe('km');
    const refused = await h.api('/me', { as: email, method: 'PATCH', json: { locale: 'fr' } });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(await refused.json())).toContain('locale');
    await h.t.db.person.update({ where: { email }, data: { locale: 'en' } });
  });

  it('escapes case data on a link page', async () => {
    const c = await openCase(h, 'Strategy <script>alert("x")</script> & partners');
    const url = local(h, await linkFor(h, c.caseId, PARTNER));
    const page = await new Browser().get(url);
    expect(page.body).toContain('Strategy &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; partners');
    expect(page.body).not.toContain('<script>alert');
  });
});

describe('the embedded outbox', () => {
  it('lists the emails with recipient, subject, body and links, as JSON and as a page', async () => {
    const c = await openCase(h, 'Outbox case');
    await linkFor(h, c.caseId, PARTNER);
    const json = await fetch(`${h.url}/outbox?to=${encodeURIComponent(PARTNER.toUpperCase())}`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(200);
    expect(json.headers.get('cache-control')).toBe('no-store');
    const body = (await json.json()) as { items: { to: string; subject: string; text: string; links: { label: string; url: string }[]; caseId: string }[] };
    const mail = body.items.find((i) => i.caseId === c.caseId)!;
    expect(mail.to).toBe(PARTNER);
    expect(mail.subject).toContain('Outbox case');
    expect(mail.text).toContain('Dear Dra. Lucía Martínez');
    expect(mail.links[0]).toMatchObject({ label: 'Review and decide', url: expect.stringMatching(/\/l\/[A-Za-z0-9_-]{49}$/) });
    expect(body.items.every((i) => i.to === PARTNER)).toBe(true);

    const page = await new Browser('127.0.0.1').get(`${h.url}/outbox`);
    expect(page.body).toContain('Outbox case');
    expect(page.body).toContain(`href="${mail.links[0]!.url}"`);
  });

  it('answers only this machine: not a client behind a proxy, not a page on another host name, not an administrator elsewhere', async () => {
    const get = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(`${h.url}/outbox`);
        http.get({ host: u.hostname, port: u.port, path: '/outbox', headers: { accept: 'application/json', ...headers } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
    const port = new URL(h.url).port;
    expect(await get({ host: `localhost:${port}` })).toBe(200);
    expect(await get({ host: `127.0.0.1:${port}` })).toBe(200);
    // DNS rebinding: a web page on attacker.example whose name now points at 127.0.0.1.
    expect(await get({ host: `attacker.example:${port}` })).toBe(404);
    // A client behind a reverse proxy on this machine.
    expect(await get({ host: `127.0.0.1:${port}`, 'x-forwarded-for': '203.0.113.7' })).toBe(404);
    // Not even an administrator from elsewhere: a link decides as its recipient.
    expect(await get({ host: `attacker.example:${port}`, authorization: `Bearer ${await h.keyFor('admin@demo.moeys.gov.kh')}` })).toBe(404);
  });
});
