// The approval workflow: a thin, deterministic interpreter around the pure engine in domain/approval. The engine
// decides; this file turns its effects into activities (people lookup, email, projection, audit) and its
// deadlines into Temporal timers. No I/O, randomness or wall clock here: `Date.now()` is Temporal's clock.
import {
  ApplicationFailure,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  proxySinks,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import * as engine from '../../domain/approval/index.js';
import { MAX_STATE_IN_ANSWER, commandUpdate, stateQuery, type ApprovalInput, type CarriedState, type CaseSinks, type CommandAnswer } from './messages.js';
import { periodOf } from '../../domain/strategy/progress.js';
import { progressWorkflowId } from '../progress/messages.js';
import { strategyProgressWorkflow } from '../progress/workflow.js';
import { assigneesKey, caseTypeKey, dueAtKey, institutionKey, stageKey, statusKey } from './search-attributes.js';

const { cases: caseSinks } = proxySinks<CaseSinks>();

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Looking up a step's people inside the workflow task (see PATCHES: local-assignee-lookup). */
const local = proxyLocalActivities<Pick<Activities, 'resolveAssignees'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** The engine version from which a step's people are looked up beside the running effects (see resolveBeside). */
const RESOLVE_BESIDE_EFFECTS = 7;

/** Continue-as-new well before Temporal's limits (51,200 events / 50 MB) when the server has not suggested it yet. */
const MAX_HISTORY_EVENTS = 8_000;

/** Update results remembered by id across continue-as-new (a retry comes within minutes; a case decides rarely). */
const MAX_ANSWERED = 200;

export type ApprovalOutcome = { caseId: string; outcome: 'approved' | 'rejected' | 'withdrawn'; runs: number; sealedId?: string };

/**
 * The patches of this workflow so far, each with the engine version from which new cases take it without asking:
 * the version is in their input, hence in history (deterministic); cases opened before that version ask
 * `patched()` as they always did. A new patch gets the next APPROVAL_ENGINE_VERSION (messages.ts), never an old one:
 * cases opened at an older version recorded the old behaviour without a marker.
 */
const PATCHES = {
  'revoke-links-on-reject': 3,
  'revoke-links-only-via-link': 3,
  'record-audit-with-projection': 3,
  'strategy-progress-schedule': 3,
  /** The audit rows (and projection) of the closing transition are recorded before the decision is sealed. */
  'audit-before-seal': 4,
  /**
   * A command that arrives while effects run (a decision while its step's email goes out) is recorded before the
   * next email goes out: otherwise commands arriving one after another kept the projection, the audit log and the
   * search attributes (GET /me/tasks) waiting until the case fell quiet. Its step opening is not delayed.
   */
  'record-before-next-command': 5,
  /**
   * The people of a step that opens while no decision waits for its answer (the first step, an escalation to a
   * role) are looked up in a local activity, inside the workflow task: the step opens without a round trip through
   * the server's activity queue (three history events and a workflow task fewer), and the answer to opening a case
   * shows it open. A step opened by a decision still has its people looked up in an activity task: a local activity
   * holds its workflow task, and the decision's answer leaves only with that task's end.
   */
  'local-assignee-lookup': 6,
} as const;
type Patch = keyof typeof PATCHES;
const hasPatch = (input: ApprovalInput, id: Patch): boolean => (input.engineVersion ?? 0) >= PATCHES[id] || patched(id);

export async function approvalWorkflow(input: ApprovalInput): Promise<ApprovalOutcome> {
  const queue: engine.Effect[] = [];
  /** Effects of a command: its Update's answer leaves with the workflow task they start in. */
  const answeredBy = new WeakSet<engine.Effect>();
  /**
   * From engine version 7 a step's people are looked up as soon as it opens, beside the effects already running
   * (a decision arriving while the previous step's email goes out no longer waits for that email, and the
   * projection after it, before the next step opens). Cases opened earlier keep one queue for their life.
   */
  const resolveBeside = (input.engineVersion ?? 0) >= RESOLVE_BESIDE_EFFECTS;
  /** Lookups in flight beside the queue, and the first that failed (it fails the workflow, as in the queue). */
  let resolving = 0;
  let resolveFailure: unknown;
  /** Effects were running when a command arrived: its state is recorded before the next email (see PATCHES). */
  let runningEffects = false;
  let recordOwed = false;
  let projectionSeq = input.carried?.projectionSeq ?? 0;
  let audited = input.carried?.auditedEvents ?? 0;
  /** The fields (as JSON) that the last projection of this run carried. */
  let projectedFields: string | undefined;
  const runs = (input.carried?.runs ?? 0) + 1;
  let state: engine.EngineState;
  /** The new case's first effects: queued once the handlers below are in place. */
  let opening: engine.Effect[] = [];
  if (input.carried) {
    state = input.carried.engine;
  } else {
    const created = engine.createCase({
      caseId: input.caseId,
      policy: input.policy,
      fields: input.fields,
      submitter: input.submitter,
      institution: input.institution,
      document: input.document,
      now: Date.now(),
      via: input.submittedVia,
      calendar: input.calendarRevision,
    });
    state = created.state;
    opening = created.effects;
  }
  let dirty = true;
  let outcome: ApprovalOutcome['outcome'] | undefined;
  let sealedId: string | undefined;

  // The state's version: this run and how often its state changed in it. Replays count alike, and a new run
  // (continue-as-new) starts a new series, so a version never stands for two states.
  let changes = 0;
  const version = () => `${runs}.${changes}`;
  /**
   * The state moved on: to be recorded, and readers waiting for a change are woken (outside history), with the state
   * as a view needs it — without the case fields, which no view shows and which may weigh 256 kB.
   */
  const announce = () => {
    if (!workflowInfo().unsafe.isReplaying) caseSinks.changed(input.caseId, version(), { ...state, fields: {} });
  };
  const changed = () => {
    dirty = true;
    changes++;
    announce();
  };
  const viewFor = (viewer: engine.Actor | undefined): engine.CaseView => ({ ...engine.view(state, viewer), version: version() });

  setHandler(stateQuery, viewFor);
  // The run's first version too: a client that read it (the answer to opening the case) can then wait without a Query.
  announce();

  // The results of the last updates by id, carried over continue-as-new: Temporal answers a repeated update id
  // with the first result only within one run, and a client retrying across a continue-as-new must get it too.
  const answered = new Map<string, engine.CommandResult>(input.carried?.answered ?? []);
  const updateId = () => currentUpdateInfo()?.id ?? '';

  setHandler(
    commandUpdate,
    ({ actor, command, withState }) => {
      const id = updateId();
      let result = answered.get(id);
      if (!result) {
        const applied = engine.applyCommand(state, actor, command, Date.now());
        state = applied.state;
        for (const e of applied.effects) answeredBy.add(e);
        enqueue(applied.effects);
        if (runningEffects && hasPatch(input, 'record-before-next-command')) recordOwed = true;
        changed();
        result = applied.result;
        answered.set(id, result);
        if (answered.size > MAX_ANSWERED) answered.delete(answered.keys().next().value!);
      }
      return withState ? answerWithState(result, () => viewFor(actor)) : result;
    },
    {
      // Rejected here, an update leaves no trace in history; the API maps the type to 403 / 409 / 422.
      validator: ({ actor, command }) => {
        if (answered.has(updateId())) return;
        const err = engine.validateCommand(state, actor, command);
        if (err) throw ApplicationFailure.create({ type: err.code, message: err.message, details: [err], nonRetryable: true });
      },
    },
  );

  /** Queues effects; with resolveBeside, a step's people are looked up at once instead. */
  function enqueue(effects: engine.Effect[]): void {
    for (const effect of effects) {
      if (resolveBeside && effect.type === 'resolveAssignees') {
        resolving++;
        resolveStep(effect).then(
          () => resolving--,
          (err: unknown) => {
            resolving--;
            resolveFailure ??= err;
          },
        );
      } else queue.push(effect);
    }
  }

  async function resolveStep(effect: Extract<engine.Effect, { type: 'resolveAssignees' }>): Promise<void> {
    // In this workflow task unless a decision's answer waits for the task to end (a local activity holds it).
    const resolve = !answeredBy.has(effect) && hasPatch(input, 'local-assignee-lookup') ? local.resolveAssignees : acts.resolveAssignees;
    const resolved = await resolve({
      caseId: input.caseId,
      institution: input.institution,
      fields: engine.fieldsForAssignees(effect.steps, engine.currentFields(state)),
      steps: effect.steps,
    });
    const next = engine.assigneesResolved(state, effect.requestId, resolved, Date.now());
    state = next.state;
    enqueue(next.effects);
    changed();
  }

  async function run(effect: engine.Effect): Promise<void> {
    switch (effect.type) {
      case 'resolveAssignees':
        return resolveStep(effect);
      case 'notify': {
        if (effect.recipients.length === 0) return;
        if (recordOwed) {
          recordOwed = false;
          if (dirty) {
            dirty = false;
            await flush();
          }
        }
        await acts.notify({
          caseId: input.caseId,
          kind: effect.kind,
          key: `${input.caseId}/${effect.key}`,
          stepId: effect.stepId,
          stepName: effect.stepName,
          recipients: effect.recipients,
          detail: effect.detail,
          link: effect.link,
          sealedId: effect.kind === 'outcome' ? sealedId : undefined,
          dueAt: effect.dueAt ?? null,
        });
        return;
      }
      case 'revokeLinks':
        // Cases recorded before rejections revoked their step's links must replay without that activity.
        if (effect.reason === 'rejected' && !hasPatch(input, 'revoke-links-on-reject')) return;
        // Only steps decided from email links have links to revoke (saves an activity per decision elsewhere).
        if (!engine.stepDef(input.policy, effect.stepId)?.step.viaLink && hasPatch(input, 'revoke-links-only-via-link')) return;
        await acts.revokeLinks({ caseId: input.caseId, stepId: effect.stepId, emails: effect.emails });
        return;
      case 'seal': {
        // The sealed PDF lists the decisions and the audit chain's head as stored: the closing decision must be
        // stored first (cases opened before version 4 sealed first and replay that way).
        if (hasPatch(input, 'audit-before-seal')) {
          dirty = false;
          await flush();
        }
        const sealed = await acts.sealDecision({
          caseId: input.caseId,
          outcome: effect.outcome,
          at: new Date(effect.at).toISOString(),
          documentSha256: effect.document.sha256,
          documentVersion: effect.document.version,
          voidEvents: state.history.flatMap((h, i) => (h.void ? [i] : [])),
        });
        sealedId = sealed.sealedId;
        return;
      }
      case 'completed':
        outcome = effect.outcome;
        return;
    }
  }

  async function flush(): Promise<void> {
    const events = engine.auditEvents(state, audited);
    const audit = events.map((e, i) => ({
      idempotencyKey: `${input.caseId}/event/${audited + i}`,
      caseId: input.caseId,
      type: e.type,
      actor: e.actor ?? null,
      payload: e.payload,
      at: new Date(e.at).toISOString(),
    }));
    const s = engine.summary(state);
    const fields = engine.currentFields(state);
    const fieldsJson = JSON.stringify(fields);
    projectionSeq++;
    const projection = {
      caseId: input.caseId,
      seq: projectionSeq,
      status: s.status,
      currentStage: s.currentStage?.name ?? null,
      dueAt: s.dueAt === null ? null : new Date(s.dueAt).toISOString(),
      openAssignees: s.openAssignees,
      participants: s.participants,
      summary: s,
      // The fields only when they changed since the last projection of this run (a resubmission): the row already
      // holds them otherwise, and histories should carry ids and changes, not the document over and over.
      fields: projectedFields === fieldsJson ? undefined : fields,
    };
    if (hasPatch(input, 'record-audit-with-projection')) {
      // One activity for the audit rows and the projection they lead to (one statement each, both idempotent).
      await acts.record({ audit, projection });
      audited += events.length;
      projectedFields = fieldsJson;
    } else {
      // Cases recorded before: an audit activity (when there are events), then a projection activity.
      if (audit.length) {
        await acts.audit(audit);
        audited += events.length;
      }
      await acts.project(projection);
    }
    upsertSearchAttributes([
      { key: caseTypeKey, value: input.type },
      { key: institutionKey, value: input.institution },
      { key: statusKey, value: s.status },
      { key: stageKey, value: s.currentStage?.id ?? 'none' },
      { key: dueAtKey, value: s.dueAt === null ? null : new Date(s.dueAt) },
      { key: assigneesKey, value: s.openAssignees },
    ] as never);
  }

  enqueue(opening);
  /** Nothing left to run: no effect queued, no lookup in flight. */
  const settled = () => queue.length === 0 && resolving === 0;
  for (;;) {
    runningEffects = true;
    while (!settled()) {
      if (queue.length) await run(queue.shift()!);
      else await condition(() => queue.length > 0 || resolving === 0);
      if (resolveFailure) throw resolveFailure;
    }
    runningEffects = false;
    if (dirty) {
      dirty = false;
      await flush();
      continue;
    }
    if (outcome) break;

    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > (input.maxHistoryEvents ?? MAX_HISTORY_EVENTS)) {
      // Let in-flight updates finish, so that no caller is left without an answer, then carry the state over.
      await condition(allHandlersFinished);
      if (settled() && !dirty) {
        const carried: CarriedState = { engine: state, projectionSeq, auditedEvents: audited, runs, ...(answered.size ? { answered: [...answered] } : {}) };
        log.info('continuing as new', { caseId: input.caseId, historyLength: info.historyLength, runs });
        return continueAsNew<typeof approvalWorkflow>({ ...input, carried });
      }
      continue;
    }

    const wake = engine.nextWakeUp(state);
    const woken = () => !settled() || dirty;
    const timedOut = wake === null ? (await condition(woken), false) : !(await condition(woken, Math.max(1, wake - Date.now())));
    if (timedOut && wake !== null) {
      const ticked = engine.tick(state, Date.now());
      state = ticked.state;
      enqueue(ticked.effects);
      changed();
    }
  }
  await condition(allHandlersFinished);
  if (outcome === 'approved' && input.type === 'strategy') await startProgressSchedule(input, engine.currentFields(state));
  return { caseId: input.caseId, outcome, runs, sealedId };
}

/**
 * The result with the actor's view, unless the view is too large to keep in history or cannot be built: the
 * caller queries then. The command is applied either way, so the answer must not fail.
 */
function answerWithState(result: engine.CommandResult, view: () => engine.CaseView): CommandAnswer {
  try {
    const state = view();
    return utf8Length(JSON.stringify(state)) <= MAX_STATE_IN_ANSWER ? { ...result, state } : result;
  } catch (err) {
    log.warn('answered without the state', { error: String(err) });
    return result;
  }
}

/** Bytes of a string in UTF-8 (Khmer takes three a character): what the answer weighs in history. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A surrogate pair (4 bytes) counts 2 for each half.
    n += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
  }
  return n;
}

/**
 * A signed-off strategy owes progress reports (mid-period and end): their schedule runs for years as a child
 * workflow that outlives this one (ABANDON), started with ids and numbers only. Cases that were already running
 * when the schedule was introduced replay without it (patched).
 */
async function startProgressSchedule(input: ApprovalInput, fields: Record<string, unknown>): Promise<void> {
  const period = periodOf(fields);
  // Strategies recorded before their fields were checked may have no usable period: nothing to schedule.
  if (!period || !hasPatch(input, 'strategy-progress-schedule')) return;
  try {
    await startChild(strategyProgressWorkflow, {
      workflowId: progressWorkflowId(input.caseId),
      args: [{ caseId: input.caseId, institution: input.institution, period, ...(input.calendarRevision ? { calendarRevision: input.calendarRevision } : {}) }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (err) {
    // Already started (it is keyed by the case): the schedule exists, which is all that matters.
    log.warn('progress schedule not started', { caseId: input.caseId, error: String(err) });
  }
}
