// The one error type of the SDK. Every failure of a call (server error, network, timeout, abort,
// unexpected response) becomes a PosternError with a `code` to branch on: never parse messages.
import type { ErrorBody, ErrorCode } from '@postern/contracts';

/** Failures detected by the client itself, when no error body came back from the API. */
export type ClientErrorCode =
  /** The request did not reach the server or the connection broke (DNS, refused, reset, TLS). */
  | 'NETWORK_ERROR'
  /** No complete answer within `timeoutMs`. */
  | 'TIMEOUT'
  /** The caller aborted the request through its AbortSignal. */
  | 'ABORTED'
  /** The server answered something that is not a Postern API response (wrong baseUrl, proxy page). */
  | 'BAD_RESPONSE';

/** A domain code from the API (see `ErrorCode` in @postern/contracts) or a client-side code. */
export type PosternErrorCode = ErrorCode | ClientErrorCode;

export type PosternErrorIssue = NonNullable<ErrorBody['issues']>[number];

export interface PosternErrorInit {
  code: PosternErrorCode;
  message: string;
  httpStatus?: number | undefined;
  requestId?: string | undefined;
  issues?: PosternErrorIssue[] | undefined;
  cause?: unknown;
}

export interface PosternErrorJSON {
  code: PosternErrorCode;
  message: string;
  httpStatus?: number;
  requestId?: string;
  issues?: PosternErrorIssue[];
}

// Recognises PosternErrors across copies of the SDK (ESM and CJS builds loaded in one process).
const BRAND = Symbol.for('@postern/sdk.PosternError');

export class PosternError extends Error {
  override readonly name = 'PosternError';
  readonly code: PosternErrorCode;
  /** HTTP status of the response, when there was one. */
  readonly httpStatus: number | undefined;
  /** The API's request id (also in its logs): quote it when reporting a problem. */
  readonly requestId: string | undefined;
  /** Per-field problems, for VALIDATION_FAILED. */
  readonly issues: PosternErrorIssue[] | undefined;

  constructor(init: PosternErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.httpStatus = init.httpStatus;
    this.requestId = init.requestId;
    this.issues = init.issues;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** The fields worth logging (`JSON.stringify(error)` of a plain Error gives `{}`). */
  toJSON(): PosternErrorJSON {
    return {
      code: this.code,
      message: this.message,
      ...(this.httpStatus === undefined ? {} : { httpStatus: this.httpStatus }),
      ...(this.requestId === undefined ? {} : { requestId: this.requestId }),
      ...(this.issues === undefined ? {} : { issues: this.issues }),
    };
  }
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
 * Turns whatever a client call threw (a TRPCClientError, usually) into a PosternError:
 * `catch (error) { const e = toPosternError(error); if (e.code === 'NOT_FOUND') … }`.
 */
export function toPosternError(error: unknown): PosternError {
  if (isPosternError(error)) return error;
  if (!isTrpcClientError(error)) {
    return (
      abortError(error) ?? new PosternError({ code: 'INTERNAL', message: messageOf(error), cause: error })
    );
  }
  // Failures of the exchange itself are PosternErrors already, thrown by the transport.
  if (isPosternError(error.cause)) return error.cause;
  const aborted = abortError(error.cause);
  if (aborted) return aborted;

  const response = isObject(error.meta) && isResponse(error.meta.response) ? error.meta.response : undefined;
  const headerRequestId = response?.headers.get('x-request-id') ?? undefined;
  // A tRPC error: the API's error formatter puts the domain code and request id in `data`.
  const data = isObject(error.data) ? error.data : undefined;
  if (data && typeof data.code === 'string') {
    return new PosternError({
      code: data.code as PosternErrorCode,
      message: error.message,
      httpStatus: typeof data.httpStatus === 'number' ? data.httpStatus : response?.status,
      requestId: typeof data.requestId === 'string' ? data.requestId : headerRequestId,
      issues: Array.isArray(data.issues) ? (data.issues as PosternErrorIssue[]) : undefined,
      cause: error,
    });
  }
  // A REST-shaped error body ({ code, message, requestId }), e.g. a 404 for a wrong path prefix.
  const body = isObject(error.meta) ? error.meta.responseJSON : undefined;
  if (isObject(body) && typeof body.code === 'string' && typeof body.message === 'string') {
    return new PosternError({
      code: body.code as PosternErrorCode,
      message: body.message,
      httpStatus: response?.status,
      requestId: typeof body.requestId === 'string' ? body.requestId : headerRequestId,
      issues: Array.isArray(body.issues) ? (body.issues as PosternErrorIssue[]) : undefined,
      cause: error,
    });
  }
  if (response) {
    return new PosternError({
      code: response.ok ? 'BAD_RESPONSE' : codeForHttpStatus(response.status),
      message: `Unexpected answer from the server (HTTP ${response.status}): ${error.message}`,
      httpStatus: response.status,
      requestId: headerRequestId,
      cause: error,
    });
  }
  return new PosternError({ code: 'INTERNAL', message: error.message, cause: error });
}

interface TrpcClientErrorLike {
  message: string;
  cause?: unknown;
  data?: unknown;
  meta?: unknown;
}

// Duck-typed rather than `instanceof`, so errors from another copy of @trpc/client are recognised too.
function isTrpcClientError(value: unknown): value is TrpcClientErrorLike {
  return value instanceof Error && value.name === 'TRPCClientError';
}

/** Aborts that happen outside the transport (a signal already aborted before the request). */
function abortError(error: unknown): PosternError | undefined {
  if (!isObject(error)) return undefined;
  if (error.name === 'TimeoutError') {
    return new PosternError({ code: 'TIMEOUT', message: 'The request timed out', cause: error });
  }
  if (error.name === 'AbortError') {
    return new PosternError({ code: 'ABORTED', message: 'The request was aborted', cause: error });
  }
  return undefined;
}

function isResponse(value: unknown): value is Response {
  return (
    isObject(value) &&
    typeof value.status === 'number' &&
    isObject(value.headers) &&
    typeof value.headers.get === 'function'
  );
}

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'Unknown error';
}
