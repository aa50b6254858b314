// The production entry points (api/main.ts, worker/main.ts) differ only in what they run: both parse their env,
// need PostgreSQL and a Temporal cluster (the embedded defaults belong to `npm start`), and stop on a signal.
import type { z } from 'zod';
import { type apiEnv, loadEnvOrExit, type CommonEnv } from './env.js';
import { createLogger } from './logger.js';
import { startRuntime, type Runtime } from './runtime.js';

export async function runService(opts: { name: string; schema: typeof apiEnv | z.ZodType<CommonEnv>; worker: boolean; api: boolean }): Promise<Runtime> {
  const env = loadEnvOrExit(opts.schema) as CommonEnv & { DATABASE_URL?: string; TEMPORAL_ADDRESS?: string };
  if (!env.DATABASE_URL || !env.TEMPORAL_ADDRESS) {
    console.error(`${opts.name}: DATABASE_URL and TEMPORAL_ADDRESS are required (for everything on one machine, use npm start).`);
    process.exit(78);
  }
  const logger = createLogger(env.LOG_LEVEL, opts.name);
  let runtime: Runtime;
  try {
    runtime = await startRuntime({ env, databaseUrl: env.DATABASE_URL, temporalAddress: env.TEMPORAL_ADDRESS, logger, worker: opts.worker, api: opts.api, embedded: false });
  } catch (err) {
    // What is missing, in one line (a namespace not created, a database not reachable, a certificate not readable).
    console.error(`${opts.name}: could not start: ${(err instanceof Error ? err.message : String(err)).split(/: Status \{/)[0]}`);
    if (/namespace .* (was )?not found/i.test(String((err as Error)?.message))) console.error(`  create it: temporal operator namespace create --namespace ${env.TEMPORAL_NAMESPACE} (see README → Distributed)`);
    process.exit(69); // EX_UNAVAILABLE
  }
  logger.info({ url: runtime.url, taskQueue: env.TEMPORAL_TASK_QUEUE, namespace: env.TEMPORAL_NAMESPACE }, `${opts.name} running`);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      logger.info({ sig }, 'stopping: finishing in-flight work');
      void runtime.stop().then(() => process.exit(0));
    });
  }
  return runtime;
}
