import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyAuthenticator, createApiKey } from '../../lib/identity.js';
import { createTestDb, type TestDb } from '../support/db.js';

let t: TestDb;
let personId: string;
beforeAll(async () => {
  t = await createTestDb();
  personId = (await t.db.person.findUniqueOrThrow({ where: { email: 'iro@demo.rupp.edu.kh' } })).id;
});
afterAll(async () => {
  await t?.close();
});

const revoke = (id: string, at: Date | null) => t.db.apiKey.update({ where: { id }, data: { revokedAt: at } });

describe('API keys remembered between requests', () => {
  it('remembers a valid key for its time to live, then looks it up again', async () => {
    let now = 1_000_000;
    const keys = apiKeyAuthenticator(t.db, { ttlMs: 5_000, now: () => now });
    const { id, key } = await createApiKey(t.db, personId, 'cache test');
    const first = await keys.identify(key);
    expect(first).toMatchObject({ email: 'iro@demo.rupp.edu.kh', via: 'api' });
    expect(first!.roles).toContainEqual({ role: 'iro', institution: 'RUPP' });

    await revoke(id, new Date());
    now += 4_999;
    expect(await keys.identify(key)).toEqual(first);
    expect(await apiKeyAuthenticator(t.db, { ttlMs: 0 }).identify(key)).toBeNull();
    now += 2;
    expect(await keys.identify(key)).toBeNull();
  });

  it('never remembers an unknown or revoked key, and forgets on request', async () => {
    const now = 2_000_000;
    const keys = apiKeyAuthenticator(t.db, { ttlMs: 60_000, now: () => now });
    const { id, key } = await createApiKey(t.db, personId, 'revoked first');
    await revoke(id, new Date());
    expect(await keys.identify(key)).toBeNull();
    await revoke(id, null);
    expect(await keys.identify(key)).toMatchObject({ personId });

    await revoke(id, new Date());
    keys.forget();
    expect(await keys.identify(key)).toBeNull();
    expect(await keys.identify('chain_not-a-key')).toBeNull();
    expect(await keys.identify('no-prefix')).toBeNull();
  });

  it('looks every request up when the time to live is 0', async () => {
    const keys = apiKeyAuthenticator(t.db, { ttlMs: 0 });
    const { id, key } = await createApiKey(t.db, personId, 'no cache');
    expect(await keys.identify(key)).toMatchObject({ personId });
    await revoke(id, new Date());
    expect(await keys.identify(key)).toBeNull();
  });

  it('shares one lookup between concurrent requests with the same key, and keeps at most maxEntries keys', async () => {
    let lookups = 0;
    const counting = t.db.$extends({
      query: { apiKey: { async findUnique({ args, query }) { lookups++; return query(args); } } },
    }) as unknown as typeof t.db;
    const keys = apiKeyAuthenticator(counting, { ttlMs: 60_000, maxEntries: 2 });
    const made = await Promise.all([1, 2, 3].map((i) => createApiKey(t.db, personId, `k${i}`)));
    const same = await Promise.all([1, 2, 3, 4].map(() => keys.identify(made[0]!.key)));
    expect(new Set(same.map((s) => s?.personId))).toEqual(new Set([personId]));
    expect(lookups).toBe(1);
    await keys.identify(made[1]!.key);
    await keys.identify(made[2]!.key); // pushes out the oldest (key 0)
    expect(lookups).toBe(3);
    await keys.identify(made[2]!.key);
    expect(lookups).toBe(3);
    await keys.identify(made[0]!.key);
    expect(lookups).toBe(4);
  });
});
