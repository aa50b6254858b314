// Render + seal on a worker thread (seal-thread.mjs): pdf-lib's layout and save, the hashing and the CMS signature
// are CPU work that would otherwise run on the event loop the Temporal worker (and, in the embedded mode, the API)
// answers on. One thread per process; it parses the .p12 once at start, as the runtime does for the main thread.
// The output is what sealDecision (seal-decision.ts) gives on the main thread: the same bytes for the same input.
import { Worker } from 'node:worker_threads';
import type { SealDecisionOptions, SealedDecision } from './seal-decision.js';
import { SealError, type SealErrorCode } from './signer.js';
import type { DecisionDocument } from './types.js';
import { revive } from '../../lib/thread-messages.js';

const entry = new URL('./seal-thread.mjs', import.meta.url);

export interface SealerSource {
  p12: Uint8Array;
  passphrase: string;
  development: boolean;
}

export interface SealThread {
  /** Renders and seals on the thread; SealError (configuration or input) comes back as a SealError. */
  sealDecision(doc: DecisionDocument, options?: SealDecisionOptions): Promise<SealedDecision>;
  close(): Promise<void>;
}

type Reply = { id: number; sealed?: SealedDecision; error?: { name: string; message: string; code?: SealErrorCode; stack?: string } };

/** A SealError stays one (its code tells configuration from input); any other error as it came. */
const reviveSealing = (e: NonNullable<Reply['error']>): Error => (e.name === 'SealError' && e.code ? new SealError(e.code, e.message) : revive(e));

/** Starts the thread lazily (first seal) and again after it died; requests sent meanwhile wait in its queue. */
export function startSealThread(source: SealerSource): SealThread {
  let worker: Worker | undefined;
  let nextId = 1;
  let closed = false;
  const pending = new Map<number, { resolve: (s: SealedDecision) => void; reject: (e: Error) => void }>();

  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  const spawn = (): Worker => {
    const w = new Worker(entry, { workerData: { p12: source.p12, passphrase: source.passphrase, development: source.development } });
    w.unref(); // never keeps the process alive; close() ends it
    w.on('message', (m: Reply | { error: Reply['error']; fatal: true }) => {
      if ('fatal' in m) {
        // The sealer could not be created on the thread: nothing it is asked will succeed.
        failAll(reviveSealing(m.error!));
        return;
      }
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.sealed) p.resolve(m.sealed);
      else p.reject(reviveSealing(m.error ?? { name: 'Error', message: 'seal thread: empty answer' }));
    });
    w.on('error', (err) => {
      if (worker === w) worker = undefined;
      failAll(err);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(new Error(`seal thread exited (${code})`));
    });
    return w;
  };

  return {
    sealDecision(doc, options = {}) {
      if (closed) return Promise.reject(new Error('seal thread closed'));
      worker ??= spawn();
      const id = nextId++;
      return new Promise<SealedDecision>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker!.postMessage({ id, doc, options });
      });
    },
    async close() {
      closed = true;
      const w = worker;
      worker = undefined;
      failAll(new Error('seal thread closed'));
      await w?.terminate();
    },
  };
}
