// CPU time spent while one side of the bench runs: this process (every thread: API, worker, workflow sandbox,
// PGlite, sealing) and the Temporal dev server (its /proc entry; Linux only, null elsewhere). On a saturated
// machine throughput follows CPU per case, so these numbers say where a ratio comes from.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** A /proc stat file (a process's or a thread's): its name, user + system CPU in ms and nice value; null when it cannot be read. */
export function readStat(path: string): { name: string; cpuMs: number; nice: number } | null {
  try {
    const stat = readFileSync(path, 'utf8');
    // Fields after the name (which may hold spaces): state is field 3, utime 14, stime 15, nice 19.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks(), nice: Number(fields[16]) };
  } catch {
    return null;
  }
}

const processCpuMs = (pid: number | undefined): number | null => (pid ? (readStat(`/proc/${pid}/stat`)?.cpuMs ?? null) : null);

export interface CpuMark {
  selfMs: number;
  serverMs: number | null;
}

export function cpuMark(serverPid: number | undefined): CpuMark {
  const u = process.cpuUsage();
  return { selfMs: (u.user + u.system) / 1000, serverMs: processCpuMs(serverPid) };
}

/** CPU used since `mark`. */
export function cpuSince(mark: CpuMark, serverPid: number | undefined): CpuMark {
  const now = cpuMark(serverPid);
  return { selfMs: now.selfMs - mark.selfMs, serverMs: now.serverMs === null || mark.serverMs === null ? null : now.serverMs - mark.serverMs };
}
