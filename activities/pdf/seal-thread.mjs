// The body of the seal thread (activities/pdf/seal-thread.ts): the sealer is created once from the .p12 bytes
// it was started with, then every message { id, doc, options } is rendered and sealed and answered with the
// same id. Plain JavaScript so that any Node can start it; the PDF layer itself is TypeScript, loaded through tsx.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';
import { errorOf } from '../../lib/thread-messages.mjs';


let sealer;
let pdf;
try {
  pdf = await tsImport('./index.ts', import.meta.url);
  sealer = pdf.createSealer({ p12: workerData.p12, passphrase: workerData.passphrase, development: workerData.development });
} catch (err) {
  parentPort.postMessage({ fatal: true, error: errorOf(err) });
}

if (sealer) {
  parentPort.on('message', ({ id, doc, options }) => {
    pdf.sealDecision(doc, sealer, options).then(
      (sealed) => {
        // Hand the bytes over without a copy, unless they share their ArrayBuffer with something else.
        const own = sealed.pdf.byteOffset === 0 && sealed.pdf.byteLength === sealed.pdf.buffer.byteLength;
        const bytes = own ? sealed.pdf : sealed.pdf.slice();
        parentPort.postMessage({ id, sealed: { ...sealed, pdf: bytes } }, [bytes.buffer]);
      },
      (err) => parentPort.postMessage({ id, error: errorOf(err) }),
    );
  });
}
