// Sends one command to a case's workflow as an Update and maps the engine's rejection to the API's errors.
// The update id is the idempotency key: Temporal returns the first result for a repeated id.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { AppError, type AppErrorCode } from '../../lib/errors.js';
import type { Identity } from '../../lib/identity.js';
import { commandUpdate, type CommandResult, type EngineCommand } from '../../workflows/approval/messages.js';
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
  requestId?: string;
}

export async function runCommand(opts: RunCommandOptions): Promise<CommandResult> {
  const handle = opts.temporal.workflow.getHandle(opts.workflowId);
  try {
    return await handle.executeUpdate(commandUpdate, {
      args: [{ actor: toViewer(opts.identity), command: opts.command }],
      updateId: opts.requestId ?? randomUUID(),
    });
  } catch (err) {
    throw mapUpdateError(err);
  }
}

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
  const msg = String((err as Error)?.message ?? err);
  if (/workflow execution already completed|not found/i.test(msg)) return new AppError('case_closed', 'This case is no longer running.');
  return new AppError('dependency_unavailable', 'The workflow engine did not answer. Try again; a repeated request is safe.', { internal: msg });
}
