// Lists cases from the projection (fast filters, pagination), limited to what the caller may see.
import type { z } from 'zod';
import type { Db } from '../../lib/db/client.js';
import type { Identity } from '../../lib/identity.js';
import { listableInstitutions } from '../../lib/authz.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { listCasesQuery } from './schemas.js';

export interface ListCasesOptions {
  db: Db;
  identity: Identity;
  query: z.infer<typeof listCasesQuery>;
}

export async function listCases({ db, identity, query }: ListCasesOptions) {
  const scope = listableInstitutions(identity);
  const visibility: Prisma.CaseWhereInput =
    scope === 'all'
      ? {}
      : {
          OR: [
            { institution: { code: { in: scope } } },
            { assignees: { has: identity.email.toLowerCase() } },
            { createdById: identity.personId },
          ],
        };
  const where: Prisma.CaseWhereInput = {
    AND: [
      visibility,
      query.type ? { type: query.type } : {},
      query.institution ? { institution: { code: query.institution } } : {},
      query.status ? { status: query.status } : {},
      query.assignee ? { openAssignees: { has: query.assignee.toLowerCase() } } : {},
    ],
  };
  const rows = await db.case.findMany({
    where,
    include: { institution: { select: { code: true, name: true } } },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      type: r.type,
      institution: r.institution,
      title: r.title,
      status: r.status,
      workflowId: r.workflowId,
      currentStage: r.currentStage,
      dueAt: r.dueAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    })),
    nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
  };
}
