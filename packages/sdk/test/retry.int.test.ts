// Retries, back-off, timeouts and cancellation, against small real HTTP servers that fail on
// purpose (the real API cannot produce a 5xx or a stalled answer on demand). Times are measured on
// the server side: when each request actually arrived.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { freePort } from '@postern/runtime/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, loadBuiltEsm, startLocalServer, wellFormedKey } from './helpers.ts';

type Sdk = Awaited<ReturnType<typeof loadBuiltEsm>>;
type Options = Parameters<Sdk['createClient']>[0];
type PosternError = InstanceType<Sdk['PosternError']>;
type RetryEvent = Parameters<NonNullable<Exclude<Options['retry'], false | undefined>['onRetry']>>[0];

const ME = {
  workspace: { id: 'ws_1', name: 'Acme', plan: 'starter' },
  key: { id: 'key_1', name: 'Server', displayPrefix: 'pst_live_AbCd…', expiresAt: null },
};

type Reply = (req: IncomingMessage, res: ServerResponse) => void;

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
const apiError = (status: number, code: string, headers: Record<string, string> = {}) =>
  json(status, { code, message: `${code} on purpose`, requestId: `req-${status}` }, headers);
const ok = json(200, ME, {
  'x-request-id': 'req-ok',
  'x-ratelimit-limit': '100',
  'x-ratelimit-remaining': '7',
});
const stall: Reply = () => {};
const hangUp: Reply = (req) => req.socket.destroy();

/** A server that answers request n with replies[n] (the last one repeats), recording arrival times. */
async function scripted(...replies: Reply[]): Promise<LocalServer & { hits: number[] }> {
  const hits: number[] = [];
  const server = await startLocalServer((req, res) => {
    hits.push(performance.now());
    const reply = replies[Math.min(hits.length, replies.length) - 1];
    reply?.(req, res);
  });
  servers.push(server);
  return Object.assign(server, { hits });
}

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function failure(call: Promise<unknown>): Promise<PosternError> {
  try {
    await call;
  } catch (error) {
    return error as PosternError;
  }
  throw new Error('expected the call to fail');
}

let sdk: Sdk;
const apiKey = wellFormedKey();
beforeAll(async () => {
  sdk = await loadBuiltEsm();
});

function client(baseUrl: string, options: Partial<Options> = {}) {
  return sdk.createClient({ baseUrl, apiKey, ...options });
}

describe('retries of transient failures', () => {
  it('5xx answers are retried with full-jitter exponential back-off until one succeeds', async () => {
    const server = await scripted(
      apiError(500, 'INTERNAL'),
      (_req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<h1>Bad Gateway</h1>');
      },
      apiError(503, 'UNAVAILABLE'),
      ok,
    );
    const events: RetryEvent[] = [];
    const base = 80;
    const max = 200;
    const started = performance.now();
    const { data, meta } = await client(server.url, {
      retry: { maxRetries: 3, baseDelayMs: base, maxDelayMs: max, onRetry: (e) => events.push(e) },
    })
      .me()
      .withMeta();
    const elapsed = performance.now() - started;

    expect(data).toEqual(ME);
    expect(meta).toMatchObject({ httpStatus: 200, attempts: 4, requestId: 'req-ok' });
    expect(meta.rateLimit).toMatchObject({ limit: 100, remaining: 7 });
    expect(server.hits).toHaveLength(4);
    expect(events.map((e) => [e.attempt, e.error.code, e.error.httpStatus])).toEqual([
      [1, 'INTERNAL', 500],
      [2, 'UNAVAILABLE', 502],
      [3, 'UNAVAILABLE', 503],
    ]);
    expect(events.every((e) => e.method === 'GET' && e.path === '/v1/me')).toBe(true);
    // Full jitter: wait n is in [0, min(max, base × 2^n)), and the next request arrives no sooner.
    const caps = [base, base * 2, max];
    events.forEach((event, n) => {
      expect(event.delayMs).toBeGreaterThanOrEqual(0);
      expect(event.delayMs).toBeLessThan(caps[n] ?? 0);
      const gap = (server.hits[n + 1] ?? 0) - (server.hits[n] ?? 0);
      expect(gap).toBeGreaterThanOrEqual(event.delayMs - 1);
      expect(gap).toBeLessThan(event.delayMs + 150);
    });
    expect(elapsed).toBeLessThan(base + base * 2 + max + 500);
  });

  it('a 503 with Retry-After is retried no sooner than it says', async () => {
    const server = await scripted(apiError(503, 'UNAVAILABLE', { 'retry-after': '1' }), ok);
    const events: RetryEvent[] = [];
    const { meta } = await client(server.url, { retry: { baseDelayMs: 50, onRetry: (e) => events.push(e) } })
      .me()
      .withMeta();
    expect(meta.attempts).toBe(2);
    expect(events[0]?.error.retryAfterSeconds).toBe(1);
    expect(events[0]?.delayMs).toBeGreaterThanOrEqual(1000);
    expect(events[0]?.delayMs).toBeLessThan(1050);
    expect((server.hits[1] ?? 0) - (server.hits[0] ?? 0)).toBeGreaterThanOrEqual(999);
  });

  it('a connection the server drops is a NETWORK_ERROR, retried', async () => {
    const server = await scripted(hangUp, hangUp, ok);
    const events: RetryEvent[] = [];
    const { meta } = await client(server.url, { retry: { baseDelayMs: 20, onRetry: (e) => events.push(e) } })
      .me()
      .withMeta();
    expect(meta.attempts).toBe(3);
    expect(server.hits).toHaveLength(3);
    expect(events.map((e) => e.error.code)).toEqual(['NETWORK_ERROR', 'NETWORK_ERROR']);
  });

  it('nothing listening: NETWORK_ERROR once maxRetries retries failed', async () => {
    const baseUrl = `http://127.0.0.1:${await freePort()}`;
    const error = await failure(client(baseUrl, { retry: { maxRetries: 2, baseDelayMs: 10 } }).me());
    expect(error).toMatchObject({
      code: 'NETWORK_ERROR',
      httpStatus: undefined,
      attempts: 3,
      retryStoppedBy: 'maxRetries',
      retryable: true,
    });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('a 5xx that persists fails after maxRetries retries with the last answer', async () => {
    const server = await scripted(apiError(503, 'UNAVAILABLE'));
    const error = await failure(client(server.url, { retry: { maxRetries: 2, baseDelayMs: 10 } }).usage());
    expect(error).toMatchObject({
      code: 'UNAVAILABLE',
      httpStatus: 503,
      requestId: 'req-503',
      attempts: 3,
      retryStoppedBy: 'maxRetries',
    });
    expect(server.hits).toHaveLength(3);
  });

  it.each([
    [400, 'BAD_REQUEST'],
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [409, 'CONFLICT'],
    [422, 'VALIDATION_FAILED'],
    [501, 'INTERNAL'],
  ])('HTTP %i (%s) is never retried', async (status, code) => {
    const server = await scripted(apiError(status, code), ok);
    const error = await failure(client(server.url, { retry: { baseDelayMs: 1 } }).me());
    expect(error).toMatchObject({ code, httpStatus: status, attempts: 1, retryStoppedBy: undefined });
    expect(error.retryable).toBe(false);
    expect(server.hits).toHaveLength(1);
  });

  it('retry: false makes a single attempt', async () => {
    const server = await scripted(apiError(503, 'UNAVAILABLE'), ok);
    const error = await failure(client(server.url, { retry: false }).me());
    expect(error).toMatchObject({ code: 'UNAVAILABLE', attempts: 1 });
    expect(server.hits).toHaveLength(1);
  });

  it('the retry budget keeps a storm of 5xx from multiplying the load', async () => {
    const server = await scripted(apiError(503, 'UNAVAILABLE'));
    const CALLS = 30;
    const budget = { ratio: 0.1, minRetries: 2, windowMs: 60_000 };
    const c = client(server.url, { retry: { maxRetries: 3, baseDelayMs: 5, budget } });
    const errors = await Promise.all(Array.from({ length: CALLS }, () => failure(c.me())));
    // Without a budget: 30 × 4 = 120 requests. With it: 30 + 10 % of 30 + 2.
    expect(server.hits.length).toBeLessThanOrEqual(CALLS * (1 + budget.ratio) + budget.minRetries);
    expect(server.hits.length).toBe(errors.reduce((sum, e) => sum + e.attempts, 0));
    expect(errors.every((e) => e.code === 'UNAVAILABLE')).toBe(true);
    expect(errors.filter((e) => e.retryStoppedBy === 'budget').length).toBeGreaterThanOrEqual(CALLS - 5);
  });
});

describe('timeouts', () => {
  it('an attempt that gets no answer within timeoutMs is abandoned and retried', async () => {
    const server = await scripted(stall, ok);
    const events: RetryEvent[] = [];
    const started = performance.now();
    const { meta } = await client(server.url, {
      timeoutMs: 300,
      retry: { baseDelayMs: 10, onRetry: (e) => events.push(e) },
    })
      .me()
      .withMeta();
    const elapsed = performance.now() - started;
    expect(meta.attempts).toBe(2);
    expect(events[0]?.error).toMatchObject({ code: 'TIMEOUT', attempts: 1 });
    expect(events[0]?.error.message).toMatch(/within 300 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(295);
    expect(elapsed).toBeLessThan(3000);
  });

  it('every attempt stalling: TIMEOUT after maxRetries + 1 attempts of timeoutMs each', async () => {
    const server = await scripted(stall);
    const started = performance.now();
    const error = await failure(
      client(server.url, { timeoutMs: 150, retry: { maxRetries: 1, baseDelayMs: 10 } }).me(),
    );
    expect(error).toMatchObject({ code: 'TIMEOUT', attempts: 2, retryStoppedBy: 'maxRetries' });
    expect(server.hits).toHaveLength(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });

  it('a per-call timeoutMs replaces the client one', async () => {
    const server = await scripted(stall);
    const started = performance.now();
    const error = await failure(client(server.url, { retry: false }).me({ timeoutMs: 200 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/within 200 ms/);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('an AbortSignal.timeout() deadline gives TIMEOUT and is not retried', async () => {
    const server = await scripted(stall);
    const started = performance.now();
    const error = await failure(client(server.url).me({ signal: AbortSignal.timeout(200) }));
    expect(error).toMatchObject({ code: 'TIMEOUT', attempts: 1, retryStoppedBy: undefined });
    expect(server.hits).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

describe('cancellation', () => {
  it('an AbortSignal cancels the call during the back-off wait, and nothing more is sent', async () => {
    const server = await scripted(apiError(503, 'UNAVAILABLE', { 'retry-after': '5' }));
    const controller = new AbortController();
    const c = client(server.url, { retry: { maxRetryAfterMs: 10_000 } });
    const started = performance.now();
    setTimeout(() => controller.abort(), 150);
    const error = await failure(c.me({ signal: controller.signal }));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ code: 'ABORTED', attempts: 1 });
    expect(error.message).toMatch(/while waiting to retry after UNAVAILABLE/);
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(3000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.hits).toHaveLength(1);
  });

  it('an AbortSignal cancels a request in flight', async () => {
    const server = await scripted(stall);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(client(server.url).usage({ signal: controller.signal }));
    expect(error).toMatchObject({ code: 'ABORTED', attempts: 1 });
    expect(server.hits).toHaveLength(1);
  });

  it('an aborted signal sends nothing', async () => {
    const server = await scripted(ok);
    const error = await failure(client(server.url).me({ signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ code: 'ABORTED', attempts: 0 });
    expect(server.hits).toHaveLength(0);
  });
});
