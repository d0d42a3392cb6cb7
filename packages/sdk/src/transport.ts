// The HTTP exchange under every call: headers (API key, SDK version), the timeout, and turning
// every failure of the exchange into a PosternError. tRPC calls go through it as httpLink's fetch;
// the REST methods (`/v1/...`) and the retries with back-off of later versions belong here too, so
// both kinds of call share one behaviour.
import { codeForHttpStatus, PosternError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';
import { SDK_VERSION } from './version.ts';

/** fetch's signature: httpLink uses method, headers, body and signal of `init`. */
export type Transport = (url: string | URL | Request, init?: RequestInit) => Promise<Response>;

// Responses that must not carry a body (`new Response(body, { status })` refuses one for these).
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * Returns a fetch-compatible function that sends one request and resolves with a fully read JSON
 * response (of any status: tRPC reads its error bodies), or rejects with a PosternError.
 */
export function createTransport(options: ResolvedOptions): Transport {
  return async function posternFetch(input, init = {}) {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(options.headers);
    for (const [name, value] of new Headers(init.headers)) headers.set(name, value);
    if (options.apiKey !== undefined) headers.set('authorization', `Bearer ${options.apiKey}`);
    headers.set('x-postern-sdk', SDK_VERSION);

    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;

    let response: Response;
    let text: string;
    try {
      response = await options.fetch(url, {
        method: init.method ?? 'GET',
        headers,
        body: init.body ?? null,
        signal,
      });
      // Read the body here, under the same timeout, so a stalled answer fails like a stalled connection.
      text = await response.text();
    } catch (error) {
      throw exchangeFailed(error, {
        url,
        timeout,
        caller: init.signal ?? undefined,
        timeoutMs: options.timeoutMs,
      });
    }

    const requestId = response.headers.get('x-request-id') ?? undefined;
    const contentType = response.headers.get('content-type') ?? '';
    if (!/\bjson\b/i.test(contentType)) {
      // A web page where the API should be (wrong baseUrl), or a proxy's error page.
      const hint =
        response.ok || response.status === 404 ? ': is baseUrl the address of the Postern API?' : '';
      throw new PosternError({
        code: response.ok ? 'BAD_RESPONSE' : codeForHttpStatus(response.status),
        message:
          `Expected a JSON answer from ${url} but got HTTP ${response.status}` +
          `${contentType ? ` (${contentType.split(';')[0]})` : ''}${hint}`,
        httpStatus: response.status,
        requestId,
      });
    }
    return new Response(NULL_BODY_STATUS.has(response.status) ? null : text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

function exchangeFailed(
  error: unknown,
  context: { url: string; timeout: AbortSignal; caller: AbortSignal | undefined; timeoutMs: number },
): PosternError {
  if (context.caller?.aborted) {
    return new PosternError({
      code: 'ABORTED',
      message: `The request to ${context.url} was aborted`,
      cause: error,
    });
  }
  if (context.timeout.aborted) {
    return new PosternError({
      code: 'TIMEOUT',
      message: `No complete answer from ${context.url} within ${context.timeoutMs} ms`,
      cause: error,
    });
  }
  const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  const detail = reason ?? (error instanceof Error ? error.message : String(error));
  return new PosternError({
    code: 'NETWORK_ERROR',
    message: `Could not reach ${context.url}: ${detail}`,
    cause: error,
  });
}
