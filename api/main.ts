// Production entry point of the API (configured by env only; see README → Configuration). Needs DATABASE_URL
// and TEMPORAL_ADDRESS: the embedded defaults belong to `npm start`.
import { apiEnv, loadEnvOrExit } from '../lib/env.js';
import { createLogger } from '../lib/logger.js';
import { startRuntime } from '../lib/runtime.js';

const env = loadEnvOrExit(apiEnv.required({ DATABASE_URL: true, TEMPORAL_ADDRESS: true }));
const logger = createLogger(env.LOG_LEVEL, 'chain-api');
const runtime = await startRuntime({
  env,
  databaseUrl: env.DATABASE_URL,
  temporalAddress: env.TEMPORAL_ADDRESS,
  logger,
  worker: false,
  api: true,
  embedded: false,
});
logger.info({ url: runtime.url, publicUrl: runtime.publicUrl }, 'API listening');
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    logger.info({ sig }, 'stopping');
    void runtime.stop().then(() => process.exit(0));
  });
}
