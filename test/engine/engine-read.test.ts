// Reading the state (allowed actions, summary, view, audit events) and the properties the workflow relies on: the
// state survives JSON (continue-as-new, queries) and no engine function mutates its input.
import { describe, it, expect } from 'vitest';
import {
  allowedActions,
  applyCommand,
  fieldsForAssignees,
  assigneesResolved,
  auditEvents,
  createCase,
  nextWakeUp,
  stepDef,
  summary,
  tick,
  validateCommand,
  view,
  type Actor,
  type Command,
  type EngineState,
  type Person,
} from '../../domain/approval/index.js';
import { defaultStrategyPolicy } from '../../domain/routing/defaults.js';
import { SHA1, SHA2, SUBMITTER, T0, HOUR, DAY, act, approve, deepFreeze, directory, local, resolveSpec, start, submitter, user } from './helpers.js';

const strategy = () => structuredClone(defaultStrategyPolicy);
const scores = { alignment: 4, goals: 4, feasibility: 3, partnerships: 5, governance: 4 };
const iro = user('iro@rupp.edu.kh', [{ role: 'iro', institution: 'RUPP' }]);
const rector = user('rector@rupp.edu.kh', [{ role: 'leadership', institution: 'RUPP' }]);
const rupAdmin = user('admin@rupp.edu.kh', [{ role: 'admin', institution: 'RUPP' }]);
const moeysAdmin = user('admin@moeys.gov.kh', [{ role: 'admin', institution: 'MOEYS' }]);
const itcAdmin = user('admin@itc.edu.kh', [{ role: 'admin', institution: 'ITC' }]);
const stranger = user('someone@itc.edu.kh');

describe('allowedActions', () => {
  it('tells the submitter, an assignee, a stranger and admins what they may do', () => {
    const s = start(strategy()).state;
    expect(allowedActions(s, undefined)).toEqual([]);
    expect(allowedActions(s, submitter())).toEqual([{ actions: ['withdraw'] }]);
    expect(allowedActions(s, iro)).toEqual([{ stepId: 'iro_check', actions: ['approve', 'reject', 'send_back', 'delegate'] }]);
    expect(allowedActions(s, stranger)).toEqual([]);
    expect(allowedActions(s, itcAdmin)).toEqual([]);
    expect(allowedActions(s, rupAdmin)).toEqual([{ stepId: 'iro_check', actions: ['reassign'] }]);
    expect(allowedActions(s, moeysAdmin)).toEqual([{ stepId: 'iro_check', actions: ['reassign'] }]);
    expect(allowedActions(s, { ...rupAdmin, via: 'link', linkStepId: 'iro_check' })).toEqual([]);
    expect(allowedActions(s, rector)).toEqual([]); // not open yet
  });

  it('counts a rubric step as approvable, and changes when the case is sent back or closed', () => {
    let s = start(strategy()).state;
    s = approve(s, 'iro@rupp.edu.kh', 'iro_check', T0).state;
    s = approve(s, 'rector@rupp.edu.kh', 'leadership_endorsement', T0).state;
    expect(allowedActions(s, user('r2@moeys.gov.kh'))).toEqual([{ stepId: 'moeys_review', actions: ['approve', 'reject', 'send_back', 'delegate'] }]);

    const back = act(s, user('r2@moeys.gov.kh'), { type: 'sendBack', stepId: 'moeys_review', documentSha256: SHA1, to: 'submitter', comment: 'Add a budget.' }, T0).state;
    expect(allowedActions(back, submitter())).toEqual([{ actions: ['withdraw', 'resubmit'] }]);
    expect(allowedActions(back, user('r1@moeys.gov.kh'))).toEqual([]);
    expect(allowedActions(back, moeysAdmin)).toEqual([]);

    const closed = act(back, submitter(), { type: 'withdraw' }, T0).state;
    for (const who of [submitter(), user('r1@moeys.gov.kh'), moeysAdmin]) expect(allowedActions(closed, who)).toEqual([]);
  });
});

describe('summary and view', () => {
  function atReviewWithOneVote(): EngineState {
    let s = start(strategy()).state;
    s = approve(s, 'iro@rupp.edu.kh', 'iro_check', T0).state;
    s = approve(s, 'rector@rupp.edu.kh', 'leadership_endorsement', T0 + HOUR).state;
    return act(s, user('R1@moeys.gov.kh'), { type: 'approve', stepId: 'moeys_review', documentSha256: SHA1, comment: 'Good.', scores }, T0 + 2 * HOUR).state;
  }

  it('summary: current stage, open steps, open assignees (not yet decided, lower case), participants, due date', () => {
    const s = atReviewWithOneVote();
    const due = s.steps.moeys_review!.dueAt!;
    expect(due).toBe(local(2026, 2, 23, 10)); // 15 working days from Mon 2 Feb 10:00
    expect(summary(s)).toEqual({
      status: 'in_progress',
      currentStage: { id: 'moeys_review', name: 'MoEYS review' },
      openSteps: [{ id: 'moeys_review', name: 'MoEYS review (rubric)', assignees: ['r1@moeys.gov.kh', 'r2@moeys.gov.kh', 'r3@moeys.gov.kh'], dueAt: due }],
      openAssignees: ['r2@moeys.gov.kh', 'r3@moeys.gov.kh'],
      participants: ['sokha.chan@rupp.edu.kh', 'iro@rupp.edu.kh', 'rector@rupp.edu.kh', 'r1@moeys.gov.kh', 'r2@moeys.gov.kh', 'r3@moeys.gov.kh'],
      dueAt: due,
      documentVersion: 1,
    });
  });

  it('summary of a closed case has no current stage and no one to wait for', () => {
    const s = act(atReviewWithOneVote(), user('r3@moeys.gov.kh'), { type: 'reject', stepId: 'moeys_review', documentSha256: SHA1, comment: 'No.' }, T0 + 3 * HOUR).state;
    expect(summary(s)).toMatchObject({ status: 'rejected', currentStage: null, openSteps: [], openAssignees: [], dueAt: null });
  });

  it('view: stages done / current / waiting, step details, ISO times, and the viewer’s allowed actions', () => {
    const s = atReviewWithOneVote();
    const v = view(s, user('r2@moeys.gov.kh'));
    expect(v).toMatchObject({
      caseId: 'case-1',
      status: 'in_progress',
      institution: 'RUPP',
      policy: { key: 'strategy-default', version: 1 },
      currentStage: { id: 'moeys_review', index: 2 },
      dueAt: new Date(local(2026, 2, 23, 10)).toISOString(),
      allowed: [{ stepId: 'moeys_review', actions: ['approve', 'reject', 'send_back', 'delegate'] }],
    });
    expect(v.stages.map((st) => st.status)).toEqual(['done', 'done', 'current', 'waiting']);
    const review = v.stages[2]!.steps[0]!;
    expect(review).toMatchObject({ id: 'moeys_review', stageId: 'moeys_review', status: 'open', approvals: 1, needed: 2, viaLink: true, sendBackTo: ['submitter'], openedAt: new Date(T0 + HOUR).toISOString() });
    expect(review.assignees.map((a) => [a.email, a.decided])).toEqual([
      ['r1@moeys.gov.kh', true],
      ['r2@moeys.gov.kh', false],
      ['r3@moeys.gov.kh', false],
    ]);
    expect(v.history[0]).toMatchObject({ type: 'submitted', at: new Date(T0).toISOString() });
    expect(view(s).allowed).toEqual([]);
  });

  it('auditEvents: history entries from an index, with type / actor / at apart from the payload', () => {
    const s = atReviewWithOneVote();
    const events = auditEvents(s, 0);
    expect(events).toHaveLength(s.history.length);
    const from = s.history.length - 1;
    expect(auditEvents(s, from)).toEqual([
      {
        type: 'approved',
        actor: 'R1@moeys.gov.kh',
        at: T0 + 2 * HOUR,
        payload: { via: 'web', stepId: 'moeys_review', documentSha256: SHA1, documentVersion: 1, comment: 'Good.', scores },
      },
    ]);
    expect(auditEvents(s, s.history.length)).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------ JSON and purity

type Op = (s: EngineState) => { state: EngineState; effects: unknown[]; result?: unknown };

/** Answers whatever lookup is pending, from the directory (open: the steps' assignees; escalation: the target). */
const resolvePending =
  (now: number): Op =>
  (s) => {
    const p = s.pending!;
    const resolved: Record<string, Person[]> = {};
    for (const id of p.stepIds) {
      const def = stepDef(s.policy, id)!.step;
      const specs = p.purpose === 'open' ? def.assignees : [def.escalation!.to];
      resolved[id] = specs.flatMap((a) => resolveSpec(a, s, directory));
    }
    return assigneesResolved(s, p.requestId, resolved, now);
  };
const cmd =
  (actor: Actor, c: Command | ((s: EngineState) => Command), now: number): Op =>
  (s) =>
    applyCommand(s, actor, typeof c === 'function' ? c(s) : c, now);
const tickAt =
  (now: number): Op =>
  (s) =>
    tick(s, now);
const decide = (email: string, stepId: string, now: number, extra: Partial<Extract<Command, { type: 'approve' }>> = {}) =>
  cmd(user(email), (s) => ({ type: 'approve', stepId, documentSha256: s.document.sha256, ...extra }), now);

/** A long strategy case: reminder, send back, resubmission, rubric reviews, an escalation, a delegation, approval. */
const script: Op[] = [
  resolvePending(T0),
  tickAt(T0 + 2 * DAY),
  decide('iro@rupp.edu.kh', 'iro_check', T0 + 2 * DAY + HOUR),
  resolvePending(T0 + 2 * DAY + HOUR),
  cmd(rector, { type: 'sendBack', stepId: 'leadership_endorsement', documentSha256: SHA1, to: 'submitter', comment: 'Add KPIs.' }, T0 + 3 * DAY),
  cmd(submitter(), { type: 'resubmit', document: { sha256: SHA2, version: 2 }, fields: { kpis: 12 } }, T0 + 4 * DAY),
  resolvePending(T0 + 4 * DAY),
  decide('iro@rupp.edu.kh', 'iro_check', T0 + 4 * DAY + HOUR),
  resolvePending(T0 + 4 * DAY + HOUR),
  decide('rector@rupp.edu.kh', 'leadership_endorsement', T0 + 5 * DAY),
  resolvePending(T0 + 5 * DAY),
  decide('r1@moeys.gov.kh', 'moeys_review', T0 + 6 * DAY, { comment: 'Fine.', scores }),
  tickAt(T0 + 9 * DAY),
  tickAt(local(2026, 3, 10, 9)), // past the 20-working-day escalation
  resolvePending(local(2026, 3, 10, 9)),
  decide('admin@moeys.gov.kh', 'moeys_review', local(2026, 3, 10, 10), { comment: 'Escalated: approved.', scores }),
  resolvePending(local(2026, 3, 10, 10)),
  cmd(user('director@moeys.gov.kh'), { type: 'delegate', stepId: 'moeys_signoff', to: { email: 'deputy@moeys.gov.kh', name: 'Deputy' } }, local(2026, 3, 11, 9)),
  decide('deputy@moeys.gov.kh', 'moeys_signoff', local(2026, 3, 11, 10)),
];

function run(roundTrip: boolean): { final: EngineState; log: string[] } {
  const created = createCase({ caseId: 'c-json', policy: strategy(), fields: {}, submitter: SUBMITTER, institution: 'RUPP', document: { sha256: SHA1, version: 1 }, now: T0 });
  let s = created.state;
  const log = [JSON.stringify(created)];
  for (const op of script) {
    if (roundTrip) s = JSON.parse(JSON.stringify(s)) as EngineState;
    const out = op(s);
    log.push(JSON.stringify({ effects: out.effects, result: out.result, wake: nextWakeUp(out.state), summary: summary(out.state), view: view(out.state, submitter()) }));
    s = out.state;
  }
  return { final: s, log };
}

describe('state as JSON', () => {
  it('a case whose state goes through JSON before every step runs exactly like one that does not', () => {
    const plain = run(false);
    const trip = run(true);
    expect(plain.final.status).toBe('approved');
    expect(plain.final.history.filter((h) => h.type === 'reminded' || h.type === 'escalated').map((h) => [h.type, h.stepId])).toEqual([
      ['reminded', 'iro_check'],
      ['reminded', 'moeys_review'],
      ['reminded', 'moeys_review'],
      ['escalated', 'moeys_review'],
    ]);
    expect(trip.log).toEqual(plain.log);
    expect(JSON.stringify(trip.final)).toBe(JSON.stringify(plain.final));
  });
});

describe('purity', () => {
  it('no engine function mutates a (deep-frozen) input state, command or policy', () => {
    const policy = deepFreeze(strategy());
    const created = createCase(deepFreeze({ caseId: 'c-frozen', policy, fields: { a: { b: 1 } }, submitter: { ...SUBMITTER }, institution: 'RUPP', document: { sha256: SHA1, version: 1 }, now: T0 }));
    let s = created.state;
    const check = (op: Op) => {
      // The very state the previous step returned (not a copy), so that aliasing between steps is caught too.
      const frozen = deepFreeze(s);
      const before = JSON.stringify(frozen);
      const out = op(frozen);
      expect(JSON.stringify(frozen)).toBe(before);
      // readers too
      summary(frozen);
      view(frozen, submitter());
      allowedActions(frozen, moeysAdmin);
      auditEvents(frozen, 0);
      nextWakeUp(frozen);
      s = out.state;
      return out;
    };
    for (const op of script.slice(0, 12)) check(op);
    expect(s.steps.moeys_review!.approvals).toHaveLength(1);
    // Each remaining command type on a frozen state: reject, reassign, withdraw, delegate, and a sendBack to a stage.
    const review = s;
    check(cmd(moeysAdmin, { type: 'reassign', stepId: 'moeys_review', from: 'r2@moeys.gov.kh', to: { email: 'r4@moeys.gov.kh' } }, T0 + 7 * DAY));
    s = review;
    check(cmd(user('r3@moeys.gov.kh'), { type: 'delegate', stepId: 'moeys_review', to: { email: 'r5@moeys.gov.kh' } }, T0 + 7 * DAY));
    s = review;
    check(cmd(user('r3@moeys.gov.kh'), { type: 'reject', stepId: 'moeys_review', documentSha256: SHA2, comment: 'No.' }, T0 + 7 * DAY));
    s = review;
    check(cmd(submitter(), { type: 'withdraw', comment: 'Later.' }, T0 + 7 * DAY));
    s = review;
    check(cmd(user('r2@moeys.gov.kh'), { type: 'sendBack', stepId: 'moeys_review', documentSha256: SHA2, to: 'submitter', comment: 'Budget.' }, T0 + 7 * DAY));
    s = review;
    const frozen = deepFreeze(s);
    expect(validateCommand(frozen, user('r2@moeys.gov.kh'), { type: 'approve', stepId: 'moeys_review', documentSha256: SHA2 })?.code).toBe('invalid');
  });

  it('a transition returns a new state and leaves the earlier one usable (branching)', () => {
    const s = start(strategy()).state;
    const snapshot = JSON.stringify(s);
    const a = approve(s, 'iro@rupp.edu.kh', 'iro_check', T0).state;
    const b = act(s, user('iro@rupp.edu.kh'), { type: 'reject', stepId: 'iro_check', documentSha256: SHA1, comment: 'Incomplete.' }, T0).state;
    expect(JSON.stringify(s)).toBe(snapshot);
    expect([a.status, b.status, s.status]).toEqual(['in_progress', 'rejected', 'in_progress']);
    expect(a).not.toBe(s);
  });
});

describe('fieldsForAssignees', () => {
  it('passes only the fields that external assignees read, nested as in the case', () => {
    const fields = { partner: { email: 'signatory@uni-saarland.de', name: 'Saarland' }, budget: { amount: 5 }, contact: 'x@y.kh' };
    const steps: Parameters<typeof fieldsForAssignees>[0] = [
      { assignees: [{ kind: 'external', emailField: 'partner.email' }, { kind: 'role', role: 'iro', institution: 'case' }] },
      { assignees: [{ kind: 'external', emailField: 'contact' }, { kind: 'external', emailField: 'missing.email' }, { kind: 'person', email: 'a@b.kh' }] },
    ];
    expect(fieldsForAssignees(steps, fields)).toEqual({ partner: { email: 'signatory@uni-saarland.de' }, contact: 'x@y.kh' });
    expect(fieldsForAssignees([{ assignees: [{ kind: 'role', role: 'iro', institution: 'case' }] }], fields)).toEqual({});
  });
});
