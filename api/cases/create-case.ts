// Opens a case: the DB row and its first document version in one transaction, then the workflow (id = case id)
// on the policy in force for the process type and institution, snapshotted into the workflow's input.
// If the workflow cannot be started the rows are removed again: no half-open case is left behind.
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { z } from 'zod';
import { utcTimestamp, type Db } from '../../lib/db/client.js';
import { AppError, isUniqueViolation } from '../../lib/errors.js';
import type { Identity } from '../../lib/identity.js';
import { canCreateCase } from '../../lib/authz.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { sha256Hex } from '../../lib/crypto.js';
import { approvalWorkflow } from '../../workflows/approval/workflow.js';
import { APPROVAL_ENGINE_VERSION, type ApprovalInput } from '../../workflows/approval/messages.js';
import { CALENDAR_REVISION } from '../../domain/time/holidays.js';
import { findPolicyInForce, findPolicyVersion } from '../policies/find-policy.js';
import type { Policy } from '../../domain/routing/policy.js';
import type { CaseType } from '../../domain/case-types.js';
import { TITLE_MAX, type createCaseBody } from './schemas.js';
import { decodePdf } from './documents.js';
import { validateCaseFields } from './case-fields.js';
import { checkStrategyReport } from './strategy-report.js';
import type { StrategyReportFields } from '../../domain/strategy/report-fields.js';

export interface CreateCaseOptions {
  db: Db;
  temporal: Client;
  taskQueue: string;
  identity: Identity;
  input: z.infer<typeof createCaseBody>;
  /** Optional client-chosen key: the same key returns the case created the first time. */
  idempotencyKey?: string;
  /**
   * Ask for eager workflow start (the client must be on a NativeConnection, as lib/temporal.ts makes it): when a
   * worker polling `taskQueue` shares that connection (one process, lib/runtime.ts), the workflow's first task is
   * handed to it in the start's answer instead of waiting on the server for a poll; otherwise the start is as usual.
   */
  eagerStart?: boolean;
  /** Told the case's id just before its workflow starts (a caller listening for its first state). */
  beforeStart?: (caseId: string) => void;
}

export async function createCase(opts: CreateCaseOptions): Promise<{ created: boolean; caseId: string; eagerlyStarted?: boolean }> {
  const { db, identity, input } = opts;
  // The pages' forms reach here without the JSON schema's limit on the title.
  if (input.title.length > TITLE_MAX) throw new AppError('validation_failed', 'The title is not valid.', { issues: [{ path: 'body.title', message: `at most ${TITLE_MAX} characters` }] });
  const institution = await db.institution.findUnique({ where: { code: input.institution } });
  if (!institution) {
    throw new AppError('validation_failed', 'Unknown institution.', { issues: [{ path: 'body.institution', message: `no institution with code ${input.institution}` }] });
  }
  if (!canCreateCase(identity, institution.code, input.type)) {
    throw new AppError('forbidden', `You may not open a ${input.type} case for ${institution.code}.`);
  }
  const caseId = opts.idempotencyKey
    ? `${input.type}-${sha256Hex(`${identity.personId}/${opts.idempotencyKey}`).slice(0, 16)}`
    : `${input.type}-${institution.code.toLowerCase()}-${randomUUID().slice(0, 8)}`;
  if (opts.idempotencyKey) {
    const existing = await db.case.findUnique({ where: { id: caseId }, select: { status: true } });
    if (existing) {
      // The first attempt may have stored the case without knowing whether its workflow started (see below): a
      // case that has not run yet is started now if Temporal has no workflow for it.
      if (existing.status === 'starting') await startIfMissing(opts, caseId);
      return { created: false, caseId };
    }
  }

  const fields = validateCaseFields(input.type, input.fields, 'body.fields');
  if (input.type === 'strategy_report') {
    await checkStrategyReport({ db, fields: fields as StrategyReportFields, institution: institution.code, prefix: 'body.fields', identity });
  }
  const policy = await findPolicyInForce(db, input.type, institution.code);
  const document = input.document
    ? { ...decodePdf(input.document.contentBase64), fileName: input.document.fileName, mimeType: input.document.mimeType }
    : // Without an uploaded file the structured fields are the document being approved.
      (() => {
        const bytes = Buffer.from(canonicalJson(fields), 'utf8');
        return { bytes, fileName: 'fields.json', mimeType: 'application/json' };
      })();
  const sha256 = sha256Hex(document.bytes);

  // The case and its first version in one statement (no transaction held open across round trips).
  const at = utcTimestamp(new Date().toISOString());
  const fieldsJson = JSON.stringify(fields);
  try {
    await db.$executeRaw`
      WITH "c" AS (
        INSERT INTO "Case" ("id", "type", "institutionId", "title", "workflowId", "fields", "policyKey", "policyVersion", "createdById", "assignees", "createdAt", "updatedAt")
        VALUES (${caseId}, ${input.type}::"CaseType", ${institution.id}, ${input.title}, ${caseId}, ${fieldsJson}::jsonb, ${policy.key}, ${policy.version}::int,
                ${identity.personId}, ${[identity.email.toLowerCase()]}::text[], ${at}, ${at})
        RETURNING "id")
      INSERT INTO "DocumentVersion" ("id", "caseId", "version", "sha256", "fileName", "mimeType", "size", "content", "fields", "authorId", "createdAt")
      SELECT ${randomUUID()}, "c"."id", 1, ${sha256}, ${document.fileName}, ${document.mimeType}, ${document.bytes.length}::int, ${new Uint8Array(document.bytes)},
             ${fieldsJson}::jsonb, ${identity.personId}, ${at}
      FROM "c"`;
  } catch (err) {
    // The same key at the same moment (a double submit, a client retrying before the first answer): the other
    // request stored the case and starts its workflow; this one answers like a repeat.
    if (opts.idempotencyKey && isUniqueViolation(err)) return { created: false, caseId };
    throw err;
  }

  const workflowInput = approvalInput({ caseId, type: input.type, institution: institution.code, title: input.title, policy: policy.definition, fields, identity, sha256 });
  let eagerlyStarted: boolean;
  try {
    opts.beforeStart?.(caseId);
    // With a deadline: a repeat or the repair may act on this case only once this request is surely done with it.
    const handle = await opts.temporal.withDeadline(Date.now() + START_DEADLINE_MS, () =>
      opts.temporal.workflow.start(approvalWorkflow, { workflowId: caseId, taskQueue: opts.taskQueue, args: [workflowInput], ...(opts.eagerStart ? { requestEagerStart: true } : {}) }),
    );
    eagerlyStarted = handle.eagerlyStarted;
  } catch (err) {
    // A start whose answer was lost (a timeout, a dropped connection) may have started the workflow all the same:
    // then the case exists and is kept. The row is removed only when Temporal says there is no such workflow, so
    // that no workflow ever runs without its case; when it cannot say, the row stays for a retry with the same key.
    const started = await workflowExists(opts.temporal, caseId);
    if (started) return { created: true, caseId };
    if (started === false) {
      await db.case.delete({ where: { id: caseId } }).catch(() => undefined);
      throw new AppError('dependency_unavailable', 'The workflow engine could not start this case; nothing was saved. Try again.', { internal: String(err) });
    }
    throw mayHaveStarted(err);
  }
  return { created: true, caseId, eagerlyStarted };
}

/** How long the first request may wait for Temporal: for the start, then for the question whether it started. */
const START_DEADLINE_MS = 20_000;

/**
 * A case is started late only once the request that opened it is surely done with it (start and question, each
 * within START_DEADLINE_MS, then its answer): otherwise a repeat could start the workflow just as the first
 * request, told that none exists, deletes the case.
 */
export const LATE_START_AFTER_MS = 2 * 60_000;

/** Whether the case's workflow exists: undefined when Temporal cannot say (in time). */
const workflowExists = (temporal: Client, caseId: string): Promise<boolean | undefined> =>
  temporal
    .withDeadline(Date.now() + START_DEADLINE_MS, () => temporal.workflow.getHandle(caseId).describe())
    .then(
      () => true,
      (e: unknown) => (e instanceof WorkflowNotFoundError ? false : undefined),
    );

const mayHaveStarted = (err?: unknown) =>
  new AppError('dependency_unavailable', 'The workflow engine did not answer: the case may have started. Repeat the request with the same Idempotency-Key to find out.', {
    ...(err === undefined ? {} : { internal: String(err) }),
  });

function approvalInput(c: { caseId: string; type: CaseType; institution: string; title: string; policy: Policy; fields: Record<string, unknown>; identity: Identity; sha256: string }): ApprovalInput {
  return {
    caseId: c.caseId,
    type: c.type,
    institution: c.institution,
    title: c.title,
    policy: c.policy,
    fields: c.fields,
    submitter: { id: c.identity.personId, email: c.identity.email, name: c.identity.name },
    document: { sha256: c.sha256, version: 1 },
    submittedVia: c.identity.via,
    engineVersion: APPROVAL_ENGINE_VERSION,
    calendarRevision: CALENDAR_REVISION,
  };
}

/**
 * Only a case opened within this long is started late. Temporal keeps a closed workflow for at least a day (its
 * shortest retention), so within a day "no such workflow" means it never started; later it may also mean that it
 * ran, was terminated before its first projection, and has been deleted since — not a case to run again.
 */
export const LATE_START_WITHIN_MS = 24 * 3600_000;

/**
 * A case that has not run yet (a repeated create, or the repair of cases left 'starting'): when Temporal says there
 * is no workflow for it, the workflow is started from the stored case — its fields, its first version, the policy
 * version it was opened on, `identity` as the submitter. Otherwise (running, or Temporal cannot say) nothing is
 * started twice; nor while the opening request may still act on it (LATE_START_AFTER_MS), nor after a day. True
 * when this call started it.
 */
export async function startIfMissing(opts: Pick<CreateCaseOptions, 'db' | 'temporal' | 'taskQueue' | 'identity'>, caseId: string, now = new Date()): Promise<boolean> {
  const row = await opts.db.case.findUniqueOrThrow({
    where: { id: caseId },
    select: { type: true, title: true, fields: true, policyKey: true, policyVersion: true, createdAt: true, institution: { select: { code: true } }, documents: { where: { version: 1 }, select: { sha256: true } } },
  });
  const age = now.getTime() - row.createdAt.getTime();
  if (age < LATE_START_AFTER_MS || age > LATE_START_WITHIN_MS) return false;
  const exists = await workflowExists(opts.temporal, caseId);
  if (exists) return false;
  if (exists === undefined) throw mayHaveStarted();
  const policy = row.policyKey && row.policyVersion !== null ? await findPolicyVersion(opts.db, row.policyKey, row.policyVersion) : null;
  if (!policy || !row.documents[0]) throw new AppError('internal', 'The stored case cannot be started: its policy version or first document is missing.', { internal: caseId });
  const input = approvalInput({
    caseId,
    type: row.type,
    institution: row.institution.code,
    title: row.title,
    policy: policy.definition,
    fields: row.fields as Record<string, unknown>,
    identity: opts.identity,
    sha256: row.documents[0].sha256,
  });
  return opts.temporal.workflow.start(approvalWorkflow, { workflowId: caseId, taskQueue: opts.taskQueue, args: [input] }).then(
    () => true,
    (err: unknown) => {
      // Started meanwhile by another repeat or another process's repair: as good.
      if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw err;
    },
  );
}
