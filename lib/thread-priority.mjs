// Lowers the CPU priority of the calling thread only (Linux: a thread's nice value is its own, set through its
// thread id, which /proc/thread-self names). Background threads — activities, the embedded database — call it
// so that on a busy machine the threads people wait on (the API, the workflow tasks answering their decisions)
// run first; on an idle machine it changes nothing. Plain JavaScript: the thread bodies that call it are too.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** Adds `nice` (1–19) to this thread's nice value; false when it cannot (not Linux, or not allowed). */
export function lowerThreadPriority(nice) {
  if (!(nice > 0)) return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    // setPriority sets a value outright: add to the thread's own (which it took from the process).
    setPriority(tid, Math.min(19, getPriority(tid) + nice));
    return true;
  } catch {
    return false;
  }
}
