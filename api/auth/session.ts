// Staff sessions: a random cookie value (only its SHA-256 stored), HttpOnly, SameSite=Lax, Secure outside the
// embedded mode. A request carrying the cookie gets the person's identity (via 'web'); a state-changing request
// must also carry the session's CSRF token (header X-CSRF-Token or form field _csrf; in a multipart upload form it
// is checked when the page reads the body, and until then requireIdentity refuses) and must not come from
// another site (Sec-Fetch-Site). API keys (Authorization) take precedence over the cookie.
import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { AppDeps } from '../app.js';
import type { Db } from '../../lib/db/client.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import { loadIdentity } from '../../lib/identity.js';
import { clearCookie, cookieName, crossSiteRequest, csrfError, isUnsafeMethod, parseCookies, setCookie } from '../../web/http.js';
import { isMultipart } from '../../web/form.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set when the identity came from a session cookie. */
    session?: { id: string; csrfToken: string };
  }
}

export const SESSION_COOKIE = 'chain_session';
export const SESSION_HOURS = 12;

/** Paths whose forms carry their own CSRF protection and never act with the session's identity. */
const OWN_PROTECTION = [/^\/l\//, /^\/sign-in(\/|$)/];

export async function createSession(db: Db, personId: string, hours = SESSION_HOURS) {
  const value = randomToken(32);
  const csrfToken = randomToken(24);
  const expiresAt = new Date(Date.now() + hours * 3600 * 1000);
  const row = await db.session.create({ data: { tokenHash: sha256Hex(value), personId, csrfSecret: csrfToken, expiresAt } });
  return { id: row.id, value, csrfToken, expiresAt };
}

export function setSessionCookie(res: Response, value: string, secure: boolean, hours = SESSION_HOURS): void {
  setCookie(res, cookieName(SESSION_COOKIE, secure), value, { secure, sameSite: 'Lax', maxAgeSeconds: hours * 3600 });
}

export const clearSessionCookie = (res: Response, secure: boolean) => clearCookie(res, cookieName(SESSION_COOKIE, secure), secure);

export async function endSession(db: Db, id: string): Promise<void> {
  await db.session.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
}

function sessionCsrfValid(req: Request, expected: string): boolean {
  if (crossSiteRequest(req)) return false;
  const given = req.get('x-csrf-token') ?? (req.body as Record<string, unknown> | undefined)?._csrf;
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function sessionAuthenticator(opts: { cookieSecure: boolean }) {
  return (deps: AppDeps): RequestHandler =>
    async (req, res, next) => {
      try {
        if (req.identity || req.get('authorization')) return next();
        const name = cookieName(SESSION_COOKIE, opts.cookieSecure);
        const value = parseCookies(req.get('cookie'))[name];
        if (!value) return next();
        const row = await deps.db.session.findUnique({ where: { tokenHash: sha256Hex(value) } });
        if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) {
          clearSessionCookie(res, opts.cookieSecure);
          return next();
        }
        const identity = await loadIdentity(deps.db, row.personId, 'web');
        if (!identity) return next();
        if (isUnsafeMethod(req.method) && !OWN_PROTECTION.some((p) => p.test(req.path))) {
          // A multipart body (an upload form) is read by the page itself: web/form.ts checks its token then.
          if (isMultipart(req) && !crossSiteRequest(req) && !req.get('x-csrf-token')) req.csrfPending = row.csrfSecret;
          else if (!sessionCsrfValid(req, row.csrfSecret)) return next(csrfError());
        }
        req.identity = identity;
        req.session = { id: row.id, csrfToken: row.csrfSecret };
        next();
      } catch (err) {
        next(err);
      }
    };
}
