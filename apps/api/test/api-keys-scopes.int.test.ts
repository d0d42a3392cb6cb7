// Scopes, rolling and expiry of API keys through the real API (issue #22). The route walk: every /v1
// route Fastify registered (docs aside) is called with a key holding only jobs:write, and when that
// admits it with one holding only jobs:read (every scope is used by some route since campaigns) — each
// must refuse 403 INSUFFICIENT_SCOPE naming its scope (a route declaring none fails closed with 500,
// failing this test), except GET /me (any key); then with every scope but that one (refused) and with
// that one alone (admitted), and the OpenAPI document names the same scope. Rolling keeps the old key
// working through the overlap on the injected clock; expiry answers API_KEY_EXPIRED; refusals of a
// known key reach the usage alerts' counters in Redis.
import { API_KEY_SCOPES, type ApiKeyScope, LEGACY_API_KEY_SCOPES } from '@postern/contracts';
import { slotOf, UsageCounters } from '@postern/core';
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

type Account = Awaited<ReturnType<typeof newAccount>>;
interface Made {
  key: { id: string; scopes: string[]; revokedAt: string | null; replacedById: string | null };
  secret: string;
}

async function keyWith(account: Account, scopes: readonly string[], extra: Record<string, unknown> = {}) {
  const res = await account.client.mutate<Made>('apiKeys.create', {
    workspaceId: account.workspaceId,
    name: `Key ${scopes.join(' ')}`.slice(0, 80),
    scopes,
    ...extra,
  });
  expect(res.status).toBe(200);
  return res.data as Made;
}

/** "METHOD /v1/path" of every route registered under /v1 (printRoutes' tree, as openapi.int.test.ts). */
function registeredV1Routes(table: string): string[] {
  const routes = new Set<string>();
  const stack: string[] = [];
  for (const line of table.split('\n')) {
    const match = /^(.*?)(?:├── |└── )(\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    stack.length = (match[1] ?? '').length / 4;
    stack.push(match[2] ?? '');
    const url = stack.join('');
    if (!match[3] || !url.startsWith('/v1/')) continue;
    for (const method of match[3].split(', ')) if (method !== 'HEAD') routes.add(`${method} ${url}`);
  }
  return [...routes].sort();
}

const PUBLIC = new Set(['GET /v1/openapi.json', 'GET /v1/docs']);
const JOB = '00000000-0000-4000-8000-000000000001';

function call(route: string, secret: string) {
  const [method, path] = route.split(' ') as [string, string];
  return h.app.inject({
    method: method as 'GET',
    url: path.replace(':id', JOB),
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '{}' }),
  });
}

describe('every /v1 route declares its scope', () => {
  it('walks the registered routes: 403 naming the scope without it, admitted with it alone, as documented', async () => {
    const account = await newAccount(h.app);
    const routes = registeredV1Routes(h.app.printRoutes({ commonPrefix: false })).filter(
      (r) => !PUBLIC.has(r),
    );
    expect(routes.length).toBeGreaterThan(10);
    const outsider = await keyWith(account, ['jobs:write']);
    const second = await keyWith(account, ['jobs:read']);
    const declared = new Map<string, ApiKeyScope | 'any'>();
    for (const route of routes) {
      let res = await call(route, outsider.secret);
      if (res.statusCode !== 403) res = await call(route, second.secret);
      if (res.statusCode === 403) {
        const body = res.json();
        expect(body.code, route).toBe('INSUFFICIENT_SCOPE');
        const scope = /lacks the scope "([a-z]+:[a-z]+)"/.exec(body.message)?.[1] as ApiKeyScope;
        expect(API_KEY_SCOPES, route).toContain(scope);
        declared.set(route, scope);
      } else {
        // Only GET /me admits any key; anything else (a 500 from a route without a scope) fails here.
        expect([route, res.statusCode]).toEqual(['GET /v1/me', 200]);
        declared.set(route, 'any');
      }
    }
    expect(Object.fromEntries(declared)).toMatchObject({
      'GET /v1/me': 'any',
      'POST /v1/validate': 'validate:write',
      'POST /v1/validate/batch': 'validate:write',
      'GET /v1/usage': 'usage:read',
      'GET /v1/jobs': 'jobs:read',
      'POST /v1/jobs': 'jobs:write',
      'GET /v1/jobs/:id': 'jobs:read',
      'DELETE /v1/jobs/:id': 'jobs:write',
      'POST /v1/jobs/:id/cancel': 'jobs:write',
      'POST /v1/jobs/:id/retry': 'jobs:write',
      'GET /v1/jobs/:id/events': 'jobs:read',
      'GET /v1/jobs/:id/results': 'jobs:read',
      'GET /v1/jobs/:id/download': 'jobs:read',
      'GET /v1/campaigns': 'campaigns:read',
      'GET /v1/campaigns/:id': 'campaigns:read',
      'GET /v1/campaigns/:id/metrics': 'campaigns:read',
      'POST /v1/campaigns': 'campaigns:write',
      'POST /v1/campaigns/:id/schedule': 'campaigns:write',
      'POST /v1/campaigns/:id/pause': 'campaigns:write',
      'POST /v1/campaigns/:id/resume': 'campaigns:write',
      'POST /v1/campaigns/:id/cancel': 'campaigns:write',
    });
    // With every scope but the route's: refused, naming it; with it alone: past the gate.
    const keys = new Map<string, { without: Made; only: Made }>();
    for (const scope of new Set(declared.values())) {
      if (scope === 'any') continue;
      keys.set(scope, {
        without: await keyWith(
          account,
          API_KEY_SCOPES.filter((s) => s !== scope),
        ),
        only: await keyWith(account, [scope]),
      });
    }
    for (const [route, scope] of declared) {
      const pair = keys.get(scope);
      if (!pair) continue;
      const refused = await call(route, pair.without.secret);
      expect([route, refused.statusCode, refused.json().code]).toEqual([route, 403, 'INSUFFICIENT_SCOPE']);
      expect(refused.json().message).toContain(`"${scope}"`);
      const admitted = await call(route, pair.only.secret);
      expect([route, admitted.statusCode === 403 || admitted.statusCode === 401]).toEqual([route, false]);
    }
    // The OpenAPI document names the same scope per operation.
    const doc = (await h.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, { 'x-required-scope'?: string; security?: unknown }>>;
    };
    for (const [route, scope] of declared) {
      const [method, path] = route.split(' ') as [string, string];
      const op = doc.paths[path.slice(3).replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      expect([route, op?.['x-required-scope']]).toEqual([route, scope]);
      expect(op?.security).toEqual([{ bearer: scope === 'any' ? [] : [scope] }]);
    }
  });

  it('GET /me shows the key its scopes; a key created without scopes gets those of today', async () => {
    const account = await newAccount(h.app);
    const made = await keyWith(account, ['usage:read', 'jobs:read']);
    expect((await get(h.app, '/v1/me', made.secret)).json().key.scopes).toEqual(['jobs:read', 'usage:read']);
    // An unknown path stays a plain 404 (not the gate's "declares no scope").
    expect((await get(h.app, '/v1/no-such-route', made.secret)).statusCode).toBe(404);
    const legacy = await account.client.mutate<Made>('apiKeys.create', {
      workspaceId: account.workspaceId,
      name: 'Unscoped',
    });
    expect(legacy.data?.key.scopes).toEqual([...LEGACY_API_KEY_SCOPES]);
    expect(legacy.data?.key.scopes).not.toContain('contacts:erase');
    const none = await account.client.mutate('apiKeys.create', {
      workspaceId: account.workspaceId,
      name: 'Nothing',
      scopes: [],
    });
    expect(none.error?.data.code).toBe('VALIDATION_FAILED');
    const unknown = await account.client.mutate('apiKeys.create', {
      workspaceId: account.workspaceId,
      name: 'Admin',
      scopes: ['jobs:admin'],
    });
    expect(unknown.error?.data.code).toBe('VALIDATION_FAILED');
  });
});

describe('rolling and expiry over HTTP', () => {
  it('roll: both keys work through the overlap, the old one stops after it; both listed with last use', async () => {
    const account = await newAccount(h.app);
    const old = await keyWith(account, ['jobs:read']);
    expect((await get(h.app, '/v1/jobs', old.secret)).statusCode).toBe(200);
    const rolled = await account.client.mutate<{ key: Made['key']; secret: string; previous: Made['key'] }>(
      'apiKeys.roll',
      { workspaceId: account.workspaceId, keyId: old.key.id, overlapHours: 1 },
    );
    expect(rolled.status).toBe(200);
    const fresh = rolled.data?.secret ?? '';
    expect(rolled.data?.key.scopes).toEqual(['jobs:read']);
    expect(rolled.data?.previous.replacedById).toBe(rolled.data?.key.id);
    expect((await get(h.app, '/v1/jobs', fresh)).statusCode).toBe(200);
    expect((await get(h.app, '/v1/jobs', old.secret)).statusCode).toBe(200);
    // Flushes the usage counts (the route does) so the list shows both keys' last use.
    await get(h.app, '/v1/usage', (await keyWith(account, ['usage:read'])).secret);
    const list = await account.client.query<{ keys: (Made['key'] & { lastUsedAt: string | null })[] }>(
      'apiKeys.list',
      { workspaceId: account.workspaceId },
    );
    const listed = new Map(list.data?.keys.map((k) => [k.id, k]));
    expect(listed.get(old.key.id)?.lastUsedAt).not.toBeNull();
    expect(listed.get(rolled.data?.key.id ?? '')?.lastUsedAt).not.toBeNull();
    expect(listed.get(old.key.id)?.revokedAt).toBe(rolled.data?.previous.revokedAt);
    h.clock.advance(3_600_000 + 1000);
    try {
      const res = await get(h.app, '/v1/jobs', old.secret);
      expect([res.statusCode, res.json().message]).toEqual([401, 'This API key was revoked']);
      expect((await get(h.app, '/v1/jobs', fresh)).statusCode).toBe(200);
    } finally {
      h.clock.advance(-(3_600_000 + 1000));
    }
    const again = await account.client.mutate('apiKeys.roll', {
      workspaceId: account.workspaceId,
      keyId: old.key.id,
      overlapHours: 0,
    });
    expect(again.error?.data.code).toBe('CONFLICT');
    const tooLong = await account.client.mutate('apiKeys.roll', {
      workspaceId: account.workspaceId,
      keyId: rolled.data?.key.id,
      overlapHours: 169,
    });
    expect(tooLong.error?.data.code).toBe('VALIDATION_FAILED');
  });

  it('an expired key: 401 API_KEY_EXPIRED with its date; refusals reach the alert counters', async () => {
    const account = await newAccount(h.app);
    const expiresAt = new Date(h.clock.now().getTime() + 60_000).toISOString();
    const made = await keyWith(account, ['jobs:read'], { expiresAt });
    const narrow = await keyWith(account, ['usage:read']);
    for (let i = 0; i < 3; i++) expect((await get(h.app, '/v1/jobs', narrow.secret)).statusCode).toBe(403);
    h.clock.advance(60_000);
    try {
      const res = await get(h.app, '/v1/jobs', made.secret);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({
        code: 'API_KEY_EXPIRED',
        message: `This API key expired on ${expiresAt}; create a new one (Settings → API keys)`,
      });
      // The usage route flushes the recorder: requests, refusals and the IP range land in Redis.
      expect((await get(h.app, '/v1/usage', narrow.secret)).statusCode).toBe(200);
      const counters = new UsageCounters(h.kv.client);
      const slot = slotOf(h.clock.now());
      const sum = (c: Awaited<ReturnType<UsageCounters['read']>>, field: 'requests' | 'refusals') =>
        [...c.slots].filter(([s]) => s >= slot - 1).reduce((n, [, v]) => n + v[field], 0);
      const narrowCounts = await counters.read(narrow.key.id);
      expect(sum(narrowCounts, 'refusals')).toBe(3);
      expect(sum(narrowCounts, 'requests')).toBe(1);
      expect([...narrowCounts.ranges.keys()]).toEqual(['127.0.0.0/24']);
      expect(sum(await counters.read(made.key.id), 'refusals')).toBe(1);
      expect(await counters.activeSince(h.clock.now().getTime() - 60_000)).toEqual(
        expect.arrayContaining([made.key.id, narrow.key.id]),
      );
    } finally {
      h.clock.advance(-60_000);
    }
  });
});
