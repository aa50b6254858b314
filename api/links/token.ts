// Link tokens: 256 random bits plus a short checksum, so that a damaged link (cut off by a mail program, or
// edited) is told apart from a well-formed one that we do not know. Only the SHA-256 of the whole token is stored.
import { createHash } from 'node:crypto';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import type { LinkToken } from '../../generated/prisma/client.js';

const BODY_LENGTH = 43; // 32 bytes, base64url
const CHECK_LENGTH = 6;
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]+$/;

const checksum = (body: string) => createHash('sha256').update(`chain-link:${body}`).digest('base64url').slice(0, CHECK_LENGTH);

export function newLinkToken(): string {
  const body = randomToken(32);
  return body + checksum(body);
}

/** 'tampered' for anything that cannot be a token we issued (wrong length, alphabet or checksum). */
export function tokenShape(token: string): 'ok' | 'tampered' {
  if (token.length !== BODY_LENGTH + CHECK_LENGTH || !TOKEN_PATTERN.test(token)) return 'tampered';
  return checksum(token.slice(0, BODY_LENGTH)) === token.slice(BODY_LENGTH) ? 'ok' : 'tampered';
}

export const hashToken = (token: string): string => sha256Hex(token);

export type LinkPurpose = 'decision' | 'signin';
export type LinkState = 'valid' | 'pending' | 'used' | 'revoked' | 'expired';
export type RevokeReason = 'step_closed' | 'no_longer_assigned' | 'replaced';

/** What a link did, stored in LinkToken.result: `pending` while its Update is in flight, then `done`. */
export type LinkRecord =
  | { state: 'pending'; action: string; at: string; command: unknown; actor: unknown }
  | { state: 'done'; action: string; at: string; result?: { status?: string; stepStatus?: string }; delegateTo?: string };

export const linkRecord = (row: Pick<LinkToken, 'result'>): LinkRecord | null =>
  row.result && typeof row.result === 'object' && 'state' in (row.result as object) ? (row.result as unknown as LinkRecord) : null;

/** Used wins over revoked (the workflow revokes a step's links after a decision), revoked over expired. */
export function linkState(row: Pick<LinkToken, 'usedAt' | 'revokedAt' | 'expiresAt' | 'result'>, now = new Date()): LinkState {
  if (row.usedAt) return linkRecord(row)?.state === 'pending' ? 'pending' : 'used';
  if (row.revokedAt) return 'revoked';
  if (row.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'valid';
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();
