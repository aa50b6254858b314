// The decision PDF: what was decided, on which exact document version, by whom and how, plus what a reader needs
// to check it (audit chain head, verification URL and QR code). Layout primitives live in layout.ts; this file
// only says what goes where. Rendering is deterministic: the same input gives the same bytes (dates come from
// sealedAt, font subsets have fixed names), so a retried sealing activity produces the same document.
import QRCode from 'qrcode';
import {
  PDFDocument,
  PDFHexString,
  PDFName,
  concatTransformationMatrix,
  fill,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  setFillingColor,
  type PDFDict,
  type PDFOperator,
} from 'pdf-lib';
import { hasKhmer } from './khmer.js';
import { embedFaces, Flow, palette, type CellContent, type Para, type PageContext } from './layout.js';
import { DECISION_MARKER_KEY, type DecisionDocument, type DecisionEntry, type DecisionMarker, type DecisionOutcome, type ProcessType } from './types.js';

export interface RenderOptions {
  /** The sealing certificate, printed in the integrity section when known. */
  sealCertificate?: { subject: string; fingerprintSha256: string };
}

const PRODUCER = 'CHAIn approvals (pdf-lib)';

const processLabels: Record<ProcessType, string> = {
  strategy: 'Internationalisation strategy review',
  mou: 'Memorandum of understanding / agreement',
  recognition: 'Credit recognition',
  strategy_report: 'Progress report on an internationalisation strategy',
};

const outcomeLabels: Record<DecisionOutcome, string> = {
  approved: 'Approved',
  approved_with_conditions: 'Approved with conditions',
  rejected: 'Rejected',
  returned: 'Returned for revision',
  terminated: 'Terminated',
  withdrawn: 'Withdrawn',
  recognised: 'Recognised',
  partially_recognised: 'Partially recognised',
};

const viaLabels: Record<DecisionEntry['via'], string> = { link: 'via email link', api: 'via API', web: 'via staff pages' };

export const outcomeLabel = (o: DecisionOutcome): string => outcomeLabels[o] ?? humanise(o);

function outcomeColours(o: DecisionOutcome) {
  if (o === 'approved' || o === 'approved_with_conditions' || o === 'recognised' || o === 'partially_recognised') return { ink: palette.green, fill: palette.greenFill };
  if (o === 'rejected' || o === 'terminated') return { ink: palette.red, fill: palette.redFill };
  return { ink: palette.amber, fill: palette.amberFill };
}

const humanise = (s: string) => {
  const t = s.replace(/[_-]+/g, ' ').trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "2026-11-28 09:14 UTC" (no locale, no time zone of the machine). */
export function formatUtc(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** "28 November 2026". */
export function formatLongDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export function decisionMarker(doc: DecisionDocument): DecisionMarker {
  return {
    v: 1,
    caseId: doc.caseId,
    decisionId: doc.decisionId ?? doc.caseId,
    outcome: doc.decision.outcome,
    approvedSha256: doc.approvedDocument.sha256.toLowerCase(),
    approvedVersion: doc.approvedDocument.version,
    workflowId: doc.workflowId,
    auditHeadHash: doc.auditHeadHash,
    sealedAt: doc.sealedAt,
  };
}

const muted = (text: string, size = 8.5): Para => ({ text, style: { color: palette.muted, size } });
const bold = (text: string, size?: number): Para => ({ text, style: { face: 'bold', ...(size ? { size } : {}) } });

/** Draws the QR code of `text` as vector squares (crisp at any zoom and in print), top-left at (x, top). */
function drawQr(ctx: PageContext, text: string, x: number, top: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  // One rectangle per run of dark modules, in module units under one transform (y grows downwards from `top`):
  // short integer operands, one fill — far less to build and to compress than a path in page coordinates.
  const ops: PDFOperator[] = [pushGraphicsState(), concatTransformationMatrix(size / n, 0, 0, -size / n, x, top), setFillingColor(palette.ink)];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; ) {
      if (!qr.modules.get(r, c)) {
        c++;
        continue;
      }
      let run = 1;
      while (c + run < n && qr.modules.get(r, c + run)) run++;
      ops.push(rectangle(c, r, run, 1));
      c += run;
    }
  }
  ops.push(fill(), popGraphicsState());
  ctx.page.pushOperators(...ops);
}

/** Builds the decision document in memory (for sealing without a second parse). */
export async function buildDecisionDocument(doc: DecisionDocument, options: RenderOptions = {}): Promise<PDFDocument> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  // The Khmer faces only for a decision with Khmer in it (a title, a name, a comment): others carry no Khmer font.
  const faces = await embedFaces(pdf, { khmer: hasKhmer(JSON.stringify(doc)) });
  const sealedAt = new Date(doc.sealedAt);
  if (Number.isNaN(sealedAt.getTime())) throw new TypeError(`sealedAt is not a date: ${JSON.stringify(doc.sealedAt)}`);
  const outcome = outcomeLabel(doc.decision.outcome);
  const devNotice = 'Sealed with a development certificate — not valid for official use';

  const flow = new Flow(pdf, faces, {
    continuationHeader: ({ page, box }) => {
      faces.bold.draw(page, 'CHAIn · Sealed decision', box.left, box.top - 9, 8.5, palette.accent);
      const right = `Case ${doc.caseId} (continued)`;
      faces.regular.draw(page, right, box.right - faces.regular.widthOf(right, 8.5), box.top - 9, 8.5, palette.muted);
      page.drawLine({ start: { x: box.left, y: box.top - 16 }, end: { x: box.right, y: box.top - 16 }, thickness: 0.6, color: palette.rule });
      return 30;
    },
    footer: ({ page, index, pageCount, box, pageSize }) => {
      const y = box.bottom - 26;
      page.drawLine({ start: { x: box.left, y: y + 12 }, end: { x: box.right, y: y + 12 }, thickness: 0.6, color: palette.rule });
      const left = `CHAIn · case ${doc.caseId} · sealed ${formatUtc(doc.sealedAt)}`;
      faces.regular.draw(page, left, box.left, y, 7.5, palette.muted);
      const right = `Page ${index + 1} of ${pageCount}`;
      faces.regular.draw(page, right, box.right - faces.regular.widthOf(right, 7.5), y, 7.5, palette.muted);
      if (doc.developmentCertificate) {
        const w = faces.bold.widthOf(devNotice, 7.5);
        faces.bold.draw(page, devNotice, (pageSize.width - w) / 2, y - 13, 7.5, palette.red);
      }
    },
  });

  /** Hashes on one line when they can be (shrunk down to 7 pt); copy-paste must give the exact hex. */
  const hash = (text: string): Para => ({ text, style: { size: flow.fitSize(text, 'regular', flow.valueWidth, 9.5, 7) } });

  // Masthead.
  flow.block(52, ({ page, box, top }) => {
    faces.bold.draw(page, 'CHAIn', box.left, top - 20, 20, palette.accent);
    faces.regular.draw(page, 'Cambodian Higher Education Internationalisation · Approvals', box.left, top - 33, 8, palette.muted);
    const kind = 'SEALED DECISION';
    faces.bold.draw(page, kind, box.right - faces.bold.widthOf(kind, 9.5), top - 14, 9.5, palette.accent);
    const ref = `Case ${doc.caseId}`;
    faces.regular.draw(page, ref, box.right - faces.regular.widthOf(ref, 8.5), top - 27, 8.5, palette.muted);
    page.drawLine({ start: { x: box.left, y: top - 44 }, end: { x: box.right, y: top - 44 }, thickness: 1.6, color: palette.accent });
  });

  if (doc.developmentCertificate) {
    flow.panel(
      [
        { text: devNotice, style: { face: 'bold', color: palette.red, size: 10 } },
        {
          text: 'This document was sealed with a self-signed development certificate. It shows the format of a sealed decision and has no legal or administrative effect.',
          style: { color: palette.red, size: 8.5 },
          spaceBefore: 2,
        },
      ],
      { fill: palette.redFill, border: palette.red },
    );
    flow.space(12);
  }

  flow.paragraph([
    { text: doc.title, style: { face: 'bold', size: 17, leading: 0.1 } },
    { text: processLabels[doc.processType] ?? humanise(doc.processType), style: { color: palette.muted, size: 10.5 }, spaceBefore: 2 },
  ]);
  flow.space(8);

  // Outcome badge.
  const colours = outcomeColours(doc.decision.outcome);
  const lastDecision = doc.decisions[doc.decisions.length - 1];
  flow.block(50, ({ page, box, top }) => {
    page.drawRectangle({ x: box.left, y: top - 46, width: box.width, height: 46, color: colours.fill });
    page.drawRectangle({ x: box.left, y: top - 46, width: 4, height: 46, color: colours.ink });
    faces.regular.draw(page, 'DECISION', box.left + 14, top - 15, 7.5, palette.muted);
    faces.bold.draw(page, outcome, box.left + 14, top - 35, 15, colours.ink);
    const when = `Decided ${formatLongDate(lastDecision?.at ?? doc.sealedAt)}`;
    const sealed = `Sealed ${formatUtc(doc.sealedAt)}`;
    faces.regular.draw(page, when, box.right - 12 - faces.regular.widthOf(when, 9), top - 19, 9, palette.ink);
    faces.regular.draw(page, sealed, box.right - 12 - faces.regular.widthOf(sealed, 8), top - 33, 8, palette.muted);
  });

  flow.heading('Case');
  flow.keyValues([
    { label: 'Case reference', value: bold(doc.caseId) },
    { label: 'Process', value: processLabels[doc.processType] ?? humanise(doc.processType) },
    ...(doc.decisionId && doc.decisionId !== doc.caseId ? [{ label: 'Decision id', value: doc.decisionId }] : []),
    { label: 'Workflow id', value: doc.workflowId },
    { label: 'Routing policy', value: `${doc.policy.key}, version ${doc.policy.version}` },
  ]);

  flow.heading('Institutions');
  flow.table(
    [
      { title: 'Institution', width: 0.46 },
      { title: 'Code', width: 0.13 },
      { title: 'Country', width: 0.15 },
      { title: 'Role in this case', width: 0.26 },
    ],
    doc.institutions.map((i) => [bold(i.name, 9), i.code, i.country, i.role ?? '—']),
  );

  flow.heading('Decision');
  flow.keyValues([{ label: 'Outcome', value: { text: outcome, style: { face: 'bold', color: colours.ink } } }]);
  const conditions = doc.decision.conditions ?? [];
  if (conditions.length > 0) {
    flow.keyValues([{ label: 'Conditions', value: muted(`${conditions.length} condition${conditions.length > 1 ? 's' : ''}, listed below`, 9) }]);
    flow.space(2);
    flow.list(conditions, { ordered: true, indent: flow.box.width - flow.valueWidth });
  }
  if (doc.decision.comment) {
    flow.space(4);
    flow.keyValues([{ label: 'Comment', value: doc.decision.comment }]);
  }

  flow.heading('Approved document');
  flow.keyValues([
    ...(doc.approvedDocument.fileName ? [{ label: 'File', value: doc.approvedDocument.fileName }] : []),
    { label: 'Version', value: String(doc.approvedDocument.version) },
    { label: 'SHA-256 of the content', value: hash(doc.approvedDocument.sha256.toLowerCase()) },
  ]);
  flow.paragraph(muted('The decision applies to this exact content. Any other version, even one differing by a single byte, has a different SHA-256 and is not covered.'), { spaceAfter: 0 });

  flow.heading('Decision record', { keepWithNext: 80 });
  flow.table(
    [
      { title: '#', width: 20 },
      { title: 'When (UTC)', width: 74 },
      { title: 'Decided by', width: 128 },
      { title: 'Step', width: 96 },
      { title: 'Decision and comment', width: flow.box.width - 318 },
    ],
    doc.decisions.map((d, i): CellContent[] => {
      const at = formatUtc(d.at).replace(' UTC', '');
      return [
        muted(String(i + 1), 9),
        [{ text: at.slice(0, 10), style: { size: 9 } }, { text: at.slice(11), style: { size: 9 } }, muted(viaLabels[d.via] ?? d.via, 7.5)],
        [bold(d.who.name, 9), muted(d.who.email, 7.5)],
        [{ text: d.role, style: { size: 9 } }, muted(d.institutionCode, 7.5)],
        [bold(humanise(d.action), 9), ...(d.comment ? [{ text: d.comment, style: { size: 8.5 }, spaceBefore: 1 }] : [])],
      ];
    }),
  );
  if (doc.decisions.length === 0) flow.paragraph(muted('No decisions were recorded.', 9));

  flow.heading('Integrity and verification', { keepWithNext: 150 });
  flow.keyValues([
    { label: 'Audit chain head', value: hash(doc.auditHeadHash) },
    ...(options.sealCertificate
      ? [
          { label: 'Sealed by', value: options.sealCertificate.subject },
          { label: 'Certificate SHA-256', value: hash(options.sealCertificate.fingerprintSha256) },
        ]
      : []),
    { label: 'Electronic seal', value: 'PKCS#7 detached signature (SHA-256) over the whole file' },
  ]);
  flow.space(10);

  // Verification: text on the left, the QR code on the right.
  const qrSize = 92;
  const qrPad = 12; // with the box border, a quiet zone of about four modules
  const textWidth = flow.box.width - qrSize - 3 * qrPad;
  const verifyLines = flow.lines(
    [
      bold('Verify this document', 10),
      {
        text: 'Open the address below or scan the code, then upload this PDF. The verification page checks the electronic seal and shows which decision the document carries. Changing the file in any way breaks the seal.',
        style: { size: 8.5, color: palette.muted },
        spaceBefore: 3,
      },
      { text: doc.verificationUrl, style: { size: 9, color: palette.accent }, spaceBefore: 5 },
    ],
    textWidth,
  );
  const textHeight = verifyLines.reduce((n, l) => n + l.height, 0);
  const blockHeight = Math.max(qrSize, textHeight) + 2 * qrPad;
  flow.block(blockHeight, (ctx) => {
    ctx.page.drawRectangle({ x: ctx.box.left, y: ctx.top - blockHeight, width: ctx.box.width, height: blockHeight, borderColor: palette.rule, borderWidth: 0.8 });
    flow.drawLines(verifyLines, ctx.box.left + qrPad, ctx.top - qrPad);
    drawQr(ctx, doc.verificationUrl, ctx.box.right - qrSize - qrPad, ctx.top - qrPad, qrSize);
  });

  flow.finish();

  // Metadata, all derived from the input (no clock): the same input gives the same bytes.
  pdf.setTitle(doc.title);
  pdf.setSubject(`Sealed decision on case ${doc.caseId}: ${outcome}`);
  pdf.setAuthor('CHAIn approvals');
  pdf.setCreator('CHAIn approvals');
  pdf.setProducer(PRODUCER);
  pdf.setKeywords(['CHAIn', 'sealed decision', doc.caseId, doc.processType, doc.decision.outcome]);
  pdf.setLanguage('en');
  pdf.setCreationDate(sealedAt);
  pdf.setModificationDate(sealedAt);
  const info = (pdf as unknown as { getInfoDict(): PDFDict }).getInfoDict();
  info.set(PDFName.of(DECISION_MARKER_KEY), PDFHexString.fromText(JSON.stringify(decisionMarker(doc))));
  return pdf;
}

/** Renders the unsealed decision PDF. */
export async function renderDecisionPdf(doc: DecisionDocument, options: RenderOptions = {}): Promise<Uint8Array> {
  const pdf = await buildDecisionDocument(doc, options);
  return pdf.save({ useObjectStreams: false });
}
