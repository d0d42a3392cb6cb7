import { randomUUID } from 'node:crypto';
import { keyringFromConfig, recordHeartbeat, systemClock } from '@postern/core';
import { createOrm, type MikroORM } from '@postern/db';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import {
  connectRedis,
  createLogger,
  type KvStore,
  loadConfig,
  RedisKvStore,
  testServices,
} from '@postern/runtime';
import { createVerificationEngine } from '@postern/validator';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicApiDeps } from '../src/public-api.ts';
import { buildServer } from '../src/server.ts';

const DASHBOARD = 'http://dashboard.example.test';

describe('API server', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let kv: KvStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await createTestDatabase();
    // As the restricted application role, like the API in production.
    orm = await createOrm({ databaseUrl: db.appUrl, poolMax: 4 });
    kv = new RedisKvStore(
      await connectRedis(testServices().redisUrl, {
        connectTimeoutMs: 3000,
        keyPrefix: `test:${randomUUID()}:`,
      }),
    );
    const config = loadConfig({
      DATABASE_URL: db.appUrl,
      MIGRATION_DATABASE_URL: db.url,
      DASHBOARD_ORIGIN: DASHBOARD,
      LOG_LEVEL: 'silent',
      WEB_DIST: '/nonexistent',
    });
    app = await buildServer({
      config,
      orm,
      kv,
      logger: createLogger({ level: 'silent', name: 'api-test' }),
      clock: systemClock,
      keyring: keyringFromConfig(config),
      boss: { insert: async () => [], send: async () => null },
      sendMail: async () => {},
      ...publicApiDeps({ orm, kv, clock: systemClock }),
      engine: createVerificationEngine({ dns: { servers: ['127.0.0.1:1'], timeoutMs: 200, tries: 1 } }),
      version: '0.0.0-test',
      startedAt: new Date(),
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await kv?.close();
    await orm?.close(true);
    await db?.drop();
  });

  it('answers liveness on /healthz', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
  });

  it('reports not ready while no worker has sent a heartbeat, naming the failing check', async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    const body = res.json();
    expect(body.checks.database.status).toBe('ok');
    expect(body.checks.redis.status).toBe('ok');
    expect(body.checks.migrations.status).toBe('ok');
    expect(body.checks.worker).toMatchObject({
      status: 'down',
      detail: 'no worker has ever reported a heartbeat',
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('?scope=api is ready without a worker: the load balancer keeps the API while workers are down', async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz?scope=api' });
    expect(res.statusCode).toBe(200);
    expect(res.json().checks.worker.status).toBe('down');
  });

  it('is ready once a worker heartbeat is recent', async () => {
    await recordHeartbeat(
      orm.em.fork(),
      { workerId: 'test-worker', hostname: 'test', pid: 1, version: 'x', startedAt: new Date() },
      systemClock,
    );
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', version: '0.0.0-test' });
  });

  it('reports a stale heartbeat as down', async () => {
    const old = new Date(Date.now() - 10 * 60_000);
    await recordHeartbeat(
      orm.em.fork(),
      { workerId: 'test-worker', hostname: 'test', pid: 1, version: 'x', startedAt: old },
      { now: () => old },
    );
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.worker.detail).toMatch(/last heartbeat \d+s ago/);
  });

  it('serves the same health through tRPC', async () => {
    const res = await app.inject({ method: 'GET', url: '/trpc/system.health' });
    expect(res.statusCode).toBe(200);
    const data = res.json().result.data;
    expect(Object.keys(data.checks).sort()).toEqual(['api', 'database', 'migrations', 'redis', 'worker']);
  });

  it('gives every response a request id, keeping a well-formed incoming one', async () => {
    const generated = await app.inject({ method: 'GET', url: '/healthz' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'req-abc.123' },
    });
    expect(kept.headers['x-request-id']).toBe('req-abc.123');
    const hostile = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'a b\u0000<script>' },
    });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('allows CORS for the dashboard origin only', async () => {
    const allowed = await app.inject({
      method: 'OPTIONS',
      url: '/trpc/system.health',
      headers: { origin: DASHBOARD, 'access-control-request-method': 'POST' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe(DASHBOARD);
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');

    const refused = await app.inject({
      method: 'OPTIONS',
      url: '/trpc/system.health',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers unknown routes with the one JSON error shape', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/v1/nothing-here',
      headers: { 'x-request-id': 'rid-1' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      code: 'NOT_FOUND',
      message: 'No route for GET /v1/nothing-here',
      requestId: 'rid-1',
    });
  });

  it('maps tRPC errors to a domain code without leaking a stack trace', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/trpc/system.nope',
      headers: { 'x-request-id': 'rid-2' },
    });
    expect(res.statusCode).toBe(404);
    const body = res.json();
    expect(body.error.data).toMatchObject({ code: 'NOT_FOUND', requestId: 'rid-2' });
    expect(JSON.stringify(body)).not.toContain('stack');
    expect(JSON.stringify(body)).not.toMatch(/\.ts:\d+/);
  });

  it("treats a mutation call on a query as the caller's mistake, not an internal error", async () => {
    const res = await app.inject({ method: 'POST', url: '/trpc/system.health', payload: {} });
    expect(res.statusCode).toBe(405);
    expect(res.json().error.data.code).toBe('BAD_REQUEST');
  });

  it('rejects a malformed JSON body with a clear 400', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/anything',
      headers: { 'content-type': 'application/json' },
      payload: '{"broken": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('rejects an oversized body with 413', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/trpc/system.health',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
  });
});
