// Activities do all the I/O of a case. They come from a factory that takes their clients, and workflows see only
// the type (`proxyActivities<Activities>`). Every activity is idempotent: keyed by the workflow id plus a stable
// event key, so Temporal's retries never duplicate a row, an email or a sealed PDF.
import type { Db } from '../lib/db/client.js';
import type { Logger } from '../lib/logger.js';
import { appendAuditEvents, type AuditInput } from './audit.js';
import { resolveAssigneeSpecs, type AssigneeSpec, type ResolvedPerson } from './assignees.js';
import type { Mailer } from './mailer.js';
import { sendNotifications, type LinkIssuer, type NotifyInput } from './notify.js';
import { progressReminder, type ProgressReminderInput, type ProgressReminderStatus } from './progress.js';
import { projectCase, recordTransition, type ProjectionInput } from './projection.js';
import { sealCaseDecision, type SealInput, type SealResult } from './seal.js';
import type { Sealer, SealThread } from './pdf/index.js';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  publicUrl: string;
  logger?: Logger;
  /** The sealing key, parsed once per process. */
  sealer: Sealer;
  /** Renders and seals off the event loop (the same certificate as `sealer`); without it, sealing runs inline. */
  sealThread?: SealThread;
  issueLink?: LinkIssuer;
  /** Revokes the unused decision links of a step (all recipients, or the given ones). */
  revokeLinks?: (args: { caseId: string; stepId: string; emails?: string[] }) => Promise<number>;
}

export const createActivities = (deps: ActivityDeps) => ({
  async resolveAssignees(args: {
    caseId: string;
    institution: string;
    fields: Record<string, unknown>;
    steps: { stepId: string; assignees: AssigneeSpec[] }[];
  }): Promise<Record<string, ResolvedPerson[]>> {
    const out: Record<string, ResolvedPerson[]> = {};
    for (const s of args.steps) out[s.stepId] = await resolveAssigneeSpecs(deps.db, args, s.assignees);
    return out;
  },

  async notify(n: NotifyInput): Promise<{ sent: number; duplicates: number }> {
    return sendNotifications(deps, n);
  },

  async project(p: ProjectionInput): Promise<{ applied: boolean }> {
    return projectCase(deps.db, p);
  },

  /** Appends audit events in order; each is keyed, so a retried batch appends only what is missing. */
  async audit(events: AuditInput[]): Promise<{ appended: number }> {
    return appendAuditEvents(deps.db, events);
  },

  async record(r: { audit: AuditInput[]; projection: ProjectionInput }): Promise<{ appended: number; applied: boolean }> {
    return recordTransition(deps.db, r);
  },

  async sealDecision(input: SealInput): Promise<SealResult> {
    return sealCaseDecision(deps, input);
  },

  async revokeLinks(args: { caseId: string; stepId: string; emails?: string[] }): Promise<{ revoked: number }> {
    if (!deps.revokeLinks) return { revoked: 0 };
    return { revoked: await deps.revokeLinks(args) };
  },

  /** A due email of a signed-off strategy's progress schedule, unless the report came in or the strategy was superseded. */
  async progressReminder(args: ProgressReminderInput): Promise<{ status: ProgressReminderStatus; sent: number }> {
    return progressReminder(deps, args);
  },
});

export type Activities = ReturnType<typeof createActivities>;
