// Messages of the progress-report schedule of a signed-off strategy, imported by the workflow, the approval
// workflow that starts it, and tests.
import { defineQuery } from '@temporalio/workflow';
import type { ReportPoint } from '../../domain/strategy/report-fields.js';
import type { Period } from '../../domain/strategy/progress.js';

/** Only ids and numbers: the schedule runs for years, its history must stay small. */
export interface ProgressInput {
  /** The signed-off strategy case. */
  caseId: string;
  institution: string;
  period: Period;
  /** The holiday calendar revision of the strategy case (see ApprovalInput.calendarRevision); absent: 1. */
  calendarRevision?: number;
  /** Continue-as-new once history reaches this many events (default 2,000; tests set it low). */
  maxHistoryEvents?: number;
  /** Set by continue-as-new. */
  carried?: { points: PointState[]; reminders: number; runs: number };
}

export interface PointState {
  point: ReportPoint;
  dueDate: string;
  /** When the next email for this point is due (epoch ms, Temporal's clock). */
  nextAt: number;
  /** 0 = the heads-up is next; n ≥ 1 = reminder n is next (1 = on the due date). */
  n: number;
  /** 'open' while the report is awaited; 'submitted' once it is. */
  status: 'open' | 'submitted';
}

export type ProgressOutcome = { caseId: string; ended: 'submitted' | 'superseded'; emails: number; runs: number };

/** Where each point of the schedule stands (read-only). */
export const progressStateQuery = defineQuery<{ points: PointState[]; emails: number }>('progressState');

export const progressWorkflowId = (strategyCaseId: string) => `${strategyCaseId}/progress`;
