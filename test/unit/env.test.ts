import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiEnv, embeddedEnv, EnvError, parseEnv, workerEnv } from '../../lib/env.js';
import { readSealerSource } from '../../lib/runtime.js';
import { createDevCertificateP12, createSealer } from '../../activities/pdf/index.js';

describe('environment', () => {
  it('gives the embedded defaults when nothing is set', () => {
    const env = parseEnv(embeddedEnv, {});
    expect(env.PORT).toBe(3000);
    expect(env.TEMPORAL_PORT).toBe(7233);
    expect(env.TEMPORAL_UI_PORT).toBe(8233);
    expect(env.DATA_DIR).toBe('data');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.TEMPORAL_ADDRESS).toBeUndefined();
    expect(env.TEMPORAL_TASK_QUEUE).toBe('chain-approvals');
    // Background threads: lower nice values, and the idle scheduling class (README: Configuration).
    expect([env.WORKER_ACTIVITY_NICE, env.WORKER_ACTIVITY_IDLE, env.PGLITE_NICE, env.PGLITE_IDLE]).toEqual([10, true, 10, true]);
    expect(parseEnv(embeddedEnv, { WORKER_ACTIVITY_IDLE: 'false', PGLITE_IDLE: '0' })).toMatchObject({ WORKER_ACTIVITY_IDLE: false, PGLITE_IDLE: false });
  });

  it('names the bad variable', () => {
    let caught: unknown;
    try {
      parseEnv(apiEnv, { PORT: 'eighty', TEMPORAL_ADDRESS: 'no-port-here' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EnvError);
    const names = (caught as EnvError).issues.map((i) => i.variable).sort();
    expect(names).toEqual(['PORT', 'TEMPORAL_ADDRESS']);
    expect((caught as EnvError).message).toMatch(/PORT/);
  });

  it('treats empty strings as unset and validates URLs', () => {
    expect(parseEnv(apiEnv, { DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
    expect(() => parseEnv(apiEnv, { SMTP_URL: 'not a url' })).toThrow(/SMTP_URL/);
    expect(parseEnv(apiEnv, { COOKIE_SECURE: 'false' }).COOKIE_SECURE).toBe(false);
  });

  it('wants the mTLS certificate and its key together (one alone would be ignored)', () => {
    expect(() => parseEnv(workerEnv, { TEMPORAL_TLS_CERT_PATH: '/etc/chain/client.pem' })).toThrow(/TEMPORAL_TLS_KEY_PATH: required when TEMPORAL_TLS_CERT_PATH is set/);
    expect(() => parseEnv(apiEnv, { TEMPORAL_TLS_KEY_PATH: '/etc/chain/client.key' })).toThrow(/TEMPORAL_TLS_CERT_PATH: required/);
    expect(parseEnv(apiEnv, { TEMPORAL_TLS_CERT_PATH: '/a.pem', TEMPORAL_TLS_KEY_PATH: '/a.key' }).TEMPORAL_TLS_KEY_PATH).toBe('/a.key');
  });

  it('a development certificate configured as SIGNING_P12_PATH still seals as one; another certificate as official', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'chain-env-'));
    const dev = path.join(dir, 'dev.p12');
    const official = path.join(dir, 'official.p12');
    await writeFile(dev, createDevCertificateP12({ passphrase: 'pw', modulusLength: 1024 }));
    await writeFile(official, createDevCertificateP12({ passphrase: 'pw', modulusLength: 1024, commonName: 'MoEYS electronic seal', organization: 'MoEYS' }));
    const source = (file: string) => readSealerSource(parseEnv(workerEnv, { SIGNING_P12_PATH: file, SIGNING_P12_PASSPHRASE: 'pw', DATA_DIR: dir }));
    expect(createSealer(await source(dev)).development).toBe(true);
    expect(createSealer(await source(official)).development).toBe(false);
  });
});
