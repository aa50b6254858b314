// A case as the caller may see it: the DB row (what surrounds the workflow) merged with the workflow's own
// state from a Query (the source of truth in flight), including what the caller may do now. A read woken by this
// process's worker shows the state that worker just announced instead (the same view, computed here).
import type { Client } from '@temporalio/client';
import type { Db } from '../../lib/db/client.js';
import { AppError } from '../../lib/errors.js';
import type { Identity } from '../../lib/identity.js';
import { canReadCase, type CaseAccessView } from '../../lib/authz.js';
import type { CaseType } from '../../domain/case-types.js';
import { stateQuery, type CaseView, type CommandResult } from '../../workflows/approval/messages.js';
import { toViewer } from './viewer.js';
import type { Announced, CaseChanges } from '../../lib/case-changes.js';
import { view as engineView } from '../../domain/approval/index.js';

export interface GetCaseOptions {
  db: Db;
  temporal: Client;
  identity: Identity;
  caseId: string;
  /** Told when the workflow could not be queried (the answer then comes from the projection). */
  onQueryError?: (err: unknown) => void;
  /** The state the workflow just announced (lib/case-changes.ts): shown instead of asking the workflow. */
  told?: Announced;
}

const participantsOf = (view: CaseView): string[] => view.stages.flatMap((s) => s.steps.flatMap((st) => st.assignees.map((a) => a.email.toLowerCase())));

/** Everyone the workflow has assigned so far (the DB projection may lag a moment behind the workflow). */
async function liveParticipants(temporal: Client, workflowId: string): Promise<string[]> {
  try {
    return participantsOf(await temporal.workflow.getHandle(workflowId).query(stateQuery, undefined));
  } catch {
    return [];
  }
}

/**
 * Throws not_found unless the caller may read the case. The submitter's email is looked up only when nothing else
 * (network admin, member of the institution, participant) already lets the caller in: most requests need no
 * second query.
 */
async function assertReadable(
  db: Db,
  identity: Identity,
  row: { institution: { code: string }; type: CaseType; assignees: string[]; createdById: string | null; workflowId: string },
  temporal?: Client,
  /** The workflow's participants when the caller already asked it. */
  live?: () => Promise<string[]>,
): Promise<void> {
  const access: CaseAccessView = { institution: row.institution.code, type: row.type, participants: row.assignees };
  if (canReadCase(identity, access)) return;
  if (row.createdById) {
    const submitter = await db.person.findUnique({ where: { id: row.createdById }, select: { email: true } });
    access.submitterEmail = submitter?.email;
    if (canReadCase(identity, access)) return;
  }
  // Just assigned? The workflow knows before the projection does.
  const participants = live ? await live() : temporal ? await liveParticipants(temporal, row.workflowId) : [];
  if (!participants.length || !canReadCase(identity, { ...access, participants })) throw new AppError('not_found', 'No such case, or you may not see it.');
}

/** A document version as the API shows it. */
interface VersionRow {
  version: number;
  sha256: string;
  fileName: string;
  mimeType: string;
  size: number;
  createdAt: string;
}

/**
 * A case row with its institution and versions, in one plain statement: what GET /cases/:id shows and what the
 * pages and access checks read (the API's hottest read — clients poll it; Prisma's planning costs more than the
 * query here).
 */
async function readCaseRow(db: Db, caseId: string) {
  const rows = await db.$queryRaw<
    {
      id: string;
      type: CaseType;
      title: string;
      status: string;
      workflowId: string;
      policyKey: string | null;
      policyVersion: number | null;
      fields: unknown;
      currentStage: string | null;
      dueAt: Date | null;
      summary: unknown;
      assignees: string[];
      createdById: string | null;
      createdAt: Date;
      updatedAt: Date;
      institution: { code: string; name: string };
      documents: VersionRow[];
    }[]
  >`
    SELECT c."id", c."type"::text AS "type", c."title", c."status", c."workflowId", c."policyKey", c."policyVersion", c."fields",
           c."currentStage", c."dueAt", c."summary", c."assignees", c."createdById", c."createdAt", c."updatedAt",
           json_build_object('code', i."code", 'name', i."name") AS "institution",
           COALESCE((SELECT json_agg(json_build_object(
                       'version', d."version", 'sha256', d."sha256", 'fileName', d."fileName", 'mimeType', d."mimeType", 'size', d."size",
                       'createdAt', to_char(d."createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) ORDER BY d."version")
                     FROM "DocumentVersion" d WHERE d."caseId" = c."id"), '[]'::json) AS "documents"
    FROM "Case" c JOIN "Institution" i ON i."id" = c."institutionId"
    WHERE c."id" = ${caseId}`;
  return rows[0];
}

export async function loadReadableCase(db: Db, identity: Identity, caseId: string, temporal?: Client) {
  const row = await readCaseRow(db, caseId);
  // Not found and not allowed look the same: a case's existence is not revealed to outsiders.
  if (!row) throw new AppError('not_found', 'No such case, or you may not see it.');
  await assertReadable(db, identity, row, temporal);
  return row;
}

/**
 * What a command (decision, delegation, resubmission…) needs of a case it may read: the columns that route it to
 * its workflow and decide access, no documents. One query unless the submitter's email is needed for access.
 */
export async function loadCaseForCommand(db: Db, identity: Identity, caseId: string, temporal?: Client) {
  const row = await db.case.findUnique({
    where: { id: caseId },
    select: { id: true, type: true, workflowId: true, fields: true, assignees: true, createdById: true, institution: { select: { code: true } } },
  });
  if (!row) throw new AppError('not_found', 'No such case, or you may not see it.');
  await assertReadable(db, identity, row, temporal);
  return row;
}

/**
 * Sends a command (decision, delegation, reassignment, withdrawal) straight to the case's workflow: its validator
 * only accepts an actor who may act on the case, and such an actor may read it, so the case row is read only when
 * the command fails — then an outsider learns no more than "no such case" (404), and others get the rejection.
 */
export async function runCaseCommand<R extends CommandResult>(
  db: Db,
  identity: Identity,
  caseId: string,
  temporal: Client,
  send: (workflowId: string) => Promise<R>,
): Promise<R> {
  try {
    // A case's workflow id is its id (create-case.ts); a row saying otherwise is retried below.
    return await send(caseId);
  } catch (err) {
    const row = await loadCaseForCommand(db, identity, caseId, temporal);
    if (row.workflowId !== caseId) return send(row.workflowId);
    throw err;
  }
}

export async function getCase(opts: GetCaseOptions) {
  // The row and the workflow's state are asked for at once (a case's workflow id is its id, see create-case.ts);
  // the state is shown only once the row says the caller may read the case.
  // A state just announced is what the Query would answer (the workflow's own view of it, at that version).
  const told = opts.told;
  const ask = (workflowId: string): Promise<CaseView> =>
    told
      ? Promise.resolve({ ...engineView(told.state, toViewer(opts.identity)), version: told.version })
      : opts.temporal.workflow.getHandle(workflowId).query(stateQuery, toViewer(opts.identity));
  let asked = ask(opts.caseId);
  asked.catch(() => undefined);
  const row = await readCaseRow(opts.db, opts.caseId);
  if (!row) throw new AppError('not_found', 'No such case, or you may not see it.');
  if (row.workflowId !== opts.caseId) {
    asked = ask(row.workflowId);
    asked.catch(() => undefined);
  }
  await assertReadable(opts.db, opts.identity, row, opts.temporal, () => asked.then(participantsOf, () => []));
  let state: CaseView | null = null;
  let stateSource: 'workflow' | 'projection' = 'workflow';
  try {
    state = await asked;
  } catch (err) {
    // The workflow may have closed and aged out of Temporal's retention, or its worker may be too busy to answer
    // the query in time (a case that was just started): the projection still tells the story.
    stateSource = 'projection';
    const name = (err as { name?: string }).name;
    if (name !== 'WorkflowNotFoundError') opts.onQueryError?.(err);
  }
  return {
    id: row.id,
    type: row.type,
    institution: row.institution,
    title: row.title,
    status: state?.status ?? row.status,
    workflowId: row.workflowId,
    policy: { key: row.policyKey, version: row.policyVersion },
    fields: row.fields,
    currentStage: row.currentStage,
    dueAt: row.dueAt?.toISOString() ?? null,
    documents: row.documents,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    stateSource,
    state: state ?? row.summary,
  };
}

export interface WaitForChange {
  /** The version the caller has (`state.version` of an earlier answer): answer once the case's differs. */
  changedSince: string;
  /** How long to wait at most. */
  waitMs: number;
  /** Reads waiting in this process, told by its worker's sink or the workers' NOTIFY (or by nobody: then only recheckMs). */
  changes: CaseChanges;
  /** How often to look again without being told (a worker in another process). */
  recheckMs: number;
  /** The client went away. */
  signal?: AbortSignal;
}

/**
 * GET /cases/:id?changedSince=&wait=: the case as getCase gives it, once its state version differs from the one
 * the caller has — at once when it already does, otherwise when the workflow says it changed, or when the wait is
 * over (the same version again: nothing changed). A case whose workflow cannot be asked has no version: answered
 * at once. Access is checked before any waiting, so an outsider gets 404 at once and learns nothing from timing.
 * Woken by this process's worker, the read shows the state that worker announced, without a Query: nobody can have
 * moved the case on since (one worker runs a workflow task at a time, and it announced this one). Woken by another
 * process's NOTIFY, or by the time, it asks the workflow.
 */
export async function getCaseWhenChanged(opts: GetCaseOptions, wait: WaitForChange) {
  const deadline = Date.now() + wait.waitMs;
  // First look: when this process heard the case announced at the caller's version (typically a decider's next
  // read, right after the answer that carried it), there is nothing new to show yet — access is checked, and the
  // state read only once the case changes or at the next look. Only a hint: a change elsewhere is found then.
  let told: Announced | undefined;
  for (let accessOnly = wait.changes.lastVersion(opts.caseId) === wait.changedSince; ; accessOnly = false) {
    // Watch before reading, so that a change between the read and the wait wakes it. No watch (too many reads
    // waiting, or the process stopping): answered now, and the client asks again.
    const watch = wait.changes.watch(opts.caseId);
    try {
      let view: Awaited<ReturnType<typeof getCase>> | undefined;
      if (accessOnly && watch) await loadReadableCase(opts.db, opts.identity, opts.caseId, opts.temporal);
      else {
        view = await getCase(told ? { ...opts, told } : opts);
        const version = view.stateSource === 'workflow' ? (view.state as CaseView).version : undefined;
        if (!watch || version === undefined || version !== wait.changedSince || deadline <= Date.now() || wait.signal?.aborted) return view;
      }
      await watch.changed(Math.min(deadline - Date.now(), wait.recheckMs), wait.signal);
      told = watch.told();
      if (view && wait.signal?.aborted) return view;
    } finally {
      watch?.stop();
    }
  }
}
