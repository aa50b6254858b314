// Forms of the page layer: url-encoded ones arrive parsed by express; multipart ones (file uploads) are read here
// with busboy, within limits, into memory. A multipart request's CSRF token is in its body, which the session
// authenticator cannot see: it marks such requests "CSRF pending" and readForm checks the token once the body is
// read, so a page handler cannot forget it.
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import busboy from 'busboy';
import { AppError } from '../lib/errors.js';
import { csrfError } from './http.js';
import { EDGE_LIMITS, findInputIssue } from '../api/http/input-limits.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the session authenticator on multipart requests: the CSRF token the body must carry. */
    csrfPending?: string;
  }
}

export interface UploadedFile {
  field: string;
  fileName: string;
  mimeType: string;
  bytes: Buffer;
  /** Larger than the limit: its bytes were dropped, the rest of the form read (the page says so and keeps the values). */
  tooLarge?: boolean;
}

export interface FormData {
  fields: Record<string, string>;
  files: UploadedFile[];
}

export interface FormLimits {
  fileBytes: number;
  files: number;
  fields: number;
  fieldBytes: number;
}

export const DEFAULT_FORM_LIMITS: FormLimits = { fileBytes: 10 * 1024 * 1024, files: 1, fields: 400, fieldBytes: 10_000 };

export const isMultipart = (req: Request) => /^multipart\/form-data\b/i.test(req.get('content-type') ?? '');

function sameToken(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The form's fields (and files, when multipart). Oversized files or too many fields are refused with clear codes. */
export async function readForm(req: Request, limits: FormLimits = DEFAULT_FORM_LIMITS): Promise<FormData> {
  if (!isMultipart(req)) {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') fields[k] = v;
    return { fields, files: [] };
  }
  const form = await parseMultipart(req, limits);
  if (req.csrfPending !== undefined) {
    if (!sameToken(req.csrfPending, form.fields._csrf)) throw csrfError();
    req.csrfPending = undefined;
  }
  // The edge check (api/http/input-limits.ts) reads JSON, urlencoded forms, queries and paths; multipart bodies are
  // read here, and held to the same rules (no NUL, no lone surrogate, bounded nesting).
  const issue = findInputIssue(form.fields, EDGE_LIMITS, ['body']);
  if (issue) throw new AppError('validation_failed', 'The form is not valid.', { issues: [issue] });
  return form;
}

function parseMultipart(req: Request, limits: FormLimits): Promise<FormData> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fileSize: limits.fileBytes, files: limits.files, fields: limits.fields, fieldSize: limits.fieldBytes, parts: limits.fields + limits.files },
      });
    } catch (err) {
      reject(new AppError('bad_request', 'The form could not be read.', { internal: String(err) }));
      return;
    }
    const fields: Record<string, string> = {};
    const files: UploadedFile[] = [];
    let failure: AppError | undefined;
    const fail = (e: AppError) => {
      failure ??= e;
    };
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(new AppError('validation_failed', 'Please check the form.', { issues: [{ path: name, message: `at most ${limits.fieldBytes} characters` }] }));
      fields[name] = value;
    });
    bb.on('file', (field, stream, info) => {
      let chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (!tooLarge) chunks.push(c);
      });
      // Over the limit: the rest of the file is read and dropped, so that the form's other fields still arrive and
      // the page can come back with everything typed (a 413 page would lose it all).
      stream.on('limit', () => {
        tooLarge = true;
        chunks = [];
      });
      stream.on('close', () => {
        // A file input left empty still sends a part with no name and no bytes: that is "no file".
        if (tooLarge) files.push({ field, fileName: info.filename ?? '', mimeType: info.mimeType, bytes: Buffer.alloc(0), tooLarge: true });
        else if (size > 0 || info.filename) files.push({ field, fileName: info.filename ?? '', mimeType: info.mimeType, bytes: Buffer.concat(chunks) });
      });
    });
    bb.on('filesLimit', () => fail(new AppError('validation_failed', 'Send one file at a time.', { issues: [{ path: 'document', message: 'one file only' }] })));
    bb.on('fieldsLimit', () => fail(new AppError('payload_too_large', 'The form has too many fields.')));
    bb.on('partsLimit', () => fail(new AppError('payload_too_large', 'The form has too many parts.')));
    bb.on('error', (err) => reject(new AppError('bad_request', 'The form could not be read.', { internal: String(err) })));
    bb.on('close', () => (failure ? reject(failure) : resolve({ fields, files: files.filter((f) => f.bytes.length > 0 || f.fileName || f.tooLarge) })));
    req.pipe(bb);
  });
}
