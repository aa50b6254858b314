import { createHash, randomBytes } from 'node:crypto';

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** A random token of `bytes` bytes (256 bits by default), base64url. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');
