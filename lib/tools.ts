// Where the tools that scripts/setup.mjs installed are: the `temporal` CLI (dev server + UI) and the wrapper of
// Temporal's Java time-skipping test server. setup.mjs records them in .tools/paths.json; env vars override.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in lib/). */
export const repoRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The file scripts/setup.mjs writes. */
export const toolPathsFile: string = path.join(repoRoot, '.tools', 'paths.json');

export interface ToolPaths {
  /** The `temporal` CLI; undefined: not installed (the Temporal SDK may download its own dev server). */
  temporalCli: string | undefined;
  /** An executable that runs the time-skipping test server, for `{ type: 'existing-path', path }`. */
  testServer: string | undefined;
}

function recorded(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && fs.existsSync(value) ? value : undefined;
}

/**
 * The tool paths: env `TEMPORAL_CLI` / `TEMPORAL_TEST_SERVER` first, else what `.tools/paths.json` records (only when
 * the file is still there). Read on every call, so a set-up run in between is seen.
 */
export function toolPaths(): ToolPaths {
  let stored: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(toolPathsFile, 'utf8'));
    if (parsed && typeof parsed === 'object') stored = parsed as Record<string, unknown>;
  } catch {
    // not set up yet (or unreadable): no recorded tools
  }
  const env = (name: string): string | undefined => {
    const v = process.env[name];
    return v ? path.resolve(repoRoot, v) : undefined;
  };
  return {
    temporalCli: env('TEMPORAL_CLI') ?? recorded(stored.temporalCli),
    testServer: env('TEMPORAL_TEST_SERVER') ?? recorded(stored.testServer),
  };
}
