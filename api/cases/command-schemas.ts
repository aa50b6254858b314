import { z } from 'zod';
import { inlineDocument } from './schemas.js';
import { idempotencyKeySchema } from '../http/idempotency.js';

const sha256 = z.string().regex(/^[a-f0-9]{64}$/, 'the SHA-256 (hex) of the document version you decide on');
const person = z.object({ email: z.string().trim().email(), name: z.string().trim().min(1).max(200).optional() }).strict();
const comment = z.string().trim().max(5000);
const stepId = z.string().min(1).max(100);
const requestId = idempotencyKeySchema
  .optional()
  .describe('Idempotency key (8 to 200 printable ASCII characters; also accepted as the Idempotency-Key header): the same person repeating the same command with it gets the first result.');

/** Rubric scores: criterion id (as in a policy's rubric) → a finite number; bounded, because they travel in the Update. */
export const MAX_SCORES = 100;
export const scoreKey = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a rubric criterion id: lower-case letters, digits, _ (at most 64)');
export const scoreValue = z.number().finite().min(-1000).max(1000);
export const scoresSchema = z
  .record(scoreKey, scoreValue)
  .refine((s) => Object.keys(s).length <= MAX_SCORES, { message: `at most ${MAX_SCORES} scores` });

export const decisionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('approve'), stepId, documentSha256: sha256, comment: comment.optional(), scores: scoresSchema.optional(), requestId }).strict(),
  z.object({ action: z.literal('reject'), stepId, documentSha256: sha256, comment: comment.min(1, 'say why'), reasonCode: z.string().max(60).optional(), requestId }).strict(),
  z.object({ action: z.literal('send_back'), stepId, documentSha256: sha256, to: z.string().min(1).max(100).default('submitter'), comment: comment.min(1, 'say what must change'), requestId }).strict(),
]);

export const delegateBody = z.object({ stepId, to: person, comment: comment.optional(), requestId }).strict();
export const reassignBody = z
  .object({
    stepId,
    from: z.string().trim().email().optional().describe('The assignee to replace. Leave it out to add `to` to a step that has too few people left to decide it (nobody found, a quorum short).'),
    to: person,
    comment: comment.optional(),
    requestId,
  })
  .strict();
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
