// PGlite (single-threaded WASM Postgres) and its serialising socket server (lib/db/pglite-server.ts) on a worker
// thread: the database's CPU work then runs beside the API and the Temporal worker instead of on their event loop.
// Clients connect over the loopback socket exactly as before.
import { Worker } from 'node:worker_threads';
import type { SerialPglite } from './pglite-server.js';

const entry = new URL('./pglite-thread.mjs', import.meta.url);

export async function startPgliteThread(opts: { dataDir?: string; port: number; nice?: number; idle?: boolean }): Promise<SerialPglite> {
  const worker = new Worker(entry, { workerData: { dataDir: opts.dataDir, port: opts.port, nice: opts.nice ?? 0, idle: opts.idle ?? false } });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`PGlite thread exited (${code}) before it was ready`)));
    worker.once('message', (m: { url?: string; error?: string }) => (m.url ? resolve(m.url) : reject(new Error(`PGlite thread: ${m.error}`))));
  }).catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });
  worker.on('error', () => undefined);
  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        // Closes the sockets and PGlite (a data directory is left consistent), then ends the thread.
        const done = new Promise<void>((resolve) => worker.once('message', () => resolve()));
        worker.postMessage('close');
        await Promise.race([done, exited]);
        await worker.terminate();
      })();
      return closing;
    },
  };
}
