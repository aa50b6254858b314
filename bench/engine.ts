// npm run bench — the whole engine against a bare Temporal workflow, on ONE Temporal dev server started here
// (in-memory store; --bench-sqlite [FILE] for SQLite). Engine: HTTP POST /cases → workflow → three decisions
// through POST /cases/:id/decisions → projection, audit, outbox, sealed decision; the worker and the API run in
// this process on PGlite in memory (or PostgreSQL from --database-url). Baseline: bench/bare-workflow.ts with
// the same Updates, the same number of (no-op) activities per case, the same concurrency.
// CPU per case is measured for both sides (this process and the Temporal server).
// A decision's round trip runs from sending it until a read shows it: on both sides its own answer, which carries
// the new state (the engine's HTTP answer, the bare Update's result). Both sides' clients run on a load thread
// (bench/lib/load.ts).
// Flags: --cases N (200) --concurrency N (20) --database-url URL --bench-sqlite [FILE] --poll-ms N (10)
// --max-poll-ms N (100: waiting for a step to open backs off to this) --warmup N (20) --rounds N (4: measured
// rounds, engine and bare taking turns to go first; both workers run throughout) --serial N (34: then cases one at
// a time on each side, half of them each going first, for the round trips without queueing; 0: none).
// --engine-poll (the engine's client polls for a step to open as the bare one does, instead of waiting reads).
// The last line printed is one JSON object. Exit 0 whether or not the goals are met; non-zero on errors.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { freePort } from '../lib/db/embedded.js';
import { migrate } from '../lib/db/migrate.js';
import { createPrisma } from '../lib/db/client.js';
import { seed } from '../lib/seed.js';
import { embeddedEnv, parseEnv } from '../lib/env.js';
import { createLogger } from '../lib/logger.js';
import { startRuntime, type Runtime } from '../lib/runtime.js';
import { startTemporalDevServer, type DevServer } from '../lib/temporal-dev-server.js';
import { formatPath, slowAndMedianPaths } from './lib/decision-paths.js';
import { toolPaths } from '../lib/tools.js';
import { workflowsPath } from '../worker/create-worker.js';
import type { BareInput } from './bare-workflow.js';
import { bundleBare, createBareWorker } from './lib/bare-run.js';
import { startLoadThread } from './lib/load.js';
import { checkDatabase, ENGINE_STEPS, engineDriver, setUpEngine, type CaseTiming } from './lib/engine-run.js';
import { startSerialPglite, type SerialPglite } from './lib/pglite.js';
import { formatTiming, historyFacts, mergeTiming } from './lib/history.js';
import { parseArgs, percentile, round1, round2, summarize } from './lib/util.js';
import { cpuMark, cpuSince } from './lib/cpu.js';
import { addThreadsSince, formatThreads, threadMark } from './lib/threads.js';

const GOALS = { throughputRatioMin: 0.6, p99DeltaMaxMs: 20 };
const NAMESPACE = 'default';
const MAX_ACTIVITIES = 50;

const args = parseArgs(process.argv.slice(2));
// Quiet by default; BENCH_LOG_LEVEL=warn (or error, debug…) shows the engine's own logs when a run fails.
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'silent';
process.env.LOG_LEVEL = logLevel;
const say = (line: string) => console.log(line);
// The thread settings of the engine's process (and which watchdog guards its workflow thread) are taken from the
// environment, as `npm start` does (README).
const threadEnv = parseEnv(embeddedEnv.pick({ WORKER_THREAD: true, WORKER_SDK_WATCHDOG: true, WORKER_ACTIVITY_THREAD: true, WORKER_ACTIVITY_NICE: true, WORKER_ACTIVITY_IDLE: true, PGLITE_NICE: true, PGLITE_IDLE: true }));

let tmp: string | undefined;
let devServer: DevServer | undefined;
let pg: SerialPglite | undefined;
let runtime: Runtime | undefined;
let bareWorker: { worker: Worker; connection: { close(): Promise<void> } } | undefined;
let bareRun: Promise<void> | undefined;
let benchConnection: Connection | undefined;
let load: Awaited<ReturnType<typeof startLoadThread>> | undefined;

async function cleanup() {
  await load?.close().catch(() => undefined);
  if (bareWorker) {
    if (bareWorker.worker.getState() === 'RUNNING') bareWorker.worker.shutdown();
    await bareRun?.catch(() => undefined);
    await bareWorker.connection.close().catch(() => undefined);
  }
  await runtime?.stop().catch(() => undefined);
  await benchConnection?.close().catch(() => undefined);
  await devServer?.stop().catch(() => undefined);
  await pg?.close().catch(() => undefined);
  if (tmp) await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
}

const ms = (x: number) => `${round1(x)} ms`;

interface Side {
  /** CPU per thread of this process (--threads), by thread id. */
  threads: Map<string, { label: string; ms: number }>;
  /** The main event loop's delay per round (--threads): p50/p99/max ms. */
  loopDelay: string[];
  wallMs: number;
  timings: CaseTiming[];
  reads: number;
  cpuSelfMs: number;
  cpuServerMs: number | null;
}
const emptySide = (): Side => ({ threads: new Map(), loopDelay: [], wallMs: 0, timings: [], reads: 0, cpuSelfMs: 0, cpuServerMs: 0 });

function describeRun(label: string, cases: number, side: Side) {
  const { timings } = side;
  const rts = timings.flatMap((t) => t.roundTripMs);
  const s = summarize(cases, side.wallMs, rts);
  say(
    `${label}: ${s.casesPerSec} cases/s (${cases} in ${(side.wallMs / 1000).toFixed(1)} s); decision round trip p50 ${ms(s.p50Ms)}, p99 ${ms(s.p99Ms)}` +
      ` | answer p50 ${ms(percentile(timings.flatMap((t) => t.postMs), 50))}, step-open wait p50 ${ms(percentile(timings.flatMap((t) => t.openWaitMs), 50))},` +
      ` create p50 ${ms(percentile(timings.map((t) => t.createMs), 50))}, case p50 ${ms(percentile(timings.map((t) => t.totalMs), 50))}, ${round1(side.reads / cases)} reads per case`,
  );
  /** p50/p99 of the i-th value of each case (the i-th decision, the i-th step), for each i. */
  const byIndex = (values: (t: CaseTiming) => number[]) =>
    (timings[0] ? values(timings[0]) : []).map((_, i) => {
      const xs = timings.map((t) => values(t)[i]!);
      return `${i + 1}: ${round1(percentile(xs, 50))}/${round1(percentile(xs, 99))}`;
    });
  const byDecision = byIndex((t) => t.roundTripMs);
  const byStep = byIndex((t) => t.openWaitMs);
  say(`${label.trim()} round trip p50/p99 by decision (ms): ${byDecision.join(', ')}; step-open wait p50/p99 by step (ms): ${byStep.join(', ')}`);
  return { ...s, cpuMsPerCase: { process: Math.round(side.cpuSelfMs / cases), temporalServer: side.cpuServerMs === null ? null : Math.round(side.cpuServerMs / cases) } };
}

const cpuLine = (side: Side, cases: number) =>
  `${Math.round(side.cpuSelfMs / cases)} ms in this process` + (side.cpuServerMs === null ? '' : ` + ${Math.round(side.cpuServerMs / cases)} ms in the Temporal server`);

try {
  const started = performance.now();
  const cli = toolPaths().temporalCli;
  if (!cli) throw new Error('No Temporal CLI: run `npm run setup` (or set TEMPORAL_CLI).');
  tmp = await mkdtemp(path.join(tmpdir(), 'chain-bench-'));
  const sqliteFile = args.sqlite === undefined ? '' : args.sqlite || path.join(tmp, 'temporal.db');
  const quietBundler = { trace() {}, debug() {}, info() {}, warn() {}, log() {}, error(m: string, meta?: unknown) { console.error(m, meta ?? ''); } };

  // The server, the database and both bundles at once.
  const [server, databaseUrl, engineBundle, bareBundle] = await Promise.all([
    (async () => startTemporalDevServer({ cli, dbFile: sqliteFile, port: await freePort(), uiPort: await freePort(), namespace: NAMESPACE }))(),
    (async () => {
      if (args.databaseUrl) return args.databaseUrl;
      pg = await startSerialPglite({ nice: threadEnv.PGLITE_NICE, idle: threadEnv.PGLITE_IDLE });
      return pg.url;
    })(),
    bundleWorkflowCode({ workflowsPath, logger: quietBundler }),
    bundleBare(),
  ]);
  devServer = server;
  await migrate(databaseUrl);
  const seedDb = createPrisma(databaseUrl, { poolSize: 2 });
  await seed(seedDb).finally(() => seedDb.$disconnect());
  say(
    `bench: ${args.cases} cases, ${args.concurrency} at a time; Temporal dev server ${sqliteFile ? `SQLite ${sqliteFile}` : 'in memory'} at ${server.address};` +
      ` database ${args.databaseUrl ? 'PostgreSQL (--database-url)' : 'PGlite in memory'};` +
      ` the engine's client ${args.enginePoll ? 'polls for a step to open (--engine-poll)' : 'waits for each step with a read that waits for a change'}, the bare one polls its Query; the engine's worker ${threadEnv.WORKER_THREAD ? 'on a thread of its own' : "on the API's event loop (WORKER_THREAD=false)"}, its workflow thread ${threadEnv.WORKER_SDK_WATCHDOG ? "with the SDK's watchdog per call (WORKER_SDK_WATCHDOG)" : 'under the deadlock guard'}, the bare one's with the SDK's watchdog; Node.js ${process.versions.node}; set up in ${((performance.now() - started) / 1000).toFixed(1)} s;` +
      ` load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores (other processes skew the numbers)`,
  );

  benchConnection = await Connection.connect({ address: server.address });
  const client = new Client({ connection: benchConnection, namespace: NAMESPACE });
  const runId = randomUUID().slice(0, 8);

  // ---- Engine: the real runtime (worker + API) in this process.
  const env = parseEnv(embeddedEnv, {
    LOG_LEVEL: logLevel,
    DATA_DIR: tmp,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TEMPORAL_TASK_QUEUE: `bench-engine-${runId}`,
    WORKER_MAX_ACTIVITIES: String(MAX_ACTIVITIES),
  });
  Object.assign(env, threadEnv);
  runtime = await startRuntime({
    env,
    databaseUrl,
    temporalAddress: server.address,
    logger: createLogger(logLevel, 'bench'),
    worker: true,
    api: true,
    embedded: true,
    workflowBundle: engineBundle,
    workerThread: threadEnv.WORKER_THREAD,
    port: 0,
  });
  const setup = await setUpEngine(runtime.db);
  const engine = engineDriver({ url: runtime.url!, client, setup, pollMs: args.pollMs, maxPollMs: args.maxPollMs, waitForChanges: !args.enginePoll });

  // One case with the workflow idle before each decision: its history gives clean phases.
  const probe = await engine.runCase(-1, { settle: true });
  const facts = await historyFacts(client, probe.id, { openAfter: 'resolveAssignees' });
  say(
    `engine case: ${facts.activities} activities (${facts.localActivities ? `${facts.localActivities} of them local; ` : ''}${Object.entries(facts.activityTypes).map(([k, v]) => `${k} ${v}`).join(', ')}),` +
      ` ${facts.workflowTasks} workflow tasks, ${facts.events} history events; phases ${facts.phases.map((p) => `${p.open}+${p.rest}`).join(' | ')}`,
  );

  // ---- Bare: the same Updates, the same number of activities (no-ops), the same concurrency and polling, on its
  // own worker and task queue beside the engine's.
  const input: BareInput = { steps: ENGINE_STEPS, phases: facts.phases };
  if (input.phases.length !== ENGINE_STEPS + 1) throw new Error(`engine history has ${input.phases.length} phases, expected ${ENGINE_STEPS + 1}`);
  const bareQueue = `bench-bare-${runId}`;
  bareWorker = await createBareWorker({ address: server.address, namespace: NAMESPACE, taskQueue: bareQueue, bundle: bareBundle, maxActivities: MAX_ACTIVITIES });
  bareRun = bareWorker.worker.run();

  // Both sides' clients on a thread of their own (bench/lib/load.ts), warmed up there.
  load = await startLoadThread({
    address: server.address,
    namespace: NAMESPACE,
    url: runtime.url!,
    setup,
    bare: { taskQueue: bareQueue, input, runId },
    pollMs: args.pollMs,
    maxPollMs: args.maxPollMs,
    waitForChanges: !args.enginePoll,
  });
  const loaded = load;
  const run = (side: 'engine' | 'bare', n: number, offset: number, concurrency = args.concurrency) => loaded.run({ side, n, offset, concurrency });
  if (args.warmup > 1) await run('engine', args.warmup - 1, -1000);
  await run('bare', args.warmup, -1000);

  // ---- Measured rounds, alternating which side goes first (E B, B E, …) so that neither always runs on the
  // fresher server or the quieter machine. Both workers poll throughout; only one side has cases at a time.
  const sides = { engine: emptySide(), bare: emptySide() };
  let offset = 0;
  for (let r = 0; r < args.rounds; r++) {
    const n = Math.floor(args.cases / args.rounds) + (r < args.cases % args.rounds ? 1 : 0);
    const order = r % 2 === 0 ? (['engine', 'bare'] as const) : (['bare', 'engine'] as const);
    const line: string[] = [];
    for (const name of order) {
      const side = sides[name];
      const mark = cpuMark(server.pid);
      const threads = args.threads ? threadMark() : undefined;
      const loop = args.threads ? monitorEventLoopDelay({ resolution: 5 }) : undefined;
      loop?.enable();
      const done = await run(name, n, offset);
      const cpu = cpuSince(mark, server.pid);
      if (threads) addThreadsSince(threads, side.threads);
      if (loop) {
        loop.disable();
        side.loopDelay.push(`${round1(loop.percentile(50) / 1e6)}/${round1(loop.percentile(99) / 1e6)}/${round1(loop.max / 1e6)}`);
      }
      side.wallMs += done.wallMs;
      side.timings.push(...done.timings);
      side.reads += done.reads;
      side.cpuSelfMs += cpu.selfMs;
      side.cpuServerMs = side.cpuServerMs === null || cpu.serverMs === null ? null : side.cpuServerMs + cpu.serverMs;
      line.push(`${name} ${round2((n * 1000) / done.wallMs)} cases/s`);
    }
    offset += n;
    say(`round ${r + 1}/${args.rounds} (${n} cases each): ${line.join(', ')}`);
  }

  const engineSummary = describeRun('engine', args.cases, sides.engine);
  const ids = sides.engine.timings.map((t) => t.id);
  const stored = await checkDatabase(runtime.db, ids);
  say(`engine database: ${stored.approved} projections approved, ${stored.sealed} sealed decisions, ${round1(stored.audit / ids.length)} audit rows and ${round1(stored.outbox / ids.length)} outbox messages per case`);
  const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 10)) === 0).slice(0, 10);
  const sampled = await Promise.all(sample.map((id) => historyFacts(client, id)));
  const mean = (f: (x: (typeof sampled)[number]) => number) => round1(sampled.reduce((a, x) => a + f(x), 0) / sampled.length);
  say(`engine activities (mean queue wait + run, ${sample.length} cases): ${formatTiming(mergeTiming(sampled))}`);
  // The baseline copies the probe's activities (each phase run to its end before the next decision). Under load a
  // decision often arrives while a step's email goes out; the engine then records it together with what came before
  // it, before the next email, so its cases may run an activity or so fewer than the baseline's.
  say(`engine cases as run (same ${sample.length}): ${mean((x) => x.activities)} activities, ${mean((x) => x.workflowTasks)} workflow tasks, ${mean((x) => x.events)} history events on average (baseline: ${facts.activities} activities)`);
  const bareSummary = describeRun('bare  ', args.cases, sides.bare);
  const bareFacts = await historyFacts(client, sides.bare.timings[0]!.id);
  if (bareFacts.activities !== facts.activities) throw new Error(`bare case ran ${bareFacts.activities} activities, engine ${facts.activities}`);
  say(`bare case: ${bareFacts.activities} activities, ${bareFacts.workflowTasks} workflow tasks, ${bareFacts.events} history events`);
  // Where the slowest decisions' time went, from their cases' histories, next to the median ones.
  for (const name of ['engine', 'bare'] as const) {
    const paths = await slowAndMedianPaths(client, sides[name].timings);
    say(
      `${name === 'bare' ? 'bare  ' : name} decision paths (mean of ${paths.n} each): slowest ${formatPath(paths.slowest)}; median ${formatPath(paths.median)};` +
        ` all ${formatPath(paths.all)}, ${Math.round(paths.behind * 100)}% sent while a task of their case ran`,
    );
  }
  say(`CPU per case: engine ${cpuLine(sides.engine, args.cases)}; bare ${cpuLine(sides.bare, args.cases)} (throughput on a saturated machine follows their sums)`);
  if (args.threads) {
    for (const name of ['engine', 'bare'] as const) {
      say(`CPU per case by thread, ${name} (ms): ${formatThreads(sides[name].threads, args.cases)}; main event loop delay p50/p99/max per round (ms): ${sides[name].loopDelay.join(', ')}`);
    }
  }

  // ---- One case at a time, each side: the same round trips without other cases' work to wait behind.
  let serial: { cases: number; engine: { p50Ms: number; p99Ms: number }; bare: { p50Ms: number; p99Ms: number }; p99DeltaMs: number } | undefined;
  if (args.serial > 0) {
    const latency = (timings: CaseTiming[]) => {
      const rts = timings.flatMap((t) => t.roundTripMs);
      return { p50Ms: round1(percentile(rts, 50)), p99Ms: round1(percentile(rts, 99)) };
    };
    // Half each with either side first, as in the rounds.
    const half = Math.ceil(args.serial / 2);
    const engineTimings: CaseTiming[] = [];
    const bareTimings: CaseTiming[] = [];
    engineTimings.push(...(await run('engine', half, offset, 1)).timings);
    bareTimings.push(...(await run('bare', half, offset, 1)).timings);
    bareTimings.push(...(await run('bare', args.serial - half, offset + half, 1)).timings);
    engineTimings.push(...(await run('engine', args.serial - half, offset + half, 1)).timings);
    const e = latency(engineTimings);
    const b = latency(bareTimings);
    serial = { cases: args.serial, engine: e, bare: b, p99DeltaMs: round1(e.p99Ms - b.p99Ms) };
    say(`one case at a time (${args.serial} each): engine round trip p50 ${ms(e.p50Ms)}, p99 ${ms(e.p99Ms)}; bare p50 ${ms(b.p50Ms)}, p99 ${ms(b.p99Ms)}; p99 delta ${ms(serial.p99DeltaMs)}`);
  }
  await load.close();
  load = undefined;
  await runtime.stop();
  runtime = undefined;
  bareWorker.worker.shutdown();
  await bareRun;

  const throughputRatio = round2(engineSummary.casesPerSec / bareSummary.casesPerSec);
  const p99DeltaMs = round1(engineSummary.p99Ms - bareSummary.p99Ms);
  const met = throughputRatio >= GOALS.throughputRatioMin && p99DeltaMs <= GOALS.p99DeltaMaxMs;
  say(`ratio engine/bare: throughput ${throughputRatio} (goal >= ${GOALS.throughputRatioMin}); p99 delta ${p99DeltaMs} ms (goal <= ${GOALS.p99DeltaMaxMs} ms): goals ${met ? 'met' : 'NOT met'}; run took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  await cleanup();
  console.log(
    JSON.stringify({
      bench: 'engine',
      cases: args.cases,
      concurrency: args.concurrency,
      rounds: args.rounds,
      temporal: sqliteFile ? 'dev-server-sqlite' : 'dev-server-memory',
      database: args.databaseUrl ? 'postgresql' : 'pglite',
      activitiesPerCase: facts.activities,
      // How the engine's client learns that a step opened (the bare one polls its Query).
      engineClient: args.enginePoll ? 'polling' : 'waiting-reads',
      engineWatchdog: threadEnv.WORKER_SDK_WATCHDOG ? 'sdk' : 'guard',
      engineWorker: threadEnv.WORKER_THREAD ? 'thread' : 'event-loop',
      node: process.versions.node,
      loadAvg1: round1(loadavg()[0]!),
      engine: engineSummary,
      bare: bareSummary,
      throughputRatio,
      p99DeltaMs,
      goals: { ...GOALS, met },
      ...(serial ? { serial } : {}),
    }),
  );
  process.exit(0);
} catch (err) {
  console.error('bench failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  await cleanup();
  process.exit(1);
}
