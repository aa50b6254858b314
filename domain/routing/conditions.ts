// A small, safe condition language on case fields (never eval): structured JSON that a policy author writes and
// zod validates, e.g. { "field": "budget.amount", "op": "gt", "value": 50000 }.
import { z } from 'zod';
import type { Condition } from './evaluate.js';

export { evaluateCondition, fieldValue, type Condition } from './evaluate.js';

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
