// Sends one command to a case's workflow as an Update and maps the engine's rejection to the API's errors.
// The update id is the idempotency key — but not the client's key itself: Temporal returns the first result for a
// repeated update id whatever the arguments, so a key reused by another person, or for another command, would
// silently get someone else's result and its own decision would be dropped. The id is derived from the person,
// their key and the command: a true repeat gets the first result, anything else is a request of its own.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, WorkflowNotFoundError, NamespaceNotFoundError, isGrpcServiceError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { AppError, type AppErrorCode } from '../../lib/errors.js';
import type { Identity } from '../../lib/identity.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { sha256Hex } from '../../lib/crypto.js';
import { commandUpdate, stateQuery, type CaseView, type CommandAnswer, type CommandResult, type EngineCommand } from '../../workflows/approval/messages.js';
import { toViewer } from './viewer.js';

const engineCodes: Record<string, AppErrorCode> = {
  forbidden: 'forbidden',
  conflict: 'conflict',
  invalid: 'validation_failed',
  not_found: 'not_found',
  stale_version: 'stale_version',
  case_closed: 'case_closed',
};

export interface RunCommandOptions {
  temporal: Client;
  workflowId: string;
  identity: Identity;
  command: EngineCommand;
  /** The client's idempotency key (Idempotency-Key header, requestId, a form's nonce). */
  requestId?: string;
  /** Ask the workflow to answer with the caller's view of the case after the command (see withState). */
  withState?: boolean;
}

/** The update id of a keyed request: the same person, key and command (canonical JSON) give the same id. */
export const commandUpdateId = (personId: string, requestId: string, command: EngineCommand): string =>
  `cmd-${sha256Hex(`${personId}\n${requestId}\n${canonicalJson(command)}`)}`;

export async function runCommand(opts: RunCommandOptions): Promise<CommandAnswer> {
  const handle = opts.temporal.workflow.getHandle(opts.workflowId);
  try {
    return await handle.executeUpdate(commandUpdate, {
      args: [{ actor: toViewer(opts.identity), command: opts.command, ...(opts.withState ? { withState: true } : {}) }],
      updateId: opts.requestId ? commandUpdateId(opts.identity.personId, opts.requestId, opts.command) : randomUUID(),
    });
  } catch (err) {
    throw mapUpdateError(err);
  }
}

/**
 * The result of a command with the case's state as the caller now sees it, so a client needs no second request to
 * show what its decision changed. The workflow's answer carries it when asked (runCommand's `withState`); when it
 * does not (a view too large to keep in history, a worker from before it existed, the first answer to a repeated
 * id from before then), a Query after the Update reads it: it sees the command applied. Without `state` when the
 * workflow could not be asked (the command itself stands: it is recorded).
 */
export async function withState(temporal: Client, workflowId: string, identity: Identity, result: CommandAnswer): Promise<CommandResult & { state?: CaseView }> {
  if (result.state) return result;
  try {
    return { ...result, state: await temporal.workflow.getHandle(workflowId).query(stateQuery, toViewer(identity)) };
  } catch {
    return result;
  }
}

const GRPC_INVALID_ARGUMENT = 3;

export function mapUpdateError(err: unknown): AppError {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const type = err.cause.type ?? '';
    const detail = (err.cause.details?.[0] ?? {}) as { path?: string; message?: string; issues?: { path: string; message: string }[] };
    const code = engineCodes[type];
    if (code) {
      const issues = detail.issues ?? (detail.path ? [{ path: detail.path, message: detail.message ?? err.cause.message }] : undefined);
      return new AppError(code, err.cause.message, issues ? { issues } : {});
    }
  }
  if (err instanceof WorkflowNotFoundError) return new AppError('case_closed', 'This case is no longer running.');
  const msg = [err, (err as { cause?: unknown })?.cause].map((e) => String((e as Error)?.message ?? e ?? '')).join(' | ');
  // A misconfigured namespace is ours to fix, not the case's end.
  if (err instanceof NamespaceNotFoundError) return new AppError('dependency_unavailable', 'The workflow engine is not available. Try again later.', { internal: msg });
  // The server refused the request itself as malformed (an id or a payload too long, too large): retrying the
  // same request cannot help, so it is the client's to change, not a "try again".
  const grpc = [err, (err as { cause?: unknown })?.cause].find(isGrpcServiceError);
  if (grpc?.code === GRPC_INVALID_ARGUMENT) {
    if (/\bsize\b|too large/i.test(grpc.details ?? grpc.message)) return new AppError('payload_too_large', 'The request is too large for the workflow engine.', { internal: msg });
    return new AppError('validation_failed', 'The workflow engine refused the request as invalid.', { internal: msg });
  }
  if (/workflow execution already completed|workflow (execution )?not found/i.test(msg)) return new AppError('case_closed', 'This case is no longer running.');
  return new AppError('dependency_unavailable', 'The workflow engine did not answer. Try again; a repeated request is safe.', { internal: msg });
}
