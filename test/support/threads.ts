// The nice values of this process's threads, the main thread first (Linux /proc: field 19 of a thread's stat).
import { readFileSync, readdirSync } from 'node:fs';

export function threadNiceValues(): number[] {
  const tids = readdirSync('/proc/self/task').sort((a, b) => Number(a) - Number(b));
  return tids.flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}
