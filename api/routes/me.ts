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
import { pageContext, sendPage, page } from '../../web/http.js';
import { readForm } from '../../web/form.js';
import { asLocale, locales } from '../../web/i18n/index.js';
import { AppError } from '../../lib/errors.js';
import { mePage, type TaskItem } from '../../web/pages/staff.js';

/** Strategies are opened by HEIs: someone who may open one for an institution of theirs sees the button. */
const mayOpenStrategies = (id: Identity) => id.roles.some((r) => r.institution !== NETWORK_INSTITUTION && canCreateCase(id, r.institution, 'strategy'));

const wantsPage = (req: Request) => /\btext\/html\b/.test(req.get('accept') ?? '');

/** The most urgent tasks shown; the rest are counted, and the case list (assignee filter) pages through them all. */
export const MY_TASKS_LIMIT = 200;

export async function listMyTasks(db: Db, identity: Identity, limit = MY_TASKS_LIMIT): Promise<{ items: TaskItem[]; total: number }> {
  const email = identity.email.toLowerCase();
  const where = { openAssignees: { has: email } };
  const rows = await db.case.findMany({
    where,
    include: { institution: { select: { code: true, name: true } } },
    orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { createdAt: 'desc' }],
    take: limit,
  });
  const total = rows.length < limit ? rows.length : await db.case.count({ where });
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
  return { items, total };
}

const roleSchema = z.object({ role: z.string(), institution: z.string() });
const meSchema = z.object({
  personId: z.string(),
  email: z.string(),
  name: z.string(),
  via: z.enum(['api', 'web', 'link']),
  roles: z.array(roleSchema),
  locale: z.enum(locales).describe('The language of my emails (and of my pages, unless this browser chose another).'),
  csrfToken: z.string().optional().describe('With a session cookie: send it as X-CSRF-Token on state-changing requests.'),
});
const preferencesBody = z.object({ locale: z.enum(locales) }).strict();

/** Saves a person's language: their emails from now on, and their pages. */
async function saveLocale(db: Db, identity: Identity, locale: (typeof locales)[number]): Promise<void> {
  await db.person.update({ where: { id: identity.personId }, data: { locale } });
  // Emails read the person's row; this process's remembered identity (an API key's) follows at once.
  identity.locale = locale;
}
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
const tasksSchema = z.object({
  items: z.array(taskSchema).describe(`The ${MY_TASKS_LIMIT} most urgent (earliest due first).`),
  total: z.number().int().describe('How many cases wait for me in all: beyond the items, GET /cases?assignee=<my email> pages through them.'),
});

const meOf = (id: Identity, csrfToken?: string) => ({
  personId: id.personId,
  email: id.email,
  name: id.name,
  via: id.via,
  roles: id.roles,
  locale: asLocale(id.locale),
  ...(csrfToken ? { csrfToken } : {}),
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
      const me = meOf(id, req.session?.csrfToken);
      if (!wantsPage(req)) return me;
      const { m } = pageContext(req);
      const saved = req.query.done === 'language';
      sendPage(req, res, 200, m['me.title'], mePage(m, { ...me, canSubmitStrategy: mayOpenStrategies(id), saved }, await listMyTasks(deps.db, id)), id.name);
      return undefined;
    },
  );

  route(
    r,
    {
      method: 'patch',
      path: '/me',
      summary: 'Change my preferences: `locale` (en, km), the language of my emails and pages.',
      tag: 'me',
      body: preferencesBody,
      responses: { 200: { description: 'the caller, changed', schema: meSchema }, 401: { description: 'not signed in' }, 422: { description: 'an unknown language or field' } },
    },
    async ({ body }, req) => {
      const id = requireIdentity(req);
      await saveLocale(deps.db, id, body.locale);
      return meOf(id, req.session?.csrfToken);
    },
  );

  // The page's form for the same (a session and its CSRF token, checked by the session authenticator).
  r.post(
    '/me/preferences',
    page(async (req, res) => {
      const id = requireIdentity(req);
      const parsed = preferencesBody.safeParse({ locale: (await readForm(req)).fields.locale });
      if (!parsed.success) throw new AppError('validation_failed', 'Choose a language.', { issues: [{ path: 'locale', message: `one of ${locales.join(', ')}` }] });
      await saveLocale(deps.db, id, parsed.data.locale);
      // The pages follow at once: ?lang= also sets this browser's choice.
      res.redirect(303, `/me?lang=${parsed.data.locale}&done=language`);
    }),
  );

  route(
    r,
    {
      method: 'get',
      path: '/me/tasks',
      summary: 'My open steps across the cases I may see (and cases sent back to me for changes).',
      tag: 'me',
      responses: { 200: { description: 'what waits for me', schema: tasksSchema }, 401: { description: 'not signed in' } },
    },
    async (_input, req, res) => {
      const id = requireIdentity(req);
      const tasks = await listMyTasks(deps.db, id);
      if (!wantsPage(req)) return tasks;
      const { m } = pageContext(req);
      sendPage(req, res, 200, m['me.tasks'], mePage(m, { ...meOf(id, req.session?.csrfToken), canSubmitStrategy: mayOpenStrategies(id) }, tasks), id.name);
      return undefined;
    },
  );

  return r;
}
