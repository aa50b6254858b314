import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, appendAuditEvents, verifyAuditChain, GENESIS_HASH } from '../../activities/audit.js';
import { createTestDb, type TestDb } from '../support/db.js';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ seed: false });
});
afterAll(async () => {
  await t?.close();
});

describe(`hash-chained audit log`, () => {
  it('chains rows and appends each key once, also when retried concurrently', async () => {
    const first = await appendAudit(t.db, { idempotencyKey: 'c1/event/0', caseId: 'c1', type: 'submitted', actor: 'a@x.kh', payload: { v: 1 } });
    const again = await appendAudit(t.db, { idempotencyKey: 'c1/event/0', caseId: 'c1', type: 'submitted', actor: 'a@x.kh', payload: { v: 1 } });
    expect(again).toEqual({ ...first, created: false });
    await Promise.all(
      [1, 2, 3, 4, 5].map((i) => appendAudit(t.db, { idempotencyKey: `c1/event/${i}`, caseId: 'c1', type: 'approved', actor: 'b@x.kh', payload: { i } })),
    );
    await appendAudit(t.db, { idempotencyKey: 'c1/event/3', caseId: 'c1', type: 'approved', payload: { i: 3 } });
    const rows = await t.db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
    expect(rows).toHaveLength(6);
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    const report = await verifyAuditChain(t.db);
    expect(report).toMatchObject({ ok: true, rows: 6, headHash: rows[5]!.hash });
  });

  it('appends a batch in order in one transaction, and a retried batch only what is missing', async () => {
    const batch = [0, 1, 2].map((i) => ({ idempotencyKey: `c2/event/${i}`, caseId: 'c2', type: 'approved', actor: 'b@x.kh', payload: { i, comment: 'យល់ព្រម "ok" ✓', n: 1.5 } }));
    expect(await appendAuditEvents(t.db, batch.slice(0, 2))).toEqual({ appended: 2 });
    const [a, b] = await Promise.all([appendAuditEvents(t.db, batch), appendAuditEvents(t.db, batch)]);
    expect(a.appended + b.appended).toBe(1);
    const rows = await t.db.auditEvent.findMany({ where: { caseId: 'c2' }, orderBy: { seq: 'asc' } });
    expect(rows.map((r) => r.idempotencyKey)).toEqual(batch.map((e) => e.idempotencyKey));
    const report = await verifyAuditChain(t.db);
    expect(report).toMatchObject({ ok: true, rows: 9 });
  });

  it('refuses to append under snapshot isolation, where the head would be read from before the lock (a forked chain)', async () => {
    const before = await t.db.auditEvent.count();
    const one = [{ idempotencyKey: 'c3/event/0', caseId: 'c3', type: 'submitted', actor: 'c@x.kh', payload: {} }];
    await expect(t.db.$transaction((tx) => appendAuditEvents(tx, one), { isolationLevel: 'RepeatableRead' })).rejects.toThrow(/needs READ COMMITTED/);
    expect(await t.db.auditEvent.count()).toBe(before);
    // In the default READ COMMITTED, and in an explicit one, it appends.
    expect(await t.db.$transaction((tx) => appendAuditEvents(tx, one), { isolationLevel: 'ReadCommitted' })).toEqual({ appended: 1 });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, rows: before + 1 });
  });

  it('detects a tampered row and names it', async () => {
    const rows = await t.db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
    const victim = rows[2]!;
    await t.db.auditEvent.update({ where: { seq: victim.seq }, data: { actor: 'mallory@evil.example' } });
    const report = await verifyAuditChain(t.db);
    expect(report.ok).toBe(false);
    expect(report.brokenAt).toMatchObject({ seq: victim.seq.toString(), reason: 'hash_mismatch' });
    expect(report.rows).toBe(2);
  });
});
