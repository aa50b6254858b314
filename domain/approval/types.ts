// Types of the approval engine. Everything here is plain JSON so that the state can be carried through
// continue-as-new and shown by a Query.
import type { AssigneeSpec, Policy } from '../routing/policy.js';

export interface Person {
  id?: string;
  email: string;
  name?: string;
}

export interface Actor {
  personId?: string;
  email: string;
  name?: string;
  via: 'api' | 'web' | 'link';
  roles: { role: string; institution: string }[];
  /** For link actors: the step the link is bound to (a link never acts elsewhere). */
  linkStepId?: string;
}

export type CaseStatus = 'in_progress' | 'sent_back' | 'approved' | 'rejected' | 'withdrawn';
export type StepStatus = 'pending' | 'resolving' | 'open' | 'approved' | 'rejected' | 'skipped' | 'sent_back' | 'closed';

export interface Assignment {
  email: string;
  name?: string;
  id?: string;
  source: 'policy' | 'escalation' | 'delegation' | 'reassignment';
  /** Emails this assignment was delegated from, oldest first. */
  delegatedFrom?: string[];
  active: boolean;
}

export interface Vote {
  email: string;
  at: number;
  documentSha256: string;
  comment?: string;
  scores?: Record<string, number>;
}

export interface StepState {
  id: string;
  stageIndex: number;
  status: StepStatus;
  /** Increments each time the step opens, so that email keys of a reopened step differ. */
  round: number;
  assignments: Assignment[];
  approvals: Vote[];
  openedAt?: number;
  dueAt?: number;
  escalateAt?: number;
  escalated?: boolean;
  nextReminderAt?: number;
  remindersSent: number;
}

export type HistoryType =
  | 'submitted'
  | 'step_opened'
  | 'step_skipped'
  | 'approved'
  | 'rejected'
  | 'sent_back'
  | 'delegated'
  | 'reassigned'
  | 'withdrawn'
  | 'resubmitted'
  | 'reminded'
  | 'escalated'
  | 'step_completed'
  | 'completed';

export interface HistoryEntry {
  type: HistoryType;
  at: number;
  actor?: string;
  via?: Actor['via'] | 'system';
  stepId?: string;
  documentSha256?: string;
  documentVersion?: number;
  comment?: string;
  scores?: Record<string, number>;
  reasonCode?: string;
  to?: string;
  /** Approvals given to a version that was later replaced (or to a stage that was reopened). */
  void?: boolean;
  detail?: string;
}

export interface EngineState {
  v: 1;
  caseId: string;
  institution: string;
  policy: Policy;
  submitter: Person;
  fields: Record<string, unknown>;
  document: { sha256: string; version: number };
  status: CaseStatus;
  stageIndex: number;
  steps: Record<string, StepState>;
  /** Resubmissions so far. */
  round: number;
  history: HistoryEntry[];
  pending?: { requestId: string; purpose: 'open' | 'escalation'; stepIds: string[] };
  seq: number;
  participants: string[];
  /** The calendar revision (domain/time/holidays.ts) the case computes deadlines and reminders with; absent: 1. */
  calendar?: number;
}

export type Command =
  | { type: 'approve'; stepId: string; documentSha256: string; comment?: string; scores?: Record<string, number> }
  | { type: 'reject'; stepId: string; documentSha256: string; comment: string; reasonCode?: string }
  | { type: 'sendBack'; stepId: string; documentSha256: string; to: string; comment: string }
  | { type: 'delegate'; stepId: string; to: Person; comment?: string }
  /** Without `from`: adds `to` to a step that has too few people left to decide it (nobody found, a quorum short). */
  | { type: 'reassign'; stepId: string; from?: string; to: Person; comment?: string }
  | { type: 'withdraw'; comment?: string }
  | { type: 'resubmit'; document: { sha256: string; version: number }; fields?: Record<string, unknown>; comment?: string };

export type CommandType = Command['type'];

export interface EngineError {
  code: 'forbidden' | 'conflict' | 'invalid' | 'not_found' | 'stale_version' | 'case_closed';
  message: string;
  path?: string;
  issues?: { path: string; message: string }[];
}

export interface CommandResult {
  ok: true;
  command: CommandType;
  status: CaseStatus;
  stepStatus?: StepStatus;
  historyIndex: number;
}

export type NotifyKind = 'task' | 'reminder' | 'escalation' | 'sent_back' | 'outcome' | 'delegated' | 'withdrawn';

export type Effect =
  | { type: 'resolveAssignees'; requestId: string; steps: { stepId: string; assignees: AssigneeSpec[] }[] }
  | {
      type: 'notify';
      kind: NotifyKind;
      key: string;
      stepId?: string;
      stepName?: string;
      recipients: Person[];
      detail?: string;
      link?: { actions: string[]; expiryDays: number };
      dueAt?: string | null;
    }
  | { type: 'revokeLinks'; stepId: string; emails?: string[]; reason?: 'rejected' }
  | { type: 'seal'; outcome: 'approved' | 'rejected'; at: number; document: { sha256: string; version: number } }
  | { type: 'completed'; outcome: 'approved' | 'rejected' | 'withdrawn' };

export interface StepView {
  id: string;
  name: string;
  stageId: string;
  status: StepStatus;
  mode: Policy['stages'][number]['steps'][number]['mode'];
  viaLink: boolean;
  assignees: { email: string; name?: string; active: boolean; source: Assignment['source']; delegatedFrom?: string[]; decided: boolean }[];
  approvals: number;
  needed: number;
  openedAt: string | null;
  dueAt: string | null;
  rubric?: { criteria: { id: string; label: string; min: number; max: number }[] };
  sendBackTo: string[];
}

export interface CaseView {
  caseId: string;
  status: CaseStatus;
  institution: string;
  policy: { key: string; version: number; name: string };
  document: { sha256: string; version: number };
  submitter: Person;
  currentStage: { id: string; name: string; index: number } | null;
  stages: { id: string; name: string; status: 'done' | 'current' | 'waiting' | 'skipped'; steps: StepView[] }[];
  history: (Omit<HistoryEntry, 'at'> & { at: string })[];
  dueAt: string | null;
  /** What the viewer may do now (empty without a viewer). */
  allowed: { stepId?: string; actions: string[] }[];
  /**
   * The case's state version, the same for every viewer: it changes whenever the state does (the workflow sets it;
   * absent from workers older than it). A read can wait for it to change (GET /cases/:id?changedSince=).
   */
  version?: string;
}

export interface Summary {
  status: CaseStatus;
  currentStage: { id: string; name: string } | null;
  openSteps: { id: string; name: string; assignees: string[]; dueAt: number | null }[];
  openAssignees: string[];
  participants: string[];
  dueAt: number | null;
  documentVersion: number;
}
