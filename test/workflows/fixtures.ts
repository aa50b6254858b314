// Shared pieces of the workflow tests: a small directory of people, recording activity fakes (the activities are
// not the subject here: the real ones are tested against the database elsewhere), and policy builders.
import type { Activities } from '../../activities/index.js';
import type { AssigneeSpec } from '../../activities/assignees.js';
import type { NotifyInput } from '../../activities/notify.js';
import type { Policy } from '../../domain/routing/policy.js';
import { CALENDAR_REVISION } from '../../domain/time/holidays.js';
import { APPROVAL_ENGINE_VERSION, type ApprovalInput } from '../../workflows/approval/messages.js';
import type { Actor, EngineState } from '../../domain/approval/index.js';

export const directory: Record<string, { email: string; name: string }[]> = {
  'iro@RUPP': [{ email: 'iro@rupp.kh', name: 'IRO RUPP' }],
  'leadership@RUPP': [{ email: 'rector@rupp.kh', name: 'Rector RUPP' }],
  'admin@RUPP': [{ email: 'admin@rupp.kh', name: 'Admin RUPP' }],
  'moeys_reviewer@MOEYS': [
    { email: 'r1@moeys.kh', name: 'Reviewer 1' },
    { email: 'r2@moeys.kh', name: 'Reviewer 2' },
    { email: 'r3@moeys.kh', name: 'Reviewer 3' },
  ],
  'admin@MOEYS': [{ email: 'director@moeys.kh', name: 'MoEYS Director' }],
};

export interface Recorder {
  notifications: NotifyInput[];
  projections: number;
  audits: { type: string; idempotencyKey: string }[];
  revoked: { stepId: string; emails?: string[] }[];
  /** Each seal with the audit event types stored when it was sealed (what the PDF lists). */
  sealed: { caseId: string; outcome: string; documentSha256: string; voidEvents?: number[]; auditedBefore: string[] }[];
  progress: { strategyCaseId: string; point: string; n: number }[];
  /** The activities in the order they ran (resolveAssignees, notify, record). */
  calls: string[];
  /** What the workflow announced through its sink (CaseSinks): case id and state version, in order. */
  changes: { caseId: string; version: string }[];
  /** The states announced with those versions (the sink's third argument). */
  announced: { version: string; state: EngineState }[];
  /** Set by a test: a notification waits for it before it is recorded (an email still going out). */
  holdNotify?: (n: NotifyInput) => Promise<void>;
}

export function fakeActivities(rec: Recorder): Activities {
  const resolve = (institution: string, fields: Record<string, unknown>, a: AssigneeSpec) => {
    if (a.kind === 'role') {
      const inst = a.institution === 'case' ? institution : a.institution === 'moeys' ? 'MOEYS' : a.institution;
      return directory[`${a.role}@${inst}`] ?? [];
    }
    if (a.kind === 'person') return [{ email: a.email }];
    const email = a.email ?? (a.emailField ? String((fields as Record<string, Record<string, unknown>>)[a.emailField.split('.')[0]!]?.[a.emailField.split('.')[1]!] ?? '') : '');
    return email ? [{ email, name: a.name }] : [];
  };
  return {
    async resolveAssignees(args) {
      rec.calls.push('resolveAssignees');
      return Object.fromEntries(args.steps.map((s) => [s.stepId, s.assignees.flatMap((a) => resolve(args.institution, args.fields, a))]));
    },
    async notify(n) {
      await rec.holdNotify?.(n);
      rec.calls.push('notify');
      rec.notifications.push(n);
      return { sent: n.recipients.length, duplicates: 0 };
    },
    async project() {
      rec.projections++;
      return { applied: true };
    },
    async audit(events) {
      for (const e of events) if (!rec.audits.some((a) => a.idempotencyKey === e.idempotencyKey)) rec.audits.push({ type: e.type, idempotencyKey: e.idempotencyKey });
      return { appended: events.length };
    },
    async record({ audit }) {
      rec.calls.push('record');
      rec.projections++;
      for (const e of audit) if (!rec.audits.some((a) => a.idempotencyKey === e.idempotencyKey)) rec.audits.push({ type: e.type, idempotencyKey: e.idempotencyKey });
      return { appended: audit.length, applied: true };
    },
    async sealDecision(args) {
      rec.sealed.push({ ...args, auditedBefore: rec.audits.map((a) => a.type) });
      return { sealedId: `sealed-${args.caseId}`, sha256: 'f'.repeat(64), created: true };
    },
    async revokeLinks(args) {
      rec.revoked.push({ stepId: args.stepId, emails: args.emails });
      return { revoked: 0 };
    },
    async progressReminder(args) {
      rec.progress.push({ strategyCaseId: args.strategyCaseId, point: args.point, n: args.n });
      return { status: 'reminded', sent: 1 };
    },
  } as Activities;
}

export const newRecorder = (): Recorder => ({ notifications: [], projections: 0, audits: [], revoked: [], sealed: [], progress: [], calls: [], changes: [], announced: [] });

/** A notification held until `release` (its email still going out), and one that says when it is being held. */
export function heldNotification(match: (n: NotifyInput) => boolean) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let holding!: () => void;
  const held = new Promise<void>((r) => (holding = r));
  return {
    held,
    release,
    hold: async (n: NotifyInput) => {
      if (!match(n)) return;
      holding();
      await released;
    },
  };
}

export const actor = (email: string, roles: Actor['roles'] = []): Actor => ({ email, via: 'api', roles });

const step = (id: string, over: Partial<Policy['stages'][number]['steps'][number]> = {}): Policy['stages'][number]['steps'][number] => ({
  id,
  name: id.replace(/_/g, ' '),
  assignees: [{ kind: 'role', role: 'iro', institution: 'case' }],
  mode: { type: 'any' },
  viaLink: false,
  linkExpiryDays: 14,
  actions: ['approve', 'reject'],
  ...over,
});

export const policies = {
  sequential: (): Policy => ({
    key: 'seq',
    processType: 'strategy',
    institution: null,
    version: 1,
    name: 'Sequential',
    stages: [
      { id: 'first', name: 'First', steps: [step('iro_check', { sendBack: { to: ['submitter'] } })] },
      { id: 'second', name: 'Second', steps: [step('endorse', { assignees: [{ kind: 'role', role: 'leadership', institution: 'case' }], sendBack: { to: ['submitter', 'first'] } })] },
    ],
  }),
  parallelConditional: (): Policy => ({
    key: 'par',
    processType: 'mou',
    institution: null,
    version: 1,
    name: 'Parallel and conditional',
    stages: [
      {
        id: 'reviews',
        name: 'Reviews',
        steps: [
          step('legal', { assignees: [{ kind: 'role', role: 'admin', institution: 'case' }] }),
          step('finance', { assignees: [{ kind: 'role', role: 'leadership', institution: 'case' }], condition: { field: 'budget.amount', op: 'gt', value: 50000 } }),
        ],
      },
      { id: 'partner', name: 'Partner', steps: [step('countersign', { assignees: [{ kind: 'external', emailField: 'partner.email' }], viaLink: true })] },
    ],
  }),
  quorum: (): Policy => ({
    key: 'quorum',
    processType: 'strategy',
    institution: null,
    version: 1,
    name: 'Quorum',
    stages: [
      {
        id: 'moeys',
        name: 'MoEYS review',
        steps: [step('review', { assignees: [{ kind: 'role', role: 'moeys_reviewer', institution: 'moeys' }], mode: { type: 'quorum', n: 2 }, viaLink: true })],
      },
      { id: 'signoff', name: 'Sign-off', steps: [step('signoff', { assignees: [{ kind: 'role', role: 'admin', institution: 'moeys' }] })] },
    ],
  }),
  timed: (): Policy => ({
    key: 'timed',
    processType: 'strategy',
    institution: null,
    version: 1,
    name: 'Timed',
    stages: [
      {
        id: 'review',
        name: 'Review',
        steps: [
          step('review', {
            deadline: { workingDays: 5 },
            reminders: { every: { workingDays: 1 } },
            escalation: { after: { workingDays: 5 }, action: 'add', to: { kind: 'role', role: 'admin', institution: 'moeys' } },
          }),
        ],
      },
    ],
  }),
};

export const input = (caseId: string, policy: Policy, fields: Record<string, unknown> = {}): ApprovalInput => ({
  caseId,
  type: policy.processType,
  institution: 'RUPP',
  title: `Case ${caseId}`,
  policy,
  fields,
  submitter: { email: 'rector@rupp.kh', name: 'Rector RUPP' },
  document: { sha256: 'a'.repeat(64), version: 1 },
  engineVersion: APPROVAL_ENGINE_VERSION,
  calendarRevision: CALENDAR_REVISION,
});
