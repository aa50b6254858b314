// The body of the activity thread (activities/thread/index.ts). Lowers its own CPU priority first, then answers
// { id, name, args } with { id, result } or { id, error }.
// Plain JavaScript so that any Node can start it; the activities themselves are TypeScript, loaded through tsx.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';
import { idleThreadPriority, lowerThreadPriority } from '../../lib/thread-priority.mjs';
import { errorOf } from '../../lib/thread-messages.mjs';


// Not Linux, or not allowed: the thread runs at the process's priority.
const niced = lowerThreadPriority(workerData.nice);
const idle = workerData.idle ? idleThreadPriority() : false;
if (workerData.idle && !idle) process.emitWarning('The activity thread could not enter the idle scheduling class (Linux with util-linux chrt); it runs at its nice value (WORKER_ACTIVITY_NICE).');

let host;
try {
  const { hostActivities } = await tsImport('./host.ts', import.meta.url);
  host = hostActivities(workerData);
} catch (err) {
  parentPort.postMessage({ fatal: true, error: errorOf(err) });
}

if (host) {
  parentPort.on('message', (msg) => {
    if (msg.publicUrl) return host.setPublicUrl(msg.publicUrl);
    if (msg.close) {
      host.close().finally(() => parentPort.postMessage({ closed: true }));
      return;
    }
    const { id, name, args } = msg;
    const fn = host.activities[name];
    if (typeof fn !== 'function') return parentPort.postMessage({ id, error: { name: 'Error', message: `no activity ${name}` } });
    Promise.resolve()
      .then(() => fn(...args))
      .then(
        (result) => parentPort.postMessage({ id, result }),
        (err) => parentPort.postMessage({ id, error: errorOf(err) }),
      );
  });
  parentPort.postMessage({ ready: true, niced, idle });
}
