// Decisions and the other case operations. Each maps to one engine command sent as a Temporal Update; the
// workflow's validator answers 403 / 409 / 422 before anything is recorded.
import { Router } from 'express';
import { route } from '../http/routes.js';
import { requireIdentity } from '../auth/authenticate.js';
import type { AppDeps } from '../app.js';
import { caseIdParams } from '../cases/schemas.js';
import { decisionBody, delegateBody, reassignBody, resubmitBody, withdrawBody } from '../cases/command-schemas.js';
import { loadCaseForCommand, runCaseCommand } from '../cases/get-case.js';
import type { EngineCommand } from '../../workflows/approval/messages.js';
import { runCommand, withState } from '../cases/run-command.js';
import { resubmitCase } from '../cases/resubmit-case.js';
import { toCommand } from '../cases/to-command.js';

/** The body's requestId, or the Idempotency-Key header (both checked: 8–200 printable ASCII characters). */
const requestIdOf = (body: { requestId?: string }, header: string | undefined) => body.requestId ?? header;

const errors = {
  403: { description: 'you may not do this on this case (not an assignee of an open step, not the submitter, not an admin)' },
  404: { description: 'no such case, or not yours to see' },
  409: { description: 'the step is closed, the case is closed, or the document version is not the current one' },
  413: { description: 'the body is larger than 64 kB (15 MB for a resubmission with its document)' },
  422: { description: 'validation failed (e.g. a rubric score is missing, a malformed Idempotency-Key)' },
};

export function decisionRoutes(deps: AppDeps): Router {
  const r = Router();

  const spec = <B extends import('zod').ZodType>(path: string, summary: string, body: B, ok = 'the result of the operation') =>
    ({ method: 'post', path, summary, tag: 'decisions', params: caseIdParams, body, idempotent: true, responses: { 200: { description: ok }, ...errors } }) as const;
  const withStateSpec = <B extends import('zod').ZodType>(path: string, summary: string, body: B) =>
    spec(path, summary, body, "the result of the operation and the case's state as the caller sees it right after it (`state`, as in GET /cases/{id}; absent when the workflow could not be asked); a repeat: the first answer");

  /** A command for the workflow alone: no case read unless it is refused (see runCaseCommand). */
  const command = <B extends import('zod').ZodType<{ requestId?: string }>>(path: string, summary: string, body: B, toEngine: (body: import('zod').infer<B>) => EngineCommand) =>
    route(r, withStateSpec(path, summary, body), async ({ params, body: b, idempotencyKey }, req) => {
      const identity = requireIdentity(req);
      const cmd = toEngine(b);
      return runCaseCommand(deps.db, identity, params.id, deps.temporal, async (workflowId) =>
        withState(deps.temporal, workflowId, identity, await runCommand({ temporal: deps.temporal, workflowId, identity, command: cmd, requestId: requestIdOf(b, idempotencyKey), withState: true })),
      );
    });

  command('/cases/:id/decisions', 'Approve, reject (final) or send back an open step, on the document version named by its SHA-256.', decisionBody, (body) => toCommand(body));
  command('/cases/:id/delegate', 'Hand my assignment on a step to another person (audited; shown in the case state).', delegateBody, (body) => toCommand({ action: 'delegate', ...body }));
  command('/cases/:id/reassign', "Replace an assignee of a step, or add one to a step too few people can decide (an administrator of the case's institution).", reassignBody, (body) => toCommand({ action: 'reassign', ...body }));
  command('/cases/:id/withdraw', 'Withdraw the case (its submitter).', withdrawBody, (body) => toCommand({ action: 'withdraw', ...body }));
  // A resubmission stores a new document version first: it needs the case row.
  route(r, spec('/cases/:id/resubmit', 'Resubmit after a send back with a new document version and/or fields: approvals of the old version become void.', resubmitBody), async ({ params, body, idempotencyKey }, req) => {
    const caseRow = await loadCaseForCommand(deps.db, requireIdentity(req), params.id, deps.temporal);
    return resubmitCase({ db: deps.db, temporal: deps.temporal, identity: requireIdentity(req), caseRow, input: body, requestId: requestIdOf(body, idempotencyKey) });
  });
  return r;
}
