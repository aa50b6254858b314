// The real poppler tools (pdfsig, pdftotext, pdftoppm) as the independent judge of our PDFs. Without them the tests that
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
const pdftoppmBin = which('pdftoppm');
const missing = [!pdfsigBin && 'pdfsig', !pdftotextBin && 'pdftotext', !pdftoppmBin && 'pdftoppm'].filter(Boolean);

if (missing.length > 0 && !process.env.CI) {
  const bar = '!'.repeat(78);
  console.warn(
    `\n${bar}\n!! ${missing.join(' and ')} not found (Debian: apt-get install poppler-utils).\n` +
      `!! The sealed-PDF checks by poppler are SKIPPED on this machine. In CI (CI set) they fail instead.\n${bar}\n`,
  );
}

/** `describe` for suites that need poppler: runs when it is installed or in CI (where its absence fails). */
export const describeWithPoppler = missing.length === 0 || process.env.CI ? describe : describe.skip;

function spawnTool(bin: string | undefined, name: string, args: string[]) {
  if (!bin) throw new Error(`${name} (poppler-utils) is not installed: the CI run requires it (apt-get install poppler-utils).`);
  const r = spawnSync(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

function run(bin: string | undefined, name: string, args: string[]): string {
  // pdfsig exits 0 whether or not the signature is valid: callers read the text (stdout and stderr).
  const r = spawnTool(bin, name, args);
  return `${r.stdout.toString('utf8')}${r.stderr.toString('utf8')}`;
}

export const pdfsig = (file: string): string => run(pdfsigBin, 'pdfsig', [file]);
export const pdftotext = (file: string): string => run(pdftotextBin, 'pdftotext', ['-layout', file, '-']);

/** One page rasterised by pdftoppm, as 8-bit grey pixels (a binary PGM read back). */
export function pdfPageGray(file: string, page: number, dpi = 150): { width: number; height: number; gray: Uint8Array } {
  const r = spawnTool(pdftoppmBin, 'pdftoppm', ['-gray', '-r', String(dpi), '-f', String(page), '-l', String(page), file]);
  if (r.status !== 0) throw new Error(`pdftoppm failed (${r.status}): ${r.stderr.toString('utf8')}`);
  const out = r.stdout;
  // "P5 <width> <height> <maxval>" and one whitespace byte, then the pixels.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(out.subarray(0, 64).toString('latin1'));
  if (!header || header[3] !== '255') throw new Error('pdftoppm did not write an 8-bit PGM');
  const width = Number(header[1]);
  const height = Number(header[2]);
  return { width, height, gray: new Uint8Array(out.subarray(header[0].length, header[0].length + width * height)) };
}
