// Policy validation: the issues an author sees, with the exact paths the API returns (422), and the defaults.
import { describe, it, expect } from 'vitest';
import { defaultMouPolicy, defaultPolicies, defaultRecognitionPolicy, defaultStrategyPolicy, defaultStrategyReportPolicy } from '../../domain/routing/defaults.js';
import { issuePath, parsePolicy } from '../../domain/routing/policy.js';
import { person, stage, step } from './helpers.js';

const raw = (stages: unknown[]) => ({ key: 'rupp-mou', processType: 'mou', version: 2, name: 'RUPP MoU', institution: 'RUPP', stages });

function issuesOf(input: unknown) {
  const r = parsePolicy(input);
  if (r.ok) throw new Error('expected the policy to be refused');
  return r.issues;
}

describe('parsePolicy', () => {
  it('accepts a minimal policy and fills the defaults (mode any, viaLink false, 14-day links, both actions)', () => {
    const r = parsePolicy(raw([stage('review', [step('legal')])]));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.policy.stages[0]!.steps[0]).toMatchObject({ mode: { type: 'any' }, viaLink: false, linkExpiryDays: 14, actions: ['approve', 'reject'] });
    expect(r.policy.institution).toBe('RUPP');
  });

  it('reports duplicate stage and step ids at the later occurrence', () => {
    const issues = issuesOf(raw([stage('review', [step('legal'), step('legal')]), stage('review', [step('finance')])]));
    expect(issues).toEqual([
      { path: 'stages[0].steps[1].id', message: 'duplicate step id legal' },
      { path: 'stages[1].id', message: 'duplicate stage id review' },
    ]);
  });

  it('reports a step id reused in another stage', () => {
    const issues = issuesOf(raw([stage('one', [step('legal')]), stage('two', [step('legal')])]));
    expect(issues.map((i) => i.path)).toEqual(['stages[1].steps[0].id']);
  });

  it('refuses a quorum larger than the people listed, at mode.n', () => {
    const issues = issuesOf(
      raw([stage('review', [step('legal'), step('panel', { mode: { type: 'quorum', n: 3 }, assignees: [person('a@rupp.edu.kh'), { kind: 'external', email: 'b@uni.fr' }] })])]),
    );
    expect(issues).toEqual([{ path: 'stages[0].steps[1].mode.n', message: 'quorum of 3 needs at least 3 assignees (has 2)' }]);
  });

  it('accepts a quorum over a role (the number of people is known only when it resolves) and n equal to the list', () => {
    expect(parsePolicy(raw([stage('review', [step('panel', { mode: { type: 'quorum', n: 5 }, assignees: [{ kind: 'role', role: 'moeys_reviewer', institution: 'moeys' }] })])])).ok).toBe(true);
    expect(parsePolicy(raw([stage('review', [step('panel', { mode: { type: 'quorum', n: 2 }, assignees: [person('a@x.kh'), person('b@x.kh')] })])])).ok).toBe(true);
  });

  it('refuses a send back to a later (or unknown) stage, at the offending entry', () => {
    const issues = issuesOf(
      raw([stage('check', [step('iro', { sendBack: { to: ['submitter', 'sign'] } })]), stage('sign', [step('rector', { sendBack: { to: ['nowhere'] } })])]),
    );
    expect(issues).toEqual([
      { path: 'stages[0].steps[0].sendBack.to[1]', message: 'sign is not this or an earlier stage' },
      { path: 'stages[1].steps[0].sendBack.to[0]', message: 'nowhere is not this or an earlier stage' },
    ]);
  });

  it('accepts a send back to the submitter, an earlier stage or the same stage', () => {
    const r = parsePolicy(raw([stage('check', [step('iro')]), stage('sign', [step('rector', { sendBack: { to: ['submitter', 'check', 'sign'] } })])]));
    expect(r.ok).toBe(true);
  });

  it('refuses an external party with neither email nor emailField, and with both', () => {
    expect(issuesOf(raw([stage('partner', [step('countersign', { assignees: [{ kind: 'external', name: 'Université X' }] })])]))).toEqual([
      { path: 'stages[0].steps[0].assignees[0]', message: 'an external party needs exactly one of email or emailField' },
    ]);
    expect(
      issuesOf(raw([stage('partner', [step('countersign', { assignees: [person('a@x.kh'), { kind: 'external', email: 'p@uni.fr', emailField: 'partner.email' }] })])])).map((i) => i.path),
    ).toEqual(['stages[0].steps[0].assignees[1]']);
  });

  it('refuses an empty or all-zero duration where it is used', () => {
    expect(issuesOf(raw([stage('review', [step('legal', { deadline: {} })])]))).toEqual([
      { path: 'stages[0].steps[0].deadline', message: 'give workingDays, days or hours (more than zero)' },
    ]);
    expect(issuesOf(raw([stage('review', [step('legal', { reminders: { every: { hours: 0, days: 0 } } })])])).map((i) => i.path)).toEqual(['stages[0].steps[0].reminders.every']);
    expect(issuesOf(raw([stage('review', [step('legal', { escalation: { after: {}, action: 'add', to: person('boss@x.kh') } })])])).map((i) => i.path)).toEqual([
      'stages[0].steps[0].escalation.after',
    ]);
  });

  it('refuses condition values of the wrong type, at condition.value (also nested)', () => {
    const cond = (condition: unknown) => issuesOf(raw([stage('review', [step('legal'), step('finance', { condition })])]));
    expect(cond({ field: 'budget.amount', op: 'gt', value: '50000' })).toEqual([{ path: 'stages[0].steps[1].condition.value', message: 'op gt needs a number' }]);
    expect(cond({ field: 'partner.country', op: 'in', value: 'FR' })).toEqual([{ path: 'stages[0].steps[1].condition.value', message: 'op in needs a list' }]);
    expect(cond({ field: 'partner.country', op: 'eq' })).toEqual([{ path: 'stages[0].steps[1].condition.value', message: 'op eq needs a value' }]);
    expect(cond({ any: [{ field: 'a', op: 'exists' }, { not: { field: 'b', op: 'lte', value: true } }] })).toEqual([
      { path: 'stages[0].steps[1].condition.any[1].not.value', message: 'op lte needs a number' },
    ]);
    expect(cond({ field: 'x', op: 'eq', value: { nested: 1 } }).map((i) => i.path)).toEqual(['stages[0].steps[1].condition']);
    expect(cond({ field: 'process.exit()', op: 'exists' }).map((i) => i.path)).toEqual(['stages[0].steps[1].condition.field']);
  });

  it('refuses unknown keys (strict) and bad ids', () => {
    const issues = issuesOf(raw([stage('Review', [step('legal', { approvers: ['x'] })])]));
    expect(issues.map((i) => i.path).sort()).toEqual(['stages[0].id', 'stages[0].steps[0]']);
  });

  it('parses the default policies unchanged (they are already in their parsed form)', () => {
    expect(defaultPolicies.map((p) => p.key)).toEqual(['strategy-default', 'mou-default', 'recognition-default', 'strategy-report-default']);
    for (const p of [defaultStrategyPolicy, defaultMouPolicy, defaultRecognitionPolicy, defaultStrategyReportPolicy]) {
      const r = parsePolicy(p);
      expect(r, p.key).toEqual({ ok: true, policy: p });
    }
  });

  it('issuePath writes zod paths the way the API shows them', () => {
    expect(issuePath(['stages', 1, 'steps', 0, 'mode', 'n'])).toBe('stages[1].steps[0].mode.n');
    expect(issuePath([])).toBe('(root)');
    expect(issuePath([0, 'a'])).toBe('[0].a');
  });
});
