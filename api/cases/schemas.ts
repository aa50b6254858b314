import { z } from 'zod';
import type { CaseType as DbCaseType } from '../../generated/prisma/enums.js';
import { caseTypes, type CaseType } from '../../domain/case-types.js';

/** A case title's length at most (the API's schema; the pages' forms are held to it in createCase too). */
export const TITLE_MAX = 200;

export const caseType = z.enum(caseTypes);

// The domain's list and the database enum must hold the same values: this fails to compile when they differ.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const caseTypesMatchDb: Same<CaseType, DbCaseType> = true;
void caseTypesMatchDb;
export const institutionCode = z.string().trim().toUpperCase().regex(/^[A-Z0-9]{2,12}$/, 'an institution code such as RUPP');

/** A document sent inline with JSON (base64). Pages upload with multipart instead. */
export const inlineDocument = z.object({
  fileName: z.string().trim().min(1).max(200).regex(/^[^/\\]+$/, 'a file name without folders'),
  mimeType: z.enum(['application/pdf']).describe('Only PDF documents are accepted.'),
  contentBase64: z.string().min(1).max(14_000_000, 'at most 10 MB').regex(/^[A-Za-z0-9+/=\s]+$/, 'base64'),
});

export const createCaseBody = z
  .object({
    type: caseType,
    institution: institutionCode,
    title: z.string().trim().min(3).max(TITLE_MAX),
    fields: z.record(z.string(), z.unknown()).default({}),
    document: inlineDocument.optional(),
  })
  .strict();

/** A version number in a query (?version=, ?from=, ?to=): a PostgreSQL integer, so that a huge one is a 422, not a 500. */
export const MAX_INT4 = 2_147_483_647;
export const versionNumber = z.coerce.number().int().min(1).max(MAX_INT4);

export const caseIdParams = z.object({ id: z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/, 'a case id') });

/** The longest a read may wait for a change (seconds): below common proxy and client timeouts. */
export const MAX_WAIT_SECONDS = 30;

/** GET /cases/:id: optionally wait until the state version differs from the caller's. */
export const getCaseQuery = z
  .object({
    changedSince: z
      .string()
      .max(40)
      .regex(/^\d+\.\d+$/, 'a state version such as 1.4 (state.version of an earlier answer)')
      .optional()
      .describe("Answer once the case's state version (state.version) differs from this one: at once if it already does, else when it changes or `wait` is over."),
    wait: z.coerce
      .number()
      .int()
      .min(0)
      .max(MAX_WAIT_SECONDS)
      .optional()
      .describe(`Seconds to wait for a change (with changedSince; default 20, at most ${MAX_WAIT_SECONDS}).`),
  })
  .strict()
  .refine((q) => q.wait === undefined || q.changedSince !== undefined, { message: 'wait needs changedSince', path: ['wait'] });

export const listCasesQuery = z
  .object({
    type: caseType.optional(),
    institution: institutionCode.optional(),
    status: z.enum(['starting', 'in_progress', 'sent_back', 'approved', 'rejected', 'withdrawn']).optional(),
    assignee: z.string().email().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(100).regex(/^[A-Za-z0-9_-]+$/, 'a case id, as nextCursor gave it').optional(),
  })
  .strict();

export const caseRow = z.object({
  id: z.string(),
  type: caseType,
  institution: z.object({ code: z.string(), name: z.string() }),
  title: z.string(),
  status: z.string(),
  workflowId: z.string(),
  currentStage: z.string().nullable(),
  dueAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
