// Every failure of a call rejects with a PosternError with a code to branch on, the HTTP status when
// there was an answer, and the API's request id. API errors come from the real API; stalled and
// non-API answers from small local servers. Retries are off here except where noted: their own
// tests are in retry.int.test.ts.
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CJS_ENTRY,
  type DashboardUser,
  loadBuiltEsm,
  newApiKey,
  type RunningApi,
  startApi,
  startLocalServer,
  wellFormedKey,
} from './helpers.ts';

type Sdk = Awaited<ReturnType<typeof loadBuiltEsm>>;
type PosternError = InstanceType<Sdk['PosternError']>;

/** Runs a call that must fail and returns what it rejected with. */
async function failure(call: Promise<unknown>): Promise<PosternError> {
  try {
    await call;
  } catch (error) {
    return error as PosternError;
  }
  throw new Error('expected the call to fail');
}

describe('errors from the real API', () => {
  let sdk: Sdk;
  let api: RunningApi;
  let key: { user: DashboardUser; id: string; secret: string };

  beforeAll(async () => {
    sdk = await loadBuiltEsm();
    api = await startApi();
    key = await newApiKey(api.url);
  });

  afterAll(async () => {
    await api?.stop();
  });

  it('an unknown key (well-formed, never issued) is UNAUTHENTICATED with the request id, not retried', async () => {
    const client = sdk.createClient({ baseUrl: api.url, apiKey: wellFormedKey() });
    const error = await failure(client.me());
    expect(error).toBeInstanceOf(sdk.PosternError);
    expect(error).toMatchObject({
      name: 'PosternError',
      code: 'UNAUTHENTICATED',
      httpStatus: 401,
      message: 'Unknown API key',
      attempts: 1,
      retryable: false,
      retryStoppedBy: undefined,
    });
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'Unknown API key',
      httpStatus: 401,
      requestId: error.requestId,
      attempts: 1,
    });
  });

  it('a revoked key is UNAUTHENTICATED on the very next call', async () => {
    const { id, secret } = await key.user.createKey('revoked soon');
    const client = sdk.createClient({ baseUrl: api.url, apiKey: secret });
    await expect(client.me()).resolves.toMatchObject({ key: { id } });
    await key.user.revokeKey(id);
    const error = await failure(client.usage());
    expect(error).toMatchObject({
      code: 'UNAUTHENTICATED',
      httpStatus: 401,
      message: 'This API key was revoked',
    });
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the request id is the one the caller chose, through the headers option', async () => {
    const requestId = `sdk-test-${Date.now()}`;
    const client = sdk.createClient({
      baseUrl: api.url,
      apiKey: wellFormedKey(),
      headers: { 'x-request-id': requestId },
    });
    expect(await failure(client.me())).toMatchObject({ code: 'UNAUTHENTICATED', requestId });
  });

  it('a wrong path prefix in baseUrl is NOT_FOUND with a hint, not retried', async () => {
    const client = sdk.createClient({ baseUrl: `${api.url}/not-the-api`, apiKey: key.secret });
    const error = await failure(client.me());
    expect(error).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404, attempts: 1 });
    expect(error.message).toMatch(/No route for GET \/not-the-api\/v1\/me/);
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('isPosternError and toPosternError recognise errors of the CJS build too', async () => {
    const cjs = createRequire(import.meta.url)(CJS_ENTRY) as Sdk;
    const fromCjs = await failure(cjs.createClient({ baseUrl: api.url, apiKey: wellFormedKey() }).me());
    expect(fromCjs).not.toBeInstanceOf(sdk.PosternError);
    expect(sdk.isPosternError(fromCjs)).toBe(true);
    expect(sdk.toPosternError(fromCjs)).toBe(fromCjs);
    expect(fromCjs.code).toBe('UNAUTHENTICATED');
  });
});

describe('errors of the exchange itself', () => {
  let sdk: Sdk;
  const apiKey = wellFormedKey();

  beforeAll(async () => {
    sdk = await loadBuiltEsm();
  });

  it('a server that accepts but never answers is TIMEOUT after timeoutMs', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const server: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    try {
      const client = sdk.createClient({
        baseUrl: `http://127.0.0.1:${port}`,
        apiKey,
        timeoutMs: 300,
        retry: false,
      });
      const started = performance.now();
      const error = await failure(client.me());
      expect(error).toMatchObject({ code: 'TIMEOUT', attempts: 1, httpStatus: undefined });
      expect(error.message).toMatch(/within 300 ms/);
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('an answer whose body stalls is TIMEOUT too', async () => {
    const server = await startLocalServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"workspace":');
    });
    try {
      const client = sdk.createClient({ baseUrl: server.url, apiKey, timeoutMs: 300, retry: false });
      expect((await failure(client.me())).code).toBe('TIMEOUT');
    } finally {
      await server.close();
    }
  });

  it('a proxy error page (502, HTML) is UNAVAILABLE with its status and request id', async () => {
    const server = await startLocalServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html', 'x-request-id': 'proxy-42' });
      res.end('<html><body>Bad Gateway</body></html>');
    });
    try {
      const client = sdk.createClient({ baseUrl: server.url, apiKey, retry: false });
      const error = await failure(client.me());
      expect(error).toMatchObject({
        code: 'UNAVAILABLE',
        httpStatus: 502,
        requestId: 'proxy-42',
        retryable: true,
      });
      expect(error.message).toMatch(/HTTP 502 \(text\/html\) .* without a Postern error body/);
    } finally {
      await server.close();
    }
  });

  it('a 200 that is not the API (a web page at baseUrl) is BAD_RESPONSE, not retried', async () => {
    let hits = 0;
    const server = await startLocalServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Some app</title>');
    });
    try {
      const error = await failure(sdk.createClient({ baseUrl: server.url, apiKey }).me());
      expect(error).toMatchObject({ code: 'BAD_RESPONSE', httpStatus: 200, attempts: 1 });
      expect(error.message).toMatch(/is baseUrl the address of the Postern API\?/);
      expect(hits).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('a validation error body keeps its issues', async () => {
    const server = await startLocalServer((_req, res) => {
      res.writeHead(422, { 'content-type': 'application/json', 'x-request-id': 'req-422' });
      res.end(
        JSON.stringify({
          code: 'VALIDATION_FAILED',
          message: 'The input is not valid',
          requestId: 'req-422',
          issues: [{ path: 'email', message: 'Invalid email' }],
        }),
      );
    });
    try {
      const error = await failure(sdk.createClient({ baseUrl: server.url, apiKey }).me());
      expect(error).toMatchObject({
        code: 'VALIDATION_FAILED',
        httpStatus: 422,
        requestId: 'req-422',
        issues: [{ path: 'email', message: 'Invalid email' }],
      });
    } finally {
      await server.close();
    }
  });

  it('toPosternError turns other failures into PosternErrors', () => {
    expect(sdk.toPosternError(new DOMException('x', 'TimeoutError')).code).toBe('TIMEOUT');
    expect(sdk.toPosternError(new DOMException('x', 'AbortError')).code).toBe('ABORTED');
    const other = sdk.toPosternError(new Error('boom'));
    expect(other).toMatchObject({ code: 'INTERNAL', message: 'boom', attempts: 0 });
  });
});
