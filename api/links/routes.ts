// Routes of the decision links:
//   GET  /l/:token           confirmation page (read-only; audited as viewed, possibly automated)
//   POST /l/:token           approve / reject / send back / delegate (CSRF token + Sec-Fetch-Site)
//   GET  /l/:token/document  the document version under review
//   GET  /l/new, POST /l/new "send me a new link" (answers the same for any address)
// Pages for people; problem+json for clients that ask for JSON.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import type { AppDeps } from '../app.js';
import type { Mailer } from '../../activities/mailer.js';
import { AppError, isAppError } from '../../lib/errors.js';
import { html } from '../../web/html.js';
import { csrfError, page, pageContext, sendError, sendPage, setPageHeaders, wantsJson } from '../../web/http.js';
import { askNewLink, decisionPage, pendingBody, renewForm, resultBody } from '../../web/pages/link.js';
import type { PageLimits } from '../auth/rate-limit.js';
import { auditLink, requestMeta } from './audit-link.js';
import { linkFormSchema } from './commands.js';
import { csrfValid, issueCsrf } from './csrf.js';
import { decideFromLink, type LinkOutcome } from './decide-from-link.js';
import { findLink, rejectUnusable } from './find-link.js';
import { renewLinks } from './renew-links.js';
import { linkDocument, showLink } from './show-link.js';
import { linkRecord, TOKEN_PATTERN } from './token.js';

export interface LinkRoutesOptions {
  mailer: Mailer;
  cookieSecure: boolean;
  limits: PageLimits;
}

const tokenParam = (req: Request): string => {
  const t = String(req.params.token ?? '');
  // Anything can arrive here; findLink audits and answers it. Keep absurd lengths out of the database query.
  return t.length > 200 || !TOKEN_PATTERN.test(t) ? t.slice(0, 200).replace(/[^A-Za-z0-9_-]/g, '') || '-' : t;
};

/** Bad-token pages offer a new link; a used link shows what it recorded. */
function sendLinkError(req: Request, res: Response, err: unknown): void {
  const { m } = pageContext(req);
  if (isAppError(err) && err.code === 'token_used' && err.details.recorded) {
    const r = err.details.recorded as { action: string; at: string; caseStatus: string | null; delegateTo: string | null };
    return sendError(req, res, err, resultBody(m, { action: r.action, at: r.at, caseStatus: r.caseStatus ?? undefined, delegateTo: r.delegateTo ?? undefined, replayed: true }));
  }
  const offerNew = isAppError(err) && ['token_invalid', 'token_expired', 'token_revoked'].includes(err.code);
  sendError(req, res, err, offerNew ? askNewLink(m) : undefined);
}

const linkPage =
  (fn: (req: Request, res: Response) => Promise<void>) =>
  async (req: Request, res: Response): Promise<void> => {
    try {
      await fn(req, res);
    } catch (err) {
      sendLinkError(req, res, err);
    }
  };

export function linkRoutes(opts: LinkRoutesOptions) {
  return (deps: AppDeps): Router => {
    const r = Router();
    const { db } = deps;
    const temporal: Client = deps.temporal;
    const secure = opts.cookieSecure;

    // ----------------------------------------------------------------------------- send me a new link
    r.get(
      '/l/new',
      page(async (req, res) => {
        const { m } = pageContext(req);
        sendPage(req, res, 200, m['renew.title'], renewForm(m, issueCsrf(req, res, 'renew', secure)));
      }),
    );

    r.post(
      '/l/new',
      page(async (req, res) => {
        opts.limits.mailRequests.check(req, 'renew');
        if (!csrfValid(req, 'renew', secure)) throw csrfError();
        const parsed = z.object({ email: z.string().trim().toLowerCase().email().max(320) }).safeParse(req.body);
        if (!parsed.success) throw new AppError('validation_failed', 'Enter an email address.', { issues: [{ path: 'email', message: 'an email address' }] });
        const email = parsed.data.email;
        const meta = requestMeta(req);
        if (opts.limits.mailPerAddress.take(`renew|${email}`)) {
          // After the answer, so that neither the answer nor its timing says whether the address is known.
          setImmediate(() => {
            renewLinks({ db, temporal, mailer: opts.mailer, publicUrl: deps.publicUrl, email, meta }).catch((err) =>
              req.log?.error({ err }, 'renewing links failed'),
            );
          });
        }
        const { m } = pageContext(req);
        if (wantsJson(req)) {
          setPageHeaders(res);
          res.status(202).json({ status: 'accepted', message: m['renew.sent'] });
          return;
        }
        sendPage(req, res, 200, m['renew.title'], html`<div class="notice ok"><p id="renew-sent">${m['renew.sent']}</p></div>`);
      }),
    );

    // ----------------------------------------------------------------------------- the link itself
    r.get(
      '/l/:token',
      linkPage(async (req, res) => {
        opts.limits.links.check(req, 'link');
        const token = tokenParam(req);
        const { m } = pageContext(req);
        const shown = await showLink({ db, temporal, token, meta: requestMeta(req) });
        const csrf = issueCsrf(req, res, shown.found.row.tokenHash, secure);
        if (shown.kind === 'pending') {
          const rec = linkRecord(shown.found.row);
          if (wantsJson(req)) return void res.status(202).json({ state: 'pending', action: rec?.action });
          return sendPage(req, res, 202, m['result.pendingTitle'], pendingBody(m, token, csrf, rec?.action ?? 'approve'));
        }
        if (wantsJson(req)) {
          setPageHeaders(res);
          res.json({
            state: 'valid',
            case: { id: shown.caseRow.id, title: shown.caseRow.title, type: shown.caseRow.type, institution: shown.caseRow.institution },
            step: { id: shown.step.id, name: shown.step.name, status: shown.step.status, rubric: shown.step.rubric, sendBackTo: shown.step.sendBackTo },
            document: shown.document,
            actions: shown.actions,
            expiresAt: shown.found.row.expiresAt.toISOString(),
            csrf,
          });
          return;
        }
        const p = decisionPage(m, toPageData(shown, token, csrf));
        sendPage(req, res, shown.actions.length ? 200 : 409, p.title, p.body);
      }),
    );

    r.get(
      '/l/:token/document',
      linkPage(async (req, res) => {
        opts.limits.links.check(req, 'link');
        const doc = await linkDocument({ db, temporal, token: tokenParam(req), meta: requestMeta(req) });
        setPageHeaders(res);
        res.set({
          'Content-Security-Policy': 'sandbox; default-src none',
          'Content-Disposition': `attachment; filename="${doc.fileName.replace(/[^\w.-]+/g, '_')}"`,
          'X-Document-SHA256': doc.sha256,
        });
        res.status(200).type(doc.mimeType).send(Buffer.from(doc.content!));
      }),
    );

    r.post(
      '/l/:token',
      linkPage(async (req, res) => {
        opts.limits.links.check(req, 'link');
        const token = tokenParam(req);
        const meta = requestMeta(req);
        const found = await findLink(db, token, 'decision', meta);
        if (found.state === 'expired' || found.state === 'revoked') await rejectUnusable(db, found, meta);
        if (!csrfValid(req, found.row.tokenHash, secure)) {
          await auditLink(db, {
            type: 'link_csrf_failed',
            caseId: found.row.caseId,
            actor: found.row.recipientEmail,
            payload: { tokenId: found.row.id, stepId: found.row.stepId },
            meta,
          });
          throw csrfError();
        }
        const parsed = linkFormSchema.safeParse(req.body ?? {});
        if (!parsed.success) throw new AppError('validation_failed', 'Please check the form.', { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'form', message: i.message })) });
        let outcome: LinkOutcome;
        try {
          outcome = await decideFromLink({ db, temporal, token, form: parsed.data, meta });
        } catch (err) {
          // A form mistake: show the form again with what was entered (JSON clients get the problem).
          if (isAppError(err) && err.code === 'validation_failed' && !wantsJson(req)) return redisplay(req, res, token, err, parsed.data);
          throw err;
        }
        const rec = outcome.record;
        if (wantsJson(req)) {
          setPageHeaders(res);
          res.json({ outcome: outcome.kind, action: rec.action, at: rec.at, caseStatus: rec.result?.status ?? null, stepStatus: rec.result?.stepStatus ?? null, delegateTo: rec.delegateTo ?? null });
          return;
        }
        const { m } = pageContext(req);
        sendPage(req, res, 200, m['result.title'], resultBody(m, { action: rec.action, at: rec.at, caseStatus: rec.result?.status, delegateTo: rec.delegateTo, replayed: outcome.kind === 'replayed' }));
      }),
    );

    async function redisplay(req: Request, res: Response, token: string, err: AppError, form: Record<string, unknown>) {
      const shown = await showLink({ db, temporal, token, meta: requestMeta(req) });
      if (shown.kind !== 'decide') throw err;
      const { m } = pageContext(req);
      const csrf = issueCsrf(req, res, shown.found.row.tokenHash, secure);
      const previous = Object.fromEntries(Object.entries(form).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;
      const p = decisionPage(m, { ...toPageData(shown, token, csrf), previous });
      const issues = err.details.issues ?? [];
      sendPage(
        req,
        res,
        err.status,
        p.title,
        html`<div class="notice bad" id="form-errors"><p>${err.message}</p><ul>${issues.map((i) => html`<li><code>${i.path}</code>: ${i.message}</li>`)}</ul></div>${p.body}`,
      );
    }

    return r;
  };
}

function toPageData(shown: Extract<Awaited<ReturnType<typeof showLink>>, { kind: 'decide' }>, token: string, csrf: string) {
  return {
    token,
    csrf,
    recipient: { email: shown.found.row.recipientEmail, name: shown.person?.name ?? null },
    caseRow: shown.caseRow,
    submitter: shown.view.submitter,
    document: shown.document,
    step: shown.step,
    stages: shown.view.stages.map((s) => ({ id: s.id, name: s.name, status: s.status })),
    actions: shown.actions,
    delegatedFrom: shown.delegatedFrom,
    expiresAt: shown.found.row.expiresAt,
  };
}
