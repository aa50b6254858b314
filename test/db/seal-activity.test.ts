// The sealDecision activity against a real database: what the PDF is built from, one PDF per decision however often
// (and however concurrently) the activity runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvents, verifyAuditChain } from '../../activities/audit.js';
import { createDevCertificateP12, createSealer, verifySealedPdf, type Sealer } from '../../activities/pdf/index.js';
import { sealCaseDecision } from '../../activities/seal.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { describeWithPoppler, pdftotext } from '../support/poppler.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

let t: TestDb;
let sealer: Sealer;
const SHA = 'a'.repeat(64);

/** A RUPP case row with its document versions (sha256 by version: 1 → SHA unless given). */
async function caseRow(id: string, title: string, o: { type?: 'strategy' | 'mou'; versions?: string[]; policy?: boolean } = {}) {
  const rupp = await t.db.institution.findUniqueOrThrow({ where: { code: 'RUPP' } });
  await t.db.case.create({
    data: {
      id,
      type: o.type ?? 'strategy',
      institutionId: rupp.id,
      title,
      workflowId: id,
      ...(o.policy ? { policyKey: 'strategy-default', policyVersion: 1 } : {}),
      documents: { create: (o.versions ?? [SHA]).map((sha256, i) => ({ version: i + 1, sha256, fileName: `v${i + 1}.pdf`, mimeType: 'application/pdf', size: 3 })) },
    },
  });
}
beforeAll(async () => {
  t = await createTestDb();
  sealer = createSealer({ p12: createDevCertificateP12({ passphrase: 'pw' }), passphrase: 'pw', development: true });
  await caseRow('seal-1', 'RUPP internationalisation strategy', { policy: true });
  await appendAuditEvents(t.db, [
    { idempotencyKey: 'seal-1/event/0', caseId: 'seal-1', type: 'submitted', actor: 'rector@demo.rupp.edu.kh', payload: {} },
    { idempotencyKey: 'seal-1/event/1', caseId: 'seal-1', type: 'approved', actor: 'iro@demo.rupp.edu.kh', payload: { stepId: 'iro_check', comment: 'Complete.' } },
  ]);
});
afterAll(async () => {
  await t?.close();
});

const input = { caseId: 'seal-1', outcome: 'approved' as const, at: '2026-11-29T05:00:00.000Z', documentSha256: SHA, documentVersion: 1 };

describe('sealDecision activity', () => {
  it('stores one sealed PDF per decision, also when attempts run at once or again later', async () => {
    const deps = { db: t.db, sealer, publicUrl: 'http://localhost:3000' };
    const [a, b] = await Promise.all([sealCaseDecision(deps, input), sealCaseDecision(deps, input)]);
    expect(a.sealedId).toBe(b.sealedId);
    expect([a.created, b.created].filter(Boolean).length).toBeGreaterThanOrEqual(1);
    const again = await sealCaseDecision(deps, input);
    expect(again).toEqual({ sealedId: a.sealedId, sha256: a.sha256, created: false });
    const rows = await t.db.sealedDocument.findMany({ where: { caseId: 'seal-1' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: 'approved', approvedSha256: SHA, sha256: a.sha256 });

    const pdf = Buffer.from(rows[0]!.bytes);
    const text = pdf.toString('latin1');
    expect(text).toContain('seal-1');
    expect(verifySealedPdf(pdf, [sealer.certificate])).toMatchObject({ ok: true, byteRangeCoversWholeFile: true });
  });
});

describeWithPoppler('sealDecision activity, read back by pdftotext', () => {
  it('marks the approvals a resubmission voided, and lists the approvals of the new version plainly', async () => {
    const SHA2 = 'b'.repeat(64);
    await caseRow('seal-2', 'RUPP strategy, second version', { versions: [SHA, SHA2] });
    await appendAuditEvents(t.db, [
      { idempotencyKey: 'seal-2/event/0', caseId: 'seal-2', type: 'submitted', actor: 'rector@demo.rupp.edu.kh', payload: {} },
      { idempotencyKey: 'seal-2/event/1', caseId: 'seal-2', type: 'approved', actor: 'iro@demo.rupp.edu.kh', payload: { stepId: 'iro_check', comment: 'First look fine.' } },
      { idempotencyKey: 'seal-2/event/2', caseId: 'seal-2', type: 'sent_back', actor: 'rector@demo.rupp.edu.kh', payload: { stepId: 'leadership_endorsement', comment: 'Add KPIs.' } },
      { idempotencyKey: 'seal-2/event/3', caseId: 'seal-2', type: 'resubmitted', actor: 'rector@demo.rupp.edu.kh', payload: { documentVersion: 2 } },
      { idempotencyKey: 'seal-2/event/4', caseId: 'seal-2', type: 'approved', actor: 'iro@demo.rupp.edu.kh', payload: { stepId: 'iro_check', comment: 'Second look fine.' } },
    ]);
    const { sealedId } = await sealCaseDecision({ db: t.db, sealer, publicUrl: 'http://localhost:3000' }, { ...input, caseId: 'seal-2', documentSha256: SHA2, documentVersion: 2 });
    const row = await t.db.sealedDocument.findUniqueOrThrow({ where: { id: sealedId } });
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'chain-seal-')), 'seal-2.pdf');
    await writeFile(file, row.bytes);
    const text = pdftotext(file).replace(/\s+/g, ' ');
    expect(text.match(/void: an earlier version/g)).toHaveLength(1);
    // The table's columns interleave in pdftotext's output: the void approval is the first one, with its comment.
    expect(text).toMatch(/Approved \(void: an earlier version\) .{0,80}First look fine\./);
    expect(text).toMatch(/Approved .{0,80}Second look fine\./);
    expect(text).toContain('Second look fine.');
  });

  it('marks the approvals the workflow names void — also those a send back to an earlier stage cancelled', async () => {
    await caseRow('seal-3', 'RUPP strategy, reviewed twice');
    const approvedBy = (n: number, who: string, comment: string) => ({ idempotencyKey: `seal-3/event/${n}`, caseId: 'seal-3', type: 'approved', actor: who, payload: { stepId: 'moeys_review', comment } });
    await appendAuditEvents(t.db, [
      { idempotencyKey: 'seal-3/event/0', caseId: 'seal-3', type: 'submitted', actor: 'rector@demo.rupp.edu.kh', payload: {} },
      approvedBy(1, 'reviewer1@demo.moeys.gov.kh', 'Review one.'),
      approvedBy(2, 'reviewer2@demo.moeys.gov.kh', 'Review two.'),
      { idempotencyKey: 'seal-3/event/3', caseId: 'seal-3', type: 'sent_back', actor: 'director@demo.moeys.gov.kh', payload: { stepId: 'moeys_signoff', to: 'moeys_review', comment: 'Review the budget again.' } },
      approvedBy(4, 'reviewer1@demo.moeys.gov.kh', 'Budget checked.'),
      approvedBy(5, 'reviewer3@demo.moeys.gov.kh', 'Budget fine.'),
    ]);
    const { sealedId } = await sealCaseDecision({ db: t.db, sealer, publicUrl: 'http://localhost:3000' }, { ...input, caseId: 'seal-3', voidEvents: [1, 2] });
    const row = await t.db.sealedDocument.findUniqueOrThrow({ where: { id: sealedId } });
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'chain-seal-')), 'seal-3.pdf');
    await writeFile(file, row.bytes);
    const text = pdftotext(file).replace(/\s+/g, ' ');
    expect(text.match(/void: an earlier version/g)).toHaveLength(2);
    expect(text).toMatch(/Approved \(void: an earlier version\) .{0,80}Review one\./);
    expect(text).toMatch(/Approved \(void: an earlier version\) .{0,80}Review two\./);
    expect(text).not.toMatch(/void: an earlier version\) .{0,80}Budget/);
  });
});

describe('the audit chain and the sealed decisions', () => {
  it("notices rows cut from the chain's end: a sealed decision names a head that is gone", async () => {
    await caseRow('seal-4', 'MoU, last in the chain', { type: 'mou' });
    await appendAuditEvents(t.db, [{ idempotencyKey: 'seal-4/event/0', caseId: 'seal-4', type: 'approved', actor: 'rector@demo.rupp.edu.kh', payload: { stepId: 'rector_signature' } }]);
    await sealCaseDecision({ db: t.db, sealer, publicUrl: 'http://localhost:3000' }, { ...input, caseId: 'seal-4' });
    const before = await verifyAuditChain(t.db);
    expect(before).toMatchObject({ ok: true });
    expect(before.anchors).toBeGreaterThanOrEqual(1);

    // Delete the newest row: every link that is left still matches.
    const newest = await t.db.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    await t.db.$executeRaw`DELETE FROM "AuditEvent" WHERE "seq" = ${newest.seq}`;
    const after = await verifyAuditChain(t.db);
    expect(after).toMatchObject({ ok: false, rows: before.rows - 1, brokenAt: { seq: 'end', reason: 'anchor_missing', expected: newest.hash } });
  });
});
