// The engine's routing: sequential stages, parallel steps, conditions, quorum and 'all' modes, with the effects the
// workflow runs at each transition.
import { describe, it, expect } from 'vitest';
import { applyCommand, assigneesResolved, createCase, nextWakeUp, summary, validateCommand, view } from '../../domain/approval/index.js';
import { defaultMouPolicy } from '../../domain/routing/defaults.js';
import {
  SHA1,
  SUBMITTER,
  T0,
  HOUR,
  approve,
  directory,
  emails,
  local,
  notifies,
  ofType,
  person,
  policy,
  reject,
  stage,
  start,
  statuses,
  step,
  user,
} from './helpers.js';

const iro = { kind: 'role', role: 'iro', institution: 'case' } as const;
const leadership = { kind: 'role', role: 'leadership', institution: 'case' } as const;
const reviewers = { kind: 'role', role: 'moeys_reviewer', institution: 'moeys' } as const;

const sequential = policy([
  stage('check', [step('iro_check', { assignees: [iro], deadline: { workingDays: 5 }, sendBack: { to: ['submitter'] } })]),
  stage('sign', [step('rector_sign', { assignees: [leadership], viaLink: true, linkExpiryDays: 7, deadline: { workingDays: 10 } })]),
  stage('record', [step('moeys_record', { assignees: [reviewers], actions: ['approve'] })]),
]);

describe('sequential stages', () => {
  it('runs a case to approved, with the effects of every transition', () => {
    const created = createCase({ caseId: 'c1', policy: sequential, fields: {}, submitter: SUBMITTER, institution: 'RUPP', document: { sha256: SHA1, version: 1 }, now: T0 });
    expect(created.effects).toEqual([{ type: 'resolveAssignees', requestId: 'r1', steps: [{ stepId: 'iro_check', assignees: [iro] }] }]);
    expect(created.state.pending).toEqual({ requestId: 'r1', purpose: 'open', stepIds: ['iro_check'] });
    expect(statuses(created.state)).toEqual({ iro_check: 'resolving', rector_sign: 'pending', moeys_record: 'pending' });
    expect(nextWakeUp(created.state)).toBeNull();

    const iroPeople = directory['iro@RUPP']!;
    const opened = assigneesResolved(created.state, 'r1', { iro_check: iroPeople }, T0);
    expect(opened.effects).toEqual([
      { type: 'notify', kind: 'task', key: 'iro_check/task/1', stepId: 'iro_check', stepName: 'Step iro_check', recipients: iroPeople, dueAt: new Date(local(2026, 2, 9, 9)).toISOString() },
    ]);
    expect(opened.state.pending).toBeUndefined();
    expect(opened.state.steps.iro_check).toMatchObject({ status: 'open', round: 1, openedAt: T0, dueAt: local(2026, 2, 9, 9), remindersSent: 0 });

    const t1 = T0 + HOUR;
    const a1 = applyCommand(opened.state, user('iro@rupp.edu.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: SHA1 }, t1);
    expect(a1.result).toMatchObject({ ok: true, command: 'approve', status: 'in_progress', stepStatus: 'approved' });
    expect(a1.effects).toEqual([
      { type: 'revokeLinks', stepId: 'iro_check' },
      { type: 'resolveAssignees', requestId: 'r2', steps: [{ stepId: 'rector_sign', assignees: [leadership] }] },
    ]);

    const rector = directory['leadership@RUPP']!;
    const o2 = assigneesResolved(a1.state, 'r2', { rector_sign: rector }, t1);
    expect(o2.effects).toEqual([
      {
        type: 'notify',
        kind: 'task',
        key: 'rector_sign/task/1',
        stepId: 'rector_sign',
        stepName: 'Step rector_sign',
        recipients: rector,
        link: { actions: ['approve', 'reject', 'delegate'], expiryDays: 7 },
        dueAt: new Date(local(2026, 2, 16, 10)).toISOString(),
      },
    ]);

    const a2 = applyCommand(o2.state, user('rector@rupp.edu.kh'), { type: 'approve', stepId: 'rector_sign', documentSha256: SHA1, comment: 'Endorsed.' }, t1 + HOUR);
    expect(a2.effects).toEqual([
      { type: 'revokeLinks', stepId: 'rector_sign' },
      { type: 'resolveAssignees', requestId: 'r3', steps: [{ stepId: 'moeys_record', assignees: [reviewers] }] },
    ]);
    const o3 = assigneesResolved(a2.state, 'r3', { moeys_record: directory['moeys_reviewer@MOEYS']! }, t1 + HOUR);
    expect(notifies(o3.effects).map((n) => [n.key, emails(n.recipients), n.dueAt])).toEqual([['moeys_record/task/1', ['r1@moeys.gov.kh', 'r2@moeys.gov.kh', 'r3@moeys.gov.kh'], null]]);

    const tEnd = t1 + 2 * HOUR;
    const a3 = applyCommand(o3.state, user('r2@moeys.gov.kh'), { type: 'approve', stepId: 'moeys_record', documentSha256: SHA1 }, tEnd);
    expect(a3.result).toMatchObject({ status: 'approved', stepStatus: 'approved' });
    expect(a3.effects).toEqual([
      { type: 'revokeLinks', stepId: 'moeys_record' },
      { type: 'seal', outcome: 'approved', at: tEnd, document: { sha256: SHA1, version: 1 } },
      { type: 'notify', kind: 'outcome', key: 'outcome/approved', recipients: [SUBMITTER], detail: 'Outcome: approved.' },
      { type: 'completed', outcome: 'approved' },
    ]);
    expect(statuses(a3.state)).toEqual({ iro_check: 'approved', rector_sign: 'approved', moeys_record: 'approved' });
    expect(a3.state.history.map((h) => h.type)).toEqual([
      'submitted',
      'step_opened',
      'approved',
      'step_completed',
      'step_opened',
      'approved',
      'step_completed',
      'step_opened',
      'approved',
      'step_completed',
      'completed',
    ]);
    expect(a3.state.history.at(-1)).toEqual({ type: 'completed', at: tEnd, via: 'system', detail: 'approved', documentSha256: SHA1 });
    expect(nextWakeUp(a3.state)).toBeNull();
    expect(validateCommand(a3.state, user('r1@moeys.gov.kh'), { type: 'approve', stepId: 'moeys_record', documentSha256: SHA1 })?.code).toBe('case_closed');
  });

  it('de-duplicates resolved people by email (case-insensitive) and records a step opened with no one', () => {
    const created = createCase({ caseId: 'c1', policy: sequential, fields: {}, submitter: SUBMITTER, institution: 'RUPP', document: { sha256: SHA1, version: 1 }, now: T0 });
    const twice = assigneesResolved(created.state, 'r1', { iro_check: [{ email: 'iro@rupp.edu.kh', name: 'A' }, { email: ' IRO@rupp.edu.kh ', name: 'B' }] }, T0);
    expect(twice.state.steps.iro_check!.assignments.map((a) => [a.email, a.name])).toEqual([['iro@rupp.edu.kh', 'A']]);
    expect(notifies(twice.effects)[0]!.recipients).toEqual([{ email: 'iro@rupp.edu.kh', name: 'A' }]);
    const nobody = assigneesResolved(created.state, 'r1', {}, T0);
    expect(nobody.state.steps.iro_check).toMatchObject({ status: 'open', assignments: [] });
    expect(nobody.state.history.at(-1)).toMatchObject({ type: 'step_opened', detail: 'no assignee found' });
  });

  it('refuses to act on a step that is not open yet, or on an unknown step', () => {
    const { state } = start(sequential);
    expect(validateCommand(state, user('rector@rupp.edu.kh'), { type: 'approve', stepId: 'rector_sign', documentSha256: SHA1 })).toMatchObject({ code: 'conflict', path: 'stepId' });
    expect(validateCommand(state, user('iro@rupp.edu.kh'), { type: 'approve', stepId: 'nope', documentSha256: SHA1 })).toMatchObject({ code: 'not_found', path: 'stepId' });
    expect(() => applyCommand(state, user('rector@rupp.edu.kh'), { type: 'approve', stepId: 'rector_sign', documentSha256: SHA1 }, T0)).toThrow(/^conflict:/);
  });

  it('refuses an action the step does not allow (record step: approve only)', () => {
    let s = start(sequential).state;
    s = approve(s, 'iro@rupp.edu.kh', 'iro_check', T0).state;
    s = approve(s, 'rector@rupp.edu.kh', 'rector_sign', T0).state;
    expect(validateCommand(s, user('r1@moeys.gov.kh'), { type: 'reject', stepId: 'moeys_record', documentSha256: SHA1, comment: 'no' })).toMatchObject({ code: 'forbidden' });
  });
});

describe('parallel steps and conditions', () => {
  const parallel = policy([
    stage('internal', [step('legal'), step('finance', { condition: { field: 'budget.amount', op: 'gt', value: 50000 } }), step('ethics')]),
    stage('sign', [step('rector')]),
  ]);

  it('opens the steps of a stage together and moves on only when all of them are approved', () => {
    const r = start(parallel, { fields: { budget: { amount: 80000 } } });
    expect(ofType(r.effects, 'resolveAssignees')).toHaveLength(1);
    expect(ofType(r.effects, 'resolveAssignees')[0]!.steps.map((s) => s.stepId)).toEqual(['legal', 'finance', 'ethics']);
    expect(notifies(r.effects).map((n) => n.key)).toEqual(['legal/task/1', 'finance/task/1', 'ethics/task/1']);

    const a = approve(r.state, 'legal@rupp.edu.kh', 'legal', T0);
    expect(a.effects).toEqual([{ type: 'revokeLinks', stepId: 'legal' }]);
    expect(a.result.stepStatus).toBe('approved');
    const b = approve(a.state, 'ethics@rupp.edu.kh', 'ethics', T0);
    expect(ofType(b.effects, 'resolveAssignees')).toEqual([]);
    expect(statuses(b.state)).toMatchObject({ legal: 'approved', finance: 'open', ethics: 'approved', rector: 'pending' });
    const c = approve(b.state, 'finance@rupp.edu.kh', 'finance', T0);
    expect(statuses(c.state)).toMatchObject({ finance: 'approved', rector: 'open' });
    expect(c.state.stageIndex).toBe(1);
  });

  it('skips a step whose condition is false (or whose field is missing), with a history entry', () => {
    for (const fields of [{ budget: { amount: 30000 } }, {}]) {
      const r = start(parallel, { fields });
      expect(statuses(r.state)).toMatchObject({ legal: 'open', finance: 'skipped', ethics: 'open' });
      expect(ofType(r.effects, 'resolveAssignees')[0]!.steps.map((s) => s.stepId)).toEqual(['legal', 'ethics']);
      expect(r.state.history.filter((h) => h.type === 'step_skipped')).toEqual([{ type: 'step_skipped', at: T0, stepId: 'finance', via: 'system', detail: 'condition not met' }]);
      const done = approve(approve(r.state, 'legal@rupp.edu.kh', 'legal', T0).state, 'ethics@rupp.edu.kh', 'ethics', T0);
      expect(statuses(done.state).rector).toBe('open');
    }
  });

  it('the default MoU policy adds the finance review above USD 50,000', () => {
    expect(statuses(start(structuredClone(defaultMouPolicy), { fields: { budget: { amount: 50000 } } }).state)).toMatchObject({ legal_review: 'open', finance_review: 'skipped' });
    expect(statuses(start(structuredClone(defaultMouPolicy), { fields: { budget: { amount: 50001 } } }).state)).toMatchObject({ legal_review: 'open', finance_review: 'open' });
  });

  it('skips a whole stage when none of its steps applies, and shows it as skipped', () => {
    const p = policy([
      stage('check', [step('iro')]),
      stage('ministry', [step('moeys_a', { condition: { field: 'public', op: 'eq', value: true } }), step('moeys_b', { condition: { field: 'level', op: 'in', value: ['phd'] } })]),
      stage('sign', [step('rector')]),
    ]);
    const r = start(p, { fields: { public: false, level: 'master' } });
    const a = approve(r.state, 'iro@rupp.edu.kh', 'iro', T0);
    expect(ofType(a.effects, 'resolveAssignees').map((e) => e.steps.map((s) => s.stepId))).toEqual([['rector']]);
    expect(statuses(a.state)).toEqual({ iro: 'approved', moeys_a: 'skipped', moeys_b: 'skipped', rector: 'open' });
    expect(a.state.stageIndex).toBe(2);
    expect(view(a.state).stages.map((s) => s.status)).toEqual(['done', 'skipped', 'current']);
  });

  it('approves at creation when every stage is skipped (sealed, announced)', () => {
    const p = policy([stage('only', [step('x', { condition: { field: 'never', op: 'exists' } })])]);
    const r = start(p);
    expect(r.state.status).toBe('approved');
    expect(r.effects.map((e) => e.type)).toEqual(['seal', 'notify', 'completed']);
  });
});

describe('modes', () => {
  const panel = (mode: unknown, viaLink = true) =>
    policy([stage('review', [step('panel', { assignees: [reviewers], mode, viaLink, sendBack: { to: ['submitter'] } })]), stage('sign', [step('sign')])]);

  it('quorum 2-of-3: the first approval keeps the step open, the second closes it', () => {
    const r = start(panel({ type: 'quorum', n: 2 }));
    const a = approve(r.state, 'r1@moeys.gov.kh', 'panel', T0);
    expect(a.result.stepStatus).toBe('open');
    expect(a.effects).toEqual([{ type: 'revokeLinks', stepId: 'panel', emails: ['r1@moeys.gov.kh'] }]);
    expect(view(a.state).stages[0]!.steps[0]).toMatchObject({ approvals: 1, needed: 2 });
    expect(validateCommand(a.state, user('r1@moeys.gov.kh'), { type: 'approve', stepId: 'panel', documentSha256: SHA1 })).toMatchObject({ code: 'conflict' });
    expect(summary(a.state).openAssignees).toEqual(['r2@moeys.gov.kh', 'r3@moeys.gov.kh']);
    const b = approve(a.state, 'r3@moeys.gov.kh', 'panel', T0);
    expect(b.result.stepStatus).toBe('approved');
    expect(statuses(b.state)).toEqual({ panel: 'approved', sign: 'open' });
    expect(validateCommand(b.state, user('r2@moeys.gov.kh'), { type: 'approve', stepId: 'panel', documentSha256: SHA1 })).toMatchObject({ code: 'conflict', path: 'stepId' });
  });

  it('quorum 2-of-3: one rejection rejects the case, even after an approval', () => {
    const r = start(panel({ type: 'quorum', n: 2 }));
    const a = approve(r.state, 'r1@moeys.gov.kh', 'panel', T0);
    const x = reject(a.state, 'r2@moeys.gov.kh', 'panel', T0 + HOUR, 'Budget is not credible.');
    expect(x.result).toMatchObject({ status: 'rejected', stepStatus: 'rejected' });
    expect(x.state.status).toBe('rejected');
    expect(statuses(x.state)).toEqual({ panel: 'rejected', sign: 'closed' });
    expect(ofType(x.effects, 'seal')).toEqual([{ type: 'seal', outcome: 'rejected', at: T0 + HOUR, document: { sha256: SHA1, version: 1 } }]);
    expect(notifies(x.effects)).toEqual([{ type: 'notify', kind: 'outcome', key: 'outcome/rejected', recipients: [SUBMITTER], detail: 'Outcome: rejected.' }]);
    expect(x.effects.at(-1)).toEqual({ type: 'completed', outcome: 'rejected' });
    expect(x.state.history.find((h) => h.type === 'rejected')).toMatchObject({ actor: 'r2@moeys.gov.kh', comment: 'Budget is not credible.', stepId: 'panel', documentVersion: 1 });
  });

  // Regression: the rejected step's links (here r1's and r3's) must be revoked like those of a step an approval closes.
  it('a rejection revokes the links of the rejected step (like an approval that closes it)', () => {
    const r = start(panel({ type: 'quorum', n: 2 }));
    const x = reject(r.state, 'r2@moeys.gov.kh', 'panel', T0);
    expect(ofType(x.effects, 'revokeLinks')).toContainEqual({ type: 'revokeLinks', stepId: 'panel', reason: 'rejected' });
  });

  it("'all' needs every active assignee", () => {
    const p = policy([stage('review', [step('board', { mode: { type: 'all' }, assignees: [person('a@rupp.edu.kh'), person('b@rupp.edu.kh'), person('c@rupp.edu.kh')] })])]);
    let s = start(p).state;
    expect(view(s).stages[0]!.steps[0]!.needed).toBe(3);
    s = approve(s, 'a@rupp.edu.kh', 'board', T0).state;
    const b = approve(s, 'B@RUPP.EDU.KH', 'board', T0); // emails compare case-insensitively
    expect(b.result.stepStatus).toBe('open');
    expect(summary(b.state).openAssignees).toEqual(['c@rupp.edu.kh']);
    const c = approve(b.state, 'c@rupp.edu.kh', 'board', T0);
    expect(c.result).toMatchObject({ stepStatus: 'approved', status: 'approved' });
  });

  it("'any' closes the step on the first approval among several people", () => {
    const r = start(panel({ type: 'any' }));
    const a = approve(r.state, 'r2@moeys.gov.kh', 'panel', T0);
    expect(a.result.stepStatus).toBe('approved');
    expect(a.effects[0]).toEqual({ type: 'revokeLinks', stepId: 'panel' });
  });
});
