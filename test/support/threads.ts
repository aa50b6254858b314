// This process's threads from Linux /proc, the main thread first: each one's nice value (field 19 of its stat) and
// scheduling policy (field 41: 0 normal, 5 idle).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export const SCHED_IDLE = 5;

/** Whether the idle class can be entered here (Linux, util-linux `chrt`, a kernel that allows it): tried on `true`. */
export const canIdle = process.platform === 'linux' && spawnSync('chrt', ['--idle', '0', 'true'], { stdio: 'ignore' }).status === 0;

function threadStats(): { nice: number; policy: number }[] {
  const tids = readdirSync('/proc/self/task').sort((a, b) => Number(a) - Number(b));
  return tids.flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [{ nice: Number(f[16]), policy: Number(f[38]) }];
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}

/** How many of this process's threads are Node worker threads (named WorkerThread by Node). */
export function workerThreadCount(): number {
  return readdirSync('/proc/self/task').filter((tid) => {
    try {
      return readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === 'WorkerThread';
    } catch {
      return false; // the thread ended meanwhile
    }
  }).length;
}

export const threadNiceValues = (): number[] => threadStats().map((t) => t.nice);

/** How many of this process's threads run in the idle scheduling class. */
export const idleThreadCount = (): number => threadStats().filter((t) => t.policy === SCHED_IDLE).length;
