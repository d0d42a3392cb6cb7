// The one error type of the SDK. Every failure of a call (API error, network, timeout, abort,
// unexpected response) rejects with a PosternError with a `code` to branch on: never parse messages.
import type { ErrorCode } from '@postern/contracts/constants';
import type { ErrorBody } from './api-types.ts';
import type { RateLimitInfo } from './rate-limit.ts';

/** Failures detected by the client itself, when no error body came back from the API. */
export type ClientErrorCode =
  /** The request did not reach the server or the connection broke (DNS, refused, reset, TLS). */
  | 'NETWORK_ERROR'
  /** No complete answer within `timeoutMs`, or the caller's `AbortSignal.timeout()` fired. */
  | 'TIMEOUT'
  /** The caller aborted the call through its AbortSignal. */
  | 'ABORTED'
  /** The server answered something that is not a Postern API response (wrong baseUrl, proxy page). */
  | 'BAD_RESPONSE';

/** A domain code from the API (`ErrorCode`) or a client-side code. */
export type PosternErrorCode = ErrorCode | ClientErrorCode;

export type PosternErrorIssue = NonNullable<ErrorBody['issues']>[number];

/** Why the SDK stopped retrying a failure it would otherwise retry. */
export type RetryStop =
  /** `retry.maxRetries` retries were made. */
  | 'maxRetries'
  /** The client's retry budget was spent (many failures in a short time). */
  | 'budget'
  /** The API asked to wait (`Retry-After`) longer than `retry.maxRetryAfterMs`. */
  | 'maxRetryAfter';

export interface PosternErrorInit {
  code: PosternErrorCode;
  message: string;
  httpStatus?: number | undefined;
  requestId?: string | undefined;
  issues?: PosternErrorIssue[] | undefined;
  retryAfterSeconds?: number | undefined;
  rateLimit?: RateLimitInfo | undefined;
  attempts?: number | undefined;
  retryStoppedBy?: RetryStop | undefined;
  cause?: unknown;
}

export interface PosternErrorJSON {
  code: PosternErrorCode;
  message: string;
  httpStatus?: number;
  requestId?: string;
  issues?: PosternErrorIssue[];
  retryAfterSeconds?: number;
  attempts: number;
  retryStoppedBy?: RetryStop;
}

// Recognises PosternErrors across copies of the SDK (ESM and CJS builds loaded in one process).
const BRAND = Symbol.for('@postern/sdk.PosternError');

export class PosternError extends Error {
  override readonly name = 'PosternError';
  readonly code: PosternErrorCode;
  /** HTTP status of the (last) response, when there was one. */
  readonly httpStatus: number | undefined;
  /** The API's request id of the last attempt (also in its logs): quote it when reporting a problem. */
  readonly requestId: string | undefined;
  /** Per-field problems, for VALIDATION_FAILED. */
  readonly issues: PosternErrorIssue[] | undefined;
  /** The wait the API asked for (`Retry-After`, in seconds), on RATE_LIMITED and some UNAVAILABLE. */
  readonly retryAfterSeconds: number | undefined;
  /** The rate-limit headers of the last response, when it had them. */
  readonly rateLimit: RateLimitInfo | undefined;
  /** HTTP requests made for the call, retries included (0 when it was aborted before the first). */
  readonly attempts: number;
  /** Set when the failure was retryable but the SDK stopped retrying, and why. */
  readonly retryStoppedBy: RetryStop | undefined;

  constructor(init: PosternErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.httpStatus = init.httpStatus;
    this.requestId = init.requestId;
    this.issues = init.issues;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.rateLimit = init.rateLimit;
    this.attempts = init.attempts ?? 0;
    this.retryStoppedBy = init.retryStoppedBy;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * True for failures that may go away by themselves (rate limits, 5xx except 501, network errors,
   * timeouts): the SDK retries these, and a later call may succeed.
   */
  get retryable(): boolean {
    return isRetryable(this.code, this.httpStatus);
  }

  /** The fields worth logging (`JSON.stringify(error)` of a plain Error gives `{}`). */
  toJSON(): PosternErrorJSON {
    return {
      code: this.code,
      message: this.message,
      ...(this.httpStatus === undefined ? {} : { httpStatus: this.httpStatus }),
      ...(this.requestId === undefined ? {} : { requestId: this.requestId }),
      ...(this.issues === undefined ? {} : { issues: this.issues }),
      ...(this.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: this.retryAfterSeconds }),
      attempts: this.attempts,
      ...(this.retryStoppedBy === undefined ? {} : { retryStoppedBy: this.retryStoppedBy }),
    };
  }
}

/** Whether a failure is worth retrying: 429, 5xx other than 501, network errors and timeouts. */
export function isRetryable(code: PosternErrorCode, httpStatus: number | undefined): boolean {
  if (httpStatus !== undefined) return httpStatus === 429 || (httpStatus >= 500 && httpStatus !== 501);
  return code === 'NETWORK_ERROR' || code === 'TIMEOUT';
}

export function isPosternError(value: unknown): value is PosternError {
  return value instanceof PosternError || (isObject(value) && value[BRAND] === true);
}

/** The domain code for an HTTP status, for answers that carry no Postern error body. */
export function codeForHttpStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 422:
      return 'VALIDATION_FAILED';
    case 429:
      return 'RATE_LIMITED';
    case 502:
    case 503:
    case 504:
      return 'UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  }
}

/**
 * Turns anything caught around SDK calls into a PosternError: a PosternError (from any copy of the
 * SDK) as is; an AbortError or TimeoutError as ABORTED or TIMEOUT; anything else as INTERNAL.
 */
export function toPosternError(error: unknown): PosternError {
  if (isPosternError(error)) return error;
  return (
    abortError(error, 0) ?? new PosternError({ code: 'INTERNAL', message: messageOf(error), cause: error })
  );
}

/** An abort reason (`signal.reason`) as ABORTED, or TIMEOUT for `AbortSignal.timeout()`. */
export function abortError(reason: unknown, attempts: number, detail = ''): PosternError | undefined {
  if (!isObject(reason)) return undefined;
  if (reason.name === 'TimeoutError') {
    return new PosternError({
      code: 'TIMEOUT',
      message: `The call's AbortSignal timed out${detail}`,
      attempts,
      cause: reason,
    });
  }
  if (reason.name === 'AbortError') {
    return new PosternError({
      code: 'ABORTED',
      message: `The call was aborted${detail}`,
      attempts,
      cause: reason,
    });
  }
  return undefined;
}

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'Unknown error';
}
