// Usage figures of API keys in core (issue #22/#25: mutation gaps "usage stats, list order, audit
// metadata, key cache"): per key and day zero-filled over the window, the plan's usage today and this
// month, the workspace's daily totals, the revocation's audit entry and marker, and the key cache's
// five seconds (Date.now, not the injected clock).
import { ApiKeyUsage, Membership, Workspace } from '@postern/db';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiKeyAuthenticator } from '../src/api-keys/authenticate.ts';
import {
  apiKeyUsageSeries,
  createApiKey,
  planUsage,
  REVOCATION_MARKER_SECONDS,
  revokeApiKey,
  revokedMarker,
  workspaceRequestsByDay,
} from '../src/api-keys/keys.ts';
import { MemoryRateLimiter, type RateLimiter } from '../src/rate-limit/token-bucket.ts';
import { coreWorld } from './support/auth-context.ts';

const world = coreWorld();

async function workspace() {
  const w = world();
  const owner = await w.user();
  const em = w.orm.em.fork();
  const ws = em.create(Workspace, { name: 'Usage Ltd', plan: 'starter' });
  em.create(Membership, { workspaceId: ws.id, userId: owner.id, role: 'owner' });
  await em.flush();
  return { ws: ws.id, owner: owner.id };
}

async function usage(keyId: string, ws: string, day: string, requests: number) {
  const em = world().orm.em.fork();
  em.create(ApiKeyUsage, { keyId, day, workspaceId: ws, requests });
  await em.flush();
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('usage figures', () => {
  it('per key and UTC day over the window, zero-filled, keys oldest first; daily totals', async () => {
    const w = world();
    w.clock.ms = Date.UTC(2026, 10, 21, 0, 30);
    const { ws, owner } = await workspace();
    const a = await createApiKey(w.ctx(), ws, owner, { name: 'A', scopes: ['jobs:read'] });
    w.clock.advance(1000);
    const b = await createApiKey(w.ctx(), ws, owner, { name: 'B', scopes: ['jobs:read'] });
    await usage(a.key.id, ws, '2026-11-21', 5);
    await usage(a.key.id, ws, '2026-11-19', 2);
    await usage(a.key.id, ws, '2026-11-18', 100); // one day before a 3-day window
    await usage(b.key.id, ws, '2026-11-20', 7);
    const series = await apiKeyUsageSeries(w.ctx(), ws, 3);
    expect(series).toEqual({
      days: ['2026-11-19', '2026-11-20', '2026-11-21'],
      series: [
        { keyId: a.key.id, name: 'A', counts: [2, 0, 5] },
        { keyId: b.key.id, name: 'B', counts: [0, 7, 0] },
      ],
    });
    expect(await workspaceRequestsByDay(w.ctx(), ws, 3)).toEqual([
      { day: '2026-11-19', requests: 2 },
      { day: '2026-11-20', requests: 7 },
      { day: '2026-11-21', requests: 5 },
    ]);
    expect((await apiKeyUsageSeries(w.ctx(), ws, 1)).days).toEqual(['2026-11-21']);
  });

  it('plan usage: the bucket left untouched, requests today and since the 1st (UTC)', async () => {
    const w = world();
    w.clock.ms = Date.UTC(2026, 10, 21, 23, 59);
    const { ws, owner } = await workspace();
    const a = await createApiKey(w.ctx(), ws, owner, { name: 'A', scopes: ['jobs:read'] });
    await usage(a.key.id, ws, '2026-11-21', 4);
    await usage(a.key.id, ws, '2026-11-01', 6);
    await usage(a.key.id, ws, '2026-10-31', 1000);
    const limiter = new MemoryRateLimiter(() => w.clock.ms);
    const policy = { perMinute: 60, burst: 100 };
    await limiter.take(`ratelimit:ws:${ws}`, 'x', { capacity: 100, refillPerSecond: 1 }, 30);
    const first = await planUsage(w.ctx(), limiter, ws, 'starter', policy);
    expect(first).toEqual({
      plan: 'starter',
      limits: { perMinute: 60, burst: 100 },
      remaining: 70,
      requestsToday: 4,
      requestsThisMonth: 10,
    });
    // Looking spends nothing.
    expect((await planUsage(w.ctx(), limiter, ws, 'starter', policy)).remaining).toBe(70);
  });
});

describe('revocation', () => {
  it('is audited with the key as target and marks the key for every process for a day', async () => {
    const w = world();
    const { ws, owner } = await workspace();
    const made = await createApiKey(w.ctx(), ws, owner, { name: 'gone', scopes: ['jobs:read'] });
    const marks: [string, number][] = [];
    const limiter = {
      markRevoked: async (key: string, seconds: number) => {
        marks.push([key, seconds]);
      },
    } as Pick<RateLimiter, 'markRevoked'>;
    await revokeApiKey(w.ctx({ ip: '198.51.100.1', userAgent: 'test' }), limiter, ws, owner, made.key.id);
    expect(marks).toEqual([[revokedMarker(made.key.id), REVOCATION_MARKER_SECONDS]]);
    expect(REVOCATION_MARKER_SECONDS).toBe(86_400);
    expect(revokedMarker('k')).toBe('apikey:revoked:k');
    const [entry] = await w.audited({ targetId: made.key.id, eventType: 'apikey.revoked' });
    expect([entry?.actorId, entry?.workspaceId, entry?.targetType, entry?.ip]).toEqual([
      owner,
      ws,
      'api_key',
      '198.51.100.1',
    ]);
    // Another workspace cannot revoke it (and nothing is marked).
    const other = await workspace();
    const again = await createApiKey(w.ctx(), ws, owner, { name: 'kept', scopes: ['jobs:read'] });
    await expect(revokeApiKey(w.ctx(), limiter, other.ws, owner, again.key.id)).rejects.toThrow(
      'No such active API key',
    );
    expect(marks).toHaveLength(1);
  });
});

describe('the key cache', () => {
  it('answers from memory for five seconds (wall clock), then reads the key again', async () => {
    const w = world();
    const { ws, owner } = await workspace();
    const made = await createApiKey(w.ctx(), ws, owner, { name: 'cached', scopes: ['jobs:read'] });
    const auth = new ApiKeyAuthenticator({
      orm: w.orm,
      limiter: new MemoryRateLimiter(() => w.clock.ms),
      clock: w.clock,
    });
    let wall = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => wall);
    await auth.authorize(made.secret);
    await w.sql('update api_key set name = ? where id = ?', ['renamed', made.key.id]);
    wall += 4999;
    expect((await auth.authorize(made.secret)).principal.keyName).toBe('cached');
    wall += 1;
    expect((await auth.authorize(made.secret)).principal.keyName).toBe('renamed');
  });
});
