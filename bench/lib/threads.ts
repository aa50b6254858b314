// Per-thread CPU of this process while one side of the bench runs (`--threads`; Linux only): which thread the
// CPU per case goes to — the main event loop (API, bench client, the workers' JavaScript), the workflow threads,
// the activity and PGlite threads (lowered priority), the Temporal core's Rust threads, V8's helpers.
import { readFileSync, readdirSync } from 'node:fs';
import { clockTicks } from './cpu.js';

interface ThreadCpu {
  name: string;
  nice: number;
  ms: number;
}

export type ThreadMark = Map<string, ThreadCpu>;

export function threadMark(): ThreadMark {
  const out: ThreadMark = new Map();
  let tids: string[] = [];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // Fields after the name: state is field 3, utime 14, stime 15, nice 19.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, { name, nice: Number(f[16]), ms: ((Number(f[11]) + Number(f[12])) * 1000) / clockTicks() });
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/** Adds the CPU each thread used since `mark` to `acc` (by thread id, labelled with its name and nice value). */
export function addThreadsSince(mark: ThreadMark, acc: Map<string, { label: string; ms: number }>): void {
  for (const [tid, t] of threadMark()) {
    const ms = t.ms - (mark.get(tid)?.ms ?? 0);
    const label = `${tid === String(process.pid) ? 'main' : `${t.name} ${tid}`}${t.nice ? ` (nice ${t.nice})` : ''}`;
    const row = acc.get(tid) ?? { label, ms: 0 };
    row.ms += ms;
    acc.set(tid, row);
  }
}

/** CPU ms per case per thread, busiest first; threads under 1 ms per case summed as "other". */
export function formatThreads(acc: Map<string, { label: string; ms: number }>, cases: number): string {
  const rows = [...acc.values()].map((r) => ({ label: r.label, ms: r.ms / cases })).sort((a, b) => b.ms - a.ms);
  const shown = rows.filter((r) => r.ms >= 1);
  const other = rows.filter((r) => r.ms < 1).reduce((sum, r) => sum + r.ms, 0);
  return [...shown, { label: 'other', ms: other }].map((r) => `${r.label} ${r.ms.toFixed(0)}`).join(', ');
}
