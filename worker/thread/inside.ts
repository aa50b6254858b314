// The inside of the worker thread (worker/thread/index.ts): the worker part of the runtime (lib/runtime.ts) —
// its own Temporal connection, database pool, activity thread and workflow threads — announcing each case change
// to the process's API through `announce`.
import { startRuntime, type Runtime } from '../../lib/runtime.js';
import { createLogger } from '../../lib/logger.js';
import type { EngineState } from '../../domain/approval/index.js';
import type { WorkerThreadConfig } from './config.js';

export function startWorkerInside(config: WorkerThreadConfig, announce: (caseId: string, version: string, state?: EngineState) => void): Promise<Runtime> {
  return startRuntime({
    env: config.env,
    databaseUrl: config.databaseUrl,
    temporalAddress: config.temporalAddress,
    logger: createLogger(config.logLevel, 'chain-worker'),
    worker: true,
    api: false,
    embedded: true,
    workflowBundle: config.workflowBundle,
    dbPoolSize: config.dbPoolSize,
    caseChanged: announce,
  });
}
