// Strategies per institution: every strategy case with its status and current step; the newest signed-off one is
// the institution's current strategy, earlier signed-off ones are archived.
import { Router } from 'express';
import { z } from 'zod';
import { route } from '../http/routes.js';
import { requireIdentity } from '../auth/authenticate.js';
import type { AppDeps } from '../app.js';
import { AppError } from '../../lib/errors.js';
import { canReadCase } from '../../lib/authz.js';

export function strategyRoutes(deps: AppDeps): Router {
  const r = Router();
  route(
    r,
    {
      method: 'get',
      path: '/institutions/:code/strategies',
      summary: "An institution's internationalisation strategies: status, current step, and which one is current (the newest signed off) or archived.",
      tag: 'strategies',
      params: z.object({ code: z.string().toUpperCase().regex(/^[A-Z0-9]{2,12}$/) }),
      responses: { 200: { description: 'the strategies, newest first' }, 404: { description: 'no such institution' } },
    },
    async ({ params }, req) => {
      const identity = requireIdentity(req);
      const inst = await deps.db.institution.findUnique({ where: { code: params.code } });
      if (!inst) throw new AppError('not_found', `No institution ${params.code}.`);
      const rows = await deps.db.case.findMany({
        where: { type: 'strategy', institutionId: inst.id },
        include: { sealed: { where: { outcome: 'approved' }, select: { id: true, createdAt: true } } },
        orderBy: { createdAt: 'desc' },
      });
      const visible = rows.filter((c) => canReadCase(identity, { institution: inst.code, type: 'strategy', participants: c.assignees }));
      const signedOff = visible
        .filter((c) => c.status === 'approved' && c.sealed.length)
        .sort((a, b) => b.sealed[0]!.createdAt.getTime() - a.sealed[0]!.createdAt.getTime());
      const currentId = signedOff[0]?.id;
      return {
        institution: { code: inst.code, name: inst.name },
        current: currentId ?? null,
        items: visible.map((c) => {
          const f = (c.fields ?? {}) as { period?: { from: number; to: number } };
          return {
            caseId: c.id,
            title: c.title,
            period: f.period ?? null,
            status: c.status,
            currentStep: c.currentStage,
            dueAt: c.dueAt?.toISOString() ?? null,
            current: c.id === currentId,
            archived: c.status === 'approved' && c.id !== currentId,
            sealedId: c.sealed[0]?.id ?? null,
            createdAt: c.createdAt.toISOString(),
          };
        }),
      };
    },
  );
  return r;
}
