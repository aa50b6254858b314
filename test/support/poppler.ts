// The real poppler tools (pdfsig, pdftotext) as the independent judge of our PDFs. Without them the tests that
// need them skip with a loud warning on a developer machine, and FAIL in CI (CI=true), where .ci/run installs
// poppler-utils.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'vitest';

function which(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, bin);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

export const pdfsigBin = which('pdfsig');
export const pdftotextBin = which('pdftotext');
const missing = [!pdfsigBin && 'pdfsig', !pdftotextBin && 'pdftotext'].filter(Boolean);

if (missing.length > 0 && !process.env.CI) {
  const bar = '!'.repeat(78);
  console.warn(
    `\n${bar}\n!! ${missing.join(' and ')} not found (Debian: apt-get install poppler-utils).\n` +
      `!! The sealed-PDF checks by poppler are SKIPPED on this machine. In CI (CI set) they fail instead.\n${bar}\n`,
  );
}

/** `describe` for suites that need poppler: runs when it is installed or in CI (where its absence fails). */
export const describeWithPoppler = missing.length === 0 || process.env.CI ? describe : describe.skip;

function run(bin: string | undefined, name: string, args: string[]): string {
  if (!bin) throw new Error(`${name} (poppler-utils) is not installed: the CI run requires it (apt-get install poppler-utils).`);
  // pdfsig exits 0 whether or not the signature is valid: callers read the text (stdout and stderr).
  const r = spawnSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw r.error;
  return `${r.stdout}${r.stderr}`;
}

export const pdfsig = (file: string): string => run(pdfsigBin, 'pdfsig', [file]);
export const pdftotext = (file: string): string => run(pdftotextBin, 'pdftotext', ['-layout', file, '-']);
