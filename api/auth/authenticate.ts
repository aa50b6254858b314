import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors.js';
import type { ApiKeyAuthenticator, Identity } from '../../lib/identity.js';
import { csrfError } from '../../web/http.js';

declare module 'express-serve-static-core' {
  interface Request {
    identity?: Identity;
  }
}

/** Resolves `Authorization: Bearer <api key>` into req.identity; other authenticators (sessions) run before it. */
export function apiKeyAuth(keys: ApiKeyAuthenticator): RequestHandler {
  return async (req, _res, next) => {
    if (req.identity) return next();
    const header = req.get('authorization');
    if (!header) return next();
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) return next(new AppError('unauthenticated', 'The Authorization header must be "Bearer <api key>".'));
    const identity = await keys.identify(m[1]!);
    if (!identity) return next(new AppError('unauthenticated', 'This API key is not valid or has been revoked.'));
    req.identity = identity;
    next();
  };
}

export function requireIdentity(req: { identity?: Identity; csrfPending?: string }): Identity {
  if (!req.identity) throw new AppError('unauthenticated', 'Sign in or send an API key (Authorization: Bearer <key>).');
  // A session's multipart request whose CSRF token has not been checked yet (only web/form.ts reads and checks it).
  if (req.csrfPending !== undefined) throw csrfError();
  return req.identity;
}
