// The local Temporal dev server (the official `temporal` CLI) for the embedded mode: state in a SQLite file
// under DATA_DIR so that cases survive a restart, with the UI on its own port.
import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { allSearchAttributeKeys } from '../workflows/approval/search-attributes.js';

export interface DevServer {
  address: string;
  /** The server's process id (the bench reads its CPU time). */
  pid: number | undefined;
  uiUrl: string;
  stop(): Promise<void>;
}

export async function waitForTemporal(address: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const conn = await Connection.connect({ address, connectTimeout: 2000 });
      try {
        await conn.workflowService.getSystemInfo({});
        return;
      } finally {
        await conn.close();
      }
    } catch (err) {
      lastErr = err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw new Error(`Temporal at ${address} did not become ready in ${timeoutMs / 1000} s: ${String(lastErr)}`);
}

export async function startTemporalDevServer(opts: {
  cli: string;
  dbFile: string;
  port: number;
  uiPort: number;
  namespace: string;
  log?: (line: string) => void;
}): Promise<DevServer> {
  const args = [
    'server', 'start-dev',
    '--db-filename', opts.dbFile,
    '--port', String(opts.port),
    '--ui-port', String(opts.uiPort),
    '--namespace', opts.namespace,
    '--log-level', 'warn',
    ...allSearchAttributeKeys.flatMap((k) => ['--search-attribute', `${k.name}=${k.type === 'KEYWORD_LIST' ? 'KeywordList' : k.type === 'DATETIME' ? 'Datetime' : 'Keyword'}`]),
  ];
  const child: ChildProcess = spawn(opts.cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const collect = (b: Buffer) => {
    output = (output + b.toString()).slice(-4000);
    for (const line of b.toString().split('\n')) if (line.trim()) opts.log?.(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const address = `127.0.0.1:${opts.port}`;
  const ready = waitForTemporal(address);
  const first = await Promise.race([ready.then(() => 'ready' as const), exited.then((code) => code)]);
  if (first !== 'ready') {
    throw new Error(`The Temporal dev server exited (code ${first}) before it was ready:\n${output}`);
  }
  return {
    address,
    pid: child.pid,
    uiUrl: `http://localhost:${opts.uiPort}`,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
