// Audit events of the link layer. Rejected tokens are recorded without anything that would tie an unknown token
// to a case; views are recorded as possibly automated (mail scanners open links before people do).
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Db } from '../../lib/db/client.js';
import { appendAudit } from '../../activities/audit.js';

export interface RequestMeta {
  method: string;
  ip?: string;
  userAgent?: string;
  secFetchSite?: string;
}

export const requestMeta = (req: Request): RequestMeta => ({
  method: req.method,
  ip: req.ip,
  userAgent: req.get('user-agent')?.slice(0, 200),
  secFetchSite: req.get('sec-fetch-site')?.slice(0, 20),
});

export async function auditLink(
  db: Db,
  e: { type: string; key?: string; caseId?: string | null; actor?: string | null; payload: Record<string, unknown>; meta?: RequestMeta },
): Promise<void> {
  await appendAudit(db, {
    idempotencyKey: e.key ?? `link/${e.type}/${randomUUID()}`,
    caseId: e.caseId ?? null,
    type: e.type,
    actor: e.actor ?? null,
    payload: { ...e.payload, ...(e.meta ? { request: { ...e.meta } } : {}) },
  });
}
