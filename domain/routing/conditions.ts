// A small, safe condition language on case fields (never eval): structured JSON that a policy author writes and
// zod validates, e.g. { "field": "budget.amount", "op": "gt", "value": 50000 }.
import { z } from 'zod';

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { field: string; op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq' | 'in' | 'exists' | 'contains'; value?: unknown };

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(conditionSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1) }).strict(),
    z.object({ not: conditionSchema }).strict(),
    z
      .object({
        field: z.string().regex(/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/, 'a dotted field path such as budget.amount'),
        op: z.enum(['gt', 'gte', 'lt', 'lte', 'eq', 'neq', 'in', 'exists', 'contains']),
        value: z.union([scalar, z.array(scalar)]).optional(),
      })
      .strict()
      .superRefine((c, ctx) => {
        if (c.op === 'exists') return;
        if (c.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `op ${c.op} needs a value` });
        if (c.op === 'in' && !Array.isArray(c.value)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'op in needs a list' });
        if (['gt', 'gte', 'lt', 'lte'].includes(c.op) && typeof c.value !== 'number') ctx.addIssue({ code: 'custom', path: ['value'], message: `op ${c.op} needs a number` });
      }),
  ]),
);

export function fieldValue(fields: Record<string, unknown>, path: string): unknown {
  let v: unknown = fields;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, k)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** Missing fields: every comparison with them is false; `exists` tests for them; `neq` is the negation of `eq` only when present. */
export function evaluateCondition(c: Condition, fields: Record<string, unknown>): boolean {
  if ('all' in c) return c.all.every((x) => evaluateCondition(x, fields));
  if ('any' in c) return c.any.some((x) => evaluateCondition(x, fields));
  if ('not' in c) return !evaluateCondition(c.not, fields);
  const v = fieldValue(fields, c.field);
  if (c.op === 'exists') return v !== undefined && v !== null;
  if (v === undefined) return false;
  switch (c.op) {
    case 'gt':
      return typeof v === 'number' && v > (c.value as number);
    case 'gte':
      return typeof v === 'number' && v >= (c.value as number);
    case 'lt':
      return typeof v === 'number' && v < (c.value as number);
    case 'lte':
      return typeof v === 'number' && v <= (c.value as number);
    case 'eq':
      return v === c.value;
    case 'neq':
      return v !== c.value;
    case 'in':
      return Array.isArray(c.value) && c.value.includes(v as never);
    case 'contains':
      return Array.isArray(v) ? v.includes(c.value) : typeof v === 'string' && typeof c.value === 'string' && v.includes(c.value);
  }
}
