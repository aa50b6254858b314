// Every token state × every action on a decision link, from one table. Each cell gets a token of its own, brought
// into its state the way it happens for real (a decision, another assignee deciding, time passing, a crash between
// claiming the token and sending the Update), then asserts the status, the error code and the effect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { waitFor } from '../support/wait.js';
import { linkActor, linkCommand } from '../../api/links/commands.js';
import { hashToken, newLinkToken } from '../../api/links/token.js';
import { Browser, PARTNER, PARTNER2, caseView, installLinkPolicy, linkFor, local, openCase } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' } });
  await installLinkPolicy(h);
});
afterAll(async () => h?.close());

const states = ['valid', 'pending', 'used', 'revoked', 'expired', 'unknown', 'tampered'] as const;
const actions = ['view', 'view_json', 'approve', 'reject', 'send_back', 'delegate', 'document'] as const;
type State = (typeof states)[number];
type Action = (typeof actions)[number];
type Cell = { status: number; code?: string; recorded?: string };

const bad = (status: number, code: string): Cell => ({ status, code });
const row = (cells: Partial<Record<Action, Cell>>, rest: Cell): Record<Action, Cell> =>
  Object.fromEntries(actions.map((a) => [a, cells[a] ?? rest])) as Record<Action, Cell>;

// THE TABLE. A pending token re-sends the decision it claimed (approve), whatever the second form says.
const expected: Record<State, Record<Action, Cell>> = {
  valid: row({ approve: { status: 200, recorded: 'approve' }, reject: { status: 200, recorded: 'reject' }, send_back: { status: 200, recorded: 'send_back' }, delegate: { status: 200, recorded: 'delegate' } }, { status: 200 }),
  pending: row({ view: { status: 202 }, view_json: { status: 202 }, document: bad(409, 'token_used') }, { status: 200, recorded: 'approve' }),
  used: row({ approve: { status: 200, recorded: 'approve' } }, bad(409, 'token_used')),
  revoked: row({}, bad(410, 'token_revoked')),
  expired: row({}, bad(410, 'token_expired')),
  unknown: row({}, bad(404, 'token_invalid')),
  tampered: row({}, bad(404, 'token_invalid')),
};

interface Prepared {
  url: string;
  browser: Browser;
  csrf?: string;
  caseId?: string;
  sha256: string;
  title?: string;
}

let n = 0;
async function prepare(state: State): Promise<Prepared> {
  if (state === 'unknown') return { url: `${h.url}/l/${newLinkToken()}`, browser: new Browser(), csrf: 'x'.repeat(64), sha256: '0'.repeat(64) };
  const title = `State ${state} ${++n}`;
  const c = await openCase(h, title, { pdf: true });
  const url = local(h, await linkFor(h, c.caseId, PARTNER));
  const browser = new Browser();
  const first = await browser.get(url);
  expect(first.res.status).toBe(200);
  const p: Prepared = { url, browser, csrf: first.csrf, caseId: c.caseId, sha256: c.sha256, title };
  const token = url.split('/l/')[1]!;
  const where = { tokenHash: hashToken(token) };
  switch (state) {
    case 'tampered': {
      const flipped = token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);
      return { ...p, url: url.replace(token, flipped) };
    }
    case 'pending': {
      // As if the process died right after claiming the token, before the Update reached the workflow.
      const row = await h.t.db.linkToken.findUniqueOrThrow({ where });
      const form = { action: 'approve' as const, documentSha256: c.sha256, comment: 'Claimed before a crash' };
      const pending = { state: 'pending', action: 'approve', at: new Date().toISOString(), command: linkCommand('partner_sign', form), actor: linkActor({ recipientEmail: row.recipientEmail, stepId: 'partner_sign' }) };
      await h.t.db.linkToken.update({ where, data: { usedAt: new Date(), result: pending as object } });
      return p;
    }
    case 'used': {
      const done = await browser.post(url, { _csrf: p.csrf, action: 'approve', documentSha256: c.sha256, comment: 'Approved first' });
      expect(done.res.status).toBe(200);
      return p;
    }
    case 'revoked': {
      // The other assignee decides: the step closes and the workflow revokes this link.
      const other = local(h, await linkFor(h, c.caseId, PARTNER2));
      const b2 = new Browser();
      const g = await b2.get(other);
      expect((await b2.post(other, { _csrf: g.csrf, action: 'approve', documentSha256: c.sha256 })).res.status).toBe(200);
      await waitFor(() => h.t.db.linkToken.findFirst({ where: { ...where, revokedAt: { not: null } } }), { what: 'revocation' });
      return p;
    }
    case 'expired':
      await h.t.db.linkToken.update({ where, data: { expiresAt: new Date(Date.now() - 1000) } });
      return p;
    default:
      return p;
  }
}

const forms: Record<'approve' | 'reject' | 'send_back' | 'delegate', (p: Prepared) => Record<string, string | undefined>> = {
  approve: (p) => ({ action: 'approve', documentSha256: p.sha256, comment: 'Looks right' }),
  reject: (p) => ({ action: 'reject', documentSha256: p.sha256, comment: 'The budget is not credible', reasonCode: 'budget' }),
  send_back: (p) => ({ action: 'send_back', documentSha256: p.sha256, comment: 'Please add the mobility targets', sendBackTo: 'submitter' }),
  delegate: () => ({ action: 'delegate', delegateEmail: `colleague${++n}@demo.ua.es`, delegateName: 'A colleague' }),
};

async function perform(p: Prepared, action: Action): Promise<{ status: number; code?: string; body: string; recorded?: string }> {
  if (action === 'view') {
    const r = await p.browser.get(p.url);
    expect(r.res.headers.get('content-type')).toMatch(/text\/html/);
    return { status: r.res.status, code: codeFromPage(r.body), body: r.body };
  }
  if (action === 'view_json' || action === 'document') {
    const r = await p.browser.get(action === 'document' ? `${p.url}/document` : p.url, { accept: 'application/json' });
    const json = r.res.headers.get('content-type')?.includes('json') ? (JSON.parse(r.body) as { code?: string }) : {};
    return { status: r.res.status, code: json.code, body: r.body };
  }
  const r = await p.browser.post(p.url, { _csrf: p.csrf, ...forms[action](p) }, { accept: 'application/json' });
  const json = JSON.parse(r.body) as { code?: string; action?: string };
  return { status: r.res.status, code: json.code, body: r.body, recorded: json.action };
}

/** People get pages, not codes: the page's heading says which problem it is. */
function codeFromPage(body: string): string | undefined {
  const h1 = /<h1>([^<]*)<\/h1>/.exec(body)?.[1] ?? '';
  const byTitle: Record<string, string> = {
    'This link is not valid': 'token_invalid',
    'This link is damaged': 'token_invalid',
    'This link has expired': 'token_expired',
    'This link has already been used': 'token_used',
    'This link no longer works': 'token_revoked',
  };
  return byTitle[h1];
}

describe.each(states)('a %s token', (state) => {
  it.each(actions)('%s', async (action) => {
    const cell = expected[state][action];
    const p = await prepare(state);
    const auditBefore = await h.t.db.auditEvent.count({ where: { type: 'link_rejected' } });
    const out = await perform(p, action);
    expect({ status: out.status, code: out.code }).toEqual({ status: cell.status, code: cell.code });
    if (cell.recorded) expect(out.recorded).toBe(cell.recorded);

    if (cell.code) {
      // Audited; the answer says nothing about the case behind the token (nor any other).
      expect(await h.t.db.auditEvent.count({ where: { type: 'link_rejected' } })).toBeGreaterThan(auditBefore);
      if (p.title) expect(out.body).not.toContain(p.title);
      if (p.caseId && cell.code !== 'token_used') expect(out.body).not.toContain(p.caseId);
    }

    // The effect on the case.
    if (p.caseId && ['approve', 'reject', 'send_back', 'delegate'].includes(action)) {
      const v = await caseView(h, p.caseId);
      const step = v.stages[0]!.steps[0]!;
      const decided = v.history.filter((e) => ['approved', 'rejected', 'sent_back', 'delegated'].includes(e.type) && e.actor === PARTNER);
      if (state === 'valid') {
        const expectedStatus = { approve: 'in_progress', reject: 'rejected', send_back: 'sent_back', delegate: 'in_progress' }[action as 'approve'];
        expect(v.status).toBe(expectedStatus);
        expect(decided).toHaveLength(1);
        expect(decided[0]!.via).toBe('link');
        if (action === 'delegate') expect(step.assignees.find((a) => a.source === 'delegation')?.delegatedFrom).toEqual([PARTNER]);
      } else if (state === 'pending' || state === 'used') {
        expect(decided.map((e) => e.type)).toEqual(['approved']); // one decision, never two
      } else {
        expect(decided).toHaveLength(0);
      }
    }
  });
});

describe('the pages of bad tokens', () => {
  it('name the problem in words and offer a new link (HTML), or problem+json for API clients', async () => {
    const texts: Record<string, RegExp> = { unknown: /This link is not valid/, tampered: /This link is damaged/, expired: /This link has expired/, revoked: /This link no longer works/ };
    for (const [state, text] of Object.entries(texts)) {
      const p = await prepare(state as State);
      const page = await p.browser.get(p.url);
      expect(page.body).toMatch(text);
      expect(page.body).toContain('href="/l/new"');
      expect(page.res.headers.get('content-type')).toMatch(/text\/html/);
      const json = await p.browser.get(p.url, { accept: 'application/json' });
      expect(json.res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(JSON.parse(json.body)).toMatchObject({ status: json.res.status, reason: state === 'revoked' ? 'step_closed' : state });
    }
  });

  it('audit unknown and damaged tokens without a case, and expired ones on their case', async () => {
    const unknown = await prepare('unknown');
    await unknown.browser.get(unknown.url);
    const rows = await h.t.db.auditEvent.findMany({ where: { type: 'link_rejected' }, orderBy: { seq: 'desc' }, take: 1 });
    expect(rows[0]!.caseId).toBeNull();
    expect((rows[0]!.payload as { reason: string }).reason).toBe('unknown');
    const expired = await prepare('expired');
    await expired.browser.get(expired.url);
    const last = await h.t.db.auditEvent.findFirstOrThrow({ where: { type: 'link_rejected' }, orderBy: { seq: 'desc' } });
    expect(last.caseId).toBe(expired.caseId);
    expect(last.payload).toMatchObject({ reason: 'expired', purpose: 'decision' });
  });
});
