// HTTP conformance of /v1 (#24): rate-limit headers that agree with each other and with Retry-After,
// 415 for a body that is not JSON, RFC 6750's WWW-Authenticate on every 401.
import { LEGACY_API_KEY_SCOPES } from '@postern/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from './support/api-keys.ts';
import { type Harness, newAccount, startHarness } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** A key with every scope a key had before scopes existed. */
async function keyFor(account: Awaited<ReturnType<typeof newAccount>>) {
  const res = await account.client.mutate<{ key: { id: string }; secret: string }>('apiKeys.create', {
    workspaceId: account.workspaceId,
    name: 'conformance',
    scopes: [...LEGACY_API_KEY_SCOPES],
  });
  expect(res.status).toBe(200);
  return { id: res.data?.key.id ?? '', secret: res.data?.secret ?? '' };
}

/** `"workspace";r=3;t=40` → { r: 3, t: 40 } for the named bucket. */
function field(header: string | undefined, name: string): Record<string, number> {
  const item = (header ?? '').split(', ').find((part) => part.startsWith(`"${name}";`)) ?? '';
  return Object.fromEntries(
    item
      .split(';')
      .slice(1)
      .map((pair) => pair.split('=') as [string, string])
      .map(([k, v]) => [k, Number(v)]),
  );
}

describe('rate-limit headers', () => {
  it('a 200 and a 429 say the same thing in RateLimit, X-RateLimit-* and Retry-After', async () => {
    const account = await newAccount(h.app);
    const key = await keyFor(account);
    const first = await get(h.app, '/v1/jobs', key.secret);
    expect(first.statusCode).toBe(200);
    // Admitted: remaining after this request, and when the bucket is full again (1 unit/s refill).
    const ok = field(first.headers.ratelimit as string, 'workspace');
    expect(ok.r).toBe(99);
    expect(first.headers['x-ratelimit-remaining']).toBe(String(ok.r));
    expect(first.headers['x-ratelimit-reset']).toBe(String(ok.t));
    expect(ok.t).toBeGreaterThanOrEqual(1);
    expect(first.headers['retry-after']).toBeUndefined();
    expect(field(first.headers['ratelimit-policy'] as string, 'workspace')).toEqual({ q: 100, w: 100 });

    const rest = await Promise.all(Array.from({ length: 110 }, () => get(h.app, '/v1/jobs', key.secret)));
    const refused = rest.find((r) => r.statusCode === 429);
    expect(refused?.json()).toMatchObject({ code: 'RATE_LIMITED' });
    const retryAfter = Number(refused?.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    // Refused: the reset is the wait before a request can pass — the same number as Retry-After,
    // not the ~100 s until the bucket is full.
    expect(refused?.headers['x-ratelimit-reset']).toBe(String(retryAfter));
    expect(field(refused?.headers.ratelimit as string, 'workspace')).toEqual({ r: 0, t: retryAfter });
    expect(refused?.headers['x-ratelimit-remaining']).toBe('0');
    expect(retryAfter).toBeLessThan(5);
  });

  it('a refused check names both buckets and the longer wait is Retry-After and the reset', async () => {
    const account = await newAccount(h.app);
    const key = await keyFor(account);
    const batch = (n: number) =>
      h.app.inject({
        method: 'POST',
        url: '/v1/validate/batch',
        headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
        payload: { emails: Array.from({ length: n }, (_, i) => `user${i}@example.com`) },
      });
    let refused: Awaited<ReturnType<typeof batch>> | undefined;
    for (let i = 0; i < 4 && !refused; i++) {
      const res = await batch(50);
      if (res.statusCode === 429) refused = res;
    }
    expect(refused?.json()).toMatchObject({ code: 'RATE_LIMITED' });
    const retryAfter = Number(refused?.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused?.headers['x-ratelimit-reset']).toBe(String(retryAfter));
    const workspace = field(refused?.headers.ratelimit as string, 'workspace');
    const owner = field(refused?.headers.ratelimit as string, 'account');
    expect(Math.max(workspace.t ?? 0, owner.t ?? 0)).toBe(retryAfter);
  });
});

describe('media types and authentication challenges', () => {
  it('a body that is not JSON on a JSON route is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const account = await newAccount(h.app);
    const key = await keyFor(account);
    for (const [type, payload] of [
      ['text/plain', '{"email":"a@example.com"}'],
      ['application/x-www-form-urlencoded', 'email=a%40example.com'],
      ['application/xml', '<email>a@example.com</email>'],
    ] as const) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/v1/validate',
        headers: { authorization: `Bearer ${key.secret}`, 'content-type': type },
        payload,
      });
      expect(res.statusCode, type).toBe(415);
      expect(res.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.any(String) });
    }
    // No Content-Type at all is no JSON either.
    const untyped = await h.app.inject({
      method: 'POST',
      url: '/v1/validate',
      headers: { authorization: `Bearer ${key.secret}` },
      payload: Buffer.from('{"email":"a@example.com"}'),
    });
    expect(untyped.statusCode).toBe(415);
    expect(untyped.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    const json = await h.app.inject({
      method: 'POST',
      url: '/v1/validate',
      headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
      payload: { email: 'a@example.com' },
    });
    expect(json.statusCode).toBe(200);
  });

  it('every 401 from /v1 carries WWW-Authenticate: Bearer (invalid_token when a key was sent)', async () => {
    const none = await get(h.app, '/v1/me');
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="postern"');
    const malformed = await get(h.app, '/v1/me', undefined, { authorization: 'Basic abc' });
    expect(malformed.statusCode).toBe(401);
    expect(malformed.headers['www-authenticate']).toBe('Bearer realm="postern", error="invalid_token"');
    const { generateApiKey } = await import('@postern/core');
    const unknown = await get(h.app, '/v1/jobs', generateApiKey());
    expect(unknown.statusCode).toBe(401);
    expect(unknown.headers['www-authenticate']).toBe('Bearer realm="postern", error="invalid_token"');
    const account = await newAccount(h.app);
    const key = await keyFor(account);
    expect((await get(h.app, '/v1/jobs', key.secret)).headers['www-authenticate']).toBeUndefined();
  });
});
