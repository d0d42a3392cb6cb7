// API keys and the public API through the real API on two instances: keys shown once and stored as
// hashes, role checks and audit, bearer auth, revocation and expiry, rate limits, usage, OpenAPI.
import { API_KEY_PATTERN } from '@postern/contracts';
import { isWellFormedApiKey } from '@postern/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, keyForHelper } from './support/api-keys.ts';
import { addMember, findStoredSecrets, type Harness, newAccount, startHarness } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ instances: 2 });
});
afterAll(async () => {
  await h.close();
});

const secrets: string[] = [];
const keyFor = keyForHelper(secrets);

describe('API keys', () => {
  it('are shown once in a recognisable, checksummed format and stored only as a hash', async () => {
    const account = await newAccount(h.app);
    const key = await keyFor(account);
    expect(key.secret).toMatch(API_KEY_PATTERN);
    expect(isWellFormedApiKey(key.secret)).toBe(true);
    expect(isWellFormedApiKey(`${key.secret.slice(0, -1)}${key.secret.endsWith('A') ? 'B' : 'A'}`)).toBe(
      false,
    );
    expect(key.displayPrefix).toBe(`${key.secret.slice(0, 13)}…`);
    const list = await account.client.query<{ keys: unknown[] }>('apiKeys.list', {
      workspaceId: account.workspaceId,
    });
    expect(JSON.stringify(list.data)).not.toContain(key.secret);
    expect(await findStoredSecrets(h.db, [key.secret])).toEqual([]);
  });

  it('are created and revoked by owners and admins only, and both are audited', async () => {
    const owner = await newAccount(h.app);
    const member = await newAccount(h.app);
    await addMember(h, owner.client, owner.workspaceId, member, 'member');
    expect(
      (await member.client.mutate('apiKeys.create', { workspaceId: owner.workspaceId, name: 'x' })).error
        ?.data.code,
    ).toBe('FORBIDDEN');
    const key = await keyFor(owner);
    expect(
      (await owner.client.mutate('apiKeys.revoke', { workspaceId: owner.workspaceId, keyId: key.id })).status,
    ).toBe(200);
    const log = await owner.client.query<{ entries: { eventType: string }[] }>('audit.list', {
      workspaceId: owner.workspaceId,
      eventTypes: ['apikey.created', 'apikey.revoked'],
    });
    expect(log.data?.entries.map((e) => e.eventType)).toEqual(['apikey.revoked', 'apikey.created']);
  });
});

describe('the public API', () => {
  it('answers /v1/me for a valid key, with rate-limit headers', async () => {
    const account = await newAccount(h.app);
    const key = await keyFor(account);
    const res = await get(h.app, '/v1/me', key.secret);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      workspace: { id: account.workspaceId, plan: 'starter' },
      key: { id: key.id, name: 'Production Server' },
    });
    expect(res.headers['ratelimit-policy']).toMatch(/^"workspace";q=100;w=100$/);
    expect(res.headers.ratelimit).toMatch(/^"workspace";r=99;t=\d+$/);
    expect(res.headers['x-ratelimit-limit']).toBe('100');
    expect(res.headers['x-ratelimit-remaining']).toBe('99');
  });

  it('refuses a key in the query string with a clear error', async () => {
    const account = await newAccount(h.app);
    const key = await keyFor(account);
    const res = await get(h.app, `/v1/me?api_key=${key.secret}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/Authorization header/),
    });
  });

  it('refuses missing, malformed and unknown keys with the one error shape', async () => {
    for (const [key, message] of [
      [undefined, /Authorization: Bearer/],
      ['pst_live_nope', /not a valid Postern API key/],
    ] as const) {
      const res = await get(h.app, '/v1/me', key, { 'x-request-id': 'rid-key' });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        code: 'UNAUTHENTICATED',
        message: expect.stringMatching(message),
        requestId: 'rid-key',
      });
    }
    const account = await newAccount(h.app);
    const real = await keyFor(account);
    // Well-formed and checksummed, but never issued.
    const { generateApiKey } = await import('@postern/core');
    expect((await get(h.app, '/v1/me', generateApiKey())).json().message).toBe('Unknown API key');
    expect(
      (await get(h.app, '/v1/me', real.secret, { authorization: `Basic ${real.secret}` })).statusCode,
    ).toBe(401);
  });

  it('refuses a revoked key on the very next request, on every API process', async () => {
    const account = await newAccount(h.app);
    const key = await keyFor(account);
    for (const app of h.apps) expect((await get(app, '/v1/me', key.secret)).statusCode).toBe(200);
    await account.client.mutate('apiKeys.revoke', { workspaceId: account.workspaceId, keyId: key.id });
    for (const app of h.apps) {
      const res = await get(app, '/v1/me', key.secret);
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toBe('This API key was revoked');
      // A check route authorises through the two-bucket charge: the marker holds there too.
      const check = await app.inject({
        method: 'POST',
        url: '/v1/validate',
        headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ email: 'someone@example.com' }),
      });
      expect(check.statusCode).toBe(401);
      expect(check.json().message).toBe('This API key was revoked');
    }
  });

  it('refuses an expired key', async () => {
    const account = await newAccount(h.app);
    const res = await account.client.mutate<{ secret: string }>('apiKeys.create', {
      workspaceId: account.workspaceId,
      name: 'Short-lived',
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    secrets.push(res.data?.secret ?? '');
    expect((await get(h.app, '/v1/me', res.data?.secret)).statusCode).toBe(200);
    h.clock.advance(2 * 60_000);
    try {
      const expired = (await get(h.app, '/v1/me', res.data?.secret)).json();
      expect(expired.code).toBe('API_KEY_EXPIRED');
      expect(expired.message).toMatch(/^This API key expired on /);
    } finally {
      h.clock.advance(-2 * 60_000);
    }
  });

  it('admits exactly the burst of an untouched bucket under 1,000 simultaneous requests over two API instances, then 429 with Retry-After', async () => {
    const account = await newAccount(h.app);
    const key = await keyFor(account);
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => get(h.apps[i % 2] ?? h.app, '/v1/me', key.secret)),
    );
    const elapsed = (performance.now() - started) / 1000;
    const admitted = results.filter((r) => r.statusCode === 200).length;
    // Starter: burst 100, refill 1/s — the only extra admissions come from refill while the burst runs.
    expect(admitted).toBeGreaterThanOrEqual(100);
    expect(admitted).toBeLessThanOrEqual(100 + Math.ceil(elapsed));
    const refused = results.find((r) => r.statusCode === 429);
    expect(refused?.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused?.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('records usage per key (count, last used, per day) for the dashboard and /v1/usage', async () => {
    const account = await newAccount(h.app);
    const key = await keyFor(account, 'Zapier Integration');
    for (let i = 0; i < 5; i++) await get(h.app, '/v1/me', key.secret);
    const usage = await get(h.app, '/v1/usage', key.secret);
    expect(usage.statusCode).toBe(200);
    expect(usage.json()).toMatchObject({
      plan: 'starter',
      limits: { perMinute: 60, burst: 100 },
      today: { requests: 6 },
    });
    expect(usage.json().last30Days).toHaveLength(30);
    const list = await account.client.query<{ keys: { usageCount: number; lastUsedAt: string | null }[] }>(
      'apiKeys.list',
      {
        workspaceId: account.workspaceId,
      },
    );
    expect(list.data?.keys[0]?.usageCount).toBeGreaterThanOrEqual(6);
    expect(list.data?.keys[0]?.lastUsedAt).not.toBeNull();
    const series = await account.client.query<{
      days: string[];
      series: { name: string; counts: number[] }[];
    }>('apiKeys.usage', {
      workspaceId: account.workspaceId,
      days: 7,
    });
    expect(series.data?.days).toHaveLength(7);
    expect(series.data?.series[0]).toMatchObject({ name: 'Zapier Integration' });
    expect(series.data?.series[0]?.counts.at(-1)).toBeGreaterThanOrEqual(6);
    const plan = await account.client.query<{ remaining: number; requestsToday: number }>('apiKeys.plan', {
      workspaceId: account.workspaceId,
    });
    expect(plan.data?.requestsToday).toBeGreaterThanOrEqual(6);
    expect(plan.data?.remaining).toBeLessThan(100);
  });

  it('publishes an OpenAPI 3.1 document and a reference page', async () => {
    const doc = (await get(h.app, '/v1/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/jobs',
        '/jobs/{id}',
        '/jobs/{id}/events',
        '/jobs/{id}/results',
        '/jobs/{id}/download',
        '/jobs/{id}/cancel',
        '/jobs/{id}/retry',
        '/me',
        '/policy',
        '/usage',
        '/validate',
        '/validate/batch',
        '/contacts',
        '/contacts/{id}',
        '/contacts/{id}/consent',
        '/lists',
        '/lists/{id}',
        '/lists/{id}/subscriptions',
        '/lists/{id}/subscriptions/{contactId}',
        '/suppressions',
        '/suppressions/{id}',
        '/contacts/{id}/export',
        '/contact-imports',
        '/contact-imports/{id}',
        '/contact-imports/{id}/cancel',
        '/contact-imports/{id}/report',
        '/contact-imports/{id}/report.csv',
        '/campaigns',
        '/campaigns/{id}',
        '/campaigns/{id}/metrics',
        '/campaigns/{id}/schedule',
        '/campaigns/{id}/pause',
        '/campaigns/{id}/resume',
        '/campaigns/{id}/cancel',
      ].sort(),
    );
    expect(doc.components.schemas.Me.properties.workspace).toBeDefined();
    const page = await get(h.app, '/v1/docs');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('/usage');
  });

  it('never writes a key to the logs', () => {
    const logs = h.logs.join('');
    expect(secrets.filter((s) => s && logs.includes(s))).toEqual([]);
  });
});
