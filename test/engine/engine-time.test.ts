// Time: reminders at their cadence on working time, escalations through a people lookup, and the next wake-up.
import { describe, it, expect } from 'vitest';
import { assigneesResolved, nextWakeUp, tick, validateCommand, type EngineState } from '../../domain/approval/index.js';
import { defaultStrategyPolicy } from '../../domain/routing/defaults.js';
import { SHA1, T0, HOUR, act, approve, emails, local, notifies, ofType, person, policy, settle, stage, start, step, submitter, user } from './helpers.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('reminders', () => {
  const FRI = local(2026, 4, 10, 9); // Friday 10 April 2026, the day before the Khmer New Year weekend
  const p = policy([stage('check', [step('iro', { deadline: { workingDays: 5 }, reminders: { every: { workingDays: 2 }, max: 2 } })])]);

  it('reminds at the cadence in working days (over Khmer New Year), then stops at max', () => {
    let s = start(p, { now: FRI }).state;
    const first = local(2026, 4, 17, 9); // Mon 13 (1), holidays 14–16, Fri 17 (2)
    expect(s.steps.iro).toMatchObject({ nextReminderAt: first, dueAt: local(2026, 4, 22, 9) });
    expect(nextWakeUp(s)).toBe(first);

    const early = tick(s, first - 1);
    expect(early.effects).toEqual([]);
    expect(early.state).toEqual(s);

    const t1 = tick(s, first);
    expect(t1.effects).toEqual([
      {
        type: 'notify',
        kind: 'reminder',
        key: 'iro/reminder/1/1',
        stepId: 'iro',
        stepName: 'Step iro',
        recipients: [expect.objectContaining({ email: 'iro@rupp.edu.kh' })],
        dueAt: iso(local(2026, 4, 22, 9)),
      },
    ]);
    s = t1.state;
    expect(s.steps.iro).toMatchObject({ remindersSent: 1, nextReminderAt: local(2026, 4, 21, 9) }); // Mon 20, Tue 21
    expect(s.history.at(-1)).toEqual({ type: 'reminded', at: first, stepId: 'iro', via: 'system', detail: 'reminder 1 to iro@rupp.edu.kh' });
    expect(tick(s, first + HOUR).effects).toEqual([]); // not twice for the same slot

    const t2 = tick(s, local(2026, 4, 21, 9));
    expect(notifies(t2.effects).map((n) => n.key)).toEqual(['iro/reminder/1/2']);
    s = t2.state;
    expect(nextWakeUp(s)).toBeNull(); // max reached and no escalation
    const late = tick(s, local(2026, 5, 29, 9));
    expect(late.effects).toEqual([]);
    expect(late.state.steps.iro!.remindersSent).toBe(2);
  });

  it('a calendar-day cadence that lands on a weekend or holiday moves to 08:00 local on the next working day', () => {
    const daily = policy([stage('check', [step('iro', { reminders: { every: { days: 1 } } })])]);
    let s = start(daily, { now: local(2026, 2, 6, 9) }).state; // Friday
    expect(s.steps.iro!.nextReminderAt).toBe(local(2026, 2, 9, 8)); // Saturday 09:00 → Monday 08:00
    s = tick(s, local(2026, 2, 9, 8)).state;
    expect(s.steps.iro!.nextReminderAt).toBe(local(2026, 2, 10, 8));
    // The same on later reminders: one fired on a Friday schedules the next for Monday 08:00.
    const thu = start(daily, { now: local(2026, 2, 5, 9) }).state;
    expect(thu.steps.iro!.nextReminderAt).toBe(local(2026, 2, 6, 9));
    expect(tick(thu, local(2026, 2, 6, 9)).state.steps.iro!.nextReminderAt).toBe(local(2026, 2, 9, 8));
    const beforeNewYear = start(daily, { now: local(2026, 4, 13, 10) }).state; // Monday 13 April
    expect(beforeNewYear.steps.iro!.nextReminderAt).toBe(local(2026, 4, 17, 8));
  });

  it('reminds only the people who have not decided; keys are unique per round', () => {
    const q = policy([
      stage('review', [
        step('panel', {
          assignees: [person('p1@rupp.edu.kh'), person('p2@rupp.edu.kh'), person('p3@rupp.edu.kh')],
          mode: { type: 'quorum', n: 2 },
          reminders: { every: { workingDays: 1 } },
          sendBack: { to: ['submitter'] },
        }),
      ]),
    ]);
    let s = start(q).state;
    s = approve(s, 'p1@rupp.edu.kh', 'panel', T0).state;
    const r = tick(s, s.steps.panel!.nextReminderAt!);
    expect(notifies(r.effects).map((n) => [n.key, emails(n.recipients)])).toEqual([['panel/reminder/1/1', ['p2@rupp.edu.kh', 'p3@rupp.edu.kh']]]);
    // Sent back and resubmitted: round 2 starts its reminders again with new keys.
    s = act(r.state, user('p2@rupp.edu.kh'), { type: 'sendBack', stepId: 'panel', documentSha256: SHA1, to: 'submitter', comment: 'Fix' }, T0 + 2 * HOUR).state;
    expect(nextWakeUp(s)).toBeNull();
    s = act(s, submitter(), { type: 'resubmit', document: { sha256: 'd'.repeat(64), version: 2 } }, T0 + 3 * HOUR).state;
    expect(s.steps.panel).toMatchObject({ round: 2, remindersSent: 0 });
    const r2 = tick(s, s.steps.panel!.nextReminderAt!);
    expect(notifies(r2.effects).map((n) => [n.key, emails(n.recipients)])).toEqual([['panel/reminder/2/1', ['p1@rupp.edu.kh', 'p2@rupp.edu.kh', 'p3@rupp.edu.kh']]]);
  });
});

describe('escalation', () => {
  const esc = (action: 'add' | 'handover') =>
    policy([stage('check', [step('iro', { viaLink: true, escalation: { after: { workingDays: 3 }, action, to: person('boss@rupp.edu.kh') } })]), stage('sign', [step('rector')])]);
  const due = local(2026, 2, 5, 9); // Monday 2 February + 3 working days

  function escalate(action: 'add' | 'handover'): { state: EngineState; requestId: string } {
    const s = start(esc(action)).state;
    expect(s.steps.iro!.escalateAt).toBe(due);
    expect(nextWakeUp(s)).toBe(due);
    expect(tick(s, due - 1).effects).toEqual([]);
    const t = tick(s, due);
    const [req] = ofType(t.effects, 'resolveAssignees');
    expect(t.effects).toEqual([{ type: 'resolveAssignees', requestId: req!.requestId, steps: [{ stepId: 'iro', assignees: [person('boss@rupp.edu.kh')] }] }]);
    expect(t.state.pending).toEqual({ requestId: req!.requestId, purpose: 'escalation', stepIds: ['iro'] });
    expect(t.state.steps.iro!.escalated).toBe(true);
    expect(nextWakeUp(t.state)).toBeNull();
    expect(tick(t.state, due + HOUR).effects).toEqual([]); // once
    return { state: t.state, requestId: req!.requestId };
  }

  it("'add' keeps the assignee and adds the escalation person; a stale requestId is ignored", () => {
    const { state, requestId } = escalate('add');
    const stale = assigneesResolved(state, 'r1', { iro: [{ email: 'intruder@x.kh' }] }, due);
    expect(stale.state).toBe(state);
    expect(stale.effects).toEqual([]);

    const r = assigneesResolved(state, requestId, { iro: [{ email: 'boss@rupp.edu.kh', name: 'Boss' }] }, due);
    expect(r.state.pending).toBeUndefined();
    expect(r.effects).toEqual([
      {
        type: 'notify',
        kind: 'escalation',
        key: 'iro/escalation/1',
        stepId: 'iro',
        stepName: 'Step iro',
        recipients: [{ email: 'boss@rupp.edu.kh', name: 'Boss' }],
        link: { actions: ['approve', 'reject', 'delegate'], expiryDays: 14 },
        dueAt: null,
      },
    ]);
    expect(r.state.steps.iro!.assignments.map((a) => [a.email, a.source, a.active])).toEqual([
      ['iro@rupp.edu.kh', 'policy', true],
      ['boss@rupp.edu.kh', 'escalation', true],
    ]);
    expect(r.state.history.at(-1)).toMatchObject({ type: 'escalated', stepId: 'iro', via: 'system', detail: 'add: boss@rupp.edu.kh' });
    expect(r.state.participants).toContain('boss@rupp.edu.kh');
    expect(validateCommand(r.state, user('iro@rupp.edu.kh'), { type: 'approve', stepId: 'iro', documentSha256: SHA1 })).toBeNull();
    expect(validateCommand(r.state, user('boss@rupp.edu.kh'), { type: 'approve', stepId: 'iro', documentSha256: SHA1 })).toBeNull();
    // Answering twice does nothing.
    expect(assigneesResolved(r.state, requestId, { iro: [{ email: 'x@x.kh' }] }, due).effects).toEqual([]);
  });

  it("'handover' deactivates the assignees, revokes their links and hands the step over", () => {
    const { state, requestId } = escalate('handover');
    const r = assigneesResolved(state, requestId, { iro: [{ email: 'boss@rupp.edu.kh' }] }, due);
    expect(r.effects.map((e) => e.type)).toEqual(['revokeLinks', 'notify']);
    expect(r.effects[0]).toEqual({ type: 'revokeLinks', stepId: 'iro', emails: ['iro@rupp.edu.kh'] });
    expect(r.state.steps.iro!.assignments.map((a) => [a.email, a.active])).toEqual([
      ['iro@rupp.edu.kh', false],
      ['boss@rupp.edu.kh', true],
    ]);
    expect(r.state.history.at(-1)?.detail).toBe('handover: boss@rupp.edu.kh');
    expect(validateCommand(r.state, user('iro@rupp.edu.kh'), { type: 'approve', stepId: 'iro', documentSha256: SHA1 })?.code).toBe('forbidden');
    expect(approve(r.state, 'boss@rupp.edu.kh', 'iro', due).state.steps.iro!.status).toBe('approved');
  });

  it('an escalation answered after the step was decided changes nothing', () => {
    const { state, requestId } = escalate('add');
    const decided = act(state, user('iro@rupp.edu.kh'), { type: 'approve', stepId: 'iro', documentSha256: SHA1 }, due); // opens 'sign' (new request)
    const late = assigneesResolved(decided.state, requestId, { iro: [{ email: 'boss@rupp.edu.kh' }] }, due);
    expect(late.state).toBe(decided.state);
    expect(late.effects).toEqual([]);
  });

  it('the default strategy policy adds the MoEYS admin to the review after 20 working days', () => {
    let s = start(structuredClone(defaultStrategyPolicy), { now: local(2026, 9, 1, 9) }).state;
    s = approve(s, 'iro@rupp.edu.kh', 'iro_check', local(2026, 9, 1, 10)).state;
    s = approve(s, 'rector@rupp.edu.kh', 'leadership_endorsement', local(2026, 9, 2, 10)).state;
    // 20 working days from Wed 2 September 2026 10:00: Constitution Day (Thu 24 Sep) is skipped → Thu 1 October.
    expect(s.steps.moeys_review!.escalateAt).toBe(local(2026, 10, 1, 10));
    const t = tick(s, local(2026, 10, 1, 10));
    const r = settle(t.state, t.effects, local(2026, 10, 1, 10));
    expect(r.state.steps.moeys_review!.assignments.filter((a) => a.active).map((a) => a.email)).toEqual([
      'r1@moeys.gov.kh',
      'r2@moeys.gov.kh',
      'r3@moeys.gov.kh',
      'admin@moeys.gov.kh',
    ]);
    expect(notifies(r.effects).map((n) => n.key)).toContain('moeys_review/escalation/1');
  });

  // Regression: an escalation that falls due while another people lookup is pending waits for the next tick.
  it('an escalation that falls due while another lookup is pending is not lost', () => {
    const p = policy([
      stage('internal', [
        step('a', { escalation: { after: { workingDays: 1 }, action: 'add', to: person('boss-a@rupp.edu.kh') } }),
        step('b', { escalation: { after: { workingDays: 2 }, action: 'add', to: person('boss-b@rupp.edu.kh') } }),
      ]),
    ]);
    let s = start(p).state;
    const ta = tick(s, s.steps.a!.escalateAt!);
    const reqA = ofType(ta.effects, 'resolveAssignees')[0]!.requestId;
    const tb = tick(ta.state, s.steps.b!.escalateAt!); // A's lookup still pending
    s = assigneesResolved(tb.state, reqA, { a: [{ email: 'boss-a@rupp.edu.kh' }] }, s.steps.b!.escalateAt!).state;
    const later = [...tb.effects, ...tick(s, s.steps.b!.escalateAt! + HOUR).effects];
    expect(ofType(later, 'resolveAssignees').flatMap((e) => e.steps.map((x) => x.stepId))).toEqual(['b']);
  });
});

describe('deadlines on the calendar', () => {
  const p = policy([stage('check', [step('iro', { deadline: { days: 30 }, escalation: { after: { days: 30, hours: 2 }, action: 'add', to: person('boss@rupp.edu.kh') } })])]);
  const opened = local(2026, 3, 15, 14); // Sunday 15 March 2026: 30 days later is Tuesday 14 April, Khmer New Year

  it('from calendar revision 2, a deadline or escalation in calendar days that lands on a holiday moves to the next working morning', () => {
    const s = start(p, { now: opened, calendar: 2 }).state;
    expect(s.calendar).toBe(2);
    expect(iso(s.steps.iro!.dueAt!)).toBe(iso(local(2026, 4, 17, 8))); // Fri 17 April, after 14–16
    expect(iso(s.steps.iro!.escalateAt!)).toBe(iso(local(2026, 4, 17, 8)));
    expect(nextWakeUp(s)).toBe(local(2026, 4, 17, 8));
  });

  it('a case without a calendar revision (started before them) keeps the times it always computed', () => {
    const s = start(p, { now: opened }).state;
    expect(s.calendar).toBeUndefined();
    expect(iso(s.steps.iro!.dueAt!)).toBe(iso(local(2026, 4, 14, 14)));
    expect(iso(s.steps.iro!.escalateAt!)).toBe(iso(local(2026, 4, 14, 16)));
  });
});

describe('nextWakeUp', () => {
  it('is the earliest reminder or escalation of the open steps, and null once the case is closed or sent back', () => {
    const p = policy([
      stage('internal', [
        step('a', { reminders: { every: { workingDays: 3 } }, sendBack: { to: ['submitter'] } }),
        step('b', { escalation: { after: { workingDays: 2 }, action: 'add', to: person('boss@rupp.edu.kh') } }),
        step('c'),
      ]),
    ]);
    const s = start(p).state;
    expect(nextWakeUp(s)).toBe(local(2026, 2, 4, 9)); // b's escalation (2 wd) before a's reminder (3 wd)
    const bDone = approve(s, 'b@rupp.edu.kh', 'b', T0).state;
    expect(nextWakeUp(bDone)).toBe(local(2026, 2, 5, 9));
    const back = act(s, user('a@rupp.edu.kh'), { type: 'sendBack', stepId: 'a', documentSha256: SHA1, to: 'submitter', comment: 'Fix' }, T0).state;
    expect(nextWakeUp(back)).toBeNull();
    const withdrawn = act(s, submitter(), { type: 'withdraw' }, T0).state;
    expect(nextWakeUp(withdrawn)).toBeNull();
    expect(tick(withdrawn, local(2026, 3, 1, 9))).toEqual({ state: withdrawn, effects: [] });
    const plain = start(policy([stage('x', [step('c')])])).state;
    expect(nextWakeUp(plain)).toBeNull();
  });
});
