// Seals a case's final decision: renders the decision PDF from the database (the case, its current document
// version, the decisions recorded in the audit log, the audit chain's head) and signs it. Idempotent: one PDF per
// (case, decision); a retried activity returns the one already stored, and since the signing time is the
// decision's time, a re-render would give the same bytes anyway.
import type { Db } from '../lib/db/client.js';
import { sealDecision, type DecisionDocument, type DecisionEntry, type SealDecisionOptions, type Sealer, type SealThread } from './pdf/index.js';
import { auditHead } from './audit.js';

export interface SealInput {
  caseId: string;
  outcome: 'approved' | 'rejected';
  /** ISO time of the decision (the workflow's clock). */
  at: string;
  documentSha256: string;
  documentVersion: number;
  /**
   * The case history's entries (= audit events `<caseId>/event/<n>`) that were voided after they were recorded: the
   * approvals a resubmission or a send back to an earlier stage cancelled. Absent from cases sealed by workflows
   * before it existed: then approvals before the last resubmission count as void.
   */
  voidEvents?: number[];
}

export interface SealResult {
  sealedId: string;
  sha256: string;
  created: boolean;
}

const viaOf = (v: unknown): DecisionEntry['via'] => (v === 'link' ? 'link' : v === 'web' ? 'web' : 'api');

export async function sealCaseDecision(deps: { db: Db; sealer: Sealer; sealThread?: SealThread; publicUrl: string }, input: SealInput): Promise<SealResult> {
  const decisionKey = `${input.caseId}/${input.outcome}/${input.documentSha256}`;
  const existing = await deps.db.sealedDocument.findUnique({ where: { decisionKey }, select: { id: true, sha256: true } });
  if (existing) return { sealedId: existing.id, sha256: existing.sha256, created: false };

  // What the PDF shows, read at once: the case with its institution and the decided version, its audit events,
  // MoEYS, and the audit chain's head.
  const [c, events, moeys, headHash] = await Promise.all([
    deps.db.case.findUniqueOrThrow({
      where: { id: input.caseId },
      include: { institution: true, documents: { where: { sha256: input.documentSha256 }, select: { fileName: true }, take: 1 } },
    }),
    deps.db.auditEvent.findMany({ where: { caseId: input.caseId }, orderBy: { seq: 'asc' } }),
    deps.db.institution.findUnique({ where: { code: 'MOEYS' } }),
    auditHead(deps.db),
  ]);
  const version = c.documents[0];
  const emails = [...new Set(events.map((e) => e.actor).filter((a): a is string => !!a))];
  const people = await deps.db.person.findMany({
    where: { email: { in: emails } },
    include: { memberships: { include: { institution: { select: { code: true } } } } },
  });
  const byEmail = new Map(people.map((p) => [p.email.toLowerCase(), p]));
  const decisionTypes = new Set(['approved', 'rejected', 'sent_back', 'resubmitted', 'delegated', 'reassigned']);
  // Approvals voided later (by a resubmission, or a send back to an earlier stage) are kept in the history, marked
  // void; their audit rows were written before that and never change: the PDF says so next to each.
  const voidKeys = input.voidEvents ? new Set(input.voidEvents.map((n) => `${input.caseId}/event/${n}`)) : undefined;
  const lastResubmission = events.reduce((last, e, i) => (e.type === 'resubmitted' ? i : last), -1);
  const decisions: DecisionEntry[] = events
    .map((e, i) => ({ e, voided: voidKeys ? voidKeys.has(e.idempotencyKey) : e.type === 'approved' && i < lastResubmission }))
    .filter(({ e }) => decisionTypes.has(e.type))
    .map(({ e, voided }) => {
      const p = (e.payload ?? {}) as { stepId?: string; comment?: string; via?: string; void?: boolean; to?: string };
      const who = e.actor ? byEmail.get(e.actor.toLowerCase()) : undefined;
      const action = e.type === 'delegated' || e.type === 'reassigned' ? `${e.type} to ${p.to ?? ''}` : e.type;
      return {
        id: e.hash.slice(0, 16),
        who: { name: who?.name ?? e.actor ?? 'system', email: e.actor ?? '' },
        role: p.stepId ? p.stepId.replace(/_/g, ' ') : 'submitter',
        institutionCode: who?.memberships[0]?.institution.code ?? 'external',
        action: voided || p.void ? `${action} (void: an earlier version)` : action,
        comment: p.comment,
        at: e.createdAt.toISOString(),
        via: viaOf(p.via),
      };
    });
  // MoEYS decides strategies and the progress reports on them; a report's PDF names the strategy it reports on.
  const decidedByMoeys = c.type === 'strategy' || c.type === 'strategy_report';
  const title = c.type === 'strategy_report' ? await reportTitle(deps.db, c.title, c.fields) : c.title;
  const sealedAt = input.at;
  // Rendering and sealing are CPU work: on the seal thread when the process has one.
  const seal = (doc: DecisionDocument, o: SealDecisionOptions) => (deps.sealThread ? deps.sealThread.sealDecision(doc, o) : sealDecision(doc, deps.sealer, o));
  const sealed = await seal(
    {
      title,
      caseId: c.id,
      decisionId: decisionKey,
      processType: c.type,
      institutions: [
        { name: c.institution.name, code: c.institution.code, country: c.institution.country, role: 'Submitting institution' },
        ...(moeys && decidedByMoeys ? [{ name: moeys.name, code: moeys.code, country: moeys.country, role: 'Deciding authority' }] : []),
      ],
      decision: { outcome: input.outcome },
      approvedDocument: { sha256: input.documentSha256, version: input.documentVersion, fileName: version?.fileName },
      decisions,
      workflowId: c.workflowId,
      policy: { key: c.policyKey ?? 'unknown', version: c.policyVersion ?? 0 },
      auditHeadHash: headHash,
      verificationUrl: `${deps.publicUrl}/verify/${encodeURIComponent(c.id)}`,
      sealedAt,
      developmentCertificate: deps.sealer.development,
    },
    { reason: `Decision ${input.outcome} on case ${c.id}` },
  );
  try {
    const row = await deps.db.sealedDocument.create({
      data: {
        caseId: c.id,
        decisionKey,
        outcome: input.outcome,
        sha256: sealed.sha256,
        approvedSha256: input.documentSha256,
        auditHeadHash: headHash,
        bytes: new Uint8Array(sealed.pdf),
      },
      select: { id: true, sha256: true },
    });
    return { sealedId: row.id, sha256: row.sha256, created: true };
  } catch (err) {
    // A concurrent attempt stored it first: theirs is the decision's PDF.
    if ((err as { code?: string }).code !== 'P2002') throw err;
    const row = await deps.db.sealedDocument.findUniqueOrThrow({ where: { decisionKey }, select: { id: true, sha256: true } });
    return { sealedId: row.id, sha256: row.sha256, created: false };
  }
}

/** "Mid-period progress report: <strategy title>" (the case's own title when the strategy cannot be found). */
async function reportTitle(db: Db, caseTitle: string, fields: unknown): Promise<string> {
  const f = (fields ?? {}) as { strategyCaseId?: string; point?: string };
  const strategy = f.strategyCaseId ? await db.case.findUnique({ where: { id: f.strategyCaseId }, select: { title: true } }) : null;
  if (!strategy) return caseTitle;
  return `${f.point === 'mid' ? 'Mid-period' : 'End-of-period'} progress report: ${strategy.title}`;
}
