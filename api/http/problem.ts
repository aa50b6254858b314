// problem+json (RFC 9457) for every error that leaves the API. A user's mistake is never a 500: unknown errors
// are logged with their internals and answered with a generic body.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError, isAppError } from '../../lib/errors.js';

export function problemBody(err: AppError, instance?: string) {
  return {
    type: `https://chain.localhost/problems/${err.code}`,
    title: err.message,
    status: err.status,
    code: err.code,
    ...(err.details.issues ? { issues: err.details.issues } : {}),
    ...Object.fromEntries(Object.entries(err.details).filter(([k]) => k !== 'internal' && k !== 'issues')),
    ...(instance ? { instance } : {}),
  };
}

export const zodIssues = (e: ZodError, prefix = '') =>
  e.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)', message: i.message }));

export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  if (err instanceof ZodError) return new AppError('validation_failed', 'The request is not valid.', { issues: zodIssues(err) });
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
  // body-parser's errors: malformed JSON, too large, wrong charset.
  if (e?.type === 'entity.parse.failed') return new AppError('bad_request', 'The request body is not valid JSON.');
  if (e?.type === 'entity.too.large') return new AppError('payload_too_large', 'The request body is too large.');
  if (e?.type === 'parameters.too.many') return new AppError('payload_too_large', 'The form has too many fields.');
  if (e?.status === 415 || e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new AppError('unsupported_media_type', 'The request body has an unsupported encoding.');
  // Anything else the parsers or the router refuse as the client's mistake (a body cut short, a malformed %-escape in the path).
  if (e?.status === 400 || e?.statusCode === 400) return new AppError('bad_request', 'The request could not be read.', { internal: String(e?.message ?? err) });
  return new AppError('internal', 'Something went wrong on our side. It has been logged.', { internal: String(e?.message ?? err) });
}

/** Pages (HTML) get rendered by the page layer when it claims the request; the API answers problem+json. */
export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const appErr = toAppError(err);
  if (appErr.status >= 500) req.log?.error({ err, code: appErr.code }, 'request failed');
  else req.log?.info({ code: appErr.code, issues: appErr.details.issues }, 'request rejected');
  if (res.headersSent) return;
  res.status(appErr.status).type('application/problem+json').send(JSON.stringify(problemBody(appErr, req.originalUrl)));
};

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `No route for ${req.method} ${req.path}.`));
};
