// Domain error codes (zod-free): core throws them, the API maps them, clients branch on them.
export const ERROR_CODES = [
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  /** An API key past its expiry date (401). */
  'API_KEY_EXPIRED',
  'FORBIDDEN',
  /** The workspace requires two-factor authentication and the caller has not turned it on. */
  'TWO_FACTOR_REQUIRED',
  /** An API key without the scope the route needs (403; the message names it). */
  'INSUFFICIENT_SCOPE',
  /** The account (or, for an API key, every owner of its workspace) was disabled by the instance operator (403). */
  'ACCOUNT_DISABLED',
  /** The account is scheduled for deletion (#28): only cancelling the deletion (or signing out) is open (403). */
  'ACCOUNT_DELETION_PENDING',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  /** A body that is not JSON on a route that takes JSON (415). */
  'UNSUPPORTED_MEDIA_TYPE',
  /** An Idempotency-Key used again with a different request (422, IETF idempotency-key draft). */
  'IDEMPOTENCY_KEY_REUSED',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
