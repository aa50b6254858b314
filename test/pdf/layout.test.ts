// Layout: wrapping with the embedded font's metrics, content flowing over pages with continuation headers and
// "Page i of N" footers, the development notice, embedded fonts and the machine-readable marker.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDict, PDFDocument, PDFHexString, PDFName } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { DECISION_MARKER_KEY, renderDecisionPdf, type DecisionEntry } from '../../activities/pdf/index.js';
import { embedFaces, wrapText, type Faces } from '../../activities/pdf/layout.js';
import { sampleDecision } from '../../activities/pdf/sample-decision.js';
import { describeWithPoppler, pdfPageGray, pdftotext } from '../support/poppler.js';

// jsqr ships CommonJS whose export is the function itself (with a `default` pointing to it).
const jsQR = createRequire(import.meta.url)('jsqr') as typeof import('jsqr').default;

const dir = mkdtempSync(path.join(tmpdir(), 'chain-layout-'));
const write = (name: string, bytes: Uint8Array) => {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
};

const words = (n: number) => Array.from({ length: n }, (_, i) => ['mobility', 'recognition', 'credits', 'partner', 'review', 'ECTS', 'faculty'][i % 7]).join(' ');

function manyDecisions(n: number, commentWords = 40): DecisionEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    who: { name: `Reviewer ${i + 1}`, email: `reviewer${i + 1}@example.edu.kh` },
    role: i % 2 ? 'MoEYS review' : 'IRO check',
    institutionCode: i % 2 ? 'MOEYS' : 'RUPP',
    action: i % 3 ? 'approve' : 'send_back',
    comment: words(commentWords),
    at: new Date(Date.UTC(2026, 8, 1 + i, 3, 15)).toISOString(),
    via: (['link', 'api', 'web'] as const)[i % 3]!,
  }));
}

let faces: Faces;
beforeAll(async () => {
  faces = await embedFaces(await PDFDocument.create());
});

describe('wrapText', () => {
  it('keeps every line within the width, measured with the embedded font', () => {
    const lines = wrapText(words(120), faces.regular, 9.5, 200);
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(faces.regular.widthOf(l, 9.5)).toBeLessThanOrEqual(200);
    expect(lines.join(' ')).toBe(words(120));
  });

  it('breaks words wider than the line (hashes, URLs) and honours newlines', () => {
    const hash = 'ab'.repeat(64);
    const lines = wrapText(`SHA-256 ${hash}\nnext paragraph`, faces.regular, 10, 120);
    expect(lines.join('')).toContain('next paragraph');
    expect(lines.slice(0, -1).join('').replace('SHA-256', '')).toBe(hash);
    for (const l of lines) expect(faces.regular.widthOf(l, 10)).toBeLessThanOrEqual(120);
    expect(wrapText('', faces.regular, 10, 100)).toEqual(['']);
  });
});

describe('decision PDF layout', () => {
  it('lays a short decision on A4, in at most two pages', async () => {
    const pdf = await PDFDocument.load(await renderDecisionPdf(sampleDecision({ decisions: manyDecisions(1, 5), decision: { outcome: 'approved' } })));
    expect(pdf.getPageCount()).toBeLessThanOrEqual(2);
    const [w, h] = [pdf.getPage(0).getWidth(), pdf.getPage(0).getHeight()];
    expect([w, h]).toEqual([595.28, 841.89]);
  });

  it('flows long content over several pages', async () => {
    const bytes = await renderDecisionPdf(sampleDecision({ decisions: manyDecisions(30) }));
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBeGreaterThan(2);
  });

  it('splits a single comment taller than a page across pages', async () => {
    const bytes = await renderDecisionPdf(sampleDecision({ decisions: manyDecisions(2, 1500), decision: { outcome: 'rejected', comment: words(600) } }));
    expect((await PDFDocument.load(bytes)).getPageCount()).toBeGreaterThan(3);
  });

  it('embeds its fonts (subset TrueType, no standard fonts) and deterministic metadata', async () => {
    const doc = sampleDecision();
    const bytes = await renderDecisionPdf(doc);
    const raw = Buffer.from(bytes).toString('latin1');
    expect(raw).toContain('/FontFile2');
    expect(raw).toMatch(/\/BaseFont \/CHAINR\+NotoSans-Regular/);
    expect(raw).not.toMatch(/\/BaseFont \/(Helvetica|Times|Courier)/);
    const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(pdf.getTitle()).toBe(doc.title);
    expect(pdf.getProducer()).toBe('CHAIn approvals (pdf-lib)');
    expect(pdf.getCreationDate()?.toISOString()).toBe(new Date(doc.sealedAt).toISOString());
    expect(pdf.getModificationDate()?.toISOString()).toBe(new Date(doc.sealedAt).toISOString());
  });

  it('carries the decision marker as JSON in the document information dictionary', async () => {
    const doc = sampleDecision();
    const pdf = await PDFDocument.load(await renderDecisionPdf(doc), { updateMetadata: false });
    const info = pdf.context.lookup(pdf.context.trailerInfo.Info, PDFDict);
    const value = info.lookup(PDFName.of(DECISION_MARKER_KEY), PDFHexString);
    expect(JSON.parse(value.decodeText())).toEqual({
      v: 1,
      caseId: doc.caseId,
      decisionId: doc.decisionId,
      outcome: doc.decision.outcome,
      approvedSha256: doc.approvedDocument.sha256,
      approvedVersion: doc.approvedDocument.version,
      workflowId: doc.workflowId,
      auditHeadHash: doc.auditHeadHash,
      sealedAt: doc.sealedAt,
    });
  });
});

describeWithPoppler('decision PDF text, read back by pdftotext', () => {
  it('prints the decision, hashes, every decision, page numbers and continuation headers', async () => {
    const doc = sampleDecision({ decisions: manyDecisions(12) });
    const text = pdftotext(write('long.pdf', await renderDecisionPdf(doc)));
    const pages = text.split('\f').filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((p, i) => expect(p).toContain(`Page ${i + 1} of ${pages.length}`));
    expect(pages[1]).toContain(`Case ${doc.caseId} (continued)`);
    expect(text).toContain('Approved with conditions');
    expect(text).toContain(doc.approvedDocument.sha256);
    expect(text).toContain(doc.auditHeadHash);
    expect(text).toContain(doc.verificationUrl);
    expect(text).toContain('strategy/default, version 4');
    for (let i = 1; i <= 12; i++) expect(text).toContain(`Reviewer ${i}`);
    expect(text).toContain('via email link');
    expect(text).toContain('via API');
    // The table header is repeated on the pages the decision record continues on.
    expect(pages.filter((p) => p.includes('Decision and comment')).length).toBeGreaterThan(1);
  });

  it('shows the development notice only for development certificates', async () => {
    const notice = 'Sealed with a development certificate — not valid for official use';
    const dev = pdftotext(write('dev.pdf', await renderDecisionPdf(sampleDecision({ developmentCertificate: true }))));
    const prod = pdftotext(write('prod.pdf', await renderDecisionPdf(sampleDecision({ developmentCertificate: false }))));
    expect(dev).toContain(notice);
    expect(prod).not.toContain('development certificate');
  });

  it('carries one QR code, which a reader decodes to the verification link', async () => {
    const doc = sampleDecision({ verificationUrl: 'https://chain.example.edu.kh/verify/STR-2026-0042?k=Qx7-test' });
    const bytes = await renderDecisionPdf(doc);
    const file = write('qr.pdf', bytes);
    const pageCount = (await PDFDocument.load(bytes)).getPageCount();
    const decoded: string[] = [];
    for (let n = 1; n <= pageCount; n++) {
      const page = pdfPageGray(file, n, 150);
      const rgba = new Uint8ClampedArray(page.width * page.height * 4);
      page.gray.forEach((v, i) => rgba.set([v, v, v, 255], i * 4));
      const found = jsQR(rgba, page.width, page.height);
      if (found) decoded.push(found.data);
    }
    expect(decoded).toEqual([doc.verificationUrl]);
  });
});
