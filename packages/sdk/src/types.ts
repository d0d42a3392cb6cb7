// Per-call options, response metadata and the promise every call returns. The API's result types
// are in api-types.ts.
import type { RateLimitInfo } from './rate-limit.ts';

export type * from './api-types.ts';

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call: the request in flight, or the wait before a retry. */
  signal?: AbortSignal | undefined;
  /** Time allowed for each attempt of this call, instead of the client's `timeoutMs`. */
  timeoutMs?: number | undefined;
}

/** About the response a successful call returned. */
export interface ResponseMeta {
  httpStatus: number;
  /** The API's request id of the successful attempt. */
  requestId: string | undefined;
  /** HTTP requests made for the call, retries included. */
  attempts: number;
  /** The rate-limit headers of the response. */
  rateLimit: RateLimitInfo | undefined;
}

export interface WithMeta<T> {
  data: T;
  meta: ResponseMeta;
}

/**
 * The promise of a call: await it for the data, or call `withMeta()` for the data and the
 * response's metadata (request id, attempts, rate limit). Both belong to the same single call.
 */
export interface PosternPromise<T> extends Promise<T> {
  withMeta(): Promise<WithMeta<T>>;
}
