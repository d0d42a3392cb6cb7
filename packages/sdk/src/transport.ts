// One HTTP attempt: headers (API key, SDK version), the per-attempt timeout, and the answer turned
// into either parsed JSON or a PosternError describing the failure. Retrying is the client's job.
import type { ErrorBody } from './api-types.ts';
import { codeForHttpStatus, PosternError, type PosternErrorCode } from './errors.ts';
import type { ResolvedOptions } from './options.ts';
import { type RateLimitInfo, readRateLimit, readRetryAfter } from './rate-limit.ts';
import { SDK_VERSION } from './version.ts';

/** A request body made afresh for each attempt (an upload can be sent again only that way). */
export interface RawBody {
  body: Blob | ReadableStream<Uint8Array>;
  contentType: string;
  /** Set for a ReadableStream body (`duplex: 'half'`). */
  stream: boolean;
}

export interface AttemptRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** JSON body (POST). */
  body?: unknown;
  /** A non-JSON body (multipart uploads), made for this attempt. */
  rawBody?: (() => RawBody) | undefined;
  /** The API path with its query string, e.g. `/v1/me`. */
  path: string;
  /** Extra headers of this call (e.g. `idempotency-key`). */
  headers?: Record<string, string> | undefined;
  /** `json` (default): a JSON object; `empty`: no body (204); `stream`: the response, body unread. */
  expect?: 'json' | 'empty' | 'stream' | undefined;
  /** The `accept` header (`application/json` by default). */
  accept?: string | undefined;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  /** This attempt's number (from 1), recorded on its error. */
  attempt: number;
}

export type AttemptResult =
  | {
      ok: true;
      data: unknown;
      /** Set for `expect: 'stream'`: the response whose body the caller reads. */
      response?: Response | undefined;
      httpStatus: number;
      requestId: string | undefined;
      rateLimit: RateLimitInfo | undefined;
      headers: Headers;
    }
  | { ok: false; error: PosternError; rateLimit: RateLimitInfo | undefined };

/** What one call sends and expects, and which of its failures may be retried. */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query string. */
  path: string;
  body?: unknown;
  rawBody?: (() => RawBody) | undefined;
  headers?: Record<string, string> | undefined;
  expect?: 'json' | 'empty' | 'stream' | undefined;
  accept?: string | undefined;
  /** The per-attempt limit when the call gives none (instead of the client's `timeoutMs`). */
  defaultTimeoutMs?: number | undefined;
  /**
   * `all` (default): every retryable failure, for calls that are safe to repeat. `unsent`: only
   * failures that prove the request was not acted on (429, a refused connection), for calls that
   * must not run twice. `none`: no retry (a body that can be sent only once).
   */
  retries?: 'all' | 'unsent' | 'none' | undefined;
  /** DELETE: a 404 after an attempt whose outcome is unknown means that attempt deleted it. */
  goneMeansDone?: boolean | undefined;
}

type Fail = (init: Omit<ConstructorParameters<typeof PosternError>[0], 'attempts'>) => PosternError;

export async function attempt(options: ResolvedOptions, request: AttemptRequest): Promise<AttemptResult> {
  const url = `${options.baseUrl}${request.path}`;
  const fail: Fail = (init) => new PosternError({ ...init, attempts: request.attempt });
  const sent = await send(options, request, url, fail);
  return 'ok' in sent ? sent : interpret(sent.response, sent.text, url, request.expect ?? 'json', fail);
}

function requestInit(options: ResolvedOptions, request: AttemptRequest, signal: AbortSignal) {
  const headers = new Headers(options.headers);
  for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value);
  headers.set('accept', request.accept ?? 'application/json');
  headers.set('authorization', `Bearer ${options.apiKey}`);
  headers.set('x-postern-sdk', SDK_VERSION);
  const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers, signal };
  if (request.body !== undefined) {
    headers.set('content-type', 'application/json');
    init.body = JSON.stringify(request.body);
  }
  if (request.rawBody) {
    const raw = request.rawBody();
    headers.set('content-type', raw.contentType);
    init.body = raw.body;
    if (raw.stream) init.duplex = 'half';
    // Not 'follow': to be able to replay a body on a 307/308, undici's fetch keeps every byte it
    // sends in memory (nodejs/undici#4058), which would make a 1 GB upload cost 1 GB. The API
    // never redirects.
    init.redirect = 'error';
  }
  return init;
}

/**
 * Sends the request and reads the answer under the per-attempt timeout: the response and its text,
 * or already a result (a stream handed to the caller, a timeout, a network failure).
 */
async function send(
  options: ResolvedOptions,
  request: AttemptRequest,
  url: string,
  fail: Fail,
): Promise<AttemptResult | { response: Response; text: string }> {
  // A controller rather than AbortSignal.timeout(): its timer is cleared as soon as the answer is read.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
  try {
    const response = await options.fetch(url, requestInit(options, request, signal));
    if (request.expect === 'stream' && response.ok) {
      // The caller reads the body (a download, an event stream): the per-attempt limit ends here.
      return {
        ok: true,
        data: undefined,
        response,
        httpStatus: response.status,
        requestId: response.headers.get('x-request-id') ?? undefined,
        rateLimit: readRateLimit(response.headers),
        headers: response.headers,
      };
    }
    // Read the body here, under the same timeout, so a stalled answer fails like a stalled connection.
    return { response, text: await response.text() };
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
}

/** A complete answer turned into data, or the PosternError that describes it. */
function interpret(
  response: Response,
  text: string,
  url: string,
  expect: NonNullable<AttemptRequest['expect']>,
  fail: Fail,
): AttemptResult {
  const status = response.status;
  const headerRequestId = response.headers.get('x-request-id') ?? undefined;
  const rateLimit = readRateLimit(response.headers);
  const contentType = response.headers.get('content-type') ?? '';
  const what = contentType ? contentType.split(';')[0] : undefined;
  const body = /\bjson\b/i.test(contentType) ? parseJson(text) : undefined;

  if (response.ok && (isObject(body) || (expect === 'empty' && text === ''))) {
    const headers = response.headers;
    return { ok: true, data: body, httpStatus: status, requestId: headerRequestId, rateLimit, headers };
  }
  const common = { httpStatus: status, requestId: headerRequestId, rateLimit };
  if (response.ok) {
    // A web page where the API should be (wrong baseUrl), or JSON that is not an object.
    const message = `Expected a JSON object from ${url} but got HTTP ${status} (${what ?? 'no content type'}): is baseUrl the address of the Postern API?`;
    return { ok: false, error: fail({ code: 'BAD_RESPONSE', message, ...common }), rateLimit };
  }
  const retryAfterSeconds = readRetryAfter(response.headers);
  if (isErrorBody(body)) {
    const error = fail({
      ...common,
      code: body.code as PosternErrorCode,
      message: body.message,
      requestId: body.requestId ?? headerRequestId,
      issues: body.issues,
      retryAfterSeconds,
    });
    return { ok: false, error, rateLimit };
  }
  // No Postern error body: a proxy's error page, or a server that is not the API.
  const hint = status === 404 ? ': is baseUrl the address of the Postern API?' : '';
  const message = `HTTP ${status}${what ? ` (${what})` : ''} from ${url} without a Postern error body${hint}`;
  const error = fail({ ...common, code: codeForHttpStatus(status), message, retryAfterSeconds });
  return { ok: false, error, rateLimit };
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
