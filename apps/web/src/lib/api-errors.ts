// Reading the error `data` the API attaches to every failed call. Logic branches on `data.code` and
// `data.details`, never on messages. Works on anything shaped like a TRPCClientError (pure: testable).
// Type-only imports: the values are spelled out below (checked exhaustive by the compiler), so the
// app shell does not pull zod (through @postern/contracts) into the first bundle.
import type { ErrorCode, PasswordRule, ZAuthFailure } from '@postern/contracts';

export type AuthFailure = ReturnType<typeof ZAuthFailure.parse>;

const ERROR_CODES: Record<ErrorCode, true> = {
  BAD_REQUEST: true,
  VALIDATION_FAILED: true,
  UNAUTHENTICATED: true,
  API_KEY_EXPIRED: true,
  FORBIDDEN: true,
  TWO_FACTOR_REQUIRED: true,
  INSUFFICIENT_SCOPE: true,
  ACCOUNT_DISABLED: true,
  ACCOUNT_DELETION_PENDING: true,
  NOT_FOUND: true,
  CONFLICT: true,
  PAYLOAD_TOO_LARGE: true,
  UNSUPPORTED_MEDIA_TYPE: true,
  IDEMPOTENCY_KEY_REUSED: true,
  RATE_LIMITED: true,
  UNAVAILABLE: true,
  INTERNAL: true,
};
const AUTH_FAILURES: Record<AuthFailure, true> = {
  no_session: true,
  token_expired: true,
  session_revoked: true,
  session_expired: true,
  csrf: true,
};
const PASSWORD_RULES: Record<PasswordRule, true> = {
  min_length: true,
  max_length: true,
  uppercase: true,
  lowercase: true,
  digit: true,
  special: true,
  not_common: true,
};

function isOneOf<T extends string>(table: Record<T, true>, value: unknown): value is T {
  return typeof value === 'string' && Object.hasOwn(table, value);
}

export interface ApiErrorData {
  code: ErrorCode;
  httpStatus?: number;
  requestId?: string;
  issues?: Array<{ path: string; message: string }>;
  details?: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The domain error data of a failed call, or undefined for transport failures and non-API errors. */
export function apiErrorData(error: unknown): ApiErrorData | undefined {
  if (!isRecord(error) || !isRecord(error.data)) return undefined;
  const data = error.data;
  if (!isOneOf(ERROR_CODES, data.code)) return undefined;
  return {
    code: data.code,
    httpStatus: typeof data.httpStatus === 'number' ? data.httpStatus : undefined,
    requestId: typeof data.requestId === 'string' ? data.requestId : undefined,
    issues: Array.isArray(data.issues) ? (data.issues as ApiErrorData['issues']) : undefined,
    details: isRecord(data.details) ? data.details : undefined,
  };
}

export function errorCode(error: unknown): ErrorCode | undefined {
  return apiErrorData(error)?.code;
}

/** Why a call was refused for its session or CSRF token (`details.authFailure`), if it was. */
export function authFailureOf(error: unknown): AuthFailure | undefined {
  const data = apiErrorData(error);
  if (data?.code !== 'UNAUTHENTICATED' && data?.code !== 'FORBIDDEN') return undefined;
  const failure = data.details?.authFailure;
  return isOneOf(AUTH_FAILURES, failure) ? failure : undefined;
}

export function isUnauthenticated(error: unknown): boolean {
  return errorCode(error) === 'UNAUTHENTICATED';
}

/** Seconds to wait before trying again after RATE_LIMITED, if the server said. */
export function retryAfterSeconds(error: unknown): number | undefined {
  const data = apiErrorData(error);
  if (data?.code !== 'RATE_LIMITED') return undefined;
  const value = data.details?.retryAfterSeconds;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.ceil(value) : undefined;
}

/** The password rules the server said a password breaks (VALIDATION_FAILED with `details.failedRules`). */
export function failedRulesOf(error: unknown): PasswordRule[] {
  const data = apiErrorData(error);
  if (data?.code !== 'VALIDATION_FAILED') return [];
  const rules = data.details?.failedRules;
  if (!Array.isArray(rules)) return [];
  return rules.filter((rule): rule is PasswordRule => isOneOf(PASSWORD_RULES, rule));
}

/** Codes that describe the request itself: retrying the same request cannot help. */
const CLIENT_CODES = new Set<ErrorCode>([
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'API_KEY_EXPIRED',
  'FORBIDDEN',
  'INSUFFICIENT_SCOPE',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'IDEMPOTENCY_KEY_REUSED',
  'RATE_LIMITED',
]);

export function isClientError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && CLIENT_CODES.has(code);
}

/** 45 → "45 seconds", 60 → "1 minute", 150 → "3 minutes", 7200 → "2 hours". */
export function formatWait(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return s === 1 ? '1 second' : `${s} seconds`;
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.ceil(minutes / 60);
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

/** A message for a failed call that is fit to show a user (field-specific errors are handled by forms). */
export function userMessage(error: unknown, fallback = 'Something went wrong. Please try again.'): string {
  const data = apiErrorData(error);
  if (!data) {
    if (isRecord(error) && error.name === 'TRPCClientError')
      return 'Cannot reach the server. Check your connection and try again.';
    return fallback;
  }
  switch (data.code) {
    case 'RATE_LIMITED': {
      const wait = retryAfterSeconds(error);
      return wait === undefined
        ? 'Too many attempts. Please wait a moment and try again.'
        : `Too many attempts. Try again in ${formatWait(wait)}.`;
    }
    case 'VALIDATION_FAILED': {
      // Input checks carry issues; a rule the server applies (a private webhook target, say) carries
      // only its message, which says what is wrong.
      const issue = data.issues?.[0];
      if (issue) return issue.message;
      return isRecord(error) && typeof error.message === 'string' && error.message
        ? error.message
        : 'Some of the details are not valid.';
    }
    case 'INTERNAL':
    case 'UNAVAILABLE':
      return `The server could not complete the request${data.requestId ? ` (request ${data.requestId})` : ''}. Please try again.`;
    default:
      return isRecord(error) && typeof error.message === 'string' && error.message ? error.message : fallback;
  }
}

/** The server's message ended as a sentence, so a hint can follow it. */
export function asSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * What a refusal says, as a sentence. A refusal by a domain rule ("a private address") is
 * VALIDATION_FAILED without field issues: its own message explains it (userMessage's generic text is
 * for schema issues).
 */
export function refusalMessage(error: unknown): string {
  const data = apiErrorData(error);
  if (data?.code === 'VALIDATION_FAILED' && !data.issues?.length) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string' && message) return asSentence(message);
  }
  return asSentence(userMessage(error));
}
