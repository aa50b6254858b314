// Render + seal in one pass: the pdf-lib document is saved once, with the signature placeholder already in it.
import { createHash } from 'node:crypto';
import { buildDecisionDocument, decisionMarker, outcomeLabel } from './render-decision.js';
import type { Sealer } from './signer.js';
import type { DecisionDocument, DecisionMarker } from './types.js';

export interface SealDecisionOptions {
  /** Printed as the signature's location, e.g. "Phnom Penh, Cambodia". */
  location?: string;
  /** Overrides the signature's reason (default: "Decision on case <id>: <outcome>"). */
  reason?: string;
}

export interface SealedDecision {
  pdf: Uint8Array;
  /** Hex SHA-256 of the sealed file: store it to recognise the file later. */
  sha256: string;
  marker: DecisionMarker;
  certificateFingerprintSha256: string;
}

/**
 * Renders and seals a decision. The signing time is the document's sealedAt, so sealing the same input with the
 * same certificate again yields the same bytes (a retried activity cannot produce a second, different PDF).
 */
export async function sealDecision(doc: DecisionDocument, sealer: Sealer, options: SealDecisionOptions = {}): Promise<SealedDecision> {
  if (doc.developmentCertificate !== sealer.development) {
    // The notice printed on the page must tell the truth about the certificate that seals it.
    doc = { ...doc, developmentCertificate: sealer.development };
  }
  const pdfDoc = await buildDecisionDocument(doc, { sealCertificate: sealer.certificate });
  const pdf = await sealer.sealDocument(pdfDoc, {
    reason: options.reason ?? `Decision on case ${doc.caseId}: ${outcomeLabel(doc.decision.outcome)}`,
    ...(options.location ? { location: options.location } : {}),
    signingTime: new Date(doc.sealedAt),
  });
  return {
    pdf,
    sha256: createHash('sha256').update(pdf).digest('hex'),
    marker: decisionMarker(doc),
    certificateFingerprintSha256: sealer.certificate.fingerprintSha256,
  };
}
