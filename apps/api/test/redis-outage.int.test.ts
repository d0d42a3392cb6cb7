// A Redis outage, end to end: a real API process on a Redis server this test owns (its own port, no
// persistence). With Redis killed, /v1 answers 503 UNAVAILABLE with Retry-After at once (it used to hang
// ~15 s and answer 500), sign-in — whose throttle lives in Redis — is refused the same way (fails
// closed), a signed-in dashboard read that does not need Redis still answers, and /readyz reports the
// store down. Redis restarted on the same port: everything answers again, without restarting the API.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { CSRF_HEADER } from '@postern/contracts';
import { freePort, type SpawnedApp, spawnApp, waitFor } from '@postern/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from './support/bulk.ts';
import { type Harness, newAccount, STRONG_PASSWORD, startHarness } from './support/harness.ts';

let h: Harness;
let api: SpawnedApp;
let redis: ChildProcess | undefined;
let redisPort = 0;
let key = '';
let email = '';
let cookie = '';

async function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  await waitFor(
    `redis-server on port ${port}`,
    () =>
      new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      }),
    { timeoutMs: 10_000, intervalMs: 50 },
  );
  return proc;
}

async function killRedis() {
  if (!redis || redis.exitCode !== null || redis.signalCode !== null) return;
  const exited = new Promise((resolve) => redis?.once('exit', resolve));
  redis.kill('SIGKILL');
  await exited;
}

/** A request to the spawned API; `ms` is how long it took to answer. */
async function call(path: string, init: RequestInit = {}) {
  const started = performance.now();
  const res = await fetch(`${api.url}${path}`, { ...init, signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? JSON.parse(text) : null,
    ms: performance.now() - started,
  };
}

const me = () => call('/v1/me', { headers: { authorization: `Bearer ${key}` } });
const validate = () =>
  call('/v1/validate', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'not an address' }),
  });
const dashboardRead = () => call('/trpc/workspaces.list', { headers: { cookie } });

/** Sign-in as the dashboard sends it: this API's CSRF cookie echoed in the header. */
async function signIn() {
  const first = await fetch(`${api.url}/trpc/system.health`);
  const csrf = first.headers
    .getSetCookie()
    .map((c) => /^(?:__Host-)?pst_csrf=([^;]+)/.exec(c)?.[1])
    .find(Boolean);
  await first.text();
  return call('/trpc/auth.signIn', {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `pst_csrf=${csrf}`, [CSRF_HEADER]: csrf ?? '' },
    body: JSON.stringify({ email, password: STRONG_PASSWORD }),
  });
}

beforeAll(async () => {
  // The harness (in this process, on the shared Redis) signs up and creates the key; everything
  // below goes to a real API process on the Redis server of this test.
  h = await startHarness();
  const account = await newAccount(h.app);
  email = account.email;
  key = await createApiKey(account);
  cookie = [...account.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  redisPort = await freePort();
  redis = await startRedis(redisPort);
  api = await spawnApp('api', {
    DATABASE_URL: h.db.url,
    REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
    POSTERN_SECRET: h.config.secret,
    WEB_DIST: '/nonexistent',
  });
  await api.waitForLine(/api ready/, 60_000);
}, 90_000);

afterAll(async () => {
  await api?.stop();
  await killRedis();
  await h?.close();
});

describe('a Redis outage', () => {
  it('with Redis up: /v1, the dashboard and readiness answer', async () => {
    expect((await me()).status).toBe(200);
    expect((await dashboardRead()).status).toBe(200);
    const ready = await call('/readyz?scope=api');
    expect(ready.body.checks.redis.status).toBe('ok');
  });

  it('with Redis killed: /v1 answers 503 UNAVAILABLE with Retry-After at once; sign-in fails closed; a dashboard read still works; /readyz says the store is down', async () => {
    await killRedis();

    for (const res of [await me(), await validate()]) {
      expect(res.status).toBe(503);
      expect(res.ms).toBeLessThan(2000);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.body).toMatchObject({ code: 'UNAVAILABLE', requestId: expect.any(String) });
      expect(res.body.message).toMatch(/Retry-After/);
    }

    // The sign-in throttle counts attempts in Redis: without it, sign-in is refused (not unthrottled).
    const refused = await signIn();
    expect(refused.status).toBe(503);
    expect(refused.ms).toBeLessThan(2000);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body.error.data).toMatchObject({ code: 'UNAVAILABLE', httpStatus: 503 });

    // A signed-in dashboard read needs only PostgreSQL (the session is a database row).
    const read = await dashboardRead();
    expect(read.status).toBe(200);
    expect(read.body.result.data.workspaces.length).toBeGreaterThan(0);

    const ready = await call('/readyz?scope=api');
    expect(ready.status).toBe(503);
    expect(ready.ms).toBeLessThan(2500);
    expect(ready.body.checks.redis.status).toBe('down');
    expect(ready.body.checks.database.status).toBe('ok');

    // Logged as an outage, not as an internal error.
    expect(api.lines.some((l) => l.includes('key-value store unavailable'))).toBe(true);
  });

  it('with Redis back on the same port: the API recovers without a restart', async () => {
    redis = await startRedis(redisPort);
    const started = Date.now();
    await waitFor('/v1/me to answer 200 again', async () => (await me()).status === 200, {
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await validate()).status).toBe(200);
    expect((await signIn()).status).toBe(200);
    const ready = await call('/readyz?scope=api');
    expect(ready.body.checks.redis.status).toBe('ok');
    expect(ready.status).toBe(200);
    expect(api.proc.exitCode).toBeNull();
  }, 30_000);
});
