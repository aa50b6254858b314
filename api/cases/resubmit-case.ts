// Resubmission: a new document version (and/or new structured fields) from the submitter after a send back.
// The version row is written first (the workflow's activities read it) and removed again if the workflow refuses
// the resubmission, so that a refused request leaves nothing behind. A repeat finds its version already stored
// (the newest, with the same hash) and sends it again instead of storing it twice: Temporal returns the first
// result for the same update id, accepts it if the first attempt never reached the workflow, and the workflow
// refuses it as "already under review" for anyone else.
import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import type { Db } from '../../lib/db/client.js';
import { AppError, isUniqueViolation } from '../../lib/errors.js';
import type { Identity } from '../../lib/identity.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { sha256Hex } from '../../lib/crypto.js';
import type { resubmitBody } from './command-schemas.js';
import { decodePdf } from './documents.js';
import { runCommand } from './run-command.js';
import { validateCaseFields } from './case-fields.js';
import { checkSameReport, checkStrategyReport } from './strategy-report.js';
import type { StrategyReportFields } from '../../domain/strategy/report-fields.js';
import type { CaseType } from '../../domain/case-types.js';

export interface ResubmitCaseOptions {
  db: Db;
  temporal: Client;
  identity: Identity;
  caseRow: { id: string; type: CaseType; workflowId: string; fields: unknown };
  input: z.infer<typeof resubmitBody>;
  requestId?: string;
}

export async function resubmitCase(opts: ResubmitCaseOptions) {
  const { db, caseRow, input } = opts;
  const last = await db.documentVersion.findFirst({ where: { caseId: caseRow.id }, orderBy: { version: 'desc' } });
  const fields = input.fields
    ? validateCaseFields(caseRow.type, input.fields, 'body.fields')
    : ((last?.fields as Record<string, unknown> | undefined) ?? (caseRow.fields as Record<string, unknown>) ?? {});
  if (caseRow.type === 'strategy_report' && input.fields) {
    const report = fields as StrategyReportFields;
    checkSameReport(caseRow.fields, report, 'body.fields');
    const institution = await db.case.findUniqueOrThrow({ where: { id: caseRow.id }, select: { institution: { select: { code: true } } } });
    await checkStrategyReport({ db, fields: report, institution: institution.institution.code, prefix: 'body.fields', reportCaseId: caseRow.id, identity: opts.identity });
  }
  const doc = input.document
    ? { bytes: decodePdf(input.document.contentBase64).bytes, fileName: input.document.fileName, mimeType: input.document.mimeType }
    : last && last.mimeType !== 'application/json' && last.content
      ? // Fields changed, the file did not: the document being decided on is the file plus the fields.
        { bytes: Buffer.from(last.content), fileName: last.fileName, mimeType: last.mimeType }
      : { bytes: Buffer.from(canonicalJson(fields), 'utf8'), fileName: 'fields.json', mimeType: 'application/json' };
  // The hash identifies the exact version being approved: the file's bytes, and the fields when they changed.
  const sha256 = input.fields && doc.mimeType !== 'application/json' ? sha256Hex(Buffer.concat([doc.bytes, Buffer.from(canonicalJson(fields))])) : sha256Hex(doc.bytes);
  const stored = last && last.sha256 === sha256 ? { version: last.version, created: undefined } : await storeVersion(opts, (last?.version ?? 0) + 1, sha256, doc, fields);
  try {
    return await runCommand({
      temporal: opts.temporal,
      workflowId: caseRow.workflowId,
      identity: opts.identity,
      command: { type: 'resubmit', document: { sha256, version: stored.version }, fields, comment: input.comment },
      requestId: opts.requestId,
    });
  } catch (err) {
    // Refused: nothing happened, the version goes. No answer (5xx): it may have been accepted; it stays for the retry.
    if (stored.created && !(err instanceof AppError && err.status >= 500)) {
      await db.documentVersion.delete({ where: { id: stored.created } }).catch(() => undefined);
    }
    throw err;
  }
}

/** Stores the next version; when another resubmission took its number a moment earlier, 409 — unless it stored the same thing. */
async function storeVersion(
  opts: ResubmitCaseOptions,
  version: number,
  sha256: string,
  doc: { bytes: Buffer; fileName: string; mimeType: string },
  fields: Record<string, unknown>,
): Promise<{ version: number; created?: string }> {
  const { db, caseRow } = opts;
  try {
    const row = await db.documentVersion.create({
      data: {
        caseId: caseRow.id,
        version,
        sha256,
        fileName: doc.fileName,
        mimeType: doc.mimeType,
        size: doc.bytes.length,
        content: new Uint8Array(doc.bytes),
        fields: fields as object,
        authorId: opts.identity.personId,
      },
    });
    return { version, created: row.id };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const now = await db.documentVersion.findUnique({ where: { caseId_version: { caseId: caseRow.id, version } }, select: { sha256: true } });
    if (now?.sha256 === sha256) return { version };
    throw new AppError('conflict', 'Another resubmission of this case was stored at the same moment. Reload the case to see it.');
  }
}
