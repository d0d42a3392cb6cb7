// Black box: two real API processes (spawned, not two servers in one process) sharing PostgreSQL and
// Redis. A session revoked through one process is refused by the other on its very next request,
// although its access token has not expired.
import { randomUUID } from 'node:crypto';
import { AUTH_COOKIES, CSRF_HEADER } from '@postern/contracts';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { testServices } from '@postern/runtime';
import { type SpawnedApp, spawnApp, waitForHttp } from '@postern/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A browser-like client over real HTTP: a cookie jar and the CSRF header on mutations. */
class Browser {
  readonly jar = new Map<string, string>();

  async call<T>(
    base: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; data?: T; failure?: string }> {
    if (method === 'POST' && !this.jar.has(AUTH_COOKIES.csrf)) await this.call(base, 'GET', 'system.health');
    const res = await fetch(`${base}/trpc/${path}`, {
      method,
      headers: {
        cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(method === 'POST'
          ? { 'content-type': 'application/json', [CSRF_HEADER]: this.jar.get(AUTH_COOKIES.csrf) ?? '' }
          : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (name) jar(this.jar, name, value.join('='));
    }
    const json = (await res.json()) as {
      result?: { data: T };
      error?: { data?: { details?: { authFailure?: string } } };
    };
    return { status: res.status, data: json.result?.data, failure: json.error?.data?.details?.authFailure };
  }
}

function jar(cookies: Map<string, string>, name: string, value: string) {
  if (value) cookies.set(name, value);
  else cookies.delete(name);
}

describe('revocation across spawned API processes', () => {
  let db: TestDatabase;
  const apis: SpawnedApp[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: testServices().redisUrl,
      POSTERN_SECRET: `revocation-test-secret-${randomUUID()}`,
      LOG_LEVEL: 'warn',
    };
    for (let i = 0; i < 2; i++) apis.push(await spawnApp('api', env));
    for (const api of apis) await waitForHttp(`${api.url}/healthz`);
  });

  afterAll(async () => {
    for (const api of apis) await api.stop();
    await db?.drop();
  });

  it('a session revoked through one process is refused by the other on its next request', async () => {
    const [a, b] = apis.map((api) => api.url);
    if (!a || !b) throw new Error('two processes expected');
    const email = `revoke-${randomUUID()}@example.test`;
    const password = 'Correct-Horse-Battery-9';
    const laptop = new Browser();
    expect((await laptop.call(a, 'POST', 'auth.signUp', { email, password })).status).toBe(200);
    expect((await laptop.call(a, 'POST', 'auth.signIn', { email, password })).status).toBe(200);
    const phone = new Browser();
    expect((await phone.call(b, 'POST', 'auth.signIn', { email, password })).status).toBe(200);
    expect((await phone.call(b, 'GET', 'auth.me')).status).toBe(200);

    const sessions = (
      await laptop.call<{ sessions: { id: string; current: boolean }[] }>(a, 'GET', 'account.listSessions')
    ).data?.sessions;
    // Sign-up may or may not have opened a session of its own: revoke every session but this one.
    const others = sessions?.filter((s) => !s.current) ?? [];
    expect(others.length).toBeGreaterThanOrEqual(1);
    for (const other of others) {
      expect((await laptop.call(a, 'POST', 'account.revokeSession', { id: other.id })).status).toBe(200);
    }

    const next = await phone.call(b, 'GET', 'auth.me');
    expect(next.status).toBe(401);
    expect(next.failure).toBe('session_revoked');
    expect((await phone.call(b, 'POST', 'auth.refresh')).status).toBe(401);
    expect((await laptop.call(b, 'GET', 'auth.me')).status).toBe(200);
  });
});
