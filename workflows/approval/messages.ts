// Messages of the approval workflow, defined once and imported by both the workflow and the API.
import { defineQuery, defineUpdate, type Sinks } from '@temporalio/workflow';
import type { Actor, Command, CommandResult, EngineState, CaseView } from '../../domain/approval/index.js';
import type { Policy } from '../../domain/routing/policy.js';
import type { CaseType } from '../../domain/case-types.js';

export type { CaseView, CommandResult };
export type EngineActor = Actor;
export type EngineCommand = Command;

export interface ApprovalInput {
  caseId: string;
  type: CaseType;
  institution: string;
  title: string;
  /** The policy snapshot the case runs on: a policy in use is never changed in place. */
  policy: Policy;
  fields: Record<string, unknown>;
  submitter: { id?: string; email: string; name?: string };
  document: { sha256: string; version: number };
  /** How the case was submitted (history shows it); absent in cases started before it existed. */
  submittedVia?: EngineActor['via'];
  /**
   * The workflow behaviour the case was started with (APPROVAL_ENGINE_VERSION when it was opened). From version 3
   * on, every behaviour that older runs gate behind `patched()` is on from the start, so new cases write no patch
   * markers (nor the search-attribute upsert that comes with each). Absent in cases started before it existed.
   */
  engineVersion?: number;
  /**
   * The revision of the holiday calendar the case computes deadlines and reminders with (CALENDAR_REVISION in
   * domain/time/holidays.ts when it was opened; absent: 1). Kept for the case's life, so replays compute the same.
   */
  calendarRevision?: number;
  /** Continue-as-new once history reaches this many events (default 8,000; tests set it low). */
  maxHistoryEvents?: number;
  /** Set by continue-as-new: the state carried over from the previous run. */
  carried?: CarriedState;
}

/** What new cases start with (api/cases/create-case.ts); raise it together with a new patch-free behaviour. */
export const APPROVAL_ENGINE_VERSION = 7;

export interface CarriedState {
  engine: EngineState;
  projectionSeq: number;
  auditedEvents: number;
  runs: number;
  /** The last update results by update id (oldest first), so that a repeated id gets its first result in any run. */
  answered?: [string, CommandResult][];
}

export interface CommandRequest {
  actor: Actor;
  command: Command;
  /**
   * Answer with the case as the actor sees it after the command (`state`, what the stateQuery gives them), so the
   * caller needs no Query after the Update. Left out when its JSON exceeds MAX_STATE_IN_ANSWER (the answer is
   * recorded in history): the caller asks the Query then. Absent in requests from before it existed.
   */
  withState?: boolean;
}

/** A command's answer: its result and, when asked for, the actor's view of the case after it. */
export type CommandAnswer = CommandResult & { state?: CaseView };

/** The largest view (bytes of JSON in UTF-8) an answer carries; every answer is kept in the case's history. */
export const MAX_STATE_IN_ANSWER = 32_768;

/**
 * Every decision is an Update, not a Signal: the caller needs the rejection (403/409/422) synchronously, and the
 * validator rejects it before anything is written to history. The update id is the idempotency key.
 */
export const commandUpdate = defineUpdate<CommandAnswer, [CommandRequest]>('command');

/** The full state, shaped for the viewer (what they may do now); read-only. */
export const stateQuery = defineQuery<CaseView, [Actor | undefined]>('state');

/**
 * What the workflow tells the worker's process outside history (a Temporal sink: no events, not called while
 * replaying): its state is now at `version`, and that state without its fields (no view shows them) — at the start
 * of each run, and after each change. The
 * API wakes the reads that wait for a change of that case, remembers the version, and shows the woken reads that
 * state without a Query (GET /cases/:id?changedSince=…, lib/case-changes.ts). The state is an immutable value (the
 * engine's transitions return new states), handed over as it was at the call.
 */
export interface CaseSinks extends Sinks {
  cases: { changed(caseId: string, version: string, state?: EngineState): void };
}
