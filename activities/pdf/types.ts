// The input of a sealed decision PDF: plain data, assembled by the sealing activity from the database and the
// workflow's result. Nothing here refers to Prisma or Temporal types, so the PDF layer can be rendered, sealed
// and verified on its own (tests, the sample script, the benchmark).

import type { CaseType } from '../../domain/case-types.js';

export type ProcessType = CaseType;

export type DecisionOutcome =
  | 'approved'
  | 'approved_with_conditions'
  | 'rejected'
  | 'returned'
  | 'terminated'
  | 'withdrawn'
  | 'recognised'
  | 'partially_recognised';

export interface DecisionInstitution {
  name: string;
  /** Short code, e.g. "RUPP", "MOEYS". */
  code: string;
  /** ISO 3166-1 alpha-2 or a country name; printed as given. */
  country: string;
  /** What the institution is in this case, e.g. "Submitting institution", "Partner". */
  role?: string;
}

export interface DecisionPerson {
  name: string;
  email: string;
}

/** One recorded decision of a step (an approval, a return, a countersignature…). */
export interface DecisionEntry {
  /** Stable id of this decision (e.g. the Update id); printed shortened, used for cross-reference. */
  id?: string;
  who: DecisionPerson;
  /** The step's role, e.g. "IRO check", "MoEYS sign-off". */
  role: string;
  institutionCode: string;
  /** e.g. "approve", "return", "reject", "countersign". Printed as given (underscores become spaces). */
  action: string;
  comment?: string;
  /** ISO 8601 timestamp. */
  at: string;
  /** How the decision arrived: an email link, the API, the staff pages. */
  via: 'link' | 'api' | 'web';
}

export interface DecisionDocument {
  /** Human title, e.g. "Internationalisation strategy 2026–2030". */
  title: string;
  /** The case id (= workflow id in most deployments); printed as the case reference. */
  caseId: string;
  /** Id of the final decision this PDF seals; defaults to caseId when the case has one final decision. */
  decisionId?: string;
  processType: ProcessType;
  institutions: DecisionInstitution[];
  decision: {
    outcome: DecisionOutcome;
    conditions?: string[];
    comment?: string;
  };
  approvedDocument: {
    /** Hex SHA-256 of the exact approved content. */
    sha256: string;
    version: number;
    fileName?: string;
  };
  decisions: DecisionEntry[];
  workflowId: string;
  policy: { key: string; version: number | string };
  /** Head hash of the case's audit chain when the PDF was sealed. */
  auditHeadHash: string;
  /** Where anyone can upload the PDF to check it; printed and encoded as a QR code. */
  verificationUrl: string;
  /** ISO 8601; also the PDF's creation/modification date and the signing time, so re-sealing is reproducible. */
  sealedAt: string;
  /** True: a visible notice says the seal is a development certificate, not valid for official use. */
  developmentCertificate: boolean;
}

/** The machine-readable marker each sealed PDF carries in its document information dictionary. */
export interface DecisionMarker {
  v: 1;
  caseId: string;
  decisionId: string;
  outcome: DecisionOutcome;
  approvedSha256: string;
  approvedVersion: number;
  workflowId: string;
  auditHeadHash: string;
  sealedAt: string;
}

/** Name of the custom entry of the PDF's Info dictionary holding the JSON DecisionMarker. */
export const DECISION_MARKER_KEY = 'CHAInDecision';
