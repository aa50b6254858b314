// Per-thread CPU of this process while one side of the bench runs (`--threads`; Linux only): which thread the
// CPU per case goes to — the main event loop (API, the workers' JavaScript), the load thread (both sides' clients), the workflow threads,
// the activity and PGlite threads (lowered priority), the Temporal core's Rust threads, V8's helpers.
import { readdirSync } from 'node:fs';
import { readStat } from './cpu.js';

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
    // Null: the thread ended meanwhile.
    const t = readStat(`/proc/self/task/${tid}/stat`);
    if (t) out.set(tid, { name: t.name, nice: t.nice, ms: t.cpuMs });
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
