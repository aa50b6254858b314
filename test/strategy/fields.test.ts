import { describe, expect, it } from 'vitest';
import { strategyFieldsSchema } from '../../domain/strategy/fields.js';
import { diffFields } from '../../domain/strategy/changes.js';
import { demoStrategyFields } from '../support/strategy-fields.js';

const ruppStrategy = demoStrategyFields();

describe('strategy fields', () => {
  it('accepts a complete strategy', () => {
    const r = strategyFieldsSchema.safeParse(ruppStrategy);
    expect(r.success).toBe(true);
  });

  it('names the path of each bad field', () => {
    const bad = structuredClone(ruppStrategy);
    bad.period = { from: 2030, to: 2026 };
    bad.goals[0]!.kpis[0]!.targets = { '2035': 10 } as never;
    bad.vision = 'short';
    const r = strategyFieldsSchema.safeParse(bad);
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.')).sort();
    expect(paths).toEqual(['period.to', 'vision']);
    // Target years are checked once the period itself is valid.
    const bad2 = structuredClone(ruppStrategy);
    bad2.goals[0]!.kpis[0]!.targets = { '2035': 10 } as never;
    const r2 = strategyFieldsSchema.safeParse(bad2);
    expect(r2.error!.issues.map((i) => i.path.join('.'))).toEqual(['goals.0.kpis.0.targets.2035']);
    expect(r2.error!.issues[0]!.message).toMatch(/outside the period 2026–2030/);
  });

  it('summarises what changed between versions', () => {
    const v2 = structuredClone(ruppStrategy);
    v2.budget.amount = 300000;
    v2.goals[0]!.kpis[0]!.targets['2030'] = 120;
    v2.responsibleUnits.push('Faculty of Science');
    expect(diffFields(ruppStrategy, v2)).toEqual([
      { path: 'budget.amount', kind: 'changed', before: 250000, after: 300000 },
      { path: 'goals[0].kpis[0].targets.2030', kind: 'changed', before: 100, after: 120 },
      { path: 'responsibleUnits[2]', kind: 'added', after: 'Faculty of Science' },
    ]);
    expect(diffFields(ruppStrategy, structuredClone(ruppStrategy))).toEqual([]);
  });
});
