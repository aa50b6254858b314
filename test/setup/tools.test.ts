import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, toolPaths, toolPathsFile } from '../../lib/tools.js';

const saved = { cli: process.env.TEMPORAL_CLI, server: process.env.TEMPORAL_TEST_SERVER };
afterEach(() => {
  for (const [name, value] of [['TEMPORAL_CLI', saved.cli], ['TEMPORAL_TEST_SERVER', saved.server]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('lib/tools', () => {
  it('finds the repository root', () => {
    expect(fs.existsSync(path.join(repoRoot, 'package.json'))).toBe(true);
    expect(toolPathsFile).toBe(path.join(repoRoot, '.tools', 'paths.json'));
  });

  it('reports what scripts/setup.mjs recorded, and only files that exist', () => {
    delete process.env.TEMPORAL_CLI;
    delete process.env.TEMPORAL_TEST_SERVER;
    const recorded = fs.existsSync(toolPathsFile)
      ? (JSON.parse(fs.readFileSync(toolPathsFile, 'utf8')) as Record<string, string | null>)
      : {};
    const paths = toolPaths();
    for (const key of ['temporalCli', 'testServer'] as const) {
      const value = paths[key];
      if (value !== undefined) {
        expect(value).toBe(recorded[key]);
        expect(fs.existsSync(value)).toBe(true);
      }
    }
  });

  it('lets TEMPORAL_CLI and TEMPORAL_TEST_SERVER override, relative to the repo root', () => {
    process.env.TEMPORAL_CLI = '/opt/temporal';
    process.env.TEMPORAL_TEST_SERVER = 'scripts/temporal-test-server.sh';
    expect(toolPaths()).toEqual({
      temporalCli: '/opt/temporal',
      testServer: path.join(repoRoot, 'scripts', 'temporal-test-server.sh'),
    });
  });

  it('the test-server wrapper is committed executable', () => {
    fs.accessSync(path.join(repoRoot, 'scripts', 'temporal-test-server.sh'), fs.constants.X_OK);
  });
});

describe('scripts/setup.mjs', () => {
  it('stops with a clear message when TEMPORAL_CLI names a missing file', () => {
    const res = spawnSync(process.execPath, ['scripts/setup.mjs'], {
      cwd: repoRoot,
      env: { ...process.env, TEMPORAL_CLI: '/nonexistent/temporal' },
      encoding: 'utf8',
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('TEMPORAL_CLI=/nonexistent/temporal does not exist');
  });

  it('a second run is fast and changes nothing', { timeout: 60_000 }, () => {
    const t0 = performance.now();
    const res = spawnSync(process.execPath, ['scripts/setup.mjs'], { cwd: repoRoot, encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain('✓ temporal CLI');
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
