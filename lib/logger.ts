import { isMainThread } from 'node:worker_threads';
import { pino, type Logger } from 'pino';

export type { Logger };
/**
 * A pino logger to stdout. On a worker thread it writes synchronously: pino flushes its buffered output when the
 * process exits only on the main thread, so a thread that is terminated (the worker thread after its last words, a
 * start-up failure) would lose what it logged last.
 */
export const createLogger = (level: string, name = 'chain'): Logger =>
  isMainThread ? pino({ name, level }) : pino({ name, level }, pino.destination({ dest: 1, sync: true }));
