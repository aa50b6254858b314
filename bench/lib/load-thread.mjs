// The body of the bench's load-generator thread (bench/lib/load.ts): answers { id, side, n, offset, concurrency }
// with { id, result } or { id, error }. Plain JavaScript; the generator itself is TypeScript, loaded through tsx.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const text = (err) => String(err?.stack ?? err?.message ?? err);

let load;
try {
  const { startLoad } = await tsImport('./load.ts', import.meta.url);
  load = await startLoad(workerData);
  parentPort.postMessage({ ready: true });
} catch (err) {
  parentPort.postMessage({ fatal: text(err) });
}

if (load) {
  parentPort.on('message', async (msg) => {
    if (msg.close) {
      await load.close().catch(() => undefined);
      process.exit(0);
    }
    try {
      parentPort.postMessage({ id: msg.id, result: await load.run(msg) });
    } catch (err) {
      parentPort.postMessage({ id: msg.id, error: text(err) });
    }
  });
}
