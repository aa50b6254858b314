// The HTTP application, built from its dependencies (no globals), so that tests and the embedded launcher and
// the production entry point all build the same app.
import express, { type Express, type Router } from 'express';
import { pinoHttp } from 'pino-http';
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db/client.js';
import type { Logger } from '../lib/logger.js';
import { apiKeyAuth } from './auth/authenticate.js';
import { apiKeyAuthenticator } from '../lib/identity.js';
import { notFoundHandler, problemHandler } from './http/problem.js';
import { jsonBodies, rejectUnsafeInput } from './http/input-limits.js';
import { systemRoutes } from './routes/system.js';
import { caseRoutes } from './routes/cases.js';
import type { CaseChanges } from '../lib/case-changes.js';
import { decisionRoutes } from './routes/decisions.js';
import { verifyRoutes } from './routes/verify.js';
import { policyRoutes } from './routes/policies.js';
import { strategyRoutes } from './routes/strategies.js';
import type { Sealer } from '../activities/pdf/index.js';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** Cases are started with eager workflow start (`temporal` on a NativeConnection; see create-case.ts). */
  eagerStart?: boolean;
  /**
   * This process's worker runs on a thread of its own (worker/thread) and announces changes to `caseChanges`: a new
   * case's first workflow task, not started eagerly, still runs there, and tells this API the state it ends with.
   */
  workerThread?: boolean;
  logger: Logger;
  publicUrl: string;
  /** Embedded (local, single-process) mode: the outbox page and relaxed cookie flags. */
  embedded: boolean;
  /** Emails go out over SMTP (SMTP_URL): then there is no outbox page, even in the embedded mode. */
  smtp?: boolean;
  /** The sealing certificate (to recognise our own seals at /verify). */
  sealer?: Sealer;
  /** Extra routers mounted before the API routes (pages, links, sign-in), each given the same deps. */
  extraRouters?: ((deps: AppDeps) => Router)[];
  /** Routers of public, cacheable files, mounted before any authenticator (no session lookup, no Set-Cookie). */
  staticRouters?: (() => Router)[];
  /** Authenticators that may set req.identity before API keys are looked at (e.g. session cookies). */
  authenticators?: ((deps: AppDeps) => express.RequestHandler)[];
  /** How long a valid API key's identity is remembered (API_KEY_CACHE_SECONDS); unset or 0: looked up every request. */
  apiKeyCacheMs?: number;
  /**
   * Reads waiting for a case to change, told by this process's worker or, on PostgreSQL, by the workers' NOTIFY
   * (lib/case-changes.ts), or by nobody (they look again every caseWaitRecheckMs); also what a stop wakes them with.
   * Without it the routes keep one of their own that nobody tells.
   */
  caseChanges?: CaseChanges;
  /** How often a waiting read looks again by itself (CASE_WAIT_RECHECK_MS; default 1 s). */
  caseWaitRecheckMs?: number;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    pinoHttp({
      logger: deps.logger,
      autoLogging: { ignore: (req) => req.url === '/health' },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
      serializers: { req: (req) => ({ method: req.method, url: req.url }), res: (res) => ({ statusCode: res.statusCode }) },
    }),
  );
  // Small JSON bodies except where a document is uploaded inline; then no NUL and no deep nesting anywhere.
  app.use(jsonBodies());
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use(rejectUnsafeInput);
  for (const r of deps.staticRouters ?? []) app.use(r());
  for (const a of deps.authenticators ?? []) app.use(a(deps));
  app.use(apiKeyAuth(apiKeyAuthenticator(deps.db, { ttlMs: deps.apiKeyCacheMs ?? 0 })));
  app.use(systemRoutes(deps));
  for (const r of deps.extraRouters ?? []) app.use(r(deps));
  app.use(caseRoutes(deps));
  app.use(decisionRoutes(deps));
  app.use(verifyRoutes(deps));
  app.use(policyRoutes(deps));
  app.use(strategyRoutes(deps));
  app.use(notFoundHandler);
  app.use(problemHandler);
  return app;
}
