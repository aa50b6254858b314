import { fileURLToPath } from 'node:url';
import { type InjectedSinks, type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import protos from '@temporalio/proto';
import type { Activities } from '../activities/index.js';
import { allSearchAttributeKeys } from '../workflows/approval/search-attributes.js';
import type { CaseSinks } from '../workflows/approval/messages.js';
import type { EngineState } from '../domain/approval/index.js';
import type { Logger } from '../lib/logger.js';
import { guardedWorkerClass } from './deadlock-guard.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface ChainWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** The workflows, bundled once by lib/runtime.ts (from workflowsPath, or the bundle a test gives): every worker it starts takes them. */
  workflowBundle: NonNullable<WorkerOptions['workflowBundle']>;
  maxConcurrentActivityTaskExecutions?: number;
  /**
   * A workflow thread with work that answers nothing for this long is stuck: it is terminated and the worker stops
   * with an error (worker/deadlock-guard.ts). Default 5000.
   */
  deadlockMs?: number;
  /** Keep the SDK's own watchdog, a thread around each call into the workflow sandbox, instead of the guard. */
  sdkWatchdog?: boolean;
  logger?: Logger;
  /** A case's state moved on (the approval workflow's sink, outside history): wakes reads waiting for it. */
  caseChanged?: (caseId: string, version: string, state?: EngineState) => void;
}

/** The sinks the workflows call (workflows/approval/messages.ts): never during replay. */
export function chainSinks(caseChanged: ChainWorkerOptions['caseChanged'] = () => undefined): InjectedSinks<CaseSinks> {
  return { cases: { changed: { fn: (_info, caseId, version, state) => caseChanged(caseId, version, state), callDuringReplay: false } } };
}

export function createChainWorker(opts: ChainWorkerOptions): Promise<Worker> {
  const WorkerClass = opts.sdkWatchdog ? Worker : guardedWorkerClass({
    deadlockMs: opts.deadlockMs ?? 5000,
    onStuck: (tasks, silentMs) =>
      opts.logger?.error(
        { tasks, silentMs },
        'a workflow thread has answered nothing for %d ms while it had work: workflow code stuck in a loop? Terminating the thread; the worker stops and a new one starts',
        silentMs,
      ),
    onFallback: () => opts.logger?.warn('this Temporal SDK keeps its workflow threads out of the deadlock guard\'s sight: using its watchdog per call'),
  });
  return WorkerClass.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: opts.activities,
    workflowBundle: opts.workflowBundle,
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 50,
    sinks: chainSinks(opts.caseChanged),
  });
}

const { temporal } = protos;
const saTypes: Record<string, number> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Registers the case search attributes on the namespace (idempotent: present ones are left alone). */
export async function ensureSearchAttributes(client: Client, namespace: string, logger?: Logger): Promise<void> {
  let have = new Set<string>();
  try {
    const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
    have = new Set(Object.keys(existing.customAttributes ?? {}));
  } catch (err) {
    // Temporal's time-skipping test server can add but not list: add them all.
    if (!/UNIMPLEMENTED/.test(String(err))) throw err;
  }
  const missing = allSearchAttributeKeys.filter((k) => !have.has(k.name));
  if (missing.length === 0) return;
  try {
    await client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, saTypes[k.type]!])),
    });
    logger?.info({ added: missing.map((k) => k.name) }, 'registered search attributes');
  } catch (err) {
    if (!/already exists/i.test(String(err))) throw err;
  }
}
