// Wires the engine's parts together: database, Temporal client, worker, HTTP API. The embedded launcher,
// the production entry points and the integration tests all start the engine through here.
import type { Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { Runtime as TemporalRuntime, bundleWorkflowCode, makeTelemetryFilterString, type Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type Activities } from '../activities/index.js';
import { startActivityThread, type ActivityThread } from '../activities/thread/index.js';
import { createMailer, type Mailer } from '../activities/mailer.js';
import { repairUnstartedCases, REPAIR_EVERY_MS } from '../api/cases/repair-unstarted.js';
import { createApp } from '../api/app.js';
import { createLinkHooks } from '../api/links/index.js';
import { webLayer } from '../web/layer.js';
import { createChainWorker, ensureSearchAttributes, workflowsPath } from '../worker/create-worker.js';
import { createPrisma, type Db } from './db/client.js';
import type { ApiEnv, CommonEnv, WorkerEnv } from './env.js';
import type { Logger } from './logger.js';
import { clientOn, connectTemporal } from './temporal.js';
import { CaseChanges } from './case-changes.js';
import type { EngineState } from '../domain/approval/index.js';
import { listenForCaseChanges, notifyCaseChanged, type CaseChangeListener } from './case-changes-pg.js';
import { createSealer, ensureDevCertificate, startSealThread, type SealerSource, type SealThread } from '../activities/pdf/index.js';
import { startWorkerThread, type WorkerThread } from '../worker/thread/index.js';

/** The first pause before a worker that stopped with an error is replaced (it doubles while new ones fail). */
const WORKER_RESTART_MS = 1000;

/**
 * The sealing key's source: SIGNING_P12_PATH, or the development certificate under DATA_DIR (created if missing).
 * A configured file that holds one of our development certificates still seals as one (createSealer sees it).
 */
export async function readSealerSource(env: CommonEnv): Promise<SealerSource> {
  if (env.SIGNING_P12_PATH) return { p12: await readFile(env.SIGNING_P12_PATH), passphrase: env.SIGNING_P12_PASSPHRASE, development: false };
  const devPath = path.resolve(env.DATA_DIR, 'dev-signing.p12');
  await ensureDevCertificate(devPath, env.SIGNING_P12_PASSPHRASE);
  return { p12: await readFile(devPath), passphrase: env.SIGNING_P12_PASSPHRASE, development: true };
}

export interface RuntimeOptions {
  /** The API's and the worker's own variables are optional: a process running one of them has only its own. */
  env: CommonEnv & Partial<Omit<ApiEnv, keyof CommonEnv> & Omit<WorkerEnv, keyof CommonEnv>>;
  databaseUrl: string;
  temporalAddress: string;
  logger: Logger;
  worker: boolean;
  api: boolean;
  embedded: boolean;
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Connections in the Prisma pool (1 for the embedded PGlite; default 10). */
  dbPoolSize?: number;
  /** Override the HTTP port (tests pass 0). */
  port?: number;
  /**
   * With both the worker and the API: run the worker on a thread of its own (worker/thread), so that the API's
   * event loop serves only the API (WORKER_THREAD, `npm start`). Default false: both on this event loop.
   */
  workerThread?: boolean;
  /** Where this process's worker announces case changes, instead of to an API here or through NOTIFY (the worker thread's inside). */
  caseChanged?: (caseId: string, version: string, state?: EngineState) => void;
}

export interface Runtime {
  db: Db;
  client: Client;
  mailer: Mailer;
  /** The worker on this event loop (not with `workerThread`). */
  worker?: Worker;
  /** The worker's thread (with `workerThread`). */
  workerThread?: WorkerThread;
  server?: Server;
  /** Base URL of the HTTP server when started. */
  url?: string;
  publicUrl: string;
  /** Reads waiting for a case to change, woken by this process's worker or the workers' NOTIFY (see startRuntime); set with an API. */
  caseChanges?: CaseChanges;
  stop(): Promise<void>;
}

let sdkLoggingInstalled = false;

/** Route the Temporal SDK's own logs through pino (warnings and errors only, unless LOG_LEVEL is debug/trace). */
function installSdkLogging(logger: Logger): void {
  if (sdkLoggingInstalled) return;
  sdkLoggingInstalled = true;
  const verbose = ['debug', 'trace'].includes(logger.level);
  const level = verbose ? 'DEBUG' : 'WARN';
  const rank: Record<string, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
  TemporalRuntime.install({
    logger: {
      log: (l, message, meta) => {
        if (rank[l]! < rank[level]!) return;
        const fn = l === 'ERROR' ? 'error' : l === 'WARN' ? 'warn' : l === 'INFO' ? 'info' : 'debug';
        logger[fn]({ temporal: meta }, message);
      },
      trace: () => {},
      debug: (m, meta) => verbose && logger.debug({ temporal: meta }, m),
      info: () => {},
      warn: (m, meta) => logger.warn({ temporal: meta }, m),
      error: (m, meta) => logger.error({ temporal: meta }, m),
    },
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: verbose ? 'INFO' : 'WARN' }) } },
  });
}

export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { env, logger } = opts;
  installSdkLogging(logger);
  const db = createPrisma(opts.databaseUrl, { poolSize: opts.dbPoolSize });
  // One connection for the API's client and the worker (lib/temporal.ts).
  const connection = await connectTemporal(env, opts.temporalAddress);
  const client = clientOn(connection, env);
  const port = opts.port ?? env.PORT ?? 3000;
  let publicUrl = env.PUBLIC_URL ?? `http://localhost:${port}`;
  const mailer = createMailer({ db, smtpUrl: env.SMTP_URL, from: env.MAIL_FROM });

  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let server: Server | undefined;
  let url: string | undefined;
  const repairTimers: NodeJS.Timeout[] = [];
  let activityThread: ActivityThread | undefined;
  let workerThread: WorkerThread | undefined;
  // The worker on a thread of its own, started once the API listens (below); otherwise here, as asked.
  const threaded = opts.worker && opts.api && !!opts.workerThread;
  const workerHere = opts.worker && !threaded;
  // An API process's waiting reads (lib/case-changes.ts), told of changes by the worker here, the worker thread or
  // the workers' NOTIFY.
  const caseChanges = opts.api ? new CaseChanges() : undefined;
  const announceHere = caseChanges && ((caseId: string, version: string, state?: EngineState) => caseChanges.announce(caseId, version, state));
  let caseListener: CaseChangeListener | undefined;

  let sealThread: SealThread | undefined;
  let stopping = false;
  /** Ends superviseWorker's pause before a new worker at once (stop). */
  let wakeSupervisor = () => undefined as void;
  /**
   * Runs the worker until this runtime stops. A worker that stops with an error before that (its workflow thread
   * terminated by the deadlock guard, worker/deadlock-guard.ts, or a fatal error in the Temporal core) is replaced
   * by a new one, after a pause that grows to a minute while new ones fail too.
   */
  const superviseWorker = async (first: Worker, next: () => Promise<Worker>) => {
    let current: Worker | undefined = first;
    let pauseMs = WORKER_RESTART_MS;
    for (;;) {
      if (current) {
        const started = Date.now();
        const run = current.run();
        // A worker that came up while this runtime began to stop: run it only to shut it down.
        if (stopping && current.getState() === 'RUNNING') current.shutdown();
        try {
          await run;
          return;
        } catch (err) {
          if (stopping) throw err;
          logger.error({ err: String(err) }, 'the worker stopped with an error; starting a new one');
          if (Date.now() - started > 60_000) pauseMs = WORKER_RESTART_MS;
        }
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pauseMs);
        wakeSupervisor = () => (clearTimeout(t), resolve());
      });
      pauseMs = Math.min(pauseMs * 2, 60_000);
      if (stopping) return;
      current = await next().catch((err: unknown) => {
        logger.error({ err: String(err) }, 'a new worker did not start; trying again');
        return undefined;
      });
      if (current) worker = current;
    }
  };
  const stop = async () => {
    stopping = true;
    wakeSupervisor();
    for (const t of repairTimers) clearTimeout(t);
    // Reads waiting for a change answer now: the server below closes once they have.
    caseChanges?.close();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    server?.closeAllConnections?.();
    if (worker && worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun?.catch((err) => logger.error({ err }, 'worker stopped with an error'));
    await workerThread?.close();
    mailer.close();
    await sealThread?.close();
    await activityThread?.close();
    await connection.close().catch(() => undefined);
    await caseListener?.close();
    await db.$disconnect();
  };

  try {
    const publicUrlRef = { get: () => publicUrl };
    const sealerSource = await readSealerSource(env);
    const sealer = createSealer(sealerSource);
    /** The activities on this event loop, with this process's clients. */
    const onEventLoop = (sealThread?: SealThread): Activities =>
      createActivities({
        db,
        mailer,
        sealer,
        sealThread,
        get publicUrl() {
          return publicUrlRef.get();
        },
        logger,
        ...createLinkHooks({ db, publicUrl: () => publicUrlRef.get() }),
      });
    if (workerHere) {
      await ensureSearchAttributes(client, env.TEMPORAL_NAMESPACE, logger).catch((err) =>
        logger.warn({ err: String(err) }, 'could not register search attributes; register them on the cluster (see README)'),
      );
      let activities: Activities;
      if (env.WORKER_ACTIVITY_THREAD ?? true) {
        // Activities on their own thread at a lower priority (activities/thread): people's requests first.
        activityThread = startActivityThread({
          databaseUrl: opts.databaseUrl,
          dbPoolSize: opts.dbPoolSize,
          smtpUrl: env.SMTP_URL,
          mailFrom: env.MAIL_FROM,
          publicUrl,
          sealer: sealerSource,
          logLevel: logger.level,
          nice: env.WORKER_ACTIVITY_NICE ?? 10,
          idle: env.WORKER_ACTIVITY_IDLE ?? true,
        });
        // Resolving a step's people is what opens it: someone waits for that, so it runs here, at the process's
        // priority (its reads go to the database as the API's do). Everything else — email, projection, audit,
        // sealing — goes to the thread.
        activities = { ...activityThread.activities, resolveAssignees: onEventLoop().resolveAssignees };
      } else {
        // On the event loop, with decisions rendered and sealed on a thread of their own (the .p12 parsed once there too).
        sealThread = startSealThread(sealerSource);
        activities = onEventLoop(sealThread);
      }
      // Each change a workflow announces wakes the reads waiting for its case: this process's own API's (from the
      // worker thread, by message: opts.caseChanged), or, with the API in other processes on PostgreSQL, theirs
      // through NOTIFY (lib/case-changes-pg.ts).
      const caseChanged =
        opts.caseChanged ??
        announceHere ??
        (opts.embedded
          ? undefined
          : (caseId: string, version: string) =>
              void notifyCaseChanged(db, caseId, version).catch((err: unknown) => logger.debug({ err: String(err), caseId }, 'case change not notified')));
      // The workflows are bundled once (seconds of CPU): a worker started again takes the same bundle.
      let workflowBundle = opts.workflowBundle;
      const newWorker = async () =>
        createChainWorker({
          caseChanged,
          connection,
          namespace: env.TEMPORAL_NAMESPACE,
          taskQueue: env.TEMPORAL_TASK_QUEUE,
          activities,
          workflowBundle: (workflowBundle ??= await bundleWorkflowCode({ workflowsPath, logger: TemporalRuntime.instance().logger })),
          maxConcurrentActivityTaskExecutions: env.WORKER_MAX_ACTIVITIES,
          deadlockMs: env.WORKER_DEADLOCK_MS,
          sdkWatchdog: env.WORKER_SDK_WATCHDOG,
          logger,
        });
      worker = await newWorker();
      workerRun = superviseWorker(worker, newWorker);
    }

    if (caseChanges && !opts.worker && !opts.embedded) {
      // The API without a worker here (npm run api): told of changes by the workers' NOTIFY on PostgreSQL; its
      // waiting reads look again every CASE_WAIT_RECHECK_MS either way.
      caseListener = listenForCaseChanges({ databaseUrl: opts.databaseUrl, changes: caseChanges, logger });
    }
    if (opts.api) {
      const app = createApp({
        db,
        temporal: client,
        taskQueue: env.TEMPORAL_TASK_QUEUE,
        // A worker above shares the client's connection: a new case's first task goes straight to it (without one —
        // the API alone, or the worker on its thread with a connection of its own — the Temporal core starts the
        // case as usual).
        eagerStart: true,
        workerThread: threaded,
        logger,
        get publicUrl() {
          return publicUrlRef.get();
        },
        embedded: opts.embedded,
        smtp: !!env.SMTP_URL,
        sealer,
        apiKeyCacheMs: (env.API_KEY_CACHE_SECONDS ?? 0) * 1000,
        caseChanges,
        caseWaitRecheckMs: env.CASE_WAIT_RECHECK_MS,
        ...webLayer({ mailer, cookieSecure: env.COOKIE_SECURE ?? !opts.embedded }),
      });
      server = await new Promise<Server>((resolve, reject) => {
        // Express 5 calls back with the error too (a port in use): the caller must hear EADDRINUSE, not a null address.
        const s = app.listen(port, env.HOST ?? '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
        s.once('error', reject);
      });
      // Cases whose workflow start was never confirmed get it now and then (api/cases/repair-unstarted.ts).
      const repair = () =>
        void repairUnstartedCases({ db, temporal: client, taskQueue: env.TEMPORAL_TASK_QUEUE, logger }).catch((err: unknown) =>
          logger.warn({ err: String(err) }, 'looking for cases left starting failed'),
        );
      repairTimers.push(setTimeout(repair, 60_000).unref(), setInterval(repair, REPAIR_EVERY_MS).unref());
      const addr = server.address() as AddressInfo;
      url = `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
      if (!env.PUBLIC_URL) {
        publicUrl = `http://localhost:${addr.port}`;
        activityThread?.setPublicUrl(publicUrl);
      }
    }
    if (threaded) {
      // Started with the address the API now has (the links in its emails); its announcements wake this API's reads.
      workerThread = await startWorkerThread(
        { env: { ...env, PUBLIC_URL: publicUrl }, databaseUrl: opts.databaseUrl, temporalAddress: opts.temporalAddress, logLevel: logger.level, dbPoolSize: opts.dbPoolSize, workflowBundle: opts.workflowBundle },
        { onChange: announceHere!, logger },
      );
    }
  } catch (err) {
    // Start-up failed part way (a port in use, a bundle that does not build): close what was started. (A failure
    // inside Worker.create, e.g. an unknown namespace, leaves the SDK's own workflow thread behind: out of our reach;
    // the entry points exit then.)
    await stop().catch(() => undefined);
    throw err;
  }

  return {
    db,
    client,
    mailer,
    get worker() {
      return worker;
    },
    get workerThread() {
      return workerThread;
    },
    server,
    url,
    get publicUrl() {
      return publicUrl;
    },
    caseChanges,
    stop,
  };
}
