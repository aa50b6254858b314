// The page layer, assembled for createApp: the session authenticator, and the routers of the decision links,
// sign-in, my page, the case pages (strategy form, case page, case list), the embedded outbox and the home page.
// The worker's link hooks are in api/links.
import { Router } from 'express';
import { assetRoutes } from './assets.js';
import type { AppDeps } from '../api/app.js';
import type { Mailer } from '../activities/mailer.js';
import { linkRoutes } from '../api/links/index.js';
import { signInRoutes } from '../api/auth/sign-in.js';
import { sessionAuthenticator } from '../api/auth/session.js';
import { createPageLimits, type PageLimits } from '../api/auth/rate-limit.js';
import { meRoutes } from '../api/routes/me.js';
import { outboxRoutes } from '../api/routes/outbox.js';
import { casePageRoutes } from '../api/routes/case-pages.js';
import { page, pageContext, sendPage } from './http.js';
import { homePage } from './pages/staff.js';

export interface WebLayerOptions {
  mailer: Mailer;
  /** Secure cookies: COOKIE_SECURE, else true outside the embedded mode. */
  cookieSecure: boolean;
  limits?: PageLimits;
}

export function webLayer(opts: WebLayerOptions) {
  const limits = opts.limits ?? createPageLimits();
  const home = (deps: AppDeps) =>
    Router().get(
      '/',
      page((req, res) => {
        const { m } = pageContext(req);
        sendPage(req, res, 200, m['home.title'], homePage(m, deps.embedded));
      }),
    );
  return {
    staticRouters: [assetRoutes],
    authenticators: [sessionAuthenticator({ cookieSecure: opts.cookieSecure })],
    extraRouters: [
      home,
      linkRoutes({ mailer: opts.mailer, cookieSecure: opts.cookieSecure, limits }),
      signInRoutes({ mailer: opts.mailer, cookieSecure: opts.cookieSecure, limits }),
      meRoutes,
      casePageRoutes,
      outboxRoutes,
    ],
  };
}
