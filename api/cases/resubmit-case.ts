// Resubmission: a new document version (and/or new structured fields) from the submitter after a send back.
// The version row is written first and removed again if the workflow refuses the resubmission, so that a
// refused request leaves nothing behind.
import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import type { Db } from '../../lib/db/client.js';
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
    await checkStrategyReport({ db, fields: report, institution: institution.institution.code, prefix: 'body.fields', reportCaseId: caseRow.id });
  }
  const doc = input.document
    ? { bytes: decodePdf(input.document.contentBase64).bytes, fileName: input.document.fileName, mimeType: input.document.mimeType }
    : last && last.mimeType !== 'application/json' && last.content
      ? // Fields changed, the file did not: the document being decided on is the file plus the fields.
        { bytes: Buffer.from(last.content), fileName: last.fileName, mimeType: last.mimeType }
      : { bytes: Buffer.from(canonicalJson(fields), 'utf8'), fileName: 'fields.json', mimeType: 'application/json' };
  // The hash identifies the exact version being approved: the file's bytes, and the fields when they changed.
  const sha256 = input.fields && doc.mimeType !== 'application/json' ? sha256Hex(Buffer.concat([doc.bytes, Buffer.from(canonicalJson(fields))])) : sha256Hex(doc.bytes);
  const version = (last?.version ?? 0) + 1;
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
  try {
    return await runCommand({
      temporal: opts.temporal,
      workflowId: caseRow.workflowId,
      identity: opts.identity,
      command: { type: 'resubmit', document: { sha256, version }, fields, comment: input.comment },
      requestId: opts.requestId,
    });
  } catch (err) {
    await db.documentVersion.delete({ where: { id: row.id } }).catch(() => undefined);
    throw err;
  }
}
