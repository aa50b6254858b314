// Structured fields per process type, validated at the edge with the path of each problem.
import { AppError } from '../../lib/errors.js';
import { issuePath } from '../../domain/routing/policy.js';
import type { CaseType } from '../../domain/case-types.js';
import { strategyFieldsSchema } from '../../domain/strategy/fields.js';
import { strategyReportFieldsSchema } from '../../domain/strategy/report-fields.js';
import type { z } from 'zod';

const schemas: Partial<Record<CaseType, { schema: z.ZodType; what: string }>> = {
  strategy: { schema: strategyFieldsSchema, what: 'The strategy is incomplete or has mistakes.' },
  strategy_report: { schema: strategyReportFieldsSchema, what: 'The progress report is incomplete or has mistakes.' },
};

export function validateCaseFields(type: CaseType, fields: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const s = schemas[type];
  if (!s) return fields;
  const r = s.schema.safeParse(fields);
  if (r.success) return r.data as Record<string, unknown>;
  throw new AppError('validation_failed', s.what, {
    issues: r.error.issues.map((i) => ({ path: `${prefix}.${issuePath(i.path)}`, message: i.message })),
  });
}
