import { Router } from 'express';
import { z } from 'zod';
import { route } from '../http/routes.js';
import { requireIdentity } from '../auth/authenticate.js';
import type { AppDeps } from '../app.js';
import { caseIdParams, caseRow, createCaseBody, getCaseQuery, listCasesQuery, versionNumber } from '../cases/schemas.js';
import { createCase } from '../cases/create-case.js';
import { getCase, getCaseWhenChanged, loadReadableCase } from '../cases/get-case.js';
import { listCases } from '../cases/list-cases.js';
import { countCases, countCasesQuery } from '../cases/count-cases.js';
import { diffFields } from '../../domain/strategy/changes.js';
import { AppError } from '../../lib/errors.js';
import { CaseChanges } from '../../lib/case-changes.js';

/** A read with changedSince and no wait waits this long (seconds). */
const DEFAULT_WAIT_SECONDS = 20;
/** How long a new case's answer waits for its first state to be announced before it asks the workflow instead. */
const FIRST_STATE_WAIT_MS = 5_000;

/** How often a waiting read looks again when no worker in this process tells it of changes (CASE_WAIT_RECHECK_MS). */
export const DEFAULT_RECHECK_MS = 1000;

export function caseRoutes(deps: AppDeps): Router {
  const r = Router();
  // Without the process's registry (an app built on its own), waiting reads wake only to look again.
  const changes = deps.caseChanges ?? new CaseChanges();

  route(
    r,
    {
      method: 'post',
      path: '/cases',
      summary: 'Open a case: stores it and starts its workflow (workflow id = case id). Send Idempotency-Key to make retries safe.',
      tag: 'cases',
      body: createCaseBody,
      idempotent: true,
      responses: {
        201: { description: 'the case, with its state' },
        200: { description: 'the same person used the same Idempotency-Key before (or at the same moment): the case created then' },
        403: { description: 'you may not open this kind of case for this institution' },
        413: { description: 'the body is larger than 15 MB' },
        422: { description: 'validation failed (also: fields over 256 kB or nested deeper than 20, a malformed Idempotency-Key)' },
      },
    },
    async ({ body, idempotencyKey }, req, res) => {
      const identity = requireIdentity(req);
      let first: ReturnType<CaseChanges['first']> | undefined;
      // A case whose first workflow task runs on this process's worker (eager start, or the worker thread: the only
      // worker on the embedded mode's task queue) announces its state here: the answer shows the state that task
      // ends with — once its first step's people are looked up — without a Query (one after FIRST_STATE_WAIT_MS).
      const beforeStart = deps.eagerStart || deps.workerThread ? (id: string) => void (first = changes.first(id, (told) => !told.state.pending)) : undefined;
      try {
        const { created, caseId, eagerlyStarted } = await createCase({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, eagerStart: deps.eagerStart, identity, input: body, idempotencyKey, beforeStart });
        if (created) req.log.debug({ caseId, eagerlyStarted }, 'case started');
        const told = created && (eagerlyStarted || deps.workerThread) ? await first?.state(FIRST_STATE_WAIT_MS) : undefined;
        const view = await getCase({ db: deps.db, temporal: deps.temporal, identity, caseId, told, onQueryError: (err) => req.log.warn({ err: String(err) }, 'state query failed') });
        res.status(created ? 201 : 200).location(`/cases/${caseId}`).json(view);
      } finally {
        first?.stop();
      }
    },
  );

  route(
    r,
    {
      method: 'get',
      path: '/cases',
      summary: 'List the cases you may see, newest first, with filters.',
      tag: 'cases',
      query: listCasesQuery,
      responses: { 200: { description: 'a page of cases', schema: z.object({ items: z.array(caseRow), nextCursor: z.string().nullable() }) } },
    },
    async ({ query }, req) => listCases({ db: deps.db, identity: requireIdentity(req), query }),
  );

  route(
    r,
    {
      method: 'get',
      path: '/cases/counts',
      summary: "Counts from Temporal visibility (the cases' search attributes): cases by status over the institutions you may list, and how many wait for you now.",
      tag: 'cases',
      query: countCasesQuery,
      responses: {
        200: { description: 'the counts', schema: z.object({ source: z.literal('temporal-visibility'), total: z.number(), byStatus: z.record(z.string(), z.number()), waitingForMe: z.number() }) },
        403: { description: 'an institution you may not list' },
      },
    },
    async ({ query }, req) => countCases({ temporal: deps.temporal, taskQueue: deps.taskQueue, identity: requireIdentity(req), query }),
  );

  route(
    r,
    {
      method: 'get',
      path: '/cases/:id',
      summary: "A case: its record, documents and the workflow's live state, with what you may do now.",
      tag: 'cases',
      params: caseIdParams,
      query: getCaseQuery,
      responses: {
        200: { description: 'the case (with changedSince: once its state version differs, or the same version when the wait is over)' },
        404: { description: 'no such case, or not yours to see' },
        422: { description: 'a malformed changedSince, or wait outside 0–30 or without changedSince' },
      },
    },
    async ({ params, query }, req, res) => {
      const opts = { db: deps.db, temporal: deps.temporal, identity: requireIdentity(req), caseId: params.id, onQueryError: (err: unknown) => req.log.warn({ err: String(err) }, 'state query failed') };
      if (query.changedSince === undefined) return getCase(opts);
      // The client may give up before the wait is over: stop waiting then.
      const gone = new AbortController();
      res.on('close', () => gone.abort());
      return getCaseWhenChanged(opts, {
        changedSince: query.changedSince,
        waitMs: (query.wait ?? DEFAULT_WAIT_SECONDS) * 1000,
        changes,
        recheckMs: deps.caseWaitRecheckMs ?? DEFAULT_RECHECK_MS,
        signal: gone.signal,
      });
    },
  );

  route(
    r,
    {
      method: 'get',
      path: '/cases/:id/changes',
      summary: 'What changed in the structured fields between two document versions (default: the newest against the one before), for reviewers who saw the earlier one.',
      tag: 'cases',
      params: caseIdParams,
      query: z.object({ from: versionNumber.optional(), to: versionNumber.optional() }).strict(),
      responses: { 200: { description: 'the changes, path by path' }, 404: { description: 'no such case or version' } },
    },
    async ({ params, query }, req) => {
      const row = await loadReadableCase(deps.db, requireIdentity(req), params.id, deps.temporal);
      const versions = row.documents.map((d) => d.version);
      const to = query.to ?? Math.max(...versions);
      const from = query.from ?? to - 1;
      const [a, b] = await Promise.all(
        [from, to].map((version) => deps.db.documentVersion.findUnique({ where: { caseId_version: { caseId: row.id, version } }, select: { version: true, sha256: true, fields: true, fileName: true } })),
      );
      if (!a || !b) throw new AppError('not_found', `No version ${!a ? from : to} of this case.`);
      return {
        from: { version: a.version, sha256: a.sha256, fileName: a.fileName },
        to: { version: b.version, sha256: b.sha256, fileName: b.fileName },
        documentChanged: a.sha256 !== b.sha256,
        changes: diffFields(a.fields, b.fields),
      };
    },
  );

  return r;
}
