// The approval engine: a pure, deterministic state machine over a policy snapshot. The workflow feeds it
// commands (from Updates), resolved assignees (from an activity) and the time (Temporal's clock), and runs the
// effects it returns. No I/O, no clock, no randomness: every function takes `now` and returns a new state.
import { evaluateCondition, fieldValue } from '../routing/evaluate.js';
import { emailDomain, mailbox } from '../email.js';
import type { Policy, Step } from '../routing/policy.js';
import { addDuration, calendarAt, nextWorkingTime } from '../time/calendar.js';
import type {
  Actor,
  Assignment,
  CaseView,
  Command,
  CommandResult,
  Effect,
  EngineError,
  EngineState,
  HistoryEntry,
  Person,
  StepState,
  StepView,
  Summary,
} from './types.js';

const NETWORK_INSTITUTION = 'MOEYS';
const lower = (e: string) => e.trim().toLowerCase();
const iso = (ms: number | undefined | null) => (ms === undefined || ms === null ? null : new Date(ms).toISOString());
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export interface Transition {
  state: EngineState;
  effects: Effect[];
}

// ---------------------------------------------------------------------------------------------- lookups

export function stepDef(policy: Policy, stepId: string): { step: Step; stageIndex: number } | undefined {
  for (let i = 0; i < policy.stages.length; i++) {
    const step = policy.stages[i]!.steps.find((s) => s.id === stepId);
    if (step) return { step, stageIndex: i };
  }
  return undefined;
}

const activeOf = (s: StepState) => s.assignments.filter((a) => a.active);
const hasVoted = (s: StepState, email: string) => s.approvals.some((v) => lower(v.email) === lower(email));
const isAssignee = (s: StepState, email: string) => activeOf(s).some((a) => lower(a.email) === lower(email));

/** Approvals a step needs: any → 1, all → every active assignee, quorum → n. */
export function needed(step: Step, s: StepState): number {
  if (step.mode.type === 'any') return 1;
  if (step.mode.type === 'quorum') return step.mode.n;
  return Math.max(1, activeOf(s).length);
}

/** Too few people left to decide an open step: its undecided active assignees cannot bring the approvals it needs. */
function isShort(state: EngineState, s: StepState): boolean {
  const def = stepDef(state.policy, s.id)!.step;
  const undecided = activeOf(s).filter((a) => !hasVoted(s, a.email)).length;
  return activeOf(s).length === 0 || s.approvals.length + undecided < needed(def, s);
}

const isNetworkAdmin = (actor: Actor) => actor.via !== 'link' && actor.roles.some((r) => r.role === 'admin' && r.institution === NETWORK_INSTITUTION);


/**
 * An institution's administrator handing a partner's step (external assignees) to someone: never to themselves,
 * and, where the policy found the partner's address, only to another address at the partner (the countersignature
 * is the partner's, not the institution's). With no partner address found, the administrator names one.
 */
function partnerHandOver(state: EngineState, s: StepState, actor: Actor, to: string): EngineError | null {
  if (!stepDef(state.policy, s.id)!.step.assignees.some((a) => a.kind === 'external')) return null;
  if (mailbox(to) === mailbox(actor.email)) return err('invalid', "An administrator cannot take a partner's step themselves.", 'to.email');
  const partnerDomains = [...new Set(s.assignments.filter((a) => a.source === 'policy').map((a) => emailDomain(a.email)))];
  if (partnerDomains.length && !partnerDomains.includes(emailDomain(to))) {
    return err('invalid', `A partner's step goes to another address at the partner (${partnerDomains.join(', ')}); a MoEYS administrator may hand it elsewhere.`, 'to.email');
  }
  return null;
}

/**
 * Whether an administrator may reassign (or add to) a step: a MoEYS administrator any step; an administrator of the
 * case's institution only the institution's own — its roles, its partners (external parties), and the people its
 * own policy names — never the ministry's review or another institution's step.
 */
function mayReassign(state: EngineState, actor: Actor, stepId: string): boolean {
  if (!isCaseAdmin(state, actor)) return false;
  if (isNetworkAdmin(actor)) return true;
  const ownPolicy = state.policy.institution === state.institution;
  return stepDef(state.policy, stepId)!.step.assignees.every((a) =>
    a.kind === 'role' ? a.institution === 'case' || a.institution === state.institution : a.kind === 'external' || ownPolicy,
  );
}

const isSubmitter = (state: EngineState, actor: Actor) => lower(actor.email) === lower(state.submitter.email);
const isCaseAdmin = (state: EngineState, actor: Actor) =>
  isNetworkAdmin(actor) || (actor.via !== 'link' && actor.roles.some((r) => r.role === 'admin' && r.institution === state.institution));

// ---------------------------------------------------------------------------------------------- creation

export function createCase(args: {
  caseId: string;
  policy: Policy;
  fields: Record<string, unknown>;
  submitter: Person;
  institution: string;
  document: { sha256: string; version: number };
  now: number;
  /** How the submitter came: the API (default, and for cases recorded before this field) or a signed-in page. */
  via?: Actor['via'];
  /** The calendar revision to compute time with (domain/time/holidays.ts); absent: 1. */
  calendar?: number;
}): Transition {
  const state: EngineState = {
    v: 1,
    caseId: args.caseId,
    institution: args.institution,
    policy: args.policy,
    submitter: args.submitter,
    fields: args.fields,
    document: args.document,
    status: 'in_progress',
    stageIndex: 0,
    steps: {},
    round: 0,
    history: [],
    seq: 0,
    participants: [lower(args.submitter.email)],
    ...(args.calendar && args.calendar > 1 ? { calendar: args.calendar } : {}),
  };
  resetSteps(state);
  state.history.push({ type: 'submitted', at: args.now, actor: args.submitter.email, via: args.via ?? 'api', documentSha256: args.document.sha256, documentVersion: args.document.version });
  const effects: Effect[] = [];
  openStage(state, 0, args.now, effects);
  return { state, effects };
}

function resetSteps(state: EngineState, fromStage = 0): void {
  state.policy.stages.forEach((stage, stageIndex) => {
    if (stageIndex < fromStage) return;
    for (const step of stage.steps) {
      const prev = state.steps[step.id];
      state.steps[step.id] = { id: step.id, stageIndex, status: 'pending', round: prev?.round ?? 0, assignments: [], approvals: [], remindersSent: 0 };
    }
  });
}

function openStage(state: EngineState, index: number, now: number, effects: Effect[]): void {
  const stages = state.policy.stages;
  for (let i = index; i < stages.length; i++) {
    state.stageIndex = i;
    const toResolve: Step[] = [];
    for (const step of stages[i]!.steps) {
      const s = state.steps[step.id]!;
      if (step.condition && !evaluateCondition(step.condition, state.fields)) {
        s.status = 'skipped';
        state.history.push({ type: 'step_skipped', at: now, stepId: step.id, via: 'system', detail: 'condition not met' });
      } else {
        s.status = 'resolving';
        toResolve.push(step);
      }
    }
    if (toResolve.length) {
      const requestId = `r${++state.seq}`;
      state.pending = { requestId, purpose: 'open', stepIds: toResolve.map((s) => s.id) };
      effects.push({ type: 'resolveAssignees', requestId, steps: toResolve.map((s) => ({ stepId: s.id, assignees: s.assignees })) });
      return;
    }
  }
  complete(state, 'approved', now, effects);
}

/** The workflow ran the people lookup it was asked for: open the steps (or apply the escalation). */
export function assigneesResolved(state0: EngineState, requestId: string, resolved: Record<string, Person[]>, now: number): Transition {
  const state = clone(state0);
  const effects: Effect[] = [];
  const pending = state.pending;
  if (!pending || pending.requestId !== requestId || state.status !== 'in_progress') return { state: state0, effects };
  state.pending = undefined;
  for (const stepId of pending.stepIds) {
    const def = stepDef(state.policy, stepId)!;
    const s = state.steps[stepId]!;
    const people = dedupe(resolved[stepId] ?? []);
    if (pending.purpose === 'open') {
      s.status = 'open';
      s.round += 1;
      s.openedAt = now;
      s.assignments = people.map((p) => ({ email: p.email, name: p.name, id: p.id, source: 'policy' as const, active: true }));
      s.approvals = [];
      s.remindersSent = 0;
      s.escalated = false;
      const cal = calendarAt(state.calendar);
      // From calendar revision 2 a deadline or escalation in calendar days never lands on a weekend or holiday.
      const onWorkingTime = (t: number) => (state.calendar ?? 1) >= 2 ? nextWorkingTime(t, cal) : t;
      s.dueAt = def.step.deadline ? onWorkingTime(addDuration(now, def.step.deadline, cal)) : undefined;
      s.escalateAt = def.step.escalation ? onWorkingTime(addDuration(now, def.step.escalation.after, cal)) : undefined;
      s.nextReminderAt = def.step.reminders ? nextWorkingTime(addDuration(now, def.step.reminders.every, cal), cal) : undefined;
      state.history.push({ type: 'step_opened', at: now, stepId, via: 'system', detail: people.map((p) => p.email).join(', ') || 'no assignee found' });
      addParticipants(state, people);
      effects.push(notifyStep(state, def.step, s, 'task', people, `${stepId}/task/${s.round}`));
    } else {
      const esc = def.step.escalation!;
      if (s.status !== 'open') continue;
      if (esc.action === 'handover') for (const a of s.assignments) a.active = false;
      for (const p of people) {
        const existing = s.assignments.find((a) => lower(a.email) === lower(p.email));
        if (existing) existing.active = true;
        else s.assignments.push({ email: p.email, name: p.name, id: p.id, source: 'escalation', active: true });
      }
      if (esc.action === 'handover') effects.push({ type: 'revokeLinks', stepId, emails: s.assignments.filter((a) => !a.active).map((a) => a.email) });
      state.history.push({ type: 'escalated', at: now, stepId, via: 'system', detail: `${esc.action}: ${people.map((p) => p.email).join(', ') || 'no one found'}` });
      addParticipants(state, people);
      effects.push(notifyStep(state, def.step, s, 'escalation', people, `${stepId}/escalation/${s.round}`));
    }
  }
  return { state, effects };
}

function dedupe(people: Person[]): Person[] {
  const seen = new Map<string, Person>();
  for (const p of people) if (!seen.has(lower(p.email))) seen.set(lower(p.email), p);
  return [...seen.values()];
}

function addParticipants(state: EngineState, people: Person[]): void {
  for (const p of people) if (!state.participants.includes(lower(p.email))) state.participants.push(lower(p.email));
}

function notifyStep(state: EngineState, step: Step, s: StepState, kind: 'task' | 'reminder' | 'escalation' | 'delegated', recipients: Person[], key: string): Effect {
  return {
    type: 'notify',
    kind,
    key,
    stepId: step.id,
    stepName: step.name,
    recipients,
    link: step.viaLink ? { actions: linkActions(step), expiryDays: step.linkExpiryDays } : undefined,
    dueAt: iso(s.dueAt),
  };
}

function linkActions(step: Step): string[] {
  return [...step.actions, ...(step.sendBack ? ['send_back'] : []), 'delegate'];
}

function complete(state: EngineState, outcome: 'approved' | 'rejected' | 'withdrawn', now: number, effects: Effect[], actor?: string): void {
  state.status = outcome;
  state.pending = undefined;
  for (const s of Object.values(state.steps)) {
    if (s.status === 'open' || s.status === 'resolving' || s.status === 'pending') {
      if (s.status === 'open') effects.push({ type: 'revokeLinks', stepId: s.id });
      s.status = 'closed';
    }
  }
  state.history.push({ type: 'completed', at: now, via: 'system', detail: outcome, actor, documentSha256: state.document.sha256 });
  // A final decision is sealed (signed PDF) before its outcome is announced, so the email can point at it.
  if (outcome !== 'withdrawn') effects.push({ type: 'seal', outcome, at: now, document: state.document });
  effects.push({ type: 'notify', kind: outcome === 'withdrawn' ? 'withdrawn' : 'outcome', key: `outcome/${outcome}`, recipients: [state.submitter], detail: `Outcome: ${outcome}.` });
  effects.push({ type: 'completed', outcome });
}

// ---------------------------------------------------------------------------------------------- commands

const err = (code: EngineError['code'], message: string, path?: string): EngineError => ({ code, message, ...(path ? { path } : {}) });

/** Why `actor` may not run `command` now, or null. Pure: the workflow's Update validator. */
export function validateCommand(state: EngineState, actor: Actor, command: Command): EngineError | null {
  if (state.status === 'approved' || state.status === 'rejected' || state.status === 'withdrawn') {
    return err('case_closed', `This case is closed (${state.status}).`);
  }
  switch (command.type) {
    case 'withdraw':
      if (!isSubmitter(state, actor)) return err('forbidden', 'Only the submitter may withdraw the case.');
      return null;
    case 'resubmit':
      if (!isSubmitter(state, actor)) return err('forbidden', 'Only the submitter may resubmit the case.');
      if (state.status !== 'sent_back') return err('conflict', 'The case has not been sent back to the submitter.');
      if (command.document.sha256 === state.document.sha256) return err('conflict', 'This version is the one already under review: change the document or the fields.', 'document');
      if (command.document.version <= state.document.version) return err('conflict', `Version ${command.document.version} is not newer than ${state.document.version}.`, 'document.version');
      return null;
    case 'reassign': {
      if (!isCaseAdmin(state, actor)) return err('forbidden', "Only an administrator of the case's institution may reassign a step.");
      const s = openStep(state, command.stepId);
      if ('code' in s) return s;
      if (!mayReassign(state, actor, command.stepId)) return err('forbidden', "Only a MoEYS administrator may reassign a step that is not the institution's own.");
      if (mailbox(command.to.email) === mailbox(state.submitter.email)) return err('invalid', 'A step cannot be handed to the submitter of the case.', 'to.email');
      const partnerIssue = isNetworkAdmin(actor) ? null : partnerHandOver(state, s, actor, command.to.email);
      if (partnerIssue) return partnerIssue;
      if (command.from === undefined) {
        if (!isShort(state, s)) return err('conflict', 'The step has enough assignees to be decided: name the assignee to replace (from).', 'from');
      } else {
        if (!isAssignee(s, command.from)) return err('conflict', `${command.from} is not an assignee of this step.`, 'from');
        if (hasVoted(s, command.from)) return err('conflict', `${command.from} has already decided.`, 'from');
      }
      if (isAssignee(s, command.to.email)) return err('conflict', `${command.to.email} is already an assignee.`, 'to.email');
      return null;
    }
    default: {
      const s = openStep(state, command.stepId);
      if ('code' in s) return s;
      if (actor.linkStepId !== undefined && actor.linkStepId !== command.stepId) return err('forbidden', 'This link is for another step.');
      if (!isAssignee(s, actor.email)) return err('forbidden', 'You are not an assignee of this step.');
      if (hasVoted(s, actor.email)) return err('conflict', 'You have already decided on this step.');
      const def = stepDef(state.policy, command.stepId)!.step;
      if (command.type === 'delegate') {
        if (lower(command.to.email) === lower(actor.email)) return err('invalid', 'You cannot delegate to yourself.', 'to.email');
        if (mailbox(command.to.email) === mailbox(state.submitter.email)) return err('invalid', 'A step cannot be handed to the submitter of the case.', 'to.email');
        if (isAssignee(s, command.to.email)) return err('conflict', `${command.to.email} is already an assignee of this step.`, 'to.email');
        return null;
      }
      if (command.documentSha256 !== state.document.sha256) {
        return err('stale_version', `You are deciding on another version of the document: the current one is version ${state.document.version} (${state.document.sha256.slice(0, 12)}…).`, 'documentSha256');
      }
      if (command.type === 'approve') {
        if (!def.actions.includes('approve')) return err('forbidden', 'This step cannot be approved.');
        if (def.rubric) {
          const issues: { path: string; message: string }[] = [];
          for (const c of def.rubric.criteria) {
            const v = command.scores?.[c.id];
            if (v === undefined) issues.push({ path: `scores.${c.id}`, message: `score "${c.label}" (${c.min}–${c.max})` });
            else if (!Number.isInteger(v) || v < c.min || v > c.max) issues.push({ path: `scores.${c.id}`, message: `must be a whole number from ${c.min} to ${c.max}` });
          }
          for (const k of Object.keys(command.scores ?? {})) if (!def.rubric.criteria.some((c) => c.id === k)) issues.push({ path: `scores.${k}`, message: 'not a criterion of this rubric' });
          if (!command.comment?.trim()) issues.push({ path: 'comment', message: 'a review needs a comment' });
          if (issues.length) return { code: 'invalid', message: 'The review rubric is incomplete.', path: issues[0]!.path, issues };
        }
        return null;
      }
      if (command.type === 'reject') {
        if (!def.actions.includes('reject')) return err('forbidden', 'This step cannot reject the case.');
        if (!command.comment?.trim()) return err('invalid', 'Say why the case is rejected.', 'comment');
        return null;
      }
      // sendBack
      if (!def.sendBack) return err('forbidden', 'This step cannot send the case back.');
      if (!def.sendBack.to.includes(command.to)) return err('invalid', `This step sends back only to: ${def.sendBack.to.join(', ')}.`, 'to');
      if (!command.comment?.trim()) return err('invalid', 'Say what must change.', 'comment');
      return null;
    }
  }
}

function openStep(state: EngineState, stepId: string): StepState | EngineError {
  const s = state.steps[stepId];
  if (!s || !stepDef(state.policy, stepId)) return err('not_found', `No step ${stepId} in this case.`, 'stepId');
  if (state.status === 'sent_back') return err('conflict', 'The case is with its submitter for changes.');
  if (s.status !== 'open') return err('conflict', `The step "${stepId}" is not open (${s.status}).`, 'stepId');
  return s;
}

/** Applies a command that validateCommand accepted (it validates again and throws on a bug in the caller). */
export function applyCommand(state0: EngineState, actor: Actor, command: Command, now: number): Transition & { result: CommandResult } {
  const problem = validateCommand(state0, actor, command);
  if (problem) throw new Error(`${problem.code}: ${problem.message}`);
  const state = clone(state0);
  const effects: Effect[] = [];
  const entry = (e: Omit<HistoryEntry, 'at' | 'actor' | 'via'>) => state.history.push({ ...e, at: now, actor: actor.email, via: actor.via });
  let stepStatus: StepState['status'] | undefined;

  switch (command.type) {
    case 'approve': {
      const s = state.steps[command.stepId]!;
      const def = stepDef(state.policy, command.stepId)!.step;
      s.approvals.push({ email: actor.email, at: now, documentSha256: command.documentSha256, comment: command.comment, scores: command.scores });
      entry({ type: 'approved', stepId: s.id, documentSha256: command.documentSha256, documentVersion: state.document.version, comment: command.comment, scores: command.scores });
      if (s.approvals.length >= needed(def, s)) {
        s.status = 'approved';
        state.history.push({ type: 'step_completed', at: now, stepId: s.id, via: 'system' });
        effects.push({ type: 'revokeLinks', stepId: s.id });
        advanceIfStageDone(state, now, effects);
      } else {
        effects.push({ type: 'revokeLinks', stepId: s.id, emails: [actor.email] });
      }
      stepStatus = s.status;
      break;
    }
    case 'reject': {
      const s = state.steps[command.stepId]!;
      s.status = 'rejected';
      effects.push({ type: 'revokeLinks', stepId: s.id, reason: 'rejected' });
      entry({ type: 'rejected', stepId: s.id, documentSha256: command.documentSha256, documentVersion: state.document.version, comment: command.comment, reasonCode: command.reasonCode });
      stepStatus = 'rejected';
      complete(state, 'rejected', now, effects, actor.email);
      break;
    }
    case 'sendBack': {
      const s = state.steps[command.stepId]!;
      entry({ type: 'sent_back', stepId: s.id, documentSha256: command.documentSha256, documentVersion: state.document.version, comment: command.comment, to: command.to });
      if (command.to === 'submitter') {
        for (const st of Object.values(state.steps)) {
          if (st.status === 'open') effects.push({ type: 'revokeLinks', stepId: st.id });
          if (st.status === 'open' || st.status === 'resolving') st.status = 'sent_back';
        }
        state.pending = undefined;
        state.status = 'sent_back';
        effects.push({ type: 'notify', kind: 'sent_back', key: `sent_back/${state.round}/${state.history.length}`, recipients: [state.submitter], detail: command.comment });
      } else {
        const target = state.policy.stages.findIndex((st) => st.id === command.to);
        for (const st of Object.values(state.steps)) if (st.status === 'open') effects.push({ type: 'revokeLinks', stepId: st.id });
        voidApprovals(state, target);
        resetSteps(state, target);
        state.pending = undefined;
        openStage(state, target, now, effects);
      }
      stepStatus = 'sent_back';
      break;
    }
    case 'delegate': {
      const s = state.steps[command.stepId]!;
      const from = s.assignments.find((a) => a.active && lower(a.email) === lower(actor.email))!;
      from.active = false;
      const to: Assignment = { email: command.to.email, name: command.to.name, source: 'delegation', delegatedFrom: [...(from.delegatedFrom ?? []), from.email], active: true };
      s.assignments.push(to);
      entry({ type: 'delegated', stepId: s.id, to: command.to.email, comment: command.comment });
      addParticipants(state, [command.to]);
      effects.push({ type: 'revokeLinks', stepId: s.id, emails: [actor.email] });
      const def = stepDef(state.policy, s.id)!.step;
      effects.push(notifyStep(state, def, s, 'delegated', [command.to], assignmentKey(s, 'delegation', `${s.id}/delegated/${s.round}/${lower(command.to.email)}`, command.to.email)));
      stepStatus = s.status;
      break;
    }
    case 'reassign': {
      const s = state.steps[command.stepId]!;
      if (command.from === undefined) {
        // Nobody (or too few) to decide the step: the administrator adds someone.
        s.assignments.push({ email: command.to.email, name: command.to.name, source: 'reassignment', active: true });
        entry({ type: 'reassigned', stepId: s.id, to: command.to.email, detail: 'added: too few assignees to decide the step', comment: command.comment });
      } else {
        const from = s.assignments.find((a) => a.active && lower(a.email) === lower(command.from!))!;
        from.active = false;
        s.assignments.push({ email: command.to.email, name: command.to.name, source: 'reassignment', delegatedFrom: [...(from.delegatedFrom ?? []), from.email], active: true });
        entry({ type: 'reassigned', stepId: s.id, to: command.to.email, detail: `from ${command.from}`, comment: command.comment });
        effects.push({ type: 'revokeLinks', stepId: s.id, emails: [command.from] });
      }
      addParticipants(state, [command.to]);
      const def = stepDef(state.policy, s.id)!.step;
      effects.push(notifyStep(state, def, s, 'task', [command.to], assignmentKey(s, 'reassignment', `${s.id}/reassigned/${s.round}/${lower(command.to.email)}`, command.to.email)));
      stepStatus = s.status;
      break;
    }
    case 'withdraw': {
      entry({ type: 'withdrawn', comment: command.comment });
      const open = Object.values(state.steps).filter((s) => s.status === 'open');
      const people = dedupe(open.flatMap((s) => activeOf(s)));
      complete(state, 'withdrawn', now, effects, actor.email);
      if (people.length) effects.splice(effects.length - 1, 0, { type: 'notify', kind: 'withdrawn', key: 'withdrawn/assignees', recipients: people });
      break;
    }
    case 'resubmit': {
      state.round += 1;
      voidApprovals(state, 0);
      state.document = command.document;
      if (command.fields) state.fields = command.fields;
      entry({ type: 'resubmitted', documentSha256: command.document.sha256, documentVersion: command.document.version, comment: command.comment });
      state.status = 'in_progress';
      resetSteps(state, 0);
      openStage(state, 0, now, effects);
      break;
    }
  }
  const result: CommandResult = { ok: true, command: command.type, status: state.status, stepStatus, historyIndex: state.history.length - 1 };
  return { state, effects, result };
}

/** Marks the approvals of stages from `fromStage` on as void (kept in the history for the record). */
function voidApprovals(state: EngineState, fromStage: number): void {
  for (const h of state.history) {
    if (h.type !== 'approved' || h.void || !h.stepId) continue;
    const def = stepDef(state.policy, h.stepId);
    if (def && def.stageIndex >= fromStage) h.void = true;
  }
}

function advanceIfStageDone(state: EngineState, now: number, effects: Effect[]): void {
  const stage = state.policy.stages[state.stageIndex]!;
  const done = stage.steps.every((st) => ['approved', 'skipped'].includes(state.steps[st.id]!.status));
  if (done) openStage(state, state.stageIndex + 1, now, effects);
}

// ---------------------------------------------------------------------------------------------- time

/** The earliest moment something is due (a reminder or an escalation), or null. */
export function nextWakeUp(state: EngineState): number | null {
  if (state.status !== 'in_progress') return null;
  let next: number | null = null;
  const consider = (t: number | undefined) => {
    if (t !== undefined && (next === null || t < next)) next = t;
  };
  for (const s of Object.values(state.steps)) {
    if (s.status !== 'open') continue;
    const def = stepDef(state.policy, s.id)!.step;
    if (def.reminders && (def.reminders.max === undefined || s.remindersSent < def.reminders.max)) consider(s.nextReminderAt);
    if (def.escalation && !s.escalated) consider(s.escalateAt);
  }
  return next;
}

/**
 * The email key of a delegation or reassignment to `email` (just added to the step): the same person handed the
 * step a second time in a round (A→B, B→A, A→B) is a new email with a new link, so from the second time on the
 * key counts the times (the first keeps the key it always had).
 */
function assignmentKey(s: StepState, source: 'delegation' | 'reassignment', key: string, email: string): string {
  const times = s.assignments.filter((a) => a.source === source && lower(a.email) === lower(email)).length;
  return times > 1 ? `${key}/${times}` : key;
}

/** Fires every reminder and escalation due at `now`. */
export function tick(state0: EngineState, now: number): Transition {
  const state = clone(state0);
  const effects: Effect[] = [];
  if (state.status !== 'in_progress') return { state: state0, effects };
  const escalateRole: { stepId: string; to: Step['assignees'][number] }[] = [];
  for (const s of Object.values(state.steps)) {
    if (s.status !== 'open') continue;
    const def = stepDef(state.policy, s.id)!.step;
    if (def.reminders && s.nextReminderAt !== undefined && s.nextReminderAt <= now && (def.reminders.max === undefined || s.remindersSent < def.reminders.max)) {
      const waiting = activeOf(s).filter((a) => !hasVoted(s, a.email));
      s.remindersSent += 1;
      const cal = calendarAt(state.calendar);
      s.nextReminderAt = nextWorkingTime(addDuration(now, def.reminders.every, cal), cal);
      state.history.push({ type: 'reminded', at: now, stepId: s.id, via: 'system', detail: `reminder ${s.remindersSent} to ${waiting.map((w) => w.email).join(', ')}` });
      if (waiting.length) effects.push(notifyStep(state, def, s, 'reminder', waiting, `${s.id}/reminder/${s.round}/${s.remindersSent}`));
    }
    // While another people lookup is pending, a due escalation waits for the next tick (it stays due).
    if (def.escalation && !s.escalated && s.escalateAt !== undefined && s.escalateAt <= now && !state.pending) {
      s.escalated = true;
      escalateRole.push({ stepId: s.id, to: def.escalation.to });
    }
  }
  if (escalateRole.length) {
    const requestId = `r${++state.seq}`;
    // Escalations resolve their people like a step opening.
    state.pending = { requestId, purpose: 'escalation', stepIds: escalateRole.map((e) => e.stepId) };
    effects.push({ type: 'resolveAssignees', requestId, steps: escalateRole.map((e) => ({ stepId: e.stepId, assignees: [e.to] })) });
  }
  return { state, effects };
}

// ---------------------------------------------------------------------------------------------- reading

export function allowedActions(state: EngineState, actor: Actor | undefined): { stepId?: string; actions: string[] }[] {
  if (!actor) return [];
  const out: { stepId?: string; actions: string[] }[] = [];
  for (const stage of state.policy.stages) {
    for (const step of stage.steps) {
      const actions: string[] = [];
      const probe = (c: Command, name: string) => {
        if (!validateCommand(state, actor, c)) actions.push(name);
      };
      const sha = state.document.sha256;
      probe({ type: 'approve', stepId: step.id, documentSha256: sha, comment: 'x', scores: Object.fromEntries((step.rubric?.criteria ?? []).map((c) => [c.id, c.min])) }, 'approve');
      probe({ type: 'reject', stepId: step.id, documentSha256: sha, comment: 'x' }, 'reject');
      if (step.sendBack) probe({ type: 'sendBack', stepId: step.id, documentSha256: sha, to: step.sendBack.to[0]!, comment: 'x' }, 'send_back');
      probe({ type: 'delegate', stepId: step.id, to: { email: 'probe@invalid.invalid' } }, 'delegate');
      const s = state.steps[step.id];
      if (s && s.status === 'open' && mayReassign(state, actor, step.id)) actions.push('reassign');
      if (actions.length) out.push({ stepId: step.id, actions });
    }
  }
  const caseLevel: string[] = [];
  if (!validateCommand(state, actor, { type: 'withdraw' })) caseLevel.push('withdraw');
  if (state.status === 'sent_back' && isSubmitter(state, actor)) caseLevel.push('resubmit');
  if (caseLevel.length) out.push({ actions: caseLevel });
  return out;
}

export function summary(state: EngineState): Summary {
  const open = Object.values(state.steps).filter((s) => s.status === 'open');
  const stage = state.status === 'in_progress' ? state.policy.stages[state.stageIndex] : undefined;
  const dues = open.map((s) => s.dueAt).filter((d): d is number => d !== undefined);
  const openAssignees = [...new Set(open.flatMap((s) => activeOf(s).filter((a) => !hasVoted(s, a.email)).map((a) => lower(a.email))))];
  if (state.status === 'sent_back') openAssignees.push(lower(state.submitter.email));
  return {
    status: state.status,
    currentStage: stage ? { id: stage.id, name: stage.name } : state.status === 'sent_back' ? { id: 'resubmission', name: 'Changes by the submitter' } : null,
    openSteps: open.map((s) => ({ id: s.id, name: stepDef(state.policy, s.id)!.step.name, assignees: activeOf(s).map((a) => a.email), dueAt: s.dueAt ?? null })),
    openAssignees,
    participants: [...state.participants],
    dueAt: dues.length ? Math.min(...dues) : null,
    documentVersion: state.document.version,
  };
}

export function view(state: EngineState, viewer?: Actor): CaseView {
  const sum = summary(state);
  return {
    caseId: state.caseId,
    status: state.status,
    institution: state.institution,
    policy: { key: state.policy.key, version: state.policy.version, name: state.policy.name },
    document: state.document,
    submitter: state.submitter,
    currentStage: sum.currentStage && state.status === 'in_progress' ? { ...sum.currentStage, index: state.stageIndex } : null,
    stages: state.policy.stages.map((stage, i) => {
      const steps: StepView[] = stage.steps.map((step) => {
        const s = state.steps[step.id]!;
        return {
          id: step.id,
          name: step.name,
          stageId: stage.id,
          status: s.status,
          mode: step.mode,
          viaLink: step.viaLink,
          assignees: s.assignments.map((a) => ({ email: a.email, name: a.name, active: a.active, source: a.source, delegatedFrom: a.delegatedFrom, decided: hasVoted(s, a.email) })),
          approvals: s.approvals.length,
          needed: needed(step, s),
          openedAt: iso(s.openedAt),
          dueAt: iso(s.dueAt),
          rubric: step.rubric,
          sendBackTo: step.sendBack?.to ?? [],
        };
      });
      const statuses = steps.map((s) => s.status);
      const status: CaseView['stages'][number]['status'] = statuses.every((s) => s === 'skipped')
        ? 'skipped'
        : statuses.every((s) => s === 'approved' || s === 'skipped')
          ? 'done'
          : i === state.stageIndex && state.status === 'in_progress'
            ? 'current'
            : 'waiting';
      return { id: stage.id, name: stage.name, status, steps };
    }),
    history: state.history.map((h) => ({ ...h, at: new Date(h.at).toISOString() })),
    dueAt: iso(sum.dueAt),
    allowed: allowedActions(state, viewer),
  };
}

export const currentFields = (state: EngineState): Record<string, unknown> => state.fields;

/**
 * The part of the case fields that these steps' assignees read (an external party's `emailField`), nested as in the
 * fields: the activity that resolves people gets what it needs, not the whole document.
 */
export function fieldsForAssignees(steps: { assignees: Step['assignees'] }[], fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { assignees } of steps) {
    for (const a of assignees) {
      if (a.kind !== 'external' || !a.emailField) continue;
      const value = fieldValue(fields, a.emailField);
      if (value === undefined) continue;
      const path = a.emailField.split('.');
      let at = out;
      for (const k of path.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
      at[path[path.length - 1]!] = value;
    }
  }
  return out;
}

/** History entries from `from` on, shaped for the audit log. */
export function auditEvents(state: EngineState, from: number): { type: string; actor?: string; at: number; payload: Record<string, unknown> }[] {
  return state.history.slice(from).map((h) => {
    const { type, actor, at, ...rest } = h;
    return { type, actor, at, payload: rest as Record<string, unknown> };
  });
}
