// What the engine's threads (the activity, seal and worker threads) and the code that starts them pass each other
// besides their own requests: an error, which crosses as plain data (lib/thread-messages.mjs makes it on the
// thread's side), and the ending of a thread that first finishes its work.
import type { Worker } from 'node:worker_threads';

/** An error as it crosses a thread: what structured cloning keeps of it. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/** The error a thread sent, as an Error again (with its name, code and the thread's stack). */
export function revive(e: WireError): Error & { code?: string } {
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  if (e.stack) err.stack = e.stack;
  return err;
}

/**
 * Asks a thread to finish its work and end ({ close }, answered with { closed }), and ends it once it has answered,
 * exited, or taken longer than `timeoutMs`.
 */
export async function closeThread(thread: Worker, timeoutMs: number): Promise<void> {
  const done = new Promise<void>((resolve) => {
    thread.on('message', (m: { closed?: boolean } | null) => m?.closed && resolve());
    thread.once('exit', () => resolve());
  });
  thread.postMessage({ close: true });
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  await thread.terminate();
}
