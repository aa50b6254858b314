// Environment, parsed once per process at boot. Every variable the engine reads is declared here, with its
// default for the embedded mode; README's configuration table mirrors this file. A bad value stops start-up
// with a message naming the variable.
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional());

/** Variables shared by every process. */
export const commonEnv = z.object({
  /** Where the embedded mode keeps PGlite, the Temporal dev server's SQLite file, the dev key and certificate. */
  DATA_DIR: z.string().min(1).default('data'),
  /** PostgreSQL connection string. Unset: the embedded PGlite under DATA_DIR/pglite (only `npm start` provides it). */
  DATABASE_URL: optionalUrl,
  /** host:port of a Temporal frontend. Unset: `npm start` runs a local dev server on 7233. */
  TEMPORAL_ADDRESS: z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port').optional(),
  /** Temporal namespace. */
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Task queue shared by the worker and the API's client. */
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('chain-approvals'),
  /** API key for Temporal Cloud (sent as a bearer token, with TLS). */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** mTLS client certificate and key (PEM file paths) for a Temporal cluster that requires them. */
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The address people reach the web pages on; used in email links and the sealed PDFs' verification URL. */
  PUBLIC_URL: optionalUrl,
  /** SMTP server for outgoing email, e.g. smtp://user:pass@mail.example.org:587. Unset: emails go to the outbox table. */
  SMTP_URL: optionalUrl,
  /** Sender of the engine's emails. */
  MAIL_FROM: z.string().min(3).default('CHAIn approvals <no-reply@chain.localhost>'),
  /** PKCS#12 file holding the sealing key and certificate. Unset: DATA_DIR/dev-signing.p12, a self-signed development certificate. */
  SIGNING_P12_PATH: z.string().min(1).optional(),
  /** Passphrase of SIGNING_P12_PATH. */
  SIGNING_P12_PASSPHRASE: z.string().default('chain-dev'),
});

export const apiEnv = commonEnv.extend({
  /** HTTP port of the API and the pages. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface the HTTP server binds to. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Send cookies with the Secure flag. Defaults to true unless in the embedded mode. */
  COOKIE_SECURE: bool.optional(),
  /** Seconds a valid API key's identity is remembered between requests (0: look it up on every request). */
  API_KEY_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(5),
  /**
   * How often (ms) a read waiting for a case to change (GET /cases/:id?changedSince=) looks again by itself. With a
   * worker in the same process it is woken at once anyway; the API on its own relies on this.
   */
  CASE_WAIT_RECHECK_MS: z.coerce.number().int().min(100).max(30_000).default(1000),
});

export const workerEnv = commonEnv.extend({
  /** Maximum activities one worker runs at once. */
  WORKER_MAX_ACTIVITIES: z.coerce.number().int().min(1).default(50),
  /**
   * A workflow thread with work that answers nothing for this long is stuck (workflow code in a loop): it is
   * terminated and a new worker starts (worker/deadlock-guard.ts).
   */
  WORKER_DEADLOCK_MS: z.coerce.number().int().min(100).default(5000),
  /** The Temporal SDK's own watchdog instead: a thread around each call into the workflow sandbox (slower under load). */
  WORKER_SDK_WATCHDOG: bool.default(false),
  /**
   * Run the activities on a thread of their own (true), or on the worker's event loop (false). On the thread they
   * have their own database pool (up to the process's pool size again) and seal inline.
   */
  WORKER_ACTIVITY_THREAD: bool.default(true),
  /** How much lower the activity thread's CPU priority is (Linux nice value, 0–19; 0: the same as the process). */
  WORKER_ACTIVITY_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /**
   * Run the activity thread in Linux's idle scheduling class (SCHED_IDLE, set with util-linux `chrt`): it gets the
   * CPU only when no thread at normal priority wants it. Where that is not possible, the nice value stands alone.
   */
  WORKER_ACTIVITY_IDLE: bool.default(true),
});

export const embeddedEnv = apiEnv.merge(workerEnv).extend({
  /**
   * Run the Temporal worker on a thread of its own (true), apart from the API's event loop, or on the same event
   * loop as the API (false). Embedded mode only: in production the worker and the API are processes of their own.
   */
  WORKER_THREAD: bool.default(true),
  /** Port of the local Temporal dev server (embedded mode). */
  TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  /** Port of the Temporal UI (embedded mode). */
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  /** Port of the embedded PGlite socket (embedded mode; 0 picks a free one). */
  PGLITE_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** How much lower the embedded database thread's CPU priority is (Linux nice value, 0–19; 0: the same). */
  PGLITE_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /** Run the embedded database thread in Linux's idle scheduling class, as WORKER_ACTIVITY_IDLE does the activities. */
  PGLITE_IDLE: bool.default(true),
});

export type CommonEnv = z.infer<typeof commonEnv>;
export type ApiEnv = z.infer<typeof apiEnv>;
export type WorkerEnv = z.infer<typeof workerEnv>;
export type EmbeddedEnv = z.infer<typeof embeddedEnv>;

export class EnvError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/** Variables that mean something only together: one without the other would be silently ignored. */
const PAIRS: [string, string, string][] = [['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH', 'mTLS needs the certificate and its key']];

function checkPairs(env: Record<string, unknown>): void {
  const issues = PAIRS.filter(([a, b]) => (env[a] === undefined) !== (env[b] === undefined)).map(([a, b, why]) => {
    const [missing, set] = env[a] === undefined ? [a, b] : [b, a];
    return { variable: missing, message: `required when ${set} is set (${why})` };
  });
  if (issues.length) throw new EnvError(issues);
}

/** Parses `source` (process.env by default) with `schema`; throws EnvError naming each bad variable. */
export function parseEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) {
    checkPairs(result.data as Record<string, unknown>);
    return result.data;
  }
  throw new EnvError(result.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), message: i.message })));
}

/** Names of every variable the engine knows (for checks such as the docker-compose test). */
export const knownVariables = (): string[] => Object.keys(embeddedEnv.shape).sort();

/** For entry points: parse or print the message and exit. */
export function loadEnvOrExit<S extends z.ZodType>(schema: S): z.infer<S> {
  try {
    return parseEnv(schema);
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
