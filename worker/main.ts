// Production entry point of a worker (run as many as you like; configured by env only; see README).
import { loadEnvOrExit, workerEnv } from '../lib/env.js';
import { createLogger } from '../lib/logger.js';
import { startRuntime } from '../lib/runtime.js';

const env = loadEnvOrExit(workerEnv.required({ DATABASE_URL: true, TEMPORAL_ADDRESS: true }));
const logger = createLogger(env.LOG_LEVEL, 'chain-worker');
const runtime = await startRuntime({
  env,
  databaseUrl: env.DATABASE_URL,
  temporalAddress: env.TEMPORAL_ADDRESS,
  logger,
  worker: true,
  api: false,
  embedded: false,
});
logger.info({ taskQueue: env.TEMPORAL_TASK_QUEUE, namespace: env.TEMPORAL_NAMESPACE }, 'worker running');
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    logger.info({ sig }, 'stopping: finishing in-flight tasks');
    void runtime.stop().then(() => process.exit(0));
  });
}
