// Helpers for the unit tests of the pure approval engine: local-time instants, policy builders that go through the
// real schema (so defaults apply), a small directory standing in for the people lookup, and a driver that answers
// the engine's resolveAssignees requests the way the workflow does.
import {
  applyCommand,
  assigneesResolved,
  createCase,
  type Actor,
  type Command,
  type CommandResult,
  type Effect,
  type EngineState,
  type Person,
} from '../../domain/approval/index.js';
import { fieldValue } from '../../domain/routing/conditions.js';
import { parsePolicy, type AssigneeSpec, type Policy } from '../../domain/routing/policy.js';

const HOUR = 3_600_000;

/** An instant given as Phnom Penh local time (UTC+7, no daylight saving). */
export const local = (y: number, m: number, d: number, hh = 9, mm = 0): number => Date.UTC(y, m - 1, d, hh, mm) - 7 * HOUR;

/** Monday 2 February 2026, 09:00 local: a plain working week with no holiday in sight. */
export const T0 = local(2026, 2, 2, 9);

export const SHA1 = 'a'.repeat(64);
export const SHA2 = 'b'.repeat(64);
export const SHA3 = 'c'.repeat(64);

export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

// ------------------------------------------------------------------------------------------------ policies

type StepInput = Record<string, unknown> & { id: string };

export const person = (email: string): AssigneeSpec => ({ kind: 'person', email });

/** A step with one `person` assignee by default; override anything. */
export const step = (id: string, over: Record<string, unknown> = {}): StepInput => ({
  id,
  name: `Step ${id}`,
  assignees: [person(`${id}@rupp.edu.kh`)],
  ...over,
});

export const stage = (id: string, steps: StepInput[]) => ({ id, name: `Stage ${id}`, steps });

/** Parses through the real schema (defaults applied); a test policy that does not parse is a bug in the test. */
export function policy(stages: ReturnType<typeof stage>[], over: Record<string, unknown> = {}): Policy {
  const r = parsePolicy({ key: 'test-policy', processType: 'mou', version: 1, name: 'Test policy', stages, ...over });
  if (!r.ok) throw new Error(`test policy does not parse: ${JSON.stringify(r.issues)}`);
  return r.policy;
}

// ------------------------------------------------------------------------------------------------ people

export const SUBMITTER: Person = { email: 'Sokha.Chan@rupp.edu.kh', name: 'Sokha Chan' };
export const INSTITUTION = 'RUPP';

/** Who each role resolves to, by `role@INSTITUTION` (the ministry is MOEYS). */
export const directory: Record<string, Person[]> = {
  'iro@RUPP': [{ email: 'iro@rupp.edu.kh', name: 'IRO RUPP' }],
  'leadership@RUPP': [{ email: 'rector@rupp.edu.kh', name: 'Rector RUPP' }],
  'admin@RUPP': [{ email: 'admin@rupp.edu.kh', name: 'Admin RUPP' }],
  'faculty@RUPP': [{ email: 'dean@rupp.edu.kh', name: 'Dean RUPP' }],
  'moeys_reviewer@MOEYS': [
    { email: 'r1@moeys.gov.kh', name: 'Reviewer 1' },
    { email: 'r2@moeys.gov.kh', name: 'Reviewer 2' },
    { email: 'r3@moeys.gov.kh', name: 'Reviewer 3' },
  ],
  'leadership@MOEYS': [{ email: 'director@moeys.gov.kh', name: 'MoEYS Director' }],
  'admin@MOEYS': [{ email: 'admin@moeys.gov.kh', name: 'MoEYS Admin' }],
};

export function resolveSpec(spec: AssigneeSpec, state: EngineState, dir: Record<string, Person[]> = directory): Person[] {
  if (spec.kind === 'role') {
    const inst = spec.institution === 'case' ? state.institution : spec.institution === 'moeys' ? 'MOEYS' : spec.institution;
    return dir[`${spec.role}@${inst}`] ?? [];
  }
  if (spec.kind === 'person') return [{ email: spec.email }];
  const email = spec.email ?? (spec.emailField ? fieldValue(state.fields, spec.emailField) : undefined);
  return typeof email === 'string' ? [{ email, name: spec.name }] : [];
}

export const user = (email: string, roles: Actor['roles'] = []): Actor => ({ email, via: 'web', roles });
export const linkUser = (email: string, linkStepId: string): Actor => ({ email, via: 'link', roles: [], linkStepId });
export const submitter = (): Actor => user(SUBMITTER.email);

// ------------------------------------------------------------------------------------------------ driving

export interface Run {
  state: EngineState;
  /** Every effect produced, in order, including those of the resolutions the driver answered. */
  effects: Effect[];
}

/** Answers every resolveAssignees request in `effects` from the directory (as the workflow would), repeatedly. */
export function settle(state: EngineState, effects: Effect[], now: number, dir: Record<string, Person[]> = directory): Run {
  const all = [...effects];
  let s = state;
  for (let i = 0; i < all.length; i++) {
    const e = all[i]!;
    if (e.type !== 'resolveAssignees') continue;
    const resolved = Object.fromEntries(e.steps.map((st) => [st.stepId, st.assignees.flatMap((a) => resolveSpec(a, s, dir))]));
    const next = assigneesResolved(s, e.requestId, resolved, now);
    s = next.state;
    all.push(...next.effects);
  }
  return { state: s, effects: all };
}

export function start(
  p: Policy,
  opts: { fields?: Record<string, unknown>; now?: number; institution?: string; dir?: Record<string, Person[]>; caseId?: string; calendar?: number } = {},
): Run {
  const now = opts.now ?? T0;
  const created = createCase({
    caseId: opts.caseId ?? 'case-1',
    policy: p,
    fields: opts.fields ?? {},
    submitter: SUBMITTER,
    institution: opts.institution ?? INSTITUTION,
    document: { sha256: SHA1, version: 1 },
    now,
    calendar: opts.calendar,
  });
  return settle(created.state, created.effects, now, opts.dir);
}

export function act(state: EngineState, actor: Actor, command: Command, now: number, dir?: Record<string, Person[]>): Run & { result: CommandResult } {
  const applied = applyCommand(state, actor, command, now);
  return { ...settle(applied.state, applied.effects, now, dir), result: applied.result };
}

export const approve = (state: EngineState, email: string, stepId: string, now: number, extra: Partial<Extract<Command, { type: 'approve' }>> = {}) =>
  act(state, user(email), { type: 'approve', stepId, documentSha256: state.document.sha256, ...extra }, now);

export const reject = (state: EngineState, email: string, stepId: string, now: number, comment = 'Not acceptable as it stands.') =>
  act(state, user(email), { type: 'reject', stepId, documentSha256: state.document.sha256, comment }, now);

export const ofType = <K extends Effect['type']>(effects: Effect[], type: K): Extract<Effect, { type: K }>[] =>
  effects.filter((e): e is Extract<Effect, { type: K }> => e.type === type);

export const notifies = (effects: Effect[]) => ofType(effects, 'notify');

export const statuses = (state: EngineState): Record<string, string> => Object.fromEntries(Object.values(state.steps).map((s) => [s.id, s.status]));

export const emails = (people: { email: string }[]) => people.map((p) => p.email);

export const DAY = 24 * HOUR;
export { HOUR };
