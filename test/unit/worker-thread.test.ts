// The worker thread's supervision (worker/thread/index.ts), with a stand-in body (test/support/stand-in-worker-thread.mjs):
// a start that fails fails the caller and is not retried; a thread that ends unasked is replaced and the new one's
// announcements arrive; a closed thread is not replaced. The real body runs in test/integration/worker-thread.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startWorkerThread, type WorkerThreadConfig } from '../../worker/thread/index.js';
import { waitFor } from '../support/wait.js';

const body = new URL('../support/stand-in-worker-thread.mjs', import.meta.url);
const config = (standIn: string) => ({ env: { STAND_IN: standIn }, databaseUrl: 'unused', temporalAddress: 'unused', logLevel: 'silent' }) as unknown as WorkerThreadConfig;

function recorder() {
  const logs: { level: number; msg: string; exitCode?: number }[] = [];
  const changes: [string, string][] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  return { logs, changes, logger: pino({ level: 'info' }, sink), onChange: (caseId: string, version: string) => void changes.push([caseId, version]) };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the worker thread', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'chain-worker-thread-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('that cannot start fails the start with its error, and is not started again', async () => {
    const r = recorder();
    await expect(startWorkerThread(config('fatal'), { ...r, body })).rejects.toThrow('Namespace nowhere is not found');
    // Past the first pause before a replacement: none came.
    await pause(1_500);
    expect(r.logs.filter((l) => /worker thread/.test(l.msg))).toEqual([]);
  });

  it('that ends unasked is replaced after a pause; the new one announces changes to the same listener', async () => {
    const r = recorder();
    const thread = await startWorkerThread(config(`ends-once:${path.join(dir, 'ended')}`), { ...r, body });
    try {
      await waitFor(() => thread.restarts() === 1 || undefined, { what: 'a new thread', timeoutMs: 10_000 });
      await waitFor(() => r.changes.length === 2 || undefined, { what: "the new thread's announcement" });
      const [first, second] = r.changes;
      expect(first![0]).toBe('stand-in');
      expect(second![0]).toBe('stand-in');
      expect(second![1]).not.toBe(first![1]);
      const ended = r.logs.find((l) => l.msg === 'the worker thread ended; starting a new one');
      expect(ended?.level).toBe(50);
      expect(ended?.exitCode).toBe(1);
      await waitFor(() => r.logs.some((l) => l.msg === 'a new worker thread is running') || undefined, { what: 'the log of the new thread' });
    } finally {
      await thread.close();
    }
    // The new thread did not end: one restart.
    expect(thread.restarts()).toBe(1);
  });

  it('closed while a replacement starts ends it at once, and says nothing of it afterwards', async () => {
    const r = recorder();
    const thread = await startWorkerThread(config(`ends-once-slow:${path.join(dir, 'ended-slow')}`), { ...r, body });
    // The first thread ends; its replacement takes 30 s to start, reading no message meanwhile.
    await waitFor(() => thread.restarts() === 1 || undefined, { what: 'a replacement starting', timeoutMs: 10_000 });
    const t0 = performance.now();
    await thread.close();
    expect(performance.now() - t0).toBeLessThan(5_000);
    await pause(500);
    expect(r.logs.map((l) => l.msg)).toContain('the worker thread ended; starting a new one');
    expect(r.logs.filter((l) => /new worker thread/.test(l.msg))).toEqual([]);
  });

  it('that is closed ends and is not replaced', async () => {
    const r = recorder();
    const thread = await startWorkerThread(config('runs'), { ...r, body });
    await waitFor(() => r.changes.length === 1 || undefined, { what: 'its announcement' });
    await thread.close();
    await pause(1_500);
    expect(thread.restarts()).toBe(0);
    expect(r.logs.filter((l) => /worker thread/.test(l.msg))).toEqual([]);
  });
});
