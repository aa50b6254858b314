// A stand-in body for the worker thread (worker/thread/thread.mjs), for the tests of its supervision. What it does
// comes from workerData.env.STAND_IN:
//   'fatal'         cannot start: posts { fatal }, as a worker that finds no namespace does;
//   'ends-once:F'   starts and announces a change; while file F does not exist, creates it and ends 100 ms later
//                   with an uncaught error, as a crash would (so only the first thread ends);
//   anything else   starts and announces a change.
// Each thread announces case 'stand-in' at version 'thread-<its id>'. It answers { close } with { closed }.
import { existsSync, writeFileSync } from 'node:fs';
import { parentPort, threadId, workerData } from 'node:worker_threads';

const mode = String(workerData.env.STAND_IN ?? '');
if (mode === 'fatal') {
  parentPort.postMessage({ fatal: { name: 'Error', message: 'Namespace nowhere is not found' } });
} else {
  parentPort.postMessage({ ready: true });
  parentPort.postMessage({ change: ['stand-in', `thread-${threadId}`, undefined] });
  const marker = mode.startsWith('ends-once:') ? mode.slice('ends-once:'.length) : undefined;
  if (marker && !existsSync(marker)) {
    writeFileSync(marker, 'ended once\n');
    setTimeout(() => {
      throw new Error('worker thread crashed');
    }, 100);
  }
}
parentPort.on('message', (msg) => {
  if (msg.close) parentPort.postMessage({ closed: true });
});
