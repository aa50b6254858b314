// The body of the PGlite thread (lib/db/pglite-thread.ts): PGlite and its socket server run here, off the main
// event loop, so that the database's WASM work runs on its own core while the API and the worker use theirs.
// Plain JavaScript so that any Node can start it; the server itself is TypeScript, loaded through tsx.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';
import { idleThreadPriority, lowerThreadPriority } from '../thread-priority.mjs';

lowerThreadPriority(workerData.nice ?? 0);
if (workerData.idle && !idleThreadPriority()) {
  process.emitWarning('The embedded database thread could not enter the idle scheduling class (Linux with util-linux chrt); it runs at its nice value (PGLITE_NICE).');
}

const { startSerialPglite } = await tsImport('./pglite-server.ts', import.meta.url);
try {
  const server = await startSerialPglite(workerData);
  parentPort.on('message', (msg) => {
    if (msg !== 'close') return;
    server.close().then(
      () => parentPort.postMessage({ closed: true }),
      (err) => parentPort.postMessage({ closed: true, error: String(err?.stack ?? err) }),
    );
  });
  parentPort.postMessage({ url: server.url });
} catch (err) {
  parentPort.postMessage({ error: String(err?.stack ?? err) });
}
