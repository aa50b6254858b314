import { z } from 'zod';
import { inlineDocument } from './schemas.js';

const sha256 = z.string().regex(/^[a-f0-9]{64}$/, 'the SHA-256 (hex) of the document version you decide on');
const person = z.object({ email: z.string().trim().email(), name: z.string().trim().min(1).max(200).optional() }).strict();
const comment = z.string().trim().max(5000);
const stepId = z.string().min(1).max(100);
const requestId = z.string().min(8).max(200).optional().describe('Idempotency key; a repeated request returns the first result (also accepted as the Idempotency-Key header).');

export const decisionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('approve'), stepId, documentSha256: sha256, comment: comment.optional(), scores: z.record(z.string(), z.number()).optional(), requestId }).strict(),
  z.object({ action: z.literal('reject'), stepId, documentSha256: sha256, comment: comment.min(1, 'say why'), reasonCode: z.string().max(60).optional(), requestId }).strict(),
  z.object({ action: z.literal('send_back'), stepId, documentSha256: sha256, to: z.string().min(1).default('submitter'), comment: comment.min(1, 'say what must change'), requestId }).strict(),
]);

export const delegateBody = z.object({ stepId, to: person, comment: comment.optional(), requestId }).strict();
export const reassignBody = z.object({ stepId, from: z.string().trim().email(), to: person, comment: comment.optional(), requestId }).strict();
export const withdrawBody = z.object({ comment: comment.optional(), requestId }).strict();
export const resubmitBody = z
  .object({
    document: inlineDocument.optional(),
    fields: z.record(z.string(), z.unknown()).optional(),
    comment: comment.optional(),
    requestId,
  })
  .strict()
  .refine((b) => b.document || b.fields, { message: 'send a new document, new fields, or both', path: ['document'] });
