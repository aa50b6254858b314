// Embedded mode only: GET /outbox lists the emails the engine sent (recipient, subject, body, links), newest
// first, so that a person trying CHAIn locally can click through every path without a mail server. A page for
// browsers; JSON with Accept: application/json. Outside the embedded mode, or with SMTP_URL set, the route does
// not exist. It holds live decision and sign-in links, so it answers only this machine: a request from a loopback
// address (after a trusted loopback proxy, the client behind it) naming a loopback host — not a DNS name that a web
// page could point at 127.0.0.1. Anyone else, administrators included (a link decides as its recipient), gets the
// 404 of a route that is not there.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { AppError } from '../../lib/errors.js';
import { route } from '../http/routes.js';
import { pageContext, sendPage, setPageHeaders, wantsJson } from '../../web/http.js';
import { outboxPage, type OutboxItem } from '../../web/pages/staff.js';

const outboxQuery = z
  .object({
    to: z.string().trim().toLowerCase().max(320).optional(),
    caseId: z.string().max(100).optional(),
    kind: z.string().max(40).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

const LOOPBACK_IPS = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether the request comes from this machine, addressed to this machine. */
export function fromThisMachine(req: Request): boolean {
  const host = (req.get('host') ?? '').toLowerCase().replace(/:\d+$/, '');
  return LOOPBACK_IPS.has(req.ip ?? '') && LOOPBACK_HOSTS.has(host);
}

export function outboxRoutes(deps: AppDeps): Router {
  const r = Router();
  if (!deps.embedded || deps.smtp) return r;

  route(
    r,
    {
      method: 'get',
      path: '/outbox',
      summary: 'Embedded mode: the emails the engine sent (recipient, subject, body, links), newest first.',
      tag: 'embedded',
      auth: false,
      query: outboxQuery,
      responses: { 200: { description: 'the emails' } },
    },
    async ({ query }, req, res) => {
      if (!fromThisMachine(req)) throw new AppError('not_found', 'No route for GET /outbox.');
      const rows = await deps.db.outboxMessage.findMany({
        where: {
          ...(query.to ? { to: { equals: query.to, mode: 'insensitive' as const } } : {}),
          ...(query.caseId ? { caseId: query.caseId } : {}),
          ...(query.kind ? { kind: query.kind } : {}),
        },
        orderBy: { createdAt: 'desc' },
        take: query.limit,
      });
      const items: OutboxItem[] = rows.map((m) => ({
        id: m.id,
        to: m.to,
        subject: m.subject,
        text: m.text,
        kind: m.kind,
        caseId: m.caseId,
        links: Array.isArray(m.links) ? (m.links as { label: string; url: string }[]) : [],
        createdAt: m.createdAt.toISOString(),
        sentAt: m.sentAt?.toISOString() ?? null,
      }));
      setPageHeaders(res);
      if (wantsJson(req)) return { items };
      const { m } = pageContext(req);
      sendPage(req, res, 200, m['outbox.title'], outboxPage(m, items));
      return undefined;
    },
  );
  return r;
}
