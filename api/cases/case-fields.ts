// Structured fields per process type, validated at the edge with the path of each problem. Every type's fields
// are held to the same generic bounds first (size, nesting, string length, counts, no NUL), also the types without
// a schema of their own (mou, recognition): the fields travel in the workflow's input and every resubmission's
// Update, and Temporal refuses payloads over 2 MB.
import { AppError } from '../../lib/errors.js';
import { issuePath } from '../../domain/routing/policy.js';
import type { CaseType } from '../../domain/case-types.js';
import { strategyFieldsSchema } from '../../domain/strategy/fields.js';
import { strategyReportFieldsSchema } from '../../domain/strategy/report-fields.js';
import { findInputIssue, type InputLimits } from '../http/input-limits.js';
import type { z } from 'zod';

const schemas: Partial<Record<CaseType, { schema: z.ZodType; what: string }>> = {
  strategy: { schema: strategyFieldsSchema, what: 'The strategy is incomplete or has mistakes.' },
  strategy_report: { schema: strategyReportFieldsSchema, what: 'The progress report is incomplete or has mistakes.' },
};

/** Bounds for any case's fields, well above what the strategy forms produce. */
export const FIELD_LIMITS: InputLimits & { maxBytes: number } = {
  maxBytes: 256 * 1024,
  maxDepth: 20,
  maxStringLength: 20_000,
  maxKeys: 200,
  maxKeyLength: 100,
  maxItems: 500,
};

/** 422 with the path of the first value outside FIELD_LIMITS (checked without recursion, before anything else reads the fields). */
export function checkFieldBounds(fields: unknown, prefix: string): void {
  const issue = findInputIssue(fields, FIELD_LIMITS, prefix.split('.'));
  if (issue) throw new AppError('validation_failed', 'The fields are too large or malformed.', { issues: [issue] });
  // Nesting is bounded now, so serialising cannot overflow the stack.
  const bytes = Buffer.byteLength(JSON.stringify(fields) ?? '', 'utf8');
  if (bytes > FIELD_LIMITS.maxBytes) {
    throw new AppError('validation_failed', 'The fields are too large.', {
      issues: [{ path: prefix, message: `at most ${FIELD_LIMITS.maxBytes / 1024} kB as JSON (these are ${Math.ceil(bytes / 1024)} kB); attach long texts as the PDF document` }],
    });
  }
}

export function validateCaseFields(type: CaseType, fields: Record<string, unknown>, prefix: string): Record<string, unknown> {
  checkFieldBounds(fields, prefix);
  const s = schemas[type];
  if (!s) return fields;
  const r = s.schema.safeParse(fields);
  if (r.success) return r.data as Record<string, unknown>;
  throw new AppError('validation_failed', s.what, {
    issues: r.error.issues.map((i) => ({ path: `${prefix}.${issuePath(i.path)}`, message: i.message })),
  });
}
