// HTTP helpers of the page layer: security headers, content negotiation (HTML for people, problem+json for API
// clients), cookies, and the error page.
import type { Request, Response } from 'express';
import { AppError } from '../lib/errors.js';
import { problemBody, toAppError } from '../api/http/problem.js';
import { html, type SafeHtml } from './html.js';
import { CONTENT_SECURITY_POLICY, layout } from './layout.js';
import { isLocale, LANG_COOKIE, localeNames, locales, messagesFor, pickLocale, type Locale, type Messages } from './i18n/index.js';

/** Headers on every page of the layer (and on its problem+json answers). */
export function setPageHeaders(res: Response): void {
  res.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
}

export interface PageContext {
  locale: Locale;
  m: Messages;
}

export const pageContext = (req: Request): PageContext & { chosen?: string } => {
  const chosen = parseCookies(req.get('cookie'))[LANG_COOKIE];
  const locale = pickLocale({ query: req.query, chosen, identity: req.identity, acceptsLanguages: (...l) => req.acceptsLanguages(...l) });
  return { locale, m: messagesFor(locale), chosen };
};

/** True when the client asked for JSON (API clients) rather than a page. */
export function wantsJson(req: Request): boolean {
  const best = req.accepts(['text/html', 'application/json', 'application/problem+json']);
  return best === 'application/json' || best === 'application/problem+json';
}

export function sendPage(req: Request, res: Response, status: number, title: string, body: SafeHtml, who?: string): void {
  const { locale, m, chosen } = pageContext(req);
  setPageHeaders(res);
  // A language chosen with ?lang= holds for the next pages too (a year, this browser).
  const asked = (req.query as Record<string, unknown> | undefined)?.lang;
  if (isLocale(asked) && chosen !== asked) setCookie(res, LANG_COOKIE, asked, { secure: req.secure, maxAgeSeconds: 365 * 24 * 3600 });
  res.status(status).type('text/html; charset=utf-8').send(layout({ m, locale, title, body, who, languages: languageLinks(req, locale) }));
}

/** The switcher's links: this page in each language. Only for GET pages (a re-rendered form has no address to go back to). */
export function languageLinks(req: Pick<Request, 'method' | 'originalUrl'>, current: Locale) {
  if (req.method !== 'GET') return undefined;
  // From the path as sent: one that a browser could read as another host ("//evil.example", "/\\evil.example")
  // links to the home page instead.
  const q = req.originalUrl.indexOf('?');
  const rawPath = q < 0 ? req.originalUrl : req.originalUrl.slice(0, q);
  const path = /^\/(?![/\\])/.test(rawPath) ? rawPath : '/';
  const params = new URLSearchParams(q < 0 ? '' : req.originalUrl.slice(q + 1));
  return locales.map((l) => {
    params.set('lang', l);
    return { locale: l, name: localeNames[l], href: `${path}?${params}`, current: l === current };
  });
}

/** Messages of one error for a page: a title and a body (the AppError's own message when the catalogue has none). */
function errorTexts(m: Messages, err: AppError): { title: string; body: string } {
  const reason = typeof err.details.reason === 'string' ? err.details.reason : undefined;
  const key = reason === 'tampered' ? 'token_tampered' : err.code;
  const title = (m as Record<string, unknown>)[`error.${key}.title`];
  const body = (m as Record<string, unknown>)[`error.${key}.body`];
  const why = err.code === 'token_revoked' && reason ? (m as Record<string, unknown>)[`error.revoked.${reason}`] : undefined;
  const text = typeof body === 'string' ? body : err.message;
  return { title: typeof title === 'string' ? title : m['error.title'], body: typeof why === 'string' ? `${text} ${why}` : text };
}

/** Answers an error: problem+json for API clients, otherwise a page (with `extra` markup, e.g. a retry form). */
export function sendError(req: Request, res: Response, error: unknown, extra?: SafeHtml): void {
  const err = toAppError(error);
  if (err.status >= 500) req.log?.error({ err: error, code: err.code }, 'page request failed');
  else req.log?.info({ code: err.code }, 'page request rejected');
  if (res.headersSent) return;
  if (err.code === 'rate_limited' && typeof err.details.retryAfter === 'number') res.set('Retry-After', String(err.details.retryAfter));
  if (wantsJson(req)) {
    setPageHeaders(res);
    res.status(err.status).type('application/problem+json').send(JSON.stringify(problemBody(err, req.originalUrl)));
    return;
  }
  const { m } = pageContext(req);
  const t = errorTexts(m, err);
  const issues = err.details.issues ?? [];
  sendPage(
    req,
    res,
    err.status,
    t.title,
    html`<div class="notice bad"><p>${t.body}</p>${issues.length ? html`<ul>${issues.map((i) => html`<li><code>${i.path}</code>: ${i.message}</li>`)}</ul>` : ''}</div>${extra ?? ''}`,
  );
}

/** Wraps a page handler: its errors become pages (or problem+json) instead of the API's generic handler. */
export const page =
  (fn: (req: Request, res: Response) => Promise<void> | void) =>
  async (req: Request, res: Response): Promise<void> => {
    try {
      await fn(req, res);
    } catch (err) {
      sendError(req, res, err);
    }
  };

// ------------------------------------------------------------------------------------------------ cookies

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (!name || name in out) continue;
    try {
      out[name] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // a malformed value is ignored rather than failing the request
    }
  }
  return out;
}

export interface CookieOptions {
  secure: boolean;
  maxAgeSeconds?: number;
  sameSite?: 'Strict' | 'Lax';
  path?: string;
}

/** __Host- prefixed when Secure (bound to this host and path /; a sibling subdomain cannot plant it). */
export const cookieName = (base: string, secure: boolean) => (secure ? `__Host-${base}` : base);

export function setCookie(res: Response, name: string, value: string, o: CookieOptions): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${o.path ?? '/'}`, 'HttpOnly', `SameSite=${o.sameSite ?? 'Lax'}`];
  if (o.secure) parts.push('Secure');
  if (o.maxAgeSeconds !== undefined) parts.push(`Max-Age=${o.maxAgeSeconds}`);
  res.append('Set-Cookie', parts.join('; '));
}

export const clearCookie = (res: Response, name: string, secure: boolean) => setCookie(res, name, '', { secure, maxAgeSeconds: 0 });

export const isUnsafeMethod = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());

/** Fetch metadata: a browser tells whether a request comes from another site; refuse those for state changes. */
export function crossSiteRequest(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  return site !== undefined && site !== 'same-origin' && site !== 'none';
}

export const csrfError = () => new AppError('csrf_failed', 'The form could not be verified. Reload the page and try again.');
