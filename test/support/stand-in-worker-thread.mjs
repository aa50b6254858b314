// A stand-in body for the worker thread (worker/thread/thread.mjs), for the tests of its supervision. What it does
// comes from workerData.env.STAND_IN:
//   'fatal'         cannot start: posts { fatal }, as a worker that finds no namespace does;
//   'ends-once:F'   starts and announces a change; while file F does not exist, creates it and ends 100 ms later
//                   with an uncaught error, as a crash would (so only the first thread ends);
//   'ends-once-slow:F'  the same, but the threads after the first take 30 s to start (reading no message meanwhile,
//                   as the real body does while its worker starts);
//   anything else   starts and announces a change.
// Each thread announces case 'stand-in' at version 'thread-<its id>'. It answers { close } with { closed }.
import { existsSync, writeFileSync } from 'node:fs';
import { parentPort, threadId, workerData } from 'node:worker_threads';

const mode = String(workerData.env.STAND_IN ?? '');
const marker = /^ends-once(-slow)?:/.test(mode) ? mode.slice(mode.indexOf(':') + 1) : undefined;
if (mode.startsWith('ends-once-slow:') && existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 30_000));
if (mode === 'fatal') {
  parentPort.postMessage({ fatal: { name: 'Error', message: 'Namespace nowhere is not found' } });
} else {
  parentPort.postMessage({ ready: true });
  parentPort.postMessage({ change: ['stand-in', `thread-${threadId}`, undefined] });
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
