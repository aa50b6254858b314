import type { SealerSource } from '../pdf/index.js';

/** What the activity thread builds its clients from: plain data, cloned into the thread. */
export interface ActivityThreadConfig {
  databaseUrl: string;
  dbPoolSize?: number;
  smtpUrl?: string;
  mailFrom: string;
  publicUrl: string;
  sealer: SealerSource;
  logLevel: string;
  /** Added to the thread's nice value (0: the same priority as the rest of the process). */
  nice: number;
  /** Run the thread in the idle scheduling class (Linux SCHED_IDLE; lib/thread-priority.mjs). */
  idle?: boolean;
}
