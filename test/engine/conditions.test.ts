// The condition language: structured data evaluated against case fields, never code.
import { describe, it, expect } from 'vitest';
import { conditionSchema, evaluateCondition, fieldValue, type Condition } from '../../domain/routing/conditions.js';

const fields = {
  budget: { amount: 75000, currency: 'USD' },
  partner: { country: 'FR', name: 'Université de Lyon', signatoryEmail: 'dean@univ-lyon.fr' },
  programmes: ['engineering', 'agriculture'],
  mobility: { students: 0, staffOnly: false },
  note: 'process.exit()',
  nothing: null,
};
const ev = (c: Condition, f: Record<string, unknown> = fields) => evaluateCondition(c, f);

describe('evaluateCondition', () => {
  it('compares numbers with gt / gte / lt / lte at the boundary', () => {
    expect(ev({ field: 'budget.amount', op: 'gt', value: 50000 })).toBe(true);
    expect(ev({ field: 'budget.amount', op: 'gt', value: 75000 })).toBe(false);
    expect(ev({ field: 'budget.amount', op: 'gte', value: 75000 })).toBe(true);
    expect(ev({ field: 'budget.amount', op: 'lt', value: 75000 })).toBe(false);
    expect(ev({ field: 'budget.amount', op: 'lte', value: 75000 })).toBe(true);
    expect(ev({ field: 'budget.amount', op: 'lte', value: 74999 })).toBe(false);
  });

  it('never compares a non-number numerically (a numeric string is not a number)', () => {
    expect(ev({ field: 'budget.amount', op: 'gt', value: 1 }, { budget: { amount: '75000' } })).toBe(false);
    expect(ev({ field: 'budget.currency', op: 'lte', value: 1e9 })).toBe(false);
  });

  it('eq / neq are strict (no type coercion)', () => {
    expect(ev({ field: 'partner.country', op: 'eq', value: 'FR' })).toBe(true);
    expect(ev({ field: 'partner.country', op: 'eq', value: 'fr' })).toBe(false);
    expect(ev({ field: 'mobility.students', op: 'eq', value: false })).toBe(false);
    expect(ev({ field: 'mobility.staffOnly', op: 'eq', value: false })).toBe(true);
    expect(ev({ field: 'partner.country', op: 'neq', value: 'KH' })).toBe(true);
    expect(ev({ field: 'partner.country', op: 'neq', value: 'FR' })).toBe(false);
    expect(ev({ field: 'nothing', op: 'eq', value: null })).toBe(true);
  });

  it('in tests membership of a list; contains tests arrays and substrings', () => {
    expect(ev({ field: 'partner.country', op: 'in', value: ['FR', 'JP', 'TH'] })).toBe(true);
    expect(ev({ field: 'partner.country', op: 'in', value: ['JP', 'TH'] })).toBe(false);
    expect(ev({ field: 'programmes', op: 'contains', value: 'agriculture' })).toBe(true);
    expect(ev({ field: 'programmes', op: 'contains', value: 'medicine' })).toBe(false);
    expect(ev({ field: 'partner.name', op: 'contains', value: 'Lyon' })).toBe(true);
    expect(ev({ field: 'partner.name', op: 'contains', value: 'Paris' })).toBe(false);
    expect(ev({ field: 'budget.amount', op: 'contains', value: '75' })).toBe(false);
  });

  it('exists is true for present values (including 0 and false), false for missing and null', () => {
    expect(ev({ field: 'mobility.students', op: 'exists' })).toBe(true);
    expect(ev({ field: 'mobility.staffOnly', op: 'exists' })).toBe(true);
    expect(ev({ field: 'nothing', op: 'exists' })).toBe(false);
    expect(ev({ field: 'partner.website', op: 'exists' })).toBe(false);
  });

  it('a missing field makes every comparison false, neq included', () => {
    const ops: Condition[] = [
      { field: 'budget.total', op: 'gt', value: 0 },
      { field: 'budget.total', op: 'lt', value: 1e12 },
      { field: 'budget.total', op: 'eq', value: 1 },
      { field: 'budget.total', op: 'neq', value: 1 },
      { field: 'budget.total', op: 'in', value: [1, 2] },
      { field: 'budget.total', op: 'contains', value: 'x' },
      { field: 'budget.amount.deeper', op: 'neq', value: 1 },
      { field: 'absent.entirely', op: 'neq', value: 'x' },
    ];
    for (const c of ops) expect(ev(c), JSON.stringify(c)).toBe(false);
  });

  it('does not walk the prototype chain (constructor, __proto__, toString are not fields)', () => {
    expect(fieldValue(fields, 'constructor')).toBeUndefined();
    expect(fieldValue(fields, 'budget.toString')).toBeUndefined();
    expect(ev({ field: 'constructor', op: 'exists' })).toBe(false);
    expect(ev({ field: '__proto__', op: 'exists' })).toBe(false);
  });

  it('combines with nested all / any / not', () => {
    const big = { field: 'budget.amount', op: 'gt', value: 50000 } as const;
    const french = { field: 'partner.country', op: 'eq', value: 'FR' } as const;
    const japanese = { field: 'partner.country', op: 'eq', value: 'JP' } as const;
    expect(ev({ all: [big, french] })).toBe(true);
    expect(ev({ all: [big, japanese] })).toBe(false);
    expect(ev({ any: [japanese, big] })).toBe(true);
    expect(ev({ any: [japanese, { not: big }] })).toBe(false);
    expect(ev({ not: { all: [big, { any: [japanese, { not: french }] }] } })).toBe(true);
    expect(ev({ all: [big, { any: [japanese, { not: { field: 'missing', op: 'exists' } }] }] })).toBe(true);
  });

  it('treats code-looking values as plain strings (never eval)', () => {
    let exited = false;
    const realExit = process.exit;
    process.exit = (() => {
      exited = true;
    }) as typeof process.exit;
    try {
      expect(ev({ field: 'note', op: 'eq', value: 'process.exit()' })).toBe(true);
      expect(ev({ field: 'note', op: 'contains', value: 'exit' })).toBe(true);
      expect(ev({ field: 'note', op: 'eq', value: 'process.exit( )' })).toBe(false);
      expect(ev({ field: 'budget.amount', op: 'eq', value: '75000' })).toBe(false);
      expect(ev({ field: 'budget.amount', op: 'eq', value: '1; process.exit()' })).toBe(false);
    } finally {
      process.exit = realExit;
    }
    expect(exited).toBe(false);
  });

  it('schema: accepts every op with a well-typed value, refuses a field path that is an expression', () => {
    const ok: unknown[] = [
      { field: 'a', op: 'gt', value: 1 },
      { field: 'a.b', op: 'in', value: ['x', 1, null] },
      { field: 'a_b.c1', op: 'exists' },
      { field: 'a', op: 'contains', value: 'x' },
      { all: [{ any: [{ not: { field: 'a', op: 'neq', value: true } }] }] },
    ];
    for (const c of ok) expect(conditionSchema.safeParse(c).success, JSON.stringify(c)).toBe(true);
    for (const c of [{ field: 'a[0]', op: 'exists' }, { field: 'a; b', op: 'exists' }, { all: [] }, { field: 'a', op: 'matches', value: 'x' }]) {
      expect(conditionSchema.safeParse(c).success, JSON.stringify(c)).toBe(false);
    }
  });
});
