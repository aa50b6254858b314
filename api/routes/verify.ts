// Anyone can check a sealed decision: GET /verify/:caseId shows what was sealed for a case; POST /verify takes
// a PDF (application/pdf body) and answers whether it is ours, unmodified, and which decision it carries.
// Signed-in callers download sealed PDFs at /sealed/:id.pdf. The audit chain check is for administrators.
import express, { Router } from 'express';
import { z } from 'zod';
import { route } from '../http/routes.js';
import { requireIdentity } from '../auth/authenticate.js';
import type { AppDeps } from '../app.js';
import { AppError } from '../../lib/errors.js';
import { sha256Hex } from '../../lib/crypto.js';
import { isNetworkAdmin } from '../../lib/authz.js';
import { verifyAuditChain } from '../../activities/audit.js';
import { verifySealedPdf } from '../../activities/pdf/index.js';
import { loadReadableCase } from '../cases/get-case.js';

export const MAX_VERIFY_BYTES = 20 * 1024 * 1024;

export function verifyRoutes(deps: AppDeps): Router {
  const r = Router();

  route(
    r,
    {
      method: 'get',
      path: '/verify/:caseId',
      summary: 'What was sealed for a case: each sealed PDF’s SHA-256, outcome, approved document hash and audit head (public).',
      tag: 'verify',
      auth: false,
      params: z.object({ caseId: z.string().min(1).max(100) }),
      responses: { 200: { description: 'the sealed decisions' }, 404: { description: 'nothing sealed for this case' } },
    },
    async ({ params }) => {
      const sealed = await deps.db.sealedDocument.findMany({
        where: { caseId: params.caseId },
        orderBy: { createdAt: 'asc' },
        select: { id: true, outcome: true, sha256: true, approvedSha256: true, auditHeadHash: true, createdAt: true, case: { select: { title: true, type: true, institution: { select: { code: true, name: true } } } } },
      });
      if (!sealed.length) throw new AppError('not_found', 'Nothing has been sealed for this case.');
      return {
        caseId: params.caseId,
        title: sealed[0]!.case.title,
        type: sealed[0]!.case.type,
        institution: sealed[0]!.case.institution,
        sealed: sealed.map(({ case: _c, createdAt, ...s }) => ({ ...s, sealedAt: createdAt.toISOString() })),
      };
    },
  );

  // The PDF arrives as the raw body; the route declaration below documents it for OpenAPI.
  r.post('/verify', express.raw({ type: () => true, limit: MAX_VERIFY_BYTES }));
  route(
    r,
    {
      method: 'post',
      path: '/verify',
      summary: 'Upload a sealed PDF (Content-Type: application/pdf, at most 20 MB): is it ours, unmodified, and which decision does it carry? (public)',
      tag: 'verify',
      auth: false,
      responses: { 200: { description: 'the verdict (ok true/false with a reason)' }, 413: { description: 'larger than 20 MB' }, 415: { description: 'not application/pdf' } },
    },
    async (_input, req) => {
      const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/pdf') throw new AppError('unsupported_media_type', 'Send the PDF itself with Content-Type: application/pdf.');
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (bytes.length === 0) throw new AppError('validation_failed', 'The request body is empty: send the PDF file.');
      const sealer = deps.sealer;
      const result = verifySealedPdf(new Uint8Array(bytes), sealer ? [{ fingerprintSha256: sealer.certificate.fingerprintSha256 }] : []);
      const stored = await deps.db.sealedDocument.findUnique({
        where: { sha256: sha256Hex(bytes) },
        select: { id: true, caseId: true, outcome: true, approvedSha256: true, auditHeadHash: true, createdAt: true },
      });
      return {
        ok: result.ok && !!stored,
        reason: result.ok ? (stored ? undefined : 'unknown_document') : result.reason,
        signature: { valid: result.ok, reason: result.reason, signer: result.signer, signingTime: result.signingTime },
        pdfSha256: result.pdfSha256,
        // The decision read from the PDF is only meaningful when the signature holds.
        decision: result.ok ? result.decision : undefined,
        record: stored ? { ...stored, createdAt: stored.createdAt.toISOString() } : null,
      };
    },
  );

  route(
    r,
    {
      method: 'get',
      path: '/sealed/:id.pdf',
      summary: 'Download a sealed decision PDF (anyone who may read the case).',
      tag: 'verify',
      params: z.object({ id: z.string().uuid() }),
      responses: { 200: { description: 'application/pdf' }, 404: { description: 'no such PDF, or not yours to see' } },
    },
    async ({ params }, req, res) => {
      const identity = requireIdentity(req);
      const doc = await deps.db.sealedDocument.findUnique({ where: { id: params.id } });
      if (!doc) throw new AppError('not_found', 'No such sealed document.');
      await loadReadableCase(deps.db, identity, doc.caseId);
      res
        .type('application/pdf')
        .set('Content-Disposition', `attachment; filename="decision-${doc.caseId}.pdf"`)
        .set('Cache-Control', 'private, no-store')
        .send(Buffer.from(doc.bytes));
    },
  );

  route(
    r,
    {
      method: 'get',
      path: '/audit/verify',
      summary: 'Walk the whole audit chain and recompute every hash (network administrators).',
      tag: 'verify',
      responses: { 200: { description: 'the report; ok false names the first broken row' }, 403: { description: 'not a network administrator' } },
    },
    async (_input, req) => {
      const identity = requireIdentity(req);
      if (!isNetworkAdmin(identity)) throw new AppError('forbidden', 'Only a network administrator may verify the audit chain.');
      return verifyAuditChain(deps.db);
    },
  );
  return r;
}
