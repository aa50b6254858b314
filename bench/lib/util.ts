// Small helpers of `npm run bench`: flags, percentiles, a fixed-size pool of concurrent cases, polling.
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

export interface BenchArgs {
  cases: number;
  concurrency: number;
  /** PostgreSQL instead of in-memory PGlite. */
  databaseUrl?: string;
  /** The dev server's SQLite file instead of its in-memory store ('' = a temp file). */
  sqlite?: string;
  /** First interval between reads while waiting for a step to open (then growing to maxPollMs); a decision is confirmed every pollMs. */
  pollMs: number;
  maxPollMs: number;
  /** Untimed cases on each side before the measured rounds (JIT, caches and pools warm; default: 20). */
  warmup: number;
  /** Measured rounds, engine and bare alternating (E B, B E, E B, …): both see the same server state and load. */
  rounds: number;
  /** Cases per side run one at a time after the rounds (0: none): the round trips without queueing. 34 cases give
   * 102 round trips, so that their p99 is not simply the slowest one. */
  serial: number;
  /** Print each side's CPU per case per thread of this process (Linux). */
  threads: boolean;
  /** The engine's client polls for a step to open as the bare one does, instead of reads that wait for a change. */
  enginePoll: boolean;
}

const usage = `usage: npm run bench -- [--cases N] [--concurrency N] [--database-url URL] [--bench-sqlite [FILE]] [--poll-ms N] [--max-poll-ms N] [--warmup N] [--rounds N] [--serial N] [--threads] [--engine-poll]`;

export function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { cases: 200, concurrency: 20, pollMs: 10, maxPollMs: 100, warmup: 20, rounds: 4, serial: 34, threads: false, enginePoll: false };
  const int = (flag: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} needs an integer >= ${min}\n${usage}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--cases': args.cases = int(flag, value(), 1); break;
      case '--concurrency': args.concurrency = int(flag, value(), 1); break;
      case '--poll-ms': args.pollMs = int(flag, value(), 1); break;
      case '--max-poll-ms': args.maxPollMs = int(flag, value(), 1); break;
      case '--warmup': args.warmup = int(flag, value(), 1); break;
      case '--rounds': args.rounds = int(flag, value(), 1); break;
      case '--serial': args.serial = int(flag, value(), 0); break;
      case '--threads': args.threads = true; break;
      case '--engine-poll': args.enginePoll = true; break;
      case '--database-url': {
        const v = value();
        if (!v) throw new Error(`--database-url needs a URL\n${usage}`);
        args.databaseUrl = v;
        break;
      }
      case '--bench-sqlite': {
        if (inline !== undefined) args.sqlite = inline;
        else if (argv[i + 1] && !argv[i + 1]!.startsWith('--')) args.sqlite = argv[++i]!;
        else args.sqlite = '';
        break;
      }
      case '--help': case '-h': console.log(usage); process.exit(0); break;
      default: throw new Error(`unknown flag ${a}\n${usage}`);
    }
  }
  args.maxPollMs = Math.max(args.maxPollMs, args.pollMs);
  args.rounds = Math.min(args.rounds, args.cases);
  return args;
}

/** Nearest-rank percentile. */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const round1 = (x: number) => Math.round(x * 10) / 10;
export const round2 = (x: number) => Math.round(x * 100) / 100;

/** Runs `n` jobs, `concurrency` at a time; the first error stops taking new jobs and is thrown. */
export async function runPool(n: number, concurrency: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const lane = async () => {
    while (failed === undefined && next < n) {
      const i = next++;
      try {
        await job(i);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, lane));
  if (failed !== undefined) throw failed;
}

/**
 * Calls `read` (at once, then after `everyMs`, growing by half each time up to `maxEveryMs`) until `done` holds for
 * its value; throws after `timeoutMs`.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (v: T) => boolean,
  opts: { everyMs: number; maxEveryMs?: number; timeoutMs?: number; what: string },
): Promise<T> {
  const deadline = performance.now() + (opts.timeoutMs ?? 120_000);
  let every = opts.everyMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${opts.what}`);
    await sleep(every);
    every = Math.min(opts.maxEveryMs ?? opts.everyMs, every * 1.5);
  }
}

export interface LatencySummary {
  casesPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

export function summarize(cases: number, wallMs: number, roundTrips: number[]): LatencySummary {
  return { casesPerSec: round2(cases / (wallMs / 1000)), p50Ms: round1(percentile(roundTrips, 50)), p99Ms: round1(percentile(roundTrips, 99)) };
}
