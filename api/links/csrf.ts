// CSRF protection for forms that are not tied to a session (decision links, sign-in, "send me a new link"): a
// random nonce in an HttpOnly cookie, and in the form a hash of the nonce bound to what the form acts on (the
// link's token hash). Another site can neither read nor plant the cookie (SameSite, __Host- when Secure), so it
// cannot compute the field. Fetch metadata (Sec-Fetch-Site) is checked as well.
import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import { cookieName, crossSiteRequest, parseCookies, setCookie } from '../../web/http.js';

const BASE = 'chain_csrf';
const NONCE = /^[A-Za-z0-9_-]{22,64}$/;

const fieldFor = (nonce: string, bind: string) => sha256Hex(`csrf:${nonce}:${bind}`);

/** The value of the form's hidden `_csrf` field; sets the nonce cookie when the browser has none yet. */
export function issueCsrf(req: Request, res: Response, bind: string, secure: boolean): string {
  const name = cookieName(BASE, secure);
  let nonce = parseCookies(req.get('cookie'))[name];
  if (!nonce || !NONCE.test(nonce)) {
    nonce = randomToken(24);
    setCookie(res, name, nonce, { secure, sameSite: 'Lax', maxAgeSeconds: 4 * 3600 });
  }
  return fieldFor(nonce, bind);
}

export function csrfValid(req: Request, bind: string, secure: boolean): boolean {
  if (crossSiteRequest(req)) return false;
  const nonce = parseCookies(req.get('cookie'))[cookieName(BASE, secure)];
  const given = (req.body as Record<string, unknown> | undefined)?._csrf;
  if (!nonce || !NONCE.test(nonce) || typeof given !== 'string') return false;
  const a = Buffer.from(fieldFor(nonce, bind));
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
