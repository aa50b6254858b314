// GET /me — who I am (roles per institution); GET /me/tasks — the open steps waiting for me, across the cases I
// may see, from the projection (Case.openAssignees). JSON for API clients; a page for browsers that ask for HTML.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import type { Db } from '../../lib/db/client.js';
import type { Identity } from '../../lib/identity.js';
import { canCreateCase, canReadCase, NETWORK_INSTITUTION } from '../../lib/authz.js';
import { route } from '../http/routes.js';
import { requireIdentity } from '../auth/authenticate.js';
import { pageContext, sendPage } from '../../web/http.js';
import { mePage, type TaskItem } from '../../web/pages/staff.js';

/** Strategies are opened by HEIs: someone who may open one for an institution of theirs sees the button. */
const mayOpenStrategies = (id: Identity) => id.roles.some((r) => r.institution !== NETWORK_INSTITUTION && canCreateCase(id, r.institution, 'strategy'));

const wantsPage = (req: Request) => /\btext\/html\b/.test(req.get('accept') ?? '');

export async function listMyTasks(db: Db, identity: Identity): Promise<TaskItem[]> {
  const email = identity.email.toLowerCase();
  const rows = await db.case.findMany({
    where: { openAssignees: { has: email } },
    include: { institution: { select: { code: true, name: true } } },
    orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { createdAt: 'desc' }],
    take: 200,
  });
  const items: TaskItem[] = [];
  for (const row of rows) {
    // Someone a step waits for may read the case (a participant): no further lookup per row.
    if (!canReadCase(identity, { institution: row.institution.code, type: row.type, participants: [...row.assignees, ...row.openAssignees] })) continue;
    const summary = (row.summary ?? {}) as { openSteps?: { id: string; name: string; assignees: string[]; dueAt: number | null }[] };
    const steps = (summary.openSteps ?? [])
      .filter((s) => s.assignees.some((a) => a.toLowerCase() === email))
      .map((s) => ({ id: s.id, name: s.name, dueAt: s.dueAt === null ? null : new Date(s.dueAt).toISOString() }));
    items.push({
      caseId: row.id,
      title: row.title,
      type: row.type,
      institution: row.institution,
      status: row.status,
      currentStage: row.currentStage,
      dueAt: row.dueAt?.toISOString() ?? null,
      steps,
      resubmit: row.status === 'sent_back' && row.createdById === identity.personId,
    });
  }
  return items;
}

const roleSchema = z.object({ role: z.string(), institution: z.string() });
const meSchema = z.object({
  personId: z.string(),
  email: z.string(),
  name: z.string(),
  via: z.enum(['api', 'web', 'link']),
  roles: z.array(roleSchema),
  csrfToken: z.string().optional().describe('With a session cookie: send it as X-CSRF-Token on state-changing requests.'),
});
const taskSchema = z.object({
  caseId: z.string(),
  title: z.string(),
  type: z.string(),
  institution: z.object({ code: z.string(), name: z.string() }),
  status: z.string(),
  currentStage: z.string().nullable(),
  dueAt: z.string().nullable(),
  steps: z.array(z.object({ id: z.string(), name: z.string(), dueAt: z.string().nullable() })),
  resubmit: z.boolean(),
});

export function meRoutes(deps: AppDeps): Router {
  const r = Router();

  // Browsers asking for a page without being signed in are sent to the sign-in page.
  r.get(['/me', '/me/tasks'], (req, res, next) => {
    if (!req.identity && wantsPage(req)) return res.redirect(303, '/sign-in');
    next();
  });

  route(
    r,
    {
      method: 'get',
      path: '/me',
      summary: 'Who I am: name, email, roles per institution (and the CSRF token of a browser session).',
      tag: 'me',
      responses: { 200: { description: 'the caller', schema: meSchema }, 401: { description: 'not signed in' } },
    },
    async (_input, req, res) => {
      const id = requireIdentity(req);
      const me = { personId: id.personId, email: id.email, name: id.name, via: id.via, roles: id.roles, ...(req.session ? { csrfToken: req.session.csrfToken } : {}) };
      if (!wantsPage(req)) return me;
      const { m } = pageContext(req);
      sendPage(req, res, 200, m['me.title'], mePage(m, { ...me, canSubmitStrategy: mayOpenStrategies(id) }, await listMyTasks(deps.db, id)), id.name);
      return undefined;
    },
  );

  route(
    r,
    {
      method: 'get',
      path: '/me/tasks',
      summary: 'My open steps across the cases I may see (and cases sent back to me for changes).',
      tag: 'me',
      responses: { 200: { description: 'what waits for me', schema: z.object({ items: z.array(taskSchema) }) }, 401: { description: 'not signed in' } },
    },
    async (_input, req, res) => {
      const id = requireIdentity(req);
      const items = await listMyTasks(deps.db, id);
      if (!wantsPage(req)) return { items };
      const { m } = pageContext(req);
      sendPage(req, res, 200, m['me.tasks'], mePage(m, { ...id, csrfToken: req.session?.csrfToken, canSubmitStrategy: mayOpenStrategies(id) }, items), id.name);
      return undefined;
    },
  );

  return r;
}
