// The body of the worker thread (worker/thread/index.ts): starts the worker, posts { ready } (or { fatal } when it
// cannot start) and each case change as { change: [caseId, version, state] }; answers { close } with { closed }
// once the worker has shut down. Plain JavaScript; the worker itself is TypeScript, loaded through tsx.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';
import { errorOf } from '../../lib/thread-messages.mjs';


let runtime;
try {
  const { startWorkerInside } = await tsImport('./inside.ts', import.meta.url);
  runtime = await startWorkerInside(workerData, (caseId, version, state) => parentPort.postMessage({ change: [caseId, version, state] }));
  parentPort.postMessage({ ready: true });
} catch (err) {
  parentPort.postMessage({ fatal: errorOf(err) });
}

parentPort.on('message', (msg) => {
  if (!msg.close) return;
  Promise.resolve(runtime?.stop()).finally(() => parentPort.postMessage({ closed: true }));
});
