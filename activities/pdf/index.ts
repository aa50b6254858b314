// The sealed decision PDF layer: render (layout.ts + render-decision.ts), seal (signer.ts, cms.ts) and verify
// (verify.ts). Independent of the database and of Temporal: activities and the API call into it.
export type { DecisionDocument, DecisionEntry, DecisionInstitution, DecisionMarker, DecisionOutcome, ProcessType } from './types.js';
export { DECISION_MARKER_KEY } from './types.js';
export { renderDecisionPdf, buildDecisionDocument, decisionMarker, type RenderOptions } from './render-decision.js';
export { sealDecision, type SealDecisionOptions, type SealedDecision } from './seal-decision.js';
export { startSealThread, type SealThread, type SealerSource } from './seal-thread.js';
export { createSealer, loadSealerFromFile, normaliseFingerprint, SealError, type Sealer, type SealCertificate, type SealOptions, type SealErrorCode } from './signer.js';
export { verifySealedPdf, type VerifyResult, type VerifyReason } from './verify.js';
export { createDevCertificateP12, ensureDevCertificate, DEV_CERT_COMMON_NAME, DEV_CERT_PASSPHRASE } from './dev-cert.js';
