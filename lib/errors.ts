// One error type for the edge. Codes are stable (clients and tests match on them); each maps to one HTTP status.
// `message` is for the user; `internal` (optional) is logged, never sent.
export const appErrorStatus = {
  validation_failed: 422,
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  stale_version: 409,
  case_closed: 409,
  // Progress reports on a strategy (api/cases/strategy-report.ts).
  strategy_not_approved: 409,
  strategy_archived: 409,
  strategy_other_institution: 422,
  report_already_filed: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  token_invalid: 404,
  token_expired: 410,
  token_used: 409,
  token_revoked: 410,
  csrf_failed: 403,
  dependency_unavailable: 503,
  internal: 500,
} as const;

export type AppErrorCode = keyof typeof appErrorStatus;

export interface FieldIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: { issues?: FieldIssue[]; internal?: string; [k: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
  get status(): number {
    return appErrorStatus[this.code];
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/**
 * A unique constraint refused a write (Prisma's P2002, or a raw statement's 23505 through the driver adapter):
 * usually a concurrent request that stored the same thing a moment earlier.
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } } } | null;
  if (e?.code === 'P2002') return true;
  const cause = e?.meta?.driverAdapterError?.cause;
  return cause?.kind === 'UniqueConstraintViolation' || cause?.originalCode === '23505';
}
