import { AppError } from '../../lib/errors.js';

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** Decodes an inline base64 PDF and checks that it is one (magic bytes), within the size limit. */
export function decodePdf(base64: string, path = 'body.document.contentBase64'): { bytes: Buffer } {
  const bytes = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
  if (bytes.length === 0) throw new AppError('validation_failed', 'The document is empty.', { issues: [{ path, message: 'empty document' }] });
  if (bytes.length > MAX_DOCUMENT_BYTES) throw new AppError('payload_too_large', 'The document is larger than 10 MB.');
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') {
    throw new AppError('unsupported_media_type', 'The document must be a PDF file.', { issues: [{ path, message: 'not a PDF (missing %PDF- header)' }] });
  }
  return { bytes };
}
