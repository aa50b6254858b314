// Sealing and verification, judged by poppler's pdfsig (an independent CMS/PDF implementation) and by our own
// verifier: valid seal, one flipped byte, a foreign certificate, appended bytes, garbage, reproducibility.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDevCertificateP12, createSealer, ensureDevCertificate, renderDecisionPdf, SealError, sealDecision, startSealThread, verifySealedPdf, type Sealer } from '../../activities/pdf/index.js';
import { sampleDecision, sampleKhmerDecision } from '../../activities/pdf/sample-decision.js';
import { describeWithPoppler, pdfsig } from '../support/poppler.js';

const dir = mkdtempSync(path.join(tmpdir(), 'chain-seal-'));
const write = (name: string, bytes: Uint8Array) => {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
};

let sealer: Sealer;
let other: Sealer;
let otherP12: Buffer;
let sealed: Uint8Array;
const doc = sampleDecision();

beforeAll(async () => {
  sealer = createSealer({ p12: createDevCertificateP12({ passphrase: 'test-pass' }), passphrase: 'test-pass', development: true });
  otherP12 = createDevCertificateP12({ commonName: 'Someone else' });
  other = createSealer({ p12: otherP12, passphrase: 'chain-dev', development: true });
  sealed = (await sealDecision(doc, sealer)).pdf;
});

/** Offset of a byte inside the first signed range that is stream data (flipping it keeps the PDF parseable). */
function byteInsideSignedStream(pdf: Uint8Array): number {
  const text = Buffer.from(pdf).toString('latin1');
  const signedEnd = Number(/\/ByteRange \[0 (\d+)/.exec(text)![1]);
  const at = text.indexOf('stream\n');
  expect(at).toBeGreaterThan(0);
  expect(at + 40).toBeLessThan(signedEnd);
  return at + 40;
}

const flipped = (pdf: Uint8Array, offset: number) => {
  const copy = Uint8Array.from(pdf);
  copy[offset] = copy[offset]! ^ 0x01;
  return copy;
};

describeWithPoppler('sealed decision PDF, checked by pdfsig', () => {
  it('is reported valid, covering the whole document', () => {
    const out = pdfsig(write('sealed.pdf', sealed));
    expect(out).toContain('Signature is Valid.');
    expect(out).toContain('Total document signed');
    expect(out).toContain('SHA-256');
    expect(out).toContain('CHAIn development seal (NOT FOR OFFICIAL USE)');
  });

  it('reports a digest mismatch after one flipped byte inside the signed range, as does verifySealedPdf', () => {
    const tampered = flipped(sealed, byteInsideSignedStream(sealed));
    const out = pdfsig(write('tampered.pdf', tampered));
    expect(out).toContain('Digest Mismatch');
    expect(out).not.toContain('Signature is Valid.');
    const r = verifySealedPdf(tampered, [sealer.certificate]);
    expect(r).toMatchObject({ ok: false, reason: 'digest_mismatch', byteRangeCoversWholeFile: true });
  });

  it('reports a seal of bytes other than ours (arbitrary PDF via seal()) valid too', async () => {
    const plain = await PDFDocument.create();
    plain.addPage().drawText('Plain', { x: 72, y: 720, font: await plain.embedFont(StandardFonts.Helvetica) });
    const bytes = await sealer.seal(await plain.save(), { reason: 'Test', location: 'Phnom Penh' });
    expect(pdfsig(write('plain.pdf', bytes))).toContain('Signature is Valid.');
    expect(verifySealedPdf(bytes, [sealer.certificate]).ok).toBe(true);
  });
});

describe('verifySealedPdf', () => {
  it('accepts our seal and says which decision the document carries', () => {
    const r = verifySealedPdf(sealed, [sealer.certificate]);
    expect(r.ok).toBe(true);
    expect(r.reason).toBeUndefined();
    expect(r.byteRangeCoversWholeFile).toBe(true);
    expect(r.signer).toEqual({ subject: sealer.certificate.subject, fingerprintSha256: sealer.certificate.fingerprintSha256 });
    expect(r.signingTime).toBe(new Date(doc.sealedAt).toISOString());
    expect(r.pdfSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.decision).toMatchObject({
      caseId: doc.caseId,
      decisionId: doc.decisionId,
      outcome: doc.decision.outcome,
      approvedSha256: doc.approvedDocument.sha256,
      approvedVersion: doc.approvedDocument.version,
    });
  });

  it('reports one flipped byte inside the signed range as a digest mismatch', () => {
    const tampered = flipped(sealed, byteInsideSignedStream(sealed));
    expect(verifySealedPdf(tampered, [sealer.certificate])).toMatchObject({ ok: false, reason: 'digest_mismatch' });
    // The marker is still read (to say what the document claims), but ok is false.
    expect(verifySealedPdf(tampered, [sealer.certificate]).decision?.caseId).toBe(doc.caseId);
  });

  it('accepts fingerprints written with colons and upper case', () => {
    const colons = sealer.certificate.fingerprintSha256.toUpperCase().match(/../g)!.join(':');
    expect(verifySealedPdf(sealed, [{ fingerprintSha256: colons }]).ok).toBe(true);
  });

  it('detects an untrusted signer (a valid seal by another certificate)', async () => {
    const foreign = (await sealDecision(doc, other)).pdf;
    const r = verifySealedPdf(foreign, [sealer.certificate]);
    expect(r).toMatchObject({ ok: false, reason: 'untrusted_signer' });
    expect(r.signer?.fingerprintSha256).toBe(other.certificate.fingerprintSha256);
    expect(verifySealedPdf(sealed, [])).toMatchObject({ ok: false, reason: 'untrusted_signer' });
  });

  it('rejects bytes appended after sealing (an incremental update)', () => {
    const appended = Buffer.concat([Buffer.from(sealed), Buffer.from('\n1 0 obj\n<< /Title (Forged) >>\nendobj\n%%EOF\n')]);
    const r = verifySealedPdf(appended, [sealer.certificate]);
    expect(r).toMatchObject({ ok: false, reason: 'modified_after_signing', byteRangeCoversWholeFile: false });
  });

  it('reports a changed signature value as a bad signature', () => {
    // Flip a bit in the RSA signature value itself (the last non-zero byte of the CMS in /Contents).
    const text = Buffer.from(sealed).toString('latin1');
    const m = /\/ByteRange \[0 (\d+) (\d+)/.exec(text)!;
    const hex = text.slice(Number(m[1]) + 1, Number(m[2]) - 1).replace(/(00)+$/, '');
    const offset = Number(m[1]) + 1 + hex.length - 1;
    const copy = Uint8Array.from(sealed);
    copy[offset] = copy[offset] === 0x30 ? 0x31 : 0x30;
    expect(verifySealedPdf(copy, [sealer.certificate])).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('never throws on garbage, and names what it got', async () => {
    expect(verifySealedPdf(new Uint8Array(), [])).toMatchObject({ ok: false, reason: 'not_pdf' });
    expect(verifySealedPdf(Buffer.from('hello world, not a PDF at all'), [])).toMatchObject({ ok: false, reason: 'not_pdf' });
    expect(verifySealedPdf(Buffer.from('%PDF-1.7\n%%EOF'), [])).toMatchObject({ ok: false, reason: 'no_signature' });
    expect(verifySealedPdf(await renderDecisionPdf(doc), [])).toMatchObject({ ok: false, reason: 'no_signature' });
    expect(verifySealedPdf(Buffer.from('%PDF-1.7\n/ByteRange [0 10 20 5] /Contents <zz>'), [])).toMatchObject({ ok: false, reason: 'malformed' });
    const placeholderOnly = Buffer.from(sealed).toString('latin1').replace(/\/ByteRange \[[^\]]*\]/, '/ByteRange [0 /********** /********** /**********]');
    expect(verifySealedPdf(Buffer.from(placeholderOnly, 'latin1'), [])).toMatchObject({ ok: false, reason: 'malformed' });

    // Truncations and random corruption anywhere: always a result, never ok.
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 300; i++) {
      const copy = Uint8Array.from(sealed.subarray(0, i % 3 === 0 ? Math.floor(rnd() * sealed.length) : sealed.length));
      for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) copy[Math.floor(rnd() * copy.length)] = Math.floor(rnd() * 256);
      const r = verifySealedPdf(copy, [sealer.certificate]);
      expect(typeof r.ok).toBe('boolean');
      if (i % 3 === 0) expect(r.ok).toBe(false);
    }
  });
});

describe('sealer', () => {
  it('seals reproducibly: the same decision and certificate give the same bytes', async () => {
    const again = (await sealDecision(doc, sealer)).pdf;
    expect(Buffer.from(again).equals(Buffer.from(sealed))).toBe(true);
    const a = await renderDecisionPdf(doc);
    const b = await renderDecisionPdf(doc);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('describes its certificate', () => {
    expect(sealer.certificate.subject).toBe('CN=CHAIn development seal (NOT FOR OFFICIAL USE), O=CHAIn');
    expect(sealer.certificate.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(new Date(sealer.certificate.validTo).getUTCFullYear() - new Date(sealer.certificate.validFrom).getUTCFullYear()).toBe(10);
  });

  it('fails with a coded error on a wrong passphrase, an unreadable .p12 and a non-PDF', async () => {
    expect(() => createSealer({ p12: otherP12, passphrase: 'wrong', development: true })).toThrow(expect.objectContaining({ code: 'bad_passphrase' }));
    expect(() => createSealer({ p12: Buffer.from('nope'), passphrase: '', development: true })).toThrow(SealError);
    await expect(sealer.seal(Buffer.from('not a pdf'), { reason: 'x' })).rejects.toMatchObject({ code: 'not_pdf' });
  });

  it('writes a development certificate once (idempotent), creating the directory', async () => {
    const file = path.join(dir, 'nested', 'dev-signing.p12');
    expect(await ensureDevCertificate(file, 'pw')).toEqual({ created: true });
    const first = readFileSync(file);
    expect(await ensureDevCertificate(file, 'pw')).toEqual({ created: false });
    expect(readFileSync(file).equals(first)).toBe(true);
    expect(createSealer({ p12: first, passphrase: 'pw', development: true }).certificate.subject).toContain('NOT FOR OFFICIAL USE');
  });

  it('seals with a non-development certificate', async () => {
    const official = createSealer({ p12: otherP12, passphrase: 'chain-dev', development: false });
    const r = await sealDecision({ ...doc, developmentCertificate: true }, official);
    expect(r.marker.caseId).toBe(doc.caseId);
    expect(verifySealedPdf(r.pdf, [official.certificate]).ok).toBe(true);
  });

  it('produces a signature that OpenSSL verifies too (when openssl is installed)', () => {
    const probe = spawnSync('openssl', ['version'], { encoding: 'utf8' });
    if (probe.error) return;
    const text = Buffer.from(sealed).toString('latin1');
    const m = /\/ByteRange \[0 (\d+) (\d+) (\d+)\]/.exec(text)!;
    const [len1, off2, len2] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const content = Buffer.concat([Buffer.from(sealed.subarray(0, len1)), Buffer.from(sealed.subarray(off2, off2 + len2))]);
    const sig = Buffer.from(text.slice(len1 + 1, off2 - 1), 'hex');
    const r = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-noverify', '-in', write('sig.der', sig), '-content', write('content.bin', content), '-out', '/dev/null'], { encoding: 'utf8' });
    expect(r.stderr).toContain('Verification successful');
  });
});

describe('seal thread', () => {
  it('seals on its thread to the same bytes as the main thread, and hands back a SealError as one', async () => {
    const p12 = createDevCertificateP12({ passphrase: 'test-pass' });
    const thread = startSealThread({ p12, passphrase: 'test-pass', development: true });
    const broken = startSealThread({ p12, passphrase: 'wrong', development: true });
    try {
      const inline = await sealDecision(doc, createSealer({ p12, passphrase: 'test-pass', development: true }), { reason: 'r' });
      const [a, b] = await Promise.all([thread.sealDecision(doc, { reason: 'r' }), thread.sealDecision(doc, { reason: 'r' })]);
      expect(a.pdf).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(a.pdf).equals(Buffer.from(inline.pdf))).toBe(true);
      expect(b.sha256).toBe(inline.sha256);
      expect(a.certificateFingerprintSha256).toBe(inline.certificateFingerprintSha256);
      // Khmer is shaped on the thread (HarfBuzz loads there too) to the same bytes.
      const khmer = sampleKhmerDecision();
      const [onThread, onMain] = await Promise.all([thread.sealDecision(khmer), sealDecision(khmer, createSealer({ p12, passphrase: 'test-pass', development: true }))]);
      expect(Buffer.from(onThread.pdf).toString('latin1')).toContain('NotoSansKhmer');
      expect(Buffer.from(onThread.pdf).equals(Buffer.from(onMain.pdf))).toBe(true);
      const err = await broken.sealDecision(doc).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SealError);
      expect((err as SealError).code).toBe('bad_passphrase');
    } finally {
      await thread.close();
      await broken.close();
    }
    await expect(thread.sealDecision(doc)).rejects.toThrow(/closed/);
  }, 30_000);
});
