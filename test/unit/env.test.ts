import { describe, expect, it } from 'vitest';
import { apiEnv, embeddedEnv, EnvError, parseEnv } from '../../lib/env.js';

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
});
