// Lowers the CPU priority of the calling thread only (Linux: a thread's nice value is its own, set through its
// thread id, which /proc/thread-self names). Background threads — activities, the embedded database — call it
// so that on a busy machine the threads people wait on (the API, the workflow tasks answering their decisions)
// run first; on an idle machine it changes nothing. Plain JavaScript: the thread bodies that call it are too.
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

const threadId = () => {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (!Number.isInteger(tid) || tid <= 0) throw new Error('no thread id');
  return tid;
};

/** Adds `nice` (1–19) to this thread's nice value; false when it cannot (not Linux, or not allowed). */
export function lowerThreadPriority(nice) {
  if (!(nice > 0)) return false;
  try {
    const tid = threadId();
    // setPriority sets a value outright: add to the thread's own (which it took from the process).
    setPriority(tid, Math.min(19, getPriority(tid) + nice));
    return true;
  } catch {
    return false;
  }
}

/**
 * Moves this thread to Linux's idle scheduling class (SCHED_IDLE, through util-linux `chrt`, there being no Node
 * API for it): it then runs only when no thread at normal priority wants the CPU, which a nice value does not
 * ensure (a nice-19 thread still takes its share, and a waking thread may wait behind it). Threads it starts later
 * inherit the class. Called first thing, before the thread starts its own helpers. False when it cannot (not
 * Linux, no `chrt`): the nice value then stands alone.
 */
export function idleThreadPriority() {
  try {
    execFileSync('chrt', ['--idle', '--pid', '0', String(threadId())], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}
