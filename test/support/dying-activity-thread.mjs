// A stand-in body for the activity thread (activities/thread/thread.mjs) that dies on `record`: an uncaught error
// after the call arrived, as a crash in an activity's native code or an out-of-memory would end it. Every other
// call is answered as revokeLinks is when there is nothing to revoke.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (msg) => {
  if (msg.name === 'record') {
    setTimeout(() => {
      throw new Error('activity thread crashed');
    }, 10);
    return;
  }
  if (msg.close) parentPort.postMessage({ closed: true });
  else if (msg.id !== undefined) parentPort.postMessage({ id: msg.id, result: { revoked: 0 } });
});
parentPort.postMessage({ ready: true, niced: false });
