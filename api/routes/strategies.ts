// Strategies per institution: every strategy case with its status and current step; the newest signed-off one is
// the institution's current strategy, earlier signed-off ones are archived; signed-off ones list their progress
// reports (api/strategies/list-strategies.ts).
import { Router } from 'express';
import { z } from 'zod';
import { route } from '../http/routes.js';
import { requireIdentity } from '../auth/authenticate.js';
import type { AppDeps } from '../app.js';
import { listStrategies } from '../strategies/list-strategies.js';

export function strategyRoutes(deps: AppDeps): Router {
  const r = Router();
  route(
    r,
    {
      method: 'get',
      path: '/institutions/:code/strategies',
      summary:
        "An institution's internationalisation strategies: status, current step, which one is current (the newest signed off) or archived, and for signed-off ones their progress reports (mid-period and end: due date, report case and its status).",
      tag: 'strategies',
      params: z.object({ code: z.string().toUpperCase().regex(/^[A-Z0-9]{2,12}$/) }),
      responses: { 200: { description: 'the strategies, newest first' }, 404: { description: 'no such institution' } },
    },
    async ({ params }, req) => listStrategies({ db: deps.db, identity: requireIdentity(req), institutionCode: params.code }),
  );
  return r;
}
