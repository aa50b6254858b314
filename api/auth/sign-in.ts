// Staff sign-in by an emailed link, scanner-safe like the decision links:
//   GET  /sign-in            the form (email address)
//   POST /sign-in            emails a sign-in link (15 minutes, single use); the same answer for any address
//   GET  /sign-in/:token     a page with a "Sign in" button — opening the link signs nobody in
//   POST /sign-in/:token     signs in: a session cookie, then to /me
//   POST /sign-out           ends the session (session CSRF token)
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import type { Mailer } from '../../activities/mailer.js';
import { AppError, isAppError } from '../../lib/errors.js';
import { html } from '../../web/html.js';
import { csrfError, page, pageContext, sendError, sendPage, setPageHeaders, wantsJson } from '../../web/http.js';
import { asLocale, inLocale, messagesFor } from '../../web/i18n/index.js';
import { auditLink, requestMeta } from '../links/audit-link.js';
import { csrfValid, issueCsrf } from '../links/csrf.js';
import { findLink, rejectUnusable } from '../links/find-link.js';
import { issueLinkToken } from '../links/issue-link.js';
import { normaliseEmail, TOKEN_PATTERN } from '../links/token.js';
import type { PageLimits } from './rate-limit.js';
import { clearSessionCookie, createSession, endSession, setSessionCookie } from './session.js';
import { requireIdentity } from './authenticate.js';

export const SIGN_IN_MINUTES = 15;

export interface SignInOptions {
  mailer: Mailer;
  cookieSecure: boolean;
  limits: PageLimits;
}

/** Emails a sign-in link when the address belongs to a person; does nothing otherwise. */
/** Where to go after signing in: a page of this site only (a path, never another host), else my page. */
export function safeNext(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length > 300) return undefined;
  return /^\/(cases|strategies|institutions|me)(\/[A-Za-z0-9_./-]*)?(\?[A-Za-z0-9_=&%.-]*)?$/.test(v) && !v.includes('//') && !v.includes('..') ? v : undefined;
}

export async function requestSignIn(o: { deps: AppDeps; mailer: Mailer; email: string; meta: ReturnType<typeof requestMeta>; next?: string }): Promise<boolean> {
  const person = await o.deps.db.person.findFirst({ where: { email: { equals: o.email, mode: 'insensitive' } } });
  if (!person) {
    await auditLink(o.deps.db, { type: 'sign_in_requested', payload: { known: false }, meta: o.meta });
    return false;
  }
  const issued = await issueLinkToken(o.deps.db, { purpose: 'signin', email: person.email, expiresAt: new Date(Date.now() + SIGN_IN_MINUTES * 60_000) });
  const locale = asLocale(person.locale);
  const url = inLocale(`${o.deps.publicUrl.replace(/\/$/, '')}/sign-in/${issued.token}${o.next ? `?next=${encodeURIComponent(o.next)}` : ''}`, locale);
  const m = messagesFor(locale);
  await o.mailer.send({
    idempotencyKey: `sign-in/${issued.id}`,
    kind: 'sign_in',
    to: person.email,
    subject: m['mail.signin.subject'],
    text: m['mail.signin.body'](person.name, url, SIGN_IN_MINUTES),
    links: [{ label: 'Sign in', url }],
  });
  await auditLink(o.deps.db, { type: 'sign_in_requested', actor: person.email, payload: { known: true, tokenId: issued.id }, meta: o.meta });
  return true;
}

export function signInRoutes(opts: SignInOptions) {
  return (deps: AppDeps): Router => {
    const r = Router();
    const secure = opts.cookieSecure;
    const { db } = deps;

    const signInError = (req: Request, res: Response, err: unknown) => {
      const { m } = pageContext(req);
      const again = isAppError(err) && err.code.startsWith('token_');
      sendError(req, res, err, again ? html`<p><a class="button secondary" href="/sign-in">${m['error.signInAgain']}</a></p>` : undefined);
    };
    const tokenPage =
      (fn: (req: Request, res: Response, token: string) => Promise<void>) =>
      async (req: Request, res: Response): Promise<void> => {
        try {
          opts.limits.links.check(req, 'sign-in-link');
          const t = String(req.params.token ?? '');
          await fn(req, res, t.length <= 200 && TOKEN_PATTERN.test(t) ? t : '-');
        } catch (err) {
          signInError(req, res, err);
        }
      };

    r.get(
      '/sign-in',
      page(async (req, res) => {
        const { m } = pageContext(req);
        const csrf = issueCsrf(req, res, 'signin', secure);
        sendPage(
          req,
          res,
          200,
          m['signin.title'],
          html`<p>${m['signin.intro']}</p>
<form method="post" action="/sign-in">
<input type="hidden" name="_csrf" value="${csrf}">
${safeNext(req.query.next) ? html`<input type="hidden" name="next" value="${safeNext(req.query.next)}">` : ''}
<label for="email">${m['common.email']}</label>
<input type="email" id="email" name="email" autocomplete="email" required maxlength="320">
<div class="actions"><button class="primary" type="submit">${m['signin.submit']}</button></div>
</form>`,
        );
      }),
    );

    r.post(
      '/sign-in',
      page(async (req, res) => {
        opts.limits.mailRequests.check(req, 'sign-in');
        if (!csrfValid(req, 'signin', secure)) throw csrfError();
        const parsed = z.object({ email: z.string().trim().email().max(320) }).safeParse(req.body);
        if (!parsed.success) throw new AppError('validation_failed', 'Enter an email address.', { issues: [{ path: 'email', message: 'an email address' }] });
        const email = normaliseEmail(parsed.data.email);
        const meta = requestMeta(req);
        if (opts.limits.mailPerAddress.take(`sign-in|${email}`)) {
          // After the answer: neither the page nor its timing tells whether the address has an account.
          setImmediate(() => {
            requestSignIn({ deps, mailer: opts.mailer, email, meta, next: safeNext((req.body as Record<string, unknown>)?.next) }).catch((err) => req.log?.error({ err }, 'sign-in email failed'));
          });
        }
        const { m } = pageContext(req);
        if (wantsJson(req)) {
          setPageHeaders(res);
          res.status(202).json({ status: 'accepted', message: m['signin.sent'] });
          return;
        }
        sendPage(req, res, 200, m['signin.title'], html`<div class="notice ok"><p id="sign-in-sent">${m['signin.sent']}</p></div>`);
      }),
    );

    r.get(
      '/sign-in/:token',
      tokenPage(async (req, res, token) => {
        const meta = requestMeta(req);
        const found = await findLink(db, token, 'signin', meta);
        if (found.state !== 'valid') await rejectUnusable(db, found, meta);
        const { m } = pageContext(req);
        const csrf = issueCsrf(req, res, found.row.tokenHash, secure);
        if (wantsJson(req)) {
          setPageHeaders(res);
          res.json({ state: 'valid', email: found.row.recipientEmail, csrf });
          return;
        }
        sendPage(
          req,
          res,
          200,
          m['signin.confirmTitle'],
          html`<p>${m['signin.confirmIntro'](found.row.recipientEmail)}</p>
<form method="post" action="/sign-in/${token}">
<input type="hidden" name="_csrf" value="${csrf}">
${safeNext(req.query.next) ? html`<input type="hidden" name="next" value="${safeNext(req.query.next)}">` : ''}
<div class="actions"><button class="primary" type="submit">${m['signin.confirm']}</button></div>
</form>`,
        );
      }),
    );

    r.post(
      '/sign-in/:token',
      tokenPage(async (req, res, token) => {
        const meta = requestMeta(req);
        const found = await findLink(db, token, 'signin', meta);
        if (found.state !== 'valid') await rejectUnusable(db, found, meta);
        if (!csrfValid(req, found.row.tokenHash, secure)) throw csrfError();
        const claimed = await db.linkToken.updateMany({
          where: { id: found.row.id, usedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
          data: { usedAt: new Date(), result: { state: 'done', action: 'sign_in', at: new Date().toISOString() } },
        });
        if (claimed.count === 0) await rejectUnusable(db, await findLink(db, token, 'signin', meta), meta);
        const person = await db.person.findFirst({ where: { email: { equals: found.row.recipientEmail, mode: 'insensitive' } } });
        if (!person) throw new AppError('token_invalid', 'This link is not valid.', { reason: 'unknown' });
        const session = await createSession(db, person.id);
        setSessionCookie(res, session.value, secure);
        await auditLink(db, { type: 'signed_in', key: `sign-in/${found.row.id}/used`, actor: person.email, payload: { tokenId: found.row.id, sessionId: session.id }, meta });
        setPageHeaders(res);
        if (wantsJson(req)) {
          res.json({ status: 'signed_in', csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() });
          return;
        }
        res.redirect(303, safeNext((req.body as Record<string, unknown>)?.next) ?? '/me');
      }),
    );

    r.post(
      '/sign-out',
      page(async (req, res) => {
        requireIdentity(req);
        if (req.session) await endSession(db, req.session.id);
        clearSessionCookie(res, secure);
        const { m } = pageContext(req);
        if (wantsJson(req)) {
          setPageHeaders(res);
          res.json({ status: 'signed_out' });
          return;
        }
        sendPage(req, res, 200, m['signin.signedOut'], html`<p><a href="/sign-in">${m['signin.title']}</a></p>`);
      }),
    );

    return r;
  };
}
