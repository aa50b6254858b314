// `npm start`: the whole engine on one machine with nothing else running — PGlite under DATA_DIR (unless
// DATABASE_URL), a local Temporal dev server with its state in DATA_DIR/temporal.db (unless TEMPORAL_ADDRESS),
// migrations, demo data on the first start, the worker and the API in this process (the worker on a thread of its
// own: WORKER_THREAD).
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../lib/db/embedded.js';
import { migrate } from '../lib/db/migrate.js';
import { EMBEDDED_POOL_SIZE } from '../lib/db/client.js';
import { embeddedEnv, loadEnvOrExit } from '../lib/env.js';
import { createLogger } from '../lib/logger.js';
import { startRuntime, type Runtime } from '../lib/runtime.js';
import { startTemporalDevServer, waitForTemporal, type DevServer } from '../lib/temporal-dev-server.js';
import { toolPaths } from '../lib/tools.js';
import { firstStart } from './first-start.js';
import { createDemoCases } from './demo-cases.js';

const env = loadEnvOrExit(embeddedEnv);
const logger = createLogger(env.LOG_LEVEL, 'chain');
const dataDir = path.resolve(env.DATA_DIR);
await mkdir(dataDir, { recursive: true });

let pg: EmbeddedPostgres | undefined;
let devServer: DevServer | undefined;
let runtime: Runtime | undefined;
let stopping = false;

async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping (worker, API, Temporal, database)…`);
  await runtime?.stop().catch((err) => logger.error({ err }, 'runtime stop failed'));
  await devServer?.stop().catch((err) => logger.error({ err }, 'Temporal dev server stop failed'));
  await pg?.close().catch((err) => logger.error({ err }, 'PGlite stop failed'));
  await rm(path.join(dataDir, 'pglite.url'), { force: true });
  console.log('Stopped. Data is kept in', dataDir);
  process.exit(0);
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));

try {
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pglite'), port: env.PGLITE_PORT, nice: env.PGLITE_NICE, idle: env.PGLITE_IDLE });
    databaseUrl = pg.url;
    // Scripts such as scripts/api-key.ts reach the running embedded database through this file.
    await writeFile(path.join(dataDir, 'pglite.url'), `${pg.url}\n`);
  }
  const applied = await migrate(databaseUrl);
  if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);

  let temporalAddress = env.TEMPORAL_ADDRESS;
  let uiUrl: string | undefined;
  if (!temporalAddress) {
    const cli = toolPaths().temporalCli;
    if (!cli) throw new Error('No Temporal CLI found: run `npm run setup` (or set TEMPORAL_CLI, or TEMPORAL_ADDRESS).');
    devServer = await startTemporalDevServer({
      cli,
      dbFile: path.join(dataDir, 'temporal.db'),
      port: env.TEMPORAL_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
      namespace: env.TEMPORAL_NAMESPACE,
      log: (line) => logger.debug({ temporal: line }),
    });
    temporalAddress = devServer.address;
    uiUrl = devServer.uiUrl;
  } else {
    await waitForTemporal(temporalAddress, 30_000);
  }

  runtime = await startRuntime({ env, databaseUrl, temporalAddress, logger, worker: true, api: true, embedded: true, workerThread: env.WORKER_THREAD, dbPoolSize: pg ? EMBEDDED_POOL_SIZE : undefined });
  const first = await firstStart(runtime.db, dataDir);
  if (first.seeded) {
    // Demo strategies at different steps, through the real engine (in the background: the URLs print at once).
    createDemoCases({ db: runtime.db, temporal: runtime.client, taskQueue: env.TEMPORAL_TASK_QUEUE })
      .then((ids) => logger.info({ cases: ids }, 'demo strategies created'))
      .catch((err) => logger.warn({ err: String(err) }, 'demo strategies could not be created'));
  }
  const keyFile = path.join(dataDir, 'dev-api-key');
  const key = existsSync(keyFile) ? (await readFile(keyFile, 'utf8')).trim() : undefined;

  const lines = [
    '',
    'CHAIn approvals engine is running (embedded mode).',
    `  API            ${runtime.publicUrl}`,
    `  API docs       ${runtime.publicUrl}/docs   (OpenAPI: ${runtime.publicUrl}/openapi.json)`,
    `  Outbox         ${runtime.publicUrl}/outbox   (emails the engine sent)`,
    `  Temporal UI    ${uiUrl ?? `(external Temporal at ${temporalAddress})`}`,
    `  Temporal       ${temporalAddress}  namespace ${env.TEMPORAL_NAMESPACE}, task queue ${env.TEMPORAL_TASK_QUEUE}`,
    `  Database       ${pg ? `PGlite in ${path.join(dataDir, 'pglite')}` : 'PostgreSQL from DATABASE_URL'}`,
    `  Data           ${dataDir}`,
    first.seeded ? `  Demo data      loaded (${first.seeded.institutions} institutions, ${first.seeded.people} people; 4 demo strategies at different steps)` : '',
    key ? `  Dev API key    ${key}   (also in ${keyFile})` : '',
    key ? `  Try it         curl -H "Authorization: Bearer ${key}" ${runtime.publicUrl}/cases` : '',
    '',
    'Ctrl-C stops everything; data and running cases are kept for the next start.',
  ].filter((l) => l !== '');
  console.log(lines.join('\n'));
} catch (err) {
  console.error('Start-up failed:', err instanceof Error ? err.message : err);
  await runtime?.stop().catch(() => undefined);
  await devServer?.stop().catch(() => undefined);
  await pg?.close().catch(() => undefined);
  process.exit(1);
}
