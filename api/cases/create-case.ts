// Opens a case: the DB row and its first document version in one transaction, then the workflow (id = case id)
// on the policy in force for the process type and institution, snapshotted into the workflow's input.
// If the workflow cannot be started the rows are removed again: no half-open case is left behind.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import type { Db } from '../../lib/db/client.js';
import { AppError } from '../../lib/errors.js';
import type { Identity } from '../../lib/identity.js';
import { canCreateCase } from '../../lib/authz.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { sha256Hex } from '../../lib/crypto.js';
import { approvalWorkflow } from '../../workflows/approval/workflow.js';
import type { ApprovalInput } from '../../workflows/approval/messages.js';
import { findPolicyInForce } from '../policies/find-policy.js';
import type { createCaseBody } from './schemas.js';
import { decodePdf } from './documents.js';
import { validateCaseFields } from './case-fields.js';
import { checkStrategyReport } from './strategy-report.js';
import type { StrategyReportFields } from '../../domain/strategy/report-fields.js';

export interface CreateCaseOptions {
  db: Db;
  temporal: Client;
  taskQueue: string;
  identity: Identity;
  input: z.infer<typeof createCaseBody>;
  /** Optional client-chosen key: the same key returns the case created the first time. */
  idempotencyKey?: string;
}

export async function createCase(opts: CreateCaseOptions) {
  const { db, identity, input } = opts;
  const institution = await db.institution.findUnique({ where: { code: input.institution } });
  if (!institution) {
    throw new AppError('validation_failed', 'Unknown institution.', { issues: [{ path: 'body.institution', message: `no institution with code ${input.institution}` }] });
  }
  if (!canCreateCase(identity, institution.code, input.type)) {
    throw new AppError('forbidden', `You may not open a ${input.type} case for ${institution.code}.`);
  }
  const caseId = opts.idempotencyKey
    ? `${input.type}-${sha256Hex(`${identity.personId}/${opts.idempotencyKey}`).slice(0, 16)}`
    : `${input.type}-${institution.code.toLowerCase()}-${randomUUID().slice(0, 8)}`;
  if (opts.idempotencyKey) {
    const existing = await db.case.findUnique({ where: { id: caseId } });
    if (existing) return { created: false, caseId };
  }

  const fields = validateCaseFields(input.type, input.fields, 'body.fields');
  if (input.type === 'strategy_report') {
    await checkStrategyReport({ db, fields: fields as StrategyReportFields, institution: institution.code, prefix: 'body.fields' });
  }
  const policy = await findPolicyInForce(db, input.type, institution.code);
  const document = input.document
    ? { ...decodePdf(input.document.contentBase64), fileName: input.document.fileName, mimeType: input.document.mimeType }
    : // Without an uploaded file the structured fields are the document being approved.
      (() => {
        const bytes = Buffer.from(canonicalJson(fields), 'utf8');
        return { bytes, fileName: 'fields.json', mimeType: 'application/json' };
      })();
  const sha256 = sha256Hex(document.bytes);

  await db.$transaction(async (tx) => {
    await tx.case.create({
      data: {
        id: caseId,
        type: input.type,
        institutionId: institution.id,
        title: input.title,
        workflowId: caseId,
        fields: fields as object,
        policyKey: policy.key,
        policyVersion: policy.version,
        createdById: identity.personId,
        assignees: [identity.email.toLowerCase()],
      },
    });
    await tx.documentVersion.create({
      data: {
        caseId,
        version: 1,
        sha256,
        fileName: document.fileName,
        mimeType: document.mimeType,
        size: document.bytes.length,
        content: new Uint8Array(document.bytes),
        fields: fields as object,
        authorId: identity.personId,
      },
    });
  });

  const workflowInput: ApprovalInput = {
    caseId,
    type: input.type,
    institution: institution.code,
    title: input.title,
    policy: policy.definition,
    fields,
    submitter: { id: identity.personId, email: identity.email, name: identity.name },
    document: { sha256, version: 1 },
    submittedVia: identity.via,
  };
  try {
    await opts.temporal.workflow.start(approvalWorkflow, {
      workflowId: caseId,
      taskQueue: opts.taskQueue,
      args: [workflowInput],
    });
  } catch (err) {
    await db.case.delete({ where: { id: caseId } }).catch(() => undefined);
    throw new AppError('dependency_unavailable', 'The workflow engine could not start this case; nothing was saved. Try again.', {
      internal: String(err),
    });
  }
  return { created: true, caseId };
}
