import type { WorkerOptions } from '@temporalio/worker';
import type { RuntimeOptions } from '../../lib/runtime.js';

/** What the worker thread starts its worker from: plain data, cloned into the thread. */
export interface WorkerThreadConfig {
  /** The process's parsed environment, with PUBLIC_URL set to the address the API listens on. */
  env: RuntimeOptions['env'];
  databaseUrl: string;
  temporalAddress: string;
  logLevel: string;
  dbPoolSize?: number;
  /** The workflows, bundled once by the process (a test's bundle, or the bench's): cloned into the thread. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}
