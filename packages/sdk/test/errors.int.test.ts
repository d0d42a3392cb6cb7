// Every failure of a call becomes a PosternError with a code to branch on, the HTTP status when
// there was an answer, and the API's request id. Server errors come from the real API; stalled
// and non-API answers from small local servers.

import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { freePort } from '@postern/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CJS_ENTRY, loadBuiltEsm, type RunningApi, startApi, startLocalServer } from './helpers.ts';

type Sdk = Awaited<ReturnType<typeof loadBuiltEsm>>;

/** Runs a call that must fail and returns its PosternError. */
async function failure(sdk: Sdk, call: () => Promise<unknown>) {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return sdk.toPosternError(error);
  }
  throw new Error('expected the call to fail');
}

/** The client seen through a procedure path the router does not have. */
function unknownProcedure(client: unknown) {
  return (client as { system: { nope: { query(): Promise<unknown> } } }).system.nope;
}

describe('errors from the real API', () => {
  let sdk: Sdk;
  let api: RunningApi;

  beforeAll(async () => {
    sdk = await loadBuiltEsm();
    api = await startApi();
  });

  afterAll(async () => {
    await api?.stop();
  });

  it('an unknown procedure is NOT_FOUND with the request id the API logged', async () => {
    const requestId = `sdk-test-${Date.now()}`;
    const client = sdk.createClient({ baseUrl: api.url, headers: { 'x-request-id': requestId } });
    const error = await failure(sdk, () => unknownProcedure(client).query());
    expect(error).toBeInstanceOf(sdk.PosternError);
    expect(error).toMatchObject({ name: 'PosternError', code: 'NOT_FOUND', httpStatus: 404, requestId });
    expect(error.message).toMatch(/system\.nope/);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'NOT_FOUND',
      message: error.message,
      httpStatus: 404,
      requestId,
    });
  });

  it('the request id is the one the API generated when the caller sent none', async () => {
    const client = sdk.createClient({ baseUrl: api.url });
    const error = await failure(sdk, () => unknownProcedure(client).query());
    expect(error.code).toBe('NOT_FOUND');
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a REST-shaped error body (wrong path prefix in baseUrl) keeps its code and request id', async () => {
    const client = sdk.createClient({ baseUrl: `${api.url}/not-the-api` });
    const error = await failure(sdk, () => client.system.health.query());
    expect(error).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    expect(error.message).toMatch(/No route for GET \/not-the-api\/trpc\/system\.health/);
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('toPosternError returns a PosternError as is, also one made by the CJS build', async () => {
    const cjs = createRequire(import.meta.url)(CJS_ENTRY) as Sdk;
    const client = cjs.createClient({ baseUrl: api.url });
    const fromCjs = await failure(cjs, () => unknownProcedure(client).query());
    expect(fromCjs).not.toBeInstanceOf(sdk.PosternError);
    expect(sdk.isPosternError(fromCjs)).toBe(true);
    expect(sdk.toPosternError(fromCjs)).toBe(fromCjs);
  });
});

describe('errors of the exchange itself', () => {
  let sdk: Sdk;

  beforeAll(async () => {
    sdk = await loadBuiltEsm();
  });

  it('nothing listening is NETWORK_ERROR, without a status', async () => {
    const baseUrl = `http://127.0.0.1:${await freePort()}`;
    const error = await failure(sdk, () => sdk.createClient({ baseUrl }).system.health.query());
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', httpStatus: undefined, requestId: undefined });
    expect(error.message).toContain(`Could not reach ${baseUrl}/trpc/system.health`);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('a server that accepts but never answers is TIMEOUT after timeoutMs', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const server: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    try {
      const client = sdk.createClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 300 });
      const started = performance.now();
      const error = await failure(sdk, () => client.system.health.query());
      expect(error.code).toBe('TIMEOUT');
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
      res.write('{"result":');
    });
    try {
      const client = sdk.createClient({ baseUrl: server.url, timeoutMs: 300 });
      const error = await failure(sdk, () => client.system.health.query());
      expect(error.code).toBe('TIMEOUT');
    } finally {
      await server.close();
    }
  });

  it("the caller's AbortSignal gives ABORTED, before or during the request", async () => {
    const server = await startLocalServer(() => {});
    try {
      const client = sdk.createClient({ baseUrl: server.url });
      const before = await failure(sdk, () =>
        client.system.health.query(undefined, { signal: AbortSignal.abort() }),
      );
      expect(before.code).toBe('ABORTED');
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const during = await failure(sdk, () =>
        client.system.health.query(undefined, { signal: controller.signal }),
      );
      expect(during.code).toBe('ABORTED');
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
      const error = await failure(sdk, () => sdk.createClient({ baseUrl: server.url }).system.health.query());
      expect(error).toMatchObject({ code: 'UNAVAILABLE', httpStatus: 502, requestId: 'proxy-42' });
      expect(error.message).toMatch(/Expected a JSON answer .* got HTTP 502 \(text\/html\)/);
    } finally {
      await server.close();
    }
  });

  it('a 200 that is not the API (a web page at baseUrl) is BAD_RESPONSE', async () => {
    const server = await startLocalServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Some app</title>');
    });
    try {
      const error = await failure(sdk, () => sdk.createClient({ baseUrl: server.url }).system.health.query());
      expect(error).toMatchObject({ code: 'BAD_RESPONSE', httpStatus: 200 });
      expect(error.message).toMatch(/is baseUrl the address of the Postern API\?/);
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
      const error = await failure(sdk, () => sdk.createClient({ baseUrl: server.url }).system.health.query());
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

  it('toPosternError wraps anything else as INTERNAL, keeping the cause', () => {
    const cause = new Error('boom');
    const error = sdk.toPosternError(cause);
    expect(error).toMatchObject({ code: 'INTERNAL', message: 'boom', cause });
    expect(sdk.toPosternError('text')).toMatchObject({ code: 'INTERNAL', message: 'text' });
  });
});
