// Evaluating the condition language of domain/routing/conditions.ts (its schema lives there). No zod here: the
// workflow bundle imports this file, and every workflow run would evaluate the schemas again.

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { field: string; op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq' | 'in' | 'exists' | 'contains'; value?: unknown };

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
