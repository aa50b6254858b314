// Structured fields per process type, validated at the edge with the path of each problem.
import { AppError } from '../../lib/errors.js';
import { issuePath } from '../../domain/routing/policy.js';
import { strategyFieldsSchema } from '../../domain/strategy/fields.js';

export function validateCaseFields(type: 'strategy' | 'mou' | 'recognition', fields: Record<string, unknown>, prefix: string): Record<string, unknown> {
  if (type !== 'strategy') return fields;
  const r = strategyFieldsSchema.safeParse(fields);
  if (r.success) return r.data as Record<string, unknown>;
  throw new AppError('validation_failed', 'The strategy is incomplete or has mistakes.', {
    issues: r.error.issues.map((i) => ({ path: `${prefix}.${issuePath(i.path)}`, message: i.message })),
  });
}
