// npm run bench:seal — median time to render and seal one decision PDF with our pipeline (embedded Noto Sans
// subsets, flow layout over pages, vector QR code, CMS signature from a .p12 parsed once), next to a bare pdf-lib
// + @signpdf baseline measured in the same run (one page, standard font, plain placeholder, a P12Signer per
// document as @signpdf requires). The last line printed is one JSON object.
import { PDFDocument, StandardFonts } from 'pdf-lib';
import signpdfCjs from '@signpdf/signpdf';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { P12Signer } from '@signpdf/signer-p12';
import { createDevCertificateP12, createSealer, sealDecision, verifySealedPdf } from '../activities/pdf/index.js';
import { sampleDecision } from '../activities/pdf/sample-decision.js';

type SignPdf = typeof signpdfCjs.default;
const signpdf: SignPdf = (signpdfCjs as unknown as { default?: SignPdf }).default ?? (signpdfCjs as unknown as SignPdf);

const documents = Number(process.env.BENCH_DOCUMENTS ?? 30);
const warmup = 3;
const passphrase = 'bench';
const p12 = createDevCertificateP12({ passphrase });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function time(n: number, fn: (i: number) => Promise<Uint8Array>): Promise<{ ms: number[]; last: Uint8Array }> {
  let last: Uint8Array = new Uint8Array();
  for (let i = 0; i < warmup; i++) last = await fn(-1 - i);
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    last = await fn(i);
    ms.push(performance.now() - t);
  }
  return { ms, last };
}

// Our pipeline: the sealer is created once per process (as the worker does); each document differs.
const sealer = createSealer({ p12, passphrase, development: true });
const base = sampleDecision();
const ours = await time(documents, async (i) => {
  const doc = sampleDecision({
    caseId: `STR-2026-${String(1000 + i).padStart(4, '0')}`,
    sealedAt: new Date(Date.parse(base.sealedAt) + i * 60_000).toISOString(),
  });
  return (await sealDecision(doc, sealer)).pdf;
});
const check = verifySealedPdf(ours.last, [sealer.certificate]);
if (!check.ok) throw new Error(`pipeline output does not verify: ${check.reason}`);
const pages = (await PDFDocument.load(ours.last)).getPageCount();

// Baseline: the smallest thing that produces a signed one-page decision with the same libraries.
const baseline = await time(documents, async (i) => {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595.28, 841.89]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  page.drawText(`Decision on case STR-2026-${i}: approved`, { x: 56, y: 780, size: 14, font });
  page.drawText(`Approved document SHA-256 ${base.approvedDocument.sha256}`, { x: 56, y: 750, size: 8, font });
  pdflibAddPlaceholder({ pdfDoc: pdf, reason: 'Decision', contactInfo: '', name: 'CHAIn', location: '' });
  const withPlaceholder = Buffer.from(await pdf.save());
  return signpdf.sign(withPlaceholder, new P12Signer(p12, { passphrase }));
});

const ourMedian = median(ours.ms);
const baseMedian = median(baseline.ms);
const round = (x: number) => Math.round(x * 10) / 10;
console.log(`documents per run:        ${documents} (after ${warmup} warm-up)`);
console.log(`pipeline render+seal:     median ${round(ourMedian)} ms (${pages} pages, ${ours.last.byteLength} bytes, fonts embedded)`);
console.log(`bare pdf-lib + @signpdf:  median ${round(baseMedian)} ms (1 page, standard font, ${baseline.last.byteLength} bytes)`);
console.log(`ratio pipeline / bare:    ${(ourMedian / baseMedian).toFixed(2)}`);
console.log(
  JSON.stringify({
    bench: 'seal',
    documents,
    pipelineMedianMs: round(ourMedian),
    baselineMedianMs: round(baseMedian),
    ratio: Number((ourMedian / baseMedian).toFixed(2)),
    pipelinePages: pages,
    pipelineBytes: ours.last.byteLength,
    baselineBytes: baseline.last.byteLength,
  }),
);
