// Case counts from Temporal visibility (the search attributes each case's workflow keeps up to date, see
// workflows/approval/search-attributes.ts), not from the database projection: by status over the institutions the
// caller may list, and how many cases wait for the caller now. Only this engine's cases: its workflow type on its
// task queue (a namespace may hold others). Closed cases count while the namespace's retention keeps them.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Identity } from '../../lib/identity.js';
import { listableInstitutions } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { caseTypes } from '../../domain/case-types.js';
import { assigneesKey, caseTypeKey, institutionKey, statusKey } from '../../workflows/approval/search-attributes.js';

export const CASE_STATUSES = ['in_progress', 'sent_back', 'approved', 'rejected', 'withdrawn'] as const;

export const countCasesQuery = z
  .object({
    type: z.enum(caseTypes).optional(),
    institution: z.string().toUpperCase().regex(/^[A-Z0-9]{2,12}$/, 'an institution code').optional(),
  })
  .strict();

/** A value in a visibility query: the inputs are validated to exclude quotes, and escaped all the same. */
const literal = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export async function countCases(opts: { temporal: Client; taskQueue: string; identity: Identity; query: z.infer<typeof countCasesQuery> }) {
  const { identity, query } = opts;
  const scope = listableInstitutions(identity);
  if (query.institution && scope !== 'all' && !scope.includes(query.institution)) {
    throw new AppError('forbidden', `You may not count the cases of ${query.institution}.`);
  }
  const institutions = query.institution ? [query.institution] : scope;
  const base = [`WorkflowType = 'approvalWorkflow'`, `TaskQueue = ${literal(opts.taskQueue)}`, ...(query.type ? [`${caseTypeKey.name} = ${literal(query.type)}`] : [])];
  const inScope = institutions === 'all' ? [] : [`${institutionKey.name} IN (${institutions.map(literal).join(', ')})`];
  const count = async (clauses: string[]) => (await opts.temporal.workflow.count(clauses.join(' AND '))).count;
  const [byStatus, waitingForMe] = await Promise.all([
    institutions !== 'all' && institutions.length === 0
      ? Promise.resolve(CASE_STATUSES.map(() => 0))
      : Promise.all(CASE_STATUSES.map((s) => count([...base, ...inScope, `${statusKey.name} = ${literal(s)}`]))),
    count([...base, `${assigneesKey.name} = ${literal(identity.email.toLowerCase())}`]),
  ]);
  const counts = Object.fromEntries(CASE_STATUSES.map((s, i) => [s, byStatus[i]!])) as Record<(typeof CASE_STATUSES)[number], number>;
  return {
    source: 'temporal-visibility' as const,
    institutions,
    ...(query.type ? { type: query.type } : {}),
    total: byStatus.reduce((a, b) => a + b, 0),
    byStatus: counts,
    waitingForMe,
  };
}
