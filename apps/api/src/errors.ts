// The one table from domain error codes to tRPC and HTTP errors.
import type { ErrorCode } from '@postern/contracts';
import { DomainError } from '@postern/core';
import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from '@postern/runtime';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';

export const ERROR_TABLE: Record<ErrorCode, { trpc: TRPC_ERROR_CODE_KEY; http: number }> = {
  BAD_REQUEST: { trpc: 'BAD_REQUEST', http: 400 },
  VALIDATION_FAILED: { trpc: 'BAD_REQUEST', http: 422 },
  UNAUTHENTICATED: { trpc: 'UNAUTHORIZED', http: 401 },
  API_KEY_EXPIRED: { trpc: 'UNAUTHORIZED', http: 401 },
  FORBIDDEN: { trpc: 'FORBIDDEN', http: 403 },
  TWO_FACTOR_REQUIRED: { trpc: 'FORBIDDEN', http: 403 },
  INSUFFICIENT_SCOPE: { trpc: 'FORBIDDEN', http: 403 },
  ACCOUNT_DISABLED: { trpc: 'FORBIDDEN', http: 403 },
  ACCOUNT_DELETION_PENDING: { trpc: 'FORBIDDEN', http: 403 },
  NOT_FOUND: { trpc: 'NOT_FOUND', http: 404 },
  CONFLICT: { trpc: 'CONFLICT', http: 409 },
  PAYLOAD_TOO_LARGE: { trpc: 'PAYLOAD_TOO_LARGE', http: 413 },
  UNSUPPORTED_MEDIA_TYPE: { trpc: 'UNSUPPORTED_MEDIA_TYPE', http: 415 },
  IDEMPOTENCY_KEY_REUSED: { trpc: 'BAD_REQUEST', http: 422 },
  RATE_LIMITED: { trpc: 'TOO_MANY_REQUESTS', http: 429 },
  UNAVAILABLE: { trpc: 'SERVICE_UNAVAILABLE', http: 503 },
  INTERNAL: { trpc: 'INTERNAL_SERVER_ERROR', http: 500 },
};

/** The domain code for an HTTP status, for errors raised by the framework itself (404, 413…). */
export function codeForHttpStatus(status: number): ErrorCode {
  const match = (Object.entries(ERROR_TABLE) as [ErrorCode, { http: number }][]).find(
    ([, v]) => v.http === status,
  );
  if (match) return match[0];
  return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
}

/** The domain code for a tRPC code, for errors tRPC raises itself (bad input, unknown procedure). */
export function codeForTrpc(code: TRPC_ERROR_CODE_KEY): ErrorCode {
  const match = (Object.entries(ERROR_TABLE) as [ErrorCode, { trpc: string }][]).find(
    ([, v]) => v.trpc === code,
  );
  if (match) return match[0];
  // The caller's mistakes tRPC detects itself (wrong method, media type…) are bad requests, not our faults.
  return CLIENT_SIDE_TRPC_CODES.has(code) ? 'BAD_REQUEST' : 'INTERNAL';
}

const CLIENT_SIDE_TRPC_CODES = new Set<TRPC_ERROR_CODE_KEY>([
  'PARSE_ERROR',
  'METHOD_NOT_SUPPORTED',
  'UNSUPPORTED_MEDIA_TYPE',
  'PRECONDITION_FAILED',
  'UNPROCESSABLE_CONTENT',
  'CLIENT_CLOSED_REQUEST',
  'TIMEOUT',
]);

/**
 * A key-value store (Redis) outage, as clients see it: UNAVAILABLE (503) with Retry-After, on /v1, the
 * dashboard's /api routes and tRPC alike. Undefined for any other error. The store fails fast
 * (packages/runtime/src/kv-store.ts), so this answer comes in milliseconds, not after a hang.
 */
export function storeOutageError(error: unknown): DomainError | undefined {
  if (!isStoreUnavailable(error)) return undefined;
  return new DomainError(
    'UNAVAILABLE',
    'Temporarily unavailable: a backing service is not answering. Retry after the time in Retry-After.',
    { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS, reason: 'store_unavailable' },
  );
}
