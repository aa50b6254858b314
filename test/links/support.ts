// Helpers for the link tests: a routing policy whose first step is decided from email links (installed as the
// SRU strategy policy of the test database), opening cases on it, finding the links in the outbox, and a tiny
// browser-like client (cookies, the CSRF field) over fetch. Nothing is mocked.
import type { Harness } from '../support/harness.js';
import { waitFor } from '../support/wait.js';
import { demoStrategyFields } from '../support/strategy-fields.js';
import { stateQuery, type CaseView } from '../../workflows/approval/messages.js';

export const SUBMITTER = 'iro@demo.sru.edu.kh';
export const PARTNER = 'vicerrectorado@demo.ua.es';
export const PARTNER2 = 'relaciones@demo.ua.es';

export const linkTestPolicy = {
  key: 'links-test',
  processType: 'strategy',
  institution: 'SRU',
  version: 1,
  name: 'Link test policy',
  stages: [
    {
      id: 'partner',
      name: 'Partner sign-off',
      steps: [
        {
          id: 'partner_sign',
          name: 'Partner sign-off',
          assignees: [
            { kind: 'person', email: PARTNER },
            { kind: 'person', email: PARTNER2 },
          ],
          mode: { type: 'any' },
          sendBack: { to: ['submitter'] },
          viaLink: true,
          linkExpiryDays: 14,
          actions: ['approve', 'reject'],
        },
      ],
    },
    {
      id: 'final',
      name: 'IRO filing',
      steps: [
        {
          id: 'iro_file',
          name: 'IRO files the agreement',
          assignees: [{ kind: 'role', role: 'iro', institution: 'case' }],
          mode: { type: 'any' },
          viaLink: false,
          linkExpiryDays: 14,
          actions: ['approve', 'reject'],
        },
      ],
    },
  ],
};

/** Installs the link test policy as `institution`'s strategy policy, with the given partner addresses. */
export async function installLinkPolicy(h: Harness, o: { institution?: string; partners?: [string, string] } = {}): Promise<void> {
  const code = o.institution ?? 'SRU';
  const partners = o.partners ?? [PARTNER, PARTNER2];
  const policy = structuredClone(linkTestPolicy) as typeof linkTestPolicy;
  policy.institution = code;
  policy.key = `links-test-${code.toLowerCase()}`;
  policy.stages[0]!.steps[0]!.assignees = partners.map((email) => ({ kind: 'person', email })) as never;
  const inst = await h.t.db.institution.findUniqueOrThrow({ where: { code } });
  await h.t.db.policy.create({
    data: { key: policy.key, processType: 'strategy', institutionId: inst.id, version: 1, name: policy.name, definition: policy as object },
  });
}

let counter = 0;
/** A minimal but real PDF: the document under review. */
export const tinyPdf = (label: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${label}\ntrailer<</Root 1 0 R>>\n%%EOF\n`).toString('base64');

export async function openCase(
  h: Harness,
  title = `Link case ${++counter}`,
  opts: { pdf?: boolean; institution?: string; submitter?: string } = {},
): Promise<{ caseId: string; sha256: string }> {
  const document = opts.pdf ? { fileName: 'agreement.pdf', mimeType: 'application/pdf', contentBase64: tinyPdf(title) } : undefined;
  const res = await h.api('/cases', {
    as: opts.submitter ?? SUBMITTER,
    json: { type: 'strategy', institution: opts.institution ?? 'SRU', title, fields: demoStrategyFields(), ...(document ? { document } : {}) },
  });
  if (res.status !== 201) throw new Error(`create case: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { id: string; documents: { sha256: string }[] };
  return { caseId: body.id, sha256: body.documents[0]!.sha256 };
}

/** The decision link the engine emailed to `email` for the case (newest first; `kind` task/delegated/link_renewal). */
export async function linkFor(h: Harness, caseId: string, email: string, kind = 'task', notIn: string[] = []): Promise<string> {
  return waitFor(
    async () => {
      const rows = await h.t.db.outboxMessage.findMany({ where: { caseId, to: { equals: email, mode: 'insensitive' }, kind }, orderBy: { createdAt: 'desc' } });
      for (const r of rows) {
        const url = (r.links as { url: string }[]).map((l) => l.url).find((u) => u.includes('/l/'));
        if (url && !notIn.includes(url)) return url;
      }
      return null;
    },
    { what: `${kind} link for ${email}`, timeoutMs: 20_000 },
  );
}

/** The same link on the harness's own address (PUBLIC_URL is localhost:port, the server listens on 127.0.0.1). */
export const local = (h: Harness, url: string) => h.url + new URL(url).pathname;

let ipSeq = 0;
/** A fresh client address per test, so that the per-IP rate limits of one test never touch another. */
export const freshIp = () => `10.77.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;

export class Browser {
  cookies = new Map<string, string>();
  constructor(readonly ip = freshIp()) {}

  private headers(extra: Record<string, string> = {}): Headers {
    const h = new Headers({ 'x-forwarded-for': this.ip, ...extra });
    if (this.cookies.size) h.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    return h;
  }

  private keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/max-age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<{ res: Response; body: string; csrf?: string }> {
    const res = await fetch(url, { headers: this.headers(headers), redirect: 'manual' });
    this.keep(res);
    const body = await res.text();
    return { res, body, csrf: /name="_csrf" value="([^"]+)"/.exec(body)?.[1] };
  }

  async post(url: string, fields: Record<string, string | undefined>, headers: Record<string, string> = {}): Promise<{ res: Response; body: string }> {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, v);
    const res = await fetch(url, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded', ...headers }),
      body: form.toString(),
      redirect: 'manual',
    });
    this.keep(res);
    return { res, body: await res.text() };
  }

  /** A multipart form post (an upload form), as a browser sends it. */
  async postMultipart(
    url: string,
    fields: Record<string, string | undefined>,
    file?: { field: string; name: string; type: string; bytes: Buffer },
    headers: Record<string, string> = {},
  ): Promise<{ res: Response; body: string }> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, v);
    if (file) form.set(file.field, new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    const res = await fetch(url, { method: 'POST', headers: this.headers(headers), body: form, redirect: 'manual' });
    this.keep(res);
    return { res, body: await res.text() };
  }
}

export async function caseView(h: Harness, caseId: string): Promise<CaseView> {
  return h.runtime.client.workflow.getHandle(caseId).query(stateQuery, undefined);
}

export const strategyScores = { score_alignment: '4', score_goals: '4', score_feasibility: '3', score_partnerships: '5', score_governance: '4' };
