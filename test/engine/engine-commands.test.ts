// Commands: validation codes and paths (the API's 403 / 409 / 422), and what each accepted command does.
import { describe, it, expect } from 'vitest';
import {
  allowedActions,
  applyCommand,
  assigneesResolved,
  createCase,
  nextWakeUp,
  summary,
  validateCommand,
  view,
  type Command,
  type EngineState,
} from '../../domain/approval/index.js';
import { defaultStrategyPolicy, strategyRubric } from '../../domain/routing/defaults.js';
import {
  SHA1,
  SHA2,
  SHA3,
  SUBMITTER,
  T0,
  HOUR,
  act,
  approve,
  emails,
  linkUser,
  notifies,
  ofType,
  person,
  policy,
  reject,
  stage,
  start,
  statuses,
  step,
  submitter,
  user,
} from './helpers.js';

const fullScores = { alignment: 4, goals: 3, feasibility: 5, partnerships: 1, governance: 2 };
const strategy = () => structuredClone(defaultStrategyPolicy);

/** The default strategy case, approved by the IRO and the rector: the MoEYS rubric review is open. */
function atMoeysReview(): EngineState {
  let s = start(strategy()).state;
  s = approve(s, 'iro@rupp.edu.kh', 'iro_check', T0).state;
  s = approve(s, 'rector@rupp.edu.kh', 'leadership_endorsement', T0 + HOUR).state;
  expect(statuses(s).moeys_review).toBe('open');
  return s;
}

const review = (over: Partial<Extract<Command, { type: 'approve' }>> = {}): Command => ({ type: 'approve', stepId: 'moeys_review', documentSha256: SHA1, ...over });

describe('rubric reviews', () => {
  const r1 = user('r1@moeys.gov.kh');

  it('lists every missing score and the missing comment, code invalid, first path on the error', () => {
    const e = validateCommand(atMoeysReview(), r1, review());
    expect(e).toMatchObject({ code: 'invalid', path: 'scores.alignment' });
    expect(e?.issues).toEqual([
      ...strategyRubric.criteria.map((c) => ({ path: `scores.${c.id}`, message: `score "${c.label}" (1–5)` })),
      { path: 'comment', message: 'a review needs a comment' },
    ]);
  });

  it('refuses out-of-range, fractional and unknown scores', () => {
    const e = validateCommand(atMoeysReview(), r1, review({ comment: 'Solid plan.', scores: { ...fullScores, alignment: 6, goals: 0, feasibility: 2.5, budget: 3 } }));
    expect(e?.code).toBe('invalid');
    expect(e?.issues).toEqual([
      { path: 'scores.alignment', message: 'must be a whole number from 1 to 5' },
      { path: 'scores.goals', message: 'must be a whole number from 1 to 5' },
      { path: 'scores.feasibility', message: 'must be a whole number from 1 to 5' },
      { path: 'scores.budget', message: 'not a criterion of this rubric' },
    ]);
  });

  it('needs a non-blank comment even with complete scores', () => {
    const e = validateCommand(atMoeysReview(), r1, review({ comment: '   ', scores: fullScores }));
    expect(e).toMatchObject({ code: 'invalid', path: 'comment', issues: [{ path: 'comment', message: 'a review needs a comment' }] });
  });

  it('accepts the boundaries and keeps the scores in the vote and the history', () => {
    const s = atMoeysReview();
    const scores = { alignment: 1, goals: 5, feasibility: 1, partnerships: 5, governance: 3 };
    expect(validateCommand(s, r1, review({ comment: 'OK', scores }))).toBeNull();
    const a = act(s, r1, review({ comment: 'OK', scores }), T0 + 2 * HOUR);
    expect(a.state.steps.moeys_review!.approvals).toEqual([{ email: 'r1@moeys.gov.kh', at: T0 + 2 * HOUR, documentSha256: SHA1, comment: 'OK', scores }]);
    expect(a.state.history.at(-1)).toMatchObject({ type: 'approved', stepId: 'moeys_review', scores, comment: 'OK', via: 'web' });
  });
});

describe('document version and closed cases', () => {
  it("a decision on another document hash is 'stale_version' (approve, reject, send back), a delegation is not", () => {
    const s = start(strategy()).state;
    const iro = user('iro@rupp.edu.kh');
    const stale = { code: 'stale_version', path: 'documentSha256' };
    expect(validateCommand(s, iro, { type: 'approve', stepId: 'iro_check', documentSha256: SHA2 })).toMatchObject(stale);
    expect(validateCommand(s, iro, { type: 'reject', stepId: 'iro_check', documentSha256: SHA2, comment: 'no' })).toMatchObject(stale);
    expect(validateCommand(s, iro, { type: 'sendBack', stepId: 'iro_check', documentSha256: SHA2, to: 'submitter', comment: 'fix' })).toMatchObject(stale);
    expect(validateCommand(s, iro, { type: 'delegate', stepId: 'iro_check', to: { email: 'deputy@rupp.edu.kh' } })).toBeNull();
  });

  it("every command on an approved, rejected or withdrawn case is 'case_closed'", () => {
    const open = start(strategy()).state;
    const rejected = reject(open, 'iro@rupp.edu.kh', 'iro_check', T0).state;
    const withdrawn = act(open, submitter(), { type: 'withdraw' }, T0).state;
    const approved = start(policy([stage('one', [step('only')])])).state;
    const done = approve(approved, 'only@rupp.edu.kh', 'only', T0).state;
    expect([rejected.status, withdrawn.status, done.status]).toEqual(['rejected', 'withdrawn', 'approved']);
    const commands: Command[] = [
      { type: 'approve', stepId: 'iro_check', documentSha256: SHA1 },
      { type: 'reject', stepId: 'iro_check', documentSha256: SHA1, comment: 'x' },
      { type: 'sendBack', stepId: 'iro_check', documentSha256: SHA1, to: 'submitter', comment: 'x' },
      { type: 'delegate', stepId: 'iro_check', to: { email: 'x@rupp.edu.kh' } },
      { type: 'reassign', stepId: 'iro_check', from: 'iro@rupp.edu.kh', to: { email: 'x@rupp.edu.kh' } },
      { type: 'withdraw' },
      { type: 'resubmit', document: { sha256: SHA2, version: 2 } },
    ];
    for (const st of [rejected, withdrawn, done]) {
      for (const c of commands) {
        for (const who of [submitter(), user('iro@rupp.edu.kh'), user('admin@moeys.gov.kh', [{ role: 'admin', institution: 'MOEYS' }])]) {
          expect(validateCommand(st, who, c)?.code, `${st.status} ${c.type} ${who.email}`).toBe('case_closed');
        }
      }
    }
  });
});

describe('send back and resubmit', () => {
  it('sends the case back to the submitter; only the submitter resubmits, only a newer version; earlier approvals are void', () => {
    let s = start(strategy()).state;
    s = approve(s, 'iro@rupp.edu.kh', 'iro_check', T0).state;
    const rector = user('rector@rupp.edu.kh');
    const sb = (over: Partial<Extract<Command, { type: 'sendBack' }>>): Command => ({ type: 'sendBack', stepId: 'leadership_endorsement', documentSha256: SHA1, to: 'submitter', comment: 'Add KPIs.', ...over });
    expect(validateCommand(s, rector, sb({ to: 'moeys_review' }))).toMatchObject({ code: 'invalid', path: 'to' });
    expect(validateCommand(s, rector, sb({ comment: ' ' }))).toMatchObject({ code: 'invalid', path: 'comment' });

    const back = act(s, rector, sb({}), T0 + HOUR);
    expect(back.result).toMatchObject({ status: 'sent_back', stepStatus: 'sent_back' });
    expect(back.effects).toEqual([
      { type: 'revokeLinks', stepId: 'leadership_endorsement' },
      { type: 'notify', kind: 'sent_back', key: 'sent_back/0/6', recipients: [SUBMITTER], detail: 'Add KPIs.' },
    ]);
    s = back.state;
    expect(statuses(s)).toMatchObject({ iro_check: 'approved', leadership_endorsement: 'sent_back', moeys_review: 'pending' });
    expect(nextWakeUp(s)).toBeNull();
    expect(summary(s)).toMatchObject({ status: 'sent_back', currentStage: { id: 'resubmission' }, openAssignees: ['sokha.chan@rupp.edu.kh'] });
    expect(validateCommand(s, rector, { type: 'approve', stepId: 'leadership_endorsement', documentSha256: SHA1 })).toMatchObject({ code: 'conflict' });

    const resubmit = (sha256: string, version: number): Command => ({ type: 'resubmit', document: { sha256, version }, comment: 'KPIs added.' });
    expect(validateCommand(s, rector, resubmit(SHA2, 2))).toMatchObject({ code: 'forbidden' });
    expect(validateCommand(s, user('iro@rupp.edu.kh'), resubmit(SHA2, 2))).toMatchObject({ code: 'forbidden' });
    expect(validateCommand(s, submitter(), resubmit(SHA1, 2))).toMatchObject({ code: 'conflict', path: 'document' });
    expect(validateCommand(s, submitter(), resubmit(SHA2, 1))).toMatchObject({ code: 'conflict', path: 'document.version' });
    // The submitter's email compares case-insensitively.
    expect(validateCommand(s, user('sokha.chan@RUPP.edu.kh'), resubmit(SHA2, 2))).toBeNull();

    const again = act(s, submitter(), resubmit(SHA2, 2), T0 + 24 * HOUR);
    s = again.state;
    expect(s).toMatchObject({ status: 'in_progress', round: 1, document: { sha256: SHA2, version: 2 }, stageIndex: 0 });
    expect(notifies(again.effects).map((n) => n.key)).toEqual(['iro_check/task/2']);
    const approvals = s.history.filter((h) => h.type === 'approved');
    expect(approvals.map((h) => [h.stepId, h.void])).toEqual([['iro_check', true]]);
    expect(s.history.find((h) => h.type === 'resubmitted')).toMatchObject({ actor: SUBMITTER.email, documentSha256: SHA2, documentVersion: 2, comment: 'KPIs added.' });
    expect(validateCommand(s, user('iro@rupp.edu.kh'), { type: 'approve', stepId: 'iro_check', documentSha256: SHA1 })?.code).toBe('stale_version');
    expect(validateCommand(s, submitter(), resubmit(SHA3, 3))).toMatchObject({ code: 'conflict' }); // not sent back any more

    const next = approve(s, 'iro@rupp.edu.kh', 'iro_check', T0 + 25 * HOUR);
    expect(notifies(next.effects).map((n) => n.key)).toEqual(['leadership_endorsement/task/2']);
    expect(next.state.history.filter((h) => h.type === 'approved').map((h) => [h.documentVersion, h.void ?? false])).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it('resubmitted fields re-evaluate the conditions', () => {
    const p = policy([
      stage('internal', [step('legal', { sendBack: { to: ['submitter'] } }), step('finance', { condition: { field: 'budget.amount', op: 'gt', value: 50000 } })]),
    ]);
    let s = start(p, { fields: { budget: { amount: 10000 } } }).state;
    expect(statuses(s).finance).toBe('skipped');
    s = act(s, user('legal@rupp.edu.kh'), { type: 'sendBack', stepId: 'legal', documentSha256: SHA1, to: 'submitter', comment: 'Budget too low?' }, T0).state;
    s = act(s, submitter(), { type: 'resubmit', document: { sha256: SHA2, version: 2 }, fields: { budget: { amount: 90000 } } }, T0).state;
    expect(statuses(s)).toEqual({ legal: 'open', finance: 'open' });
    expect(s.fields).toEqual({ budget: { amount: 90000 } });
  });

  it('sends back to an earlier stage: that stage reopens, approvals from it on are void, earlier ones stand', () => {
    let s = atMoeysReview();
    const scored = (email: string) => act(s, user(email), review({ comment: 'Fine.', scores: fullScores }), T0 + 2 * HOUR).state;
    s = scored('r1@moeys.gov.kh');
    s = scored('r2@moeys.gov.kh');
    expect(statuses(s).moeys_signoff).toBe('open');
    const director = user('director@moeys.gov.kh');
    const back = act(s, director, { type: 'sendBack', stepId: 'moeys_signoff', documentSha256: SHA1, to: 'moeys_review', comment: 'Rescore feasibility.' }, T0 + 3 * HOUR);
    expect(back.result).toMatchObject({ status: 'in_progress', stepStatus: 'sent_back' });
    expect(back.effects.map((e) => e.type)).toEqual(['revokeLinks', 'resolveAssignees', 'notify']);
    expect(back.effects[0]).toEqual({ type: 'revokeLinks', stepId: 'moeys_signoff' });
    expect(notifies(back.effects)[0]).toMatchObject({ key: 'moeys_review/task/2', kind: 'task' });
    expect(notifies(back.effects).some((n) => n.kind === 'sent_back')).toBe(false); // the submitter is not involved
    s = back.state;
    expect(s.stageIndex).toBe(2);
    expect(statuses(s)).toEqual({ iro_check: 'approved', leadership_endorsement: 'approved', moeys_review: 'open', moeys_signoff: 'pending' });
    expect(s.steps.moeys_review!.approvals).toEqual([]);
    expect(s.history.filter((h) => h.type === 'approved').map((h) => [h.stepId, h.actor, h.void ?? false])).toEqual([
      ['iro_check', 'iro@rupp.edu.kh', false],
      ['leadership_endorsement', 'rector@rupp.edu.kh', false],
      ['moeys_review', 'r1@moeys.gov.kh', true],
      ['moeys_review', 'r2@moeys.gov.kh', true],
    ]);
    // r1 may review again in the new round.
    expect(validateCommand(s, user('r1@moeys.gov.kh'), review({ comment: 'Rescored.', scores: fullScores }))).toBeNull();
  });

  it('sends back from the endorsement to the IRO check (stage 0)', () => {
    let s = start(strategy()).state;
    s = approve(s, 'iro@rupp.edu.kh', 'iro_check', T0).state;
    s = act(s, user('rector@rupp.edu.kh'), { type: 'sendBack', stepId: 'leadership_endorsement', documentSha256: SHA1, to: 'iro_check', comment: 'Check the annex.' }, T0).state;
    expect(s.status).toBe('in_progress');
    expect(statuses(s)).toMatchObject({ iro_check: 'open', leadership_endorsement: 'pending' });
    expect(s.steps.iro_check!.round).toBe(2);
    expect(s.history.find((h) => h.type === 'approved')?.void).toBe(true);
  });
});

describe('delegation', () => {
  const p = policy([stage('sign', [step('sign', { assignees: [person('a@rupp.edu.kh'), person('z@rupp.edu.kh')], mode: { type: 'all' }, viaLink: true })])]);

  it('A → B → C: C carries delegatedFrom [A, B]; A and B can no longer act', () => {
    let s = start(p).state;
    const d1 = act(s, user('a@rupp.edu.kh'), { type: 'delegate', stepId: 'sign', to: { email: 'b@rupp.edu.kh', name: 'B' }, comment: 'On leave.' }, T0);
    expect(d1.result.stepStatus).toBe('open');
    expect(d1.effects).toEqual([
      { type: 'revokeLinks', stepId: 'sign', emails: ['a@rupp.edu.kh'] },
      {
        type: 'notify',
        kind: 'delegated',
        key: 'sign/delegated/1/b@rupp.edu.kh',
        stepId: 'sign',
        stepName: 'Step sign',
        recipients: [{ email: 'b@rupp.edu.kh', name: 'B' }],
        link: { actions: ['approve', 'reject', 'delegate'], expiryDays: 14 },
        dueAt: null,
      },
    ]);
    s = act(d1.state, user('b@rupp.edu.kh'), { type: 'delegate', stepId: 'sign', to: { email: 'c@rupp.edu.kh' } }, T0).state;
    expect(s.steps.sign!.assignments.map((a) => [a.email, a.active, a.source, a.delegatedFrom])).toEqual([
      ['a@rupp.edu.kh', false, 'policy', undefined],
      ['z@rupp.edu.kh', true, 'policy', undefined],
      ['b@rupp.edu.kh', false, 'delegation', ['a@rupp.edu.kh']],
      ['c@rupp.edu.kh', true, 'delegation', ['a@rupp.edu.kh', 'b@rupp.edu.kh']],
    ]);
    for (const who of ['a@rupp.edu.kh', 'b@rupp.edu.kh']) {
      expect(validateCommand(s, user(who), { type: 'approve', stepId: 'sign', documentSha256: SHA1 })?.code, who).toBe('forbidden');
      expect(validateCommand(s, user(who), { type: 'delegate', stepId: 'sign', to: { email: 'x@rupp.edu.kh' } })?.code, who).toBe('forbidden');
    }
    expect(view(s).stages[0]!.steps[0]!.needed).toBe(2); // still two active people in an 'all' step
    expect(summary(s).openAssignees).toEqual(['z@rupp.edu.kh', 'c@rupp.edu.kh']);
    expect(summary(s).participants).toEqual(expect.arrayContaining(['b@rupp.edu.kh', 'c@rupp.edu.kh']));
    expect(s.history.filter((h) => h.type === 'delegated').map((h) => [h.actor, h.to])).toEqual([
      ['a@rupp.edu.kh', 'b@rupp.edu.kh'],
      ['b@rupp.edu.kh', 'c@rupp.edu.kh'],
    ]);
    s = approve(s, 'c@rupp.edu.kh', 'sign', T0).state;
    expect(approve(s, 'z@rupp.edu.kh', 'sign', T0).state.status).toBe('approved');
  });

  it('A → B → A → B: the second hand-over to B is a new email (its own key), not a duplicate of the first', () => {
    const a = user('a@rupp.edu.kh');
    const b = user('b@rupp.edu.kh');
    const d1 = act(start(p).state, a, { type: 'delegate', stepId: 'sign', to: { email: 'b@rupp.edu.kh' } }, T0);
    const d2 = act(d1.state, b, { type: 'delegate', stepId: 'sign', to: { email: 'a@rupp.edu.kh' } }, T0);
    const d3 = act(d2.state, a, { type: 'delegate', stepId: 'sign', to: { email: 'b@rupp.edu.kh' } }, T0);
    expect([d1, d2, d3].map((d) => notifies(d.effects).map((n) => n.key))).toEqual([
      ['sign/delegated/1/b@rupp.edu.kh'],
      ['sign/delegated/1/a@rupp.edu.kh'],
      ['sign/delegated/1/b@rupp.edu.kh/2'],
    ]);
    expect(validateCommand(d3.state, b, { type: 'approve', stepId: 'sign', documentSha256: SHA1 })).toBeNull();
  });

  it('refuses delegating to oneself or to someone already assigned, and after deciding', () => {
    const s = start(p).state;
    const a = user('a@rupp.edu.kh');
    expect(validateCommand(s, a, { type: 'delegate', stepId: 'sign', to: { email: ' A@rupp.edu.kh' } })).toMatchObject({ code: 'invalid', path: 'to.email' });
    expect(validateCommand(s, a, { type: 'delegate', stepId: 'sign', to: { email: 'Z@rupp.edu.kh' } })).toMatchObject({ code: 'conflict', path: 'to.email' });
    const voted = approve(s, 'a@rupp.edu.kh', 'sign', T0).state;
    expect(validateCommand(voted, a, { type: 'delegate', stepId: 'sign', to: { email: 'b@rupp.edu.kh' } })).toMatchObject({ code: 'conflict' });
    expect(validateCommand(s, user('stranger@itc.edu.kh'), { type: 'delegate', stepId: 'sign', to: { email: 'b@rupp.edu.kh' } })).toMatchObject({ code: 'forbidden' });
  });
});

describe('reassignment', () => {
  // RUPP's own policy: the people it names are RUPP's to reassign.
  const p = policy([stage('review', [step('panel', { assignees: [person('p1@rupp.edu.kh'), person('p2@rupp.edu.kh'), person('p3@rupp.edu.kh')], mode: { type: 'quorum', n: 2 } })])], { institution: 'RUPP' });
  const cmd = (from: string, to: string): Command => ({ type: 'reassign', stepId: 'panel', from, to: { email: to }, comment: 'Conflict of interest.' });
  const rupAdmin = user('admin@rupp.edu.kh', [{ role: 'admin', institution: 'RUPP' }]);
  const moeysAdmin = user('admin@moeys.gov.kh', [{ role: 'admin', institution: 'MOEYS' }]);

  it('only an admin of the case institution or a MoEYS admin may reassign; never through a link', () => {
    const s = start(p).state;
    expect(validateCommand(s, rupAdmin, cmd('p2@rupp.edu.kh', 'q@rupp.edu.kh'))).toBeNull();
    expect(validateCommand(s, moeysAdmin, cmd('p2@rupp.edu.kh', 'q@rupp.edu.kh'))).toBeNull();
    const refused = [
      user('admin@itc.edu.kh', [{ role: 'admin', institution: 'ITC' }]),
      user('iro@rupp.edu.kh', [{ role: 'iro', institution: 'RUPP' }]),
      user('p1@rupp.edu.kh'),
      submitter(),
      { ...rupAdmin, via: 'link' as const, linkStepId: 'panel' },
      { ...moeysAdmin, via: 'link' as const },
    ];
    for (const who of refused) expect(validateCommand(s, who, cmd('p2@rupp.edu.kh', 'q@rupp.edu.kh'))?.code, `${who.email} ${who.via}`).toBe('forbidden');
  });

  it('moves the task to the new person and checks from / to', () => {
    let s = start(p).state;
    s = approve(s, 'p1@rupp.edu.kh', 'panel', T0).state;
    expect(validateCommand(s, rupAdmin, cmd('p1@rupp.edu.kh', 'q@rupp.edu.kh'))).toMatchObject({ code: 'conflict', path: 'from' }); // already decided
    expect(validateCommand(s, rupAdmin, cmd('nobody@rupp.edu.kh', 'q@rupp.edu.kh'))).toMatchObject({ code: 'conflict', path: 'from' });
    expect(validateCommand(s, rupAdmin, cmd('p2@rupp.edu.kh', 'p3@rupp.edu.kh'))).toMatchObject({ code: 'conflict', path: 'to.email' });

    const r = act(s, rupAdmin, cmd('P2@rupp.edu.kh', 'q@rupp.edu.kh'), T0 + HOUR);
    expect(r.result).toMatchObject({ command: 'reassign', stepStatus: 'open' });
    expect(r.effects).toEqual([
      { type: 'revokeLinks', stepId: 'panel', emails: ['P2@rupp.edu.kh'] },
      { type: 'notify', kind: 'task', key: 'panel/reassigned/1/q@rupp.edu.kh', stepId: 'panel', stepName: 'Step panel', recipients: [{ email: 'q@rupp.edu.kh' }], dueAt: null },
    ]);
    const q = r.state.steps.panel!.assignments.find((a) => a.email === 'q@rupp.edu.kh');
    expect(q).toMatchObject({ source: 'reassignment', active: true, delegatedFrom: ['p2@rupp.edu.kh'] });
    expect(r.state.history.at(-1)).toMatchObject({ type: 'reassigned', actor: 'admin@rupp.edu.kh', to: 'q@rupp.edu.kh', detail: 'from P2@rupp.edu.kh', comment: 'Conflict of interest.' });
    expect(validateCommand(r.state, user('p2@rupp.edu.kh'), { type: 'approve', stepId: 'panel', documentSha256: SHA1 })?.code).toBe('forbidden');
    expect(approve(r.state, 'q@rupp.edu.kh', 'panel', T0 + 2 * HOUR).state.status).toBe('approved');
  });
});

describe('a step with too few people to decide it', () => {
  const rupAdmin = user('admin@rupp.edu.kh', [{ role: 'admin', institution: 'RUPP' }]);
  const add = (to: string): Command => ({ type: 'reassign', stepId: 'panel', to: { email: to }, comment: 'Nobody was found.' });

  it('nobody found: an administrator adds someone, who is told and may decide', () => {
    const p = policy([stage('review', [step('panel', { assignees: [{ kind: 'role', role: 'iro', institution: 'case' }] })])]);
    const s = start(p, { dir: {} }).state;
    expect(s.steps.panel).toMatchObject({ status: 'open', assignments: [] });
    expect(s.history.at(-1)).toMatchObject({ type: 'step_opened', detail: 'no assignee found' });
    expect(allowedActions(s, rupAdmin)).toEqual([{ stepId: 'panel', actions: ['reassign'] }]);
    expect(validateCommand(s, user('iro@rupp.edu.kh', [{ role: 'iro', institution: 'RUPP' }]), add('x@rupp.edu.kh'))?.code).toBe('forbidden');

    const r = act(s, rupAdmin, add('q@rupp.edu.kh'), T0 + HOUR);
    expect(r.effects).toEqual([{ type: 'notify', kind: 'task', key: 'panel/reassigned/1/q@rupp.edu.kh', stepId: 'panel', stepName: 'Step panel', recipients: [{ email: 'q@rupp.edu.kh' }], dueAt: null }]);
    expect(r.state.history.at(-1)).toMatchObject({ type: 'reassigned', actor: 'admin@rupp.edu.kh', to: 'q@rupp.edu.kh', detail: 'added: too few assignees to decide the step' });
    expect(approve(r.state, 'q@rupp.edu.kh', 'panel', T0 + 2 * HOUR).state.status).toBe('approved');
  });

  it('a quorum its role cannot fill: after the one member approves, an administrator adds the second', () => {
    const p = policy([stage('review', [step('panel', { assignees: [{ kind: 'role', role: 'iro', institution: 'case' }], mode: { type: 'quorum', n: 2 } })])]);
    let s = start(p).state;
    // Before anyone decided, the step is already short (1 person for 2 approvals).
    expect(validateCommand(s, rupAdmin, add('q@rupp.edu.kh'))).toBeNull();
    s = approve(s, 'iro@rupp.edu.kh', 'panel', T0).state;
    expect(s.steps.panel!.status).toBe('open');
    s = act(s, rupAdmin, add('q@rupp.edu.kh'), T0 + HOUR).state;
    expect(approve(s, 'q@rupp.edu.kh', 'panel', T0 + 2 * HOUR).state.status).toBe('approved');
  });

  it('a step with enough people is not added to: name whom to replace', () => {
    const p = policy([stage('review', [step('panel', { assignees: [person('p1@rupp.edu.kh'), person('p2@rupp.edu.kh')], mode: { type: 'quorum', n: 2 } })])], { institution: 'RUPP' });
    const s = start(p).state;
    expect(validateCommand(s, rupAdmin, add('q@rupp.edu.kh'))).toMatchObject({ code: 'conflict', path: 'from' });
  });
});

describe('whose steps an administrator may reassign', () => {
  const rupAdmin = user('admin@rupp.edu.kh', [{ role: 'admin', institution: 'RUPP' }]);
  const moeysAdmin = user('admin@moeys.gov.kh', [{ role: 'admin', institution: 'MOEYS' }]);
  const reassign = (stepId: string, from: string, to: string): Command => ({ type: 'reassign', stepId, from, to: { email: to } });

  it("an institution's administrator never takes over the ministry's review; a MoEYS administrator may reassign it", () => {
    let s = start(strategy()).state;
    s = approve(s, 'iro@rupp.edu.kh', 'iro_check', T0).state;
    s = approve(s, 'rector@rupp.edu.kh', 'leadership_endorsement', T0).state;
    expect(s.steps.moeys_review!.status).toBe('open');
    const toSelf = reassign('moeys_review', 'r1@moeys.gov.kh', 'admin@rupp.edu.kh');
    expect(validateCommand(s, rupAdmin, toSelf)).toMatchObject({ code: 'forbidden' });
    expect(validateCommand(s, rupAdmin, { type: 'reassign', stepId: 'moeys_review', to: { email: 'admin@rupp.edu.kh' } })).toMatchObject({ code: 'forbidden' });
    expect(allowedActions(s, rupAdmin).find((a) => a.stepId === 'moeys_review')).toBeUndefined();
    expect(validateCommand(s, moeysAdmin, reassign('moeys_review', 'r1@moeys.gov.kh', 'r4@moeys.gov.kh'))).toBeNull();
    expect(allowedActions(s, moeysAdmin).find((a) => a.stepId === 'moeys_review')?.actions).toContain('reassign');
  });

  it("its own steps yes, but never to the case's submitter", () => {
    const s = start(strategy()).state;
    expect(validateCommand(s, rupAdmin, reassign('iro_check', 'iro@rupp.edu.kh', 'dean@rupp.edu.kh'))).toBeNull();
    expect(validateCommand(s, rupAdmin, reassign('iro_check', 'iro@rupp.edu.kh', SUBMITTER.email.toUpperCase()))).toMatchObject({ code: 'invalid', path: 'to.email' });
    expect(validateCommand(s, moeysAdmin, reassign('iro_check', 'iro@rupp.edu.kh', SUBMITTER.email))).toMatchObject({ code: 'invalid', path: 'to.email' });
  });

  it("a partner's step may go to another partner address, not to the administrator", () => {
    const p = policy([stage('partner', [step('countersign', { assignees: [{ kind: 'external', emailField: 'partner.email' }] })])]);
    const s = start(p, { fields: { partner: { email: 'old@uni-saarland.de' } } }).state;
    expect(validateCommand(s, rupAdmin, reassign('countersign', 'old@uni-saarland.de', 'new@uni-saarland.de'))).toBeNull();
    expect(validateCommand(s, rupAdmin, reassign('countersign', 'old@uni-saarland.de', 'admin@rupp.edu.kh'))).toMatchObject({ code: 'invalid', path: 'to.email' });
    expect(validateCommand(s, rupAdmin, reassign('countersign', 'old@uni-saarland.de', 'Admin+partner@rupp.edu.kh'))).toMatchObject({ code: 'invalid', path: 'to.email' });
    // Not to a colleague who could hand it back either: only to an address at the partner.
    expect(validateCommand(s, rupAdmin, reassign('countersign', 'old@uni-saarland.de', 'colleague@rupp.edu.kh'))).toMatchObject({ code: 'invalid', path: 'to.email' });
    expect(validateCommand(s, moeysAdmin, reassign('countersign', 'old@uni-saarland.de', 'colleague@rupp.edu.kh'))).toBeNull();
  });

  it('nobody hands a step to the submitter by delegation either (also not through a +tag)', () => {
    const s = start(strategy()).state;
    const iro = user('iro@rupp.edu.kh', [{ role: 'iro', institution: 'RUPP' }]);
    const plus = SUBMITTER.email.replace('@', '+review@');
    for (const to of [SUBMITTER.email, plus]) {
      expect(validateCommand(s, iro, { type: 'delegate', stepId: 'iro_check', to: { email: to } }), to).toMatchObject({ code: 'invalid', path: 'to.email' });
      expect(validateCommand(s, rupAdmin, reassign('iro_check', 'iro@rupp.edu.kh', to)), to).toMatchObject({ code: 'invalid', path: 'to.email' });
    }
    expect(validateCommand(s, iro, { type: 'delegate', stepId: 'iro_check', to: { email: 'deputy@rupp.edu.kh' } })).toBeNull();
  });
});

describe('withdrawal', () => {
  const p = policy([stage('internal', [step('legal'), step('ethics', { assignees: [person('e1@rupp.edu.kh'), person('e2@rupp.edu.kh')], mode: { type: 'all' } }), step('finance')]), stage('sign', [step('rector')])]);

  it('only the submitter withdraws; open assignees are told; no seal', () => {
    let s = start(p).state;
    s = approve(s, 'finance@rupp.edu.kh', 'finance', T0).state;
    s = approve(s, 'e1@rupp.edu.kh', 'ethics', T0).state;
    for (const who of [user('legal@rupp.edu.kh'), user('admin@rupp.edu.kh', [{ role: 'admin', institution: 'RUPP' }]), user('admin@moeys.gov.kh', [{ role: 'admin', institution: 'MOEYS' }])]) {
      expect(validateCommand(s, who, { type: 'withdraw' })?.code, who.email).toBe('forbidden');
    }
    const w = act(s, user('SOKHA.CHAN@rupp.edu.kh'), { type: 'withdraw', comment: 'Merged into next year’s plan.' }, T0 + HOUR);
    expect(w.result).toMatchObject({ command: 'withdraw', status: 'withdrawn' });
    expect(w.effects.map((e) => e.type)).toEqual(['revokeLinks', 'revokeLinks', 'notify', 'notify', 'completed']);
    expect(ofType(w.effects, 'revokeLinks').map((e) => e.stepId).sort()).toEqual(['ethics', 'legal']);
    expect(ofType(w.effects, 'seal')).toEqual([]);
    const [toSubmitter, toAssignees] = notifies(w.effects);
    expect(toSubmitter).toMatchObject({ kind: 'withdrawn', key: 'outcome/withdrawn', recipients: [SUBMITTER] });
    expect(toAssignees).toMatchObject({ kind: 'withdrawn', key: 'withdrawn/assignees' });
    expect(emails(toAssignees!.recipients).sort()).toEqual(['e1@rupp.edu.kh', 'e2@rupp.edu.kh', 'legal@rupp.edu.kh']);
    expect(w.effects.at(-1)).toEqual({ type: 'completed', outcome: 'withdrawn' });
    expect(statuses(w.state)).toEqual({ legal: 'closed', ethics: 'closed', finance: 'approved', rector: 'closed' });
    expect(w.state.history.find((h) => h.type === 'withdrawn')).toMatchObject({ actor: 'SOKHA.CHAN@rupp.edu.kh', comment: 'Merged into next year’s plan.' });
  });

  it('while assignees are still being resolved: withdrawal clears the request and its late answer is ignored', () => {
    const created = createCase({ caseId: 'c2', policy: p, fields: {}, submitter: SUBMITTER, institution: 'RUPP', document: { sha256: SHA1, version: 1 }, now: T0 });
    const w = applyCommand(created.state, submitter(), { type: 'withdraw' }, T0);
    expect(w.state.pending).toBeUndefined();
    expect(notifies(w.effects).map((n) => n.key)).toEqual(['outcome/withdrawn']); // no one was assigned yet
    const late = assigneesResolved(w.state, 'r1', { legal: [{ email: 'legal@rupp.edu.kh' }] }, T0 + HOUR);
    expect(late.state).toBe(w.state);
    expect(late.effects).toEqual([]);
  });
});

describe('links', () => {
  const p = policy([stage('internal', [step('legal', { assignees: [person('x@rupp.edu.kh')], viaLink: true }), step('finance', { assignees: [person('x@rupp.edu.kh')], viaLink: true })])]);

  it('a link actor acts only on the step its link is bound to', () => {
    const s = start(p).state;
    const viaLegal = linkUser('x@rupp.edu.kh', 'legal');
    const onFinance = { code: 'forbidden', message: 'This link is for another step.' };
    expect(validateCommand(s, viaLegal, { type: 'approve', stepId: 'finance', documentSha256: SHA1 })).toMatchObject(onFinance);
    expect(validateCommand(s, viaLegal, { type: 'reject', stepId: 'finance', documentSha256: SHA1, comment: 'no' })).toMatchObject(onFinance);
    expect(validateCommand(s, viaLegal, { type: 'delegate', stepId: 'finance', to: { email: 'y@rupp.edu.kh' } })).toMatchObject(onFinance);
    expect(validateCommand(s, viaLegal, { type: 'approve', stepId: 'legal', documentSha256: SHA1 })).toBeNull();
    expect(validateCommand(s, user('x@rupp.edu.kh'), { type: 'approve', stepId: 'finance', documentSha256: SHA1 })).toBeNull();
    expect(allowedActions(s, viaLegal)).toEqual([{ stepId: 'legal', actions: ['approve', 'reject', 'delegate'] }]);
    const a = act(s, viaLegal, { type: 'approve', stepId: 'legal', documentSha256: SHA1 }, T0);
    expect(a.state.history.at(-2)).toMatchObject({ type: 'approved', via: 'link', actor: 'x@rupp.edu.kh' });
    expect(validateCommand(a.state, viaLegal, { type: 'approve', stepId: 'finance', documentSha256: SHA1 })).toMatchObject(onFinance);
  });
});
