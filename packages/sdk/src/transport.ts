// One HTTP attempt: headers (API key, SDK version), the per-attempt timeout, and the answer turned
// into either parsed JSON or a PosternError describing the failure. Retrying is the client's job.
import type { ErrorBody } from '@postern/contracts';
import { codeForHttpStatus, PosternError, type PosternErrorCode } from './errors.ts';
import type { ResolvedOptions } from './options.ts';
import { type RateLimitInfo, readRateLimit, readRetryAfter } from './rate-limit.ts';
import { SDK_VERSION } from './version.ts';

export interface AttemptRequest {
  /** POST only for calls that change nothing (checks), so retrying them is safe. */
  method: 'GET' | 'POST';
  /** JSON body (POST). */
  body?: unknown;
  /** The API path, e.g. `/v1/me`. */
  path: string;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  /** This attempt's number (from 1), recorded on its error. */
  attempt: number;
}

export type AttemptResult =
  | {
      ok: true;
      data: unknown;
      httpStatus: number;
      requestId: string | undefined;
      rateLimit: RateLimitInfo | undefined;
    }
  | { ok: false; error: PosternError; rateLimit: RateLimitInfo | undefined };

export async function attempt(options: ResolvedOptions, request: AttemptRequest): Promise<AttemptResult> {
  const url = `${options.baseUrl}${request.path}`;
  const headers = new Headers(options.headers);
  headers.set('accept', 'application/json');
  headers.set('authorization', `Bearer ${options.apiKey}`);
  headers.set('x-postern-sdk', SDK_VERSION);
  if (request.body !== undefined) headers.set('content-type', 'application/json');

  // A controller rather than AbortSignal.timeout(): its timer is cleared as soon as the answer is read.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
  const fail = (init: Omit<ConstructorParameters<typeof PosternError>[0], 'attempts'>) =>
    new PosternError({ ...init, attempts: request.attempt });

  let response: Response;
  let text: string;
  try {
    response = await options.fetch(url, {
      method: request.method,
      headers,
      signal,
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    });
    // Read the body here, under the same timeout, so a stalled answer fails like a stalled connection.
    text = await response.text();
  } catch (error) {
    if (request.signal?.aborted) {
      // The caller's signal: the client turns its reason into ABORTED or TIMEOUT.
      throw request.signal.reason;
    }
    if (timeout.signal.aborted) {
      const message = `No complete answer from ${url} within ${request.timeoutMs} ms`;
      return { ok: false, error: fail({ code: 'TIMEOUT', message, cause: error }), rateLimit: undefined };
    }
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
    const detail = reason ?? (error instanceof Error ? error.message : String(error));
    return {
      ok: false,
      error: fail({ code: 'NETWORK_ERROR', message: `Could not reach ${url}: ${detail}`, cause: error }),
      rateLimit: undefined,
    };
  } finally {
    clearTimeout(timer);
  }

  const status = response.status;
  const headerRequestId = response.headers.get('x-request-id') ?? undefined;
  const rateLimit = readRateLimit(response.headers);
  const contentType = response.headers.get('content-type') ?? '';
  const body = /\bjson\b/i.test(contentType) ? parseJson(text) : undefined;

  if (response.ok && isObject(body)) {
    return { ok: true, data: body, httpStatus: status, requestId: headerRequestId, rateLimit };
  }
  if (response.ok) {
    // A web page where the API should be (wrong baseUrl), or JSON that is not an object.
    const what = contentType ? contentType.split(';')[0] : 'no content type';
    return {
      ok: false,
      error: fail({
        code: 'BAD_RESPONSE',
        message: `Expected a JSON object from ${url} but got HTTP ${status} (${what}): is baseUrl the address of the Postern API?`,
        httpStatus: status,
        requestId: headerRequestId,
        rateLimit,
      }),
      rateLimit,
    };
  }

  const retryAfterSeconds = readRetryAfter(response.headers);
  if (isErrorBody(body)) {
    return {
      ok: false,
      error: fail({
        code: body.code as PosternErrorCode,
        message: body.message,
        httpStatus: status,
        requestId: body.requestId ?? headerRequestId,
        issues: body.issues,
        retryAfterSeconds,
        rateLimit,
      }),
      rateLimit,
    };
  }
  // No Postern error body: a proxy's error page, or a server that is not the API.
  const what = contentType ? ` (${contentType.split(';')[0]})` : '';
  const hint = status === 404 ? ': is baseUrl the address of the Postern API?' : '';
  return {
    ok: false,
    error: fail({
      code: codeForHttpStatus(status),
      message: `HTTP ${status}${what} from ${url} without a Postern error body${hint}`,
      httpStatus: status,
      requestId: headerRequestId,
      retryAfterSeconds,
      rateLimit,
    }),
    rateLimit,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isErrorBody(value: unknown): value is ErrorBody {
  return (
    isObject(value) &&
    typeof value.code === 'string' &&
    typeof value.message === 'string' &&
    (value.requestId === undefined || typeof value.requestId === 'string') &&
    (value.issues === undefined || Array.isArray(value.issues))
  );
}
