// API keys in core, against a real database and an injected clock (issue #22; mutation score of
// packages/core/src/api-keys, issue #25): scopes stored and enforced before the bucket, expiry and a
// roll's revocation at the exact millisecond, the in-process key cache and forget(), list order,
// audit metadata, rolling (overlap, lifetime, compare-and-set) and revoking a key in its overlap.
import { readFileSync } from 'node:fs';
import { API_KEY_SCOPES, LEGACY_API_KEY_SCOPES } from '@postern/contracts';
import { AuditEntry, Membership, Workspace } from '@postern/db';
import { describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator } from '../src/api-keys/authenticate.ts';
import { createApiKey, listApiKeys, revokeApiKey, revokedMarker } from '../src/api-keys/keys.ts';
import { rollApiKey } from '../src/api-keys/roll.ts';
import { isApiKeyScope, normalizeScopes, requireScope } from '../src/api-keys/scopes.ts';
import { DomainError } from '../src/errors.ts';
import { MemoryRateLimiter } from '../src/rate-limit/token-bucket.ts';
import { coreWorld } from './support/auth-context.ts';

const world = coreWorld();
const HOUR = 3_600_000;

async function workspace() {
  const w = world();
  const owner = await w.user();
  const em = w.orm.em.fork();
  const ws = em.create(Workspace, { name: 'Keys Inc', plan: 'starter' });
  em.create(Membership, { workspaceId: ws.id, userId: owner.id, role: 'owner' });
  await em.flush();
  const limiter = new MemoryRateLimiter(() => w.clock.ms);
  const auth = new ApiKeyAuthenticator({ orm: w.orm, limiter, clock: w.clock });
  return { ws: ws.id, owner: owner.id, limiter, auth };
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe('scopes', () => {
  it('are normalised to known scopes, once each, in the order of API_KEY_SCOPES', () => {
    expect(normalizeScopes(['jobs:write', 'bogus', 'validate:write', 'jobs:write'])).toEqual([
      'validate:write',
      'jobs:write',
    ]);
    expect(normalizeScopes([])).toEqual([]);
    expect(isApiKeyScope('jobs:read')).toBe(true);
    expect(isApiKeyScope('jobs:admin')).toBe(false);
    expect(isApiKeyScope(7)).toBe(false);
  });

  it('requireScope names the missing scope and keeps the details', () => {
    expect(() => requireScope(['jobs:read'], 'jobs:read')).not.toThrow();
    const error = (() => {
      try {
        requireScope(['jobs:read'], 'jobs:write', { keyId: 'k' });
      } catch (e) {
        return e as DomainError;
      }
      throw new Error('not refused');
    })();
    expect(error.code).toBe('INSUFFICIENT_SCOPE');
    expect(error.message).toContain('"jobs:write"');
    expect(error.details).toEqual({ keyId: 'k', missingScope: 'jobs:write' });
  });

  it('the legacy set is every scope of the routes of today (reserved outreach ones excluded)', () => {
    expect(LEGACY_API_KEY_SCOPES).toEqual(API_KEY_SCOPES.slice(0, 6));
    // ...and exactly what the migration gave the keys that existed before scopes.
    const migration = readFileSync(
      new URL('../../db/migrations/Migration20261206010200_api_key_scopes.ts', import.meta.url),
      'utf8',
    );
    const given = /default '(\[[^']*\])'::jsonb/.exec(migration)?.[1];
    expect(JSON.parse(given ?? 'null')).toEqual([...LEGACY_API_KEY_SCOPES]);
  });
});

describe('creating and authorising keys', () => {
  it('stores the scopes sorted, audits them, and refuses none or a past expiry', async () => {
    const w = world();
    const { ws, owner } = await workspace();
    const ctx = w.ctx();
    const { key, secret } = await createApiKey(ctx, ws, owner, {
      name: 'Forms',
      scopes: ['jobs:read', 'validate:write', 'jobs:read'],
    });
    expect(key.scopes).toEqual(['validate:write', 'jobs:read']);
    expect(key.replacedById).toBeNull();
    expect(secret).toMatch(/^pst_live_/);
    const audit = await w.orm.em.fork().findOneOrFail(AuditEntry, { targetId: key.id });
    expect(audit.eventType).toBe('apikey.created');
    expect(audit.metadata).toEqual({
      name: 'Forms',
      prefix: key.displayPrefix,
      expiresAt: null,
      scopes: ['validate:write', 'jobs:read'],
    });
    const none = await refusal(createApiKey(w.ctx(), ws, owner, { name: 'x', scopes: ['nope'] }));
    expect([none.code, none.message]).toEqual(['VALIDATION_FAILED', 'Choose at least one scope']);
    const past = await refusal(
      createApiKey(w.ctx(), ws, owner, {
        name: 'x',
        scopes: ['jobs:read'],
        expiresAt: w.clock.now().toISOString(),
      }),
    );
    expect(past.code).toBe('VALIDATION_FAILED');
  });

  it('lists newest first', async () => {
    const w = world();
    const { ws, owner } = await workspace();
    await createApiKey(w.ctx(), ws, owner, { name: 'first', scopes: ['jobs:read'] });
    w.clock.advance(1000);
    await createApiKey(w.ctx(), ws, owner, { name: 'second', scopes: ['jobs:read'] });
    expect((await listApiKeys(w.ctx(), ws)).map((k) => k.name)).toEqual(['second', 'first']);
  });

  it('checks the scope before the bucket: a refused key spends no token', async () => {
    const w = world();
    const { ws, owner, limiter, auth } = await workspace();
    const { key, secret } = await createApiKey(w.ctx(), ws, owner, { name: 'ro', scopes: ['jobs:read'] });
    const ok = await auth.authorize(secret, { scope: 'jobs:read' });
    expect(ok.principal.scopes).toEqual(['jobs:read']);
    const before = await limiter.take(`ratelimit:ws:${ws}`, 'none', { capacity: 100, refillPerSecond: 1 }, 0);
    const error = await refusal(auth.authorize(secret, { scope: 'jobs:write' }));
    expect(error.code).toBe('INSUFFICIENT_SCOPE');
    expect(error.details).toEqual({ keyId: key.id, workspaceId: ws, missingScope: 'jobs:write' });
    const after = await limiter.take(`ratelimit:ws:${ws}`, 'none', { capacity: 100, refillPerSecond: 1 }, 0);
    expect(after.remaining).toBe(before.remaining);
    // No scope asked (GET /me): any valid key.
    expect((await auth.authorize(secret)).principal.keyId).toBe(key.id);
  });

  it('refuses an expired key from its expiry millisecond on, with API_KEY_EXPIRED', async () => {
    const w = world();
    const { ws, owner, auth } = await workspace();
    const expiresAt = new Date(w.clock.ms + HOUR);
    const { key, secret } = await createApiKey(w.ctx(), ws, owner, {
      name: 'short',
      scopes: ['jobs:read'],
      expiresAt: expiresAt.toISOString(),
    });
    w.clock.advance(HOUR - 1);
    expect((await auth.authorize(secret)).principal.expiresAt).toEqual(expiresAt);
    w.clock.advance(1);
    const error = await refusal(auth.authorize(secret));
    expect(error.code).toBe('API_KEY_EXPIRED');
    expect(error.message).toBe(
      `This API key expired on ${expiresAt.toISOString()}; create a new one (Settings → API keys)`,
    );
    expect(error.details).toEqual({ keyId: key.id, workspaceId: ws });
  });

  it('caches key records until forget(); the revocation marker holds meanwhile', async () => {
    const w = world();
    const { ws, owner, limiter, auth } = await workspace();
    const { key, secret } = await createApiKey(w.ctx(), ws, owner, { name: 'c', scopes: ['jobs:read'] });
    await auth.authorize(secret);
    // Changed behind the cache's back (no marker): the cached record still answers.
    await w.sql('update api_key set scopes = ? where id = ?', [JSON.stringify(['usage:read']), key.id]);
    expect((await auth.authorize(secret)).principal.scopes).toEqual(['jobs:read']);
    auth.forget();
    expect((await auth.authorize(secret)).principal.scopes).toEqual(['usage:read']);
    await revokeApiKey(w.ctx(), limiter, ws, owner, key.id);
    const error = await refusal(auth.authorize(secret));
    expect([error.code, error.message]).toEqual(['UNAUTHENTICATED', 'This API key was revoked']);
    expect(error.details).toEqual({ keyId: key.id, workspaceId: ws });
    auth.forget();
    expect((await refusal(auth.authorize(secret))).details).toEqual({ keyId: key.id, workspaceId: ws });
  });
});

describe('rolling a key', () => {
  it('keeps the old key working for the overlap, to the millisecond, and audits both', async () => {
    const w = world();
    const { ws, owner, limiter, auth } = await workspace();
    const made = await createApiKey(w.ctx(), ws, owner, {
      name: 'prod',
      scopes: ['jobs:read', 'usage:read'],
      expiresAt: new Date(w.clock.ms + 30 * 24 * HOUR).toISOString(),
    });
    w.clock.advance(10 * 24 * HOUR);
    const rolled = await rollApiKey(w.ctx(), limiter, ws, owner, { keyId: made.key.id, overlapHours: 2 });
    const revokesAt = new Date(w.clock.ms + 2 * HOUR);
    expect(rolled.key.name).toBe('prod');
    expect(rolled.key.scopes).toEqual(['jobs:read', 'usage:read']);
    // The replacement gets the same 30-day lifetime, from now.
    expect(rolled.key.expiresAt).toBe(new Date(w.clock.ms + 30 * 24 * HOUR).toISOString());
    expect(rolled.previous.revokedAt).toBe(revokesAt.toISOString());
    expect(rolled.previous.replacedById).toBe(rolled.key.id);
    expect(
      await limiter.take('b', revokedMarker(made.key.id), { capacity: 1, refillPerSecond: 1 }, 0),
    ).toMatchObject({
      revoked: false,
    });
    w.clock.advance(2 * HOUR - 1);
    expect((await auth.authorize(made.secret)).principal.keyId).toBe(made.key.id);
    expect((await auth.authorize(rolled.secret)).principal.keyId).toBe(rolled.key.id);
    w.clock.advance(1);
    expect((await refusal(auth.authorize(made.secret))).message).toBe('This API key was revoked');
    const entries = await w.orm.em
      .fork()
      .find(AuditEntry, { workspaceId: ws, eventType: { $in: ['apikey.rolled', 'apikey.revoked'] } });
    const byType = Object.fromEntries(entries.map((e) => [e.eventType, e]));
    expect(byType['apikey.rolled']?.targetId).toBe(rolled.key.id);
    expect(byType['apikey.rolled']?.metadata).toEqual({
      prefix: rolled.key.displayPrefix,
      previousKeyId: made.key.id,
      previousPrefix: made.key.displayPrefix,
      overlapHours: 2,
      previousRevokedAt: revokesAt.toISOString(),
    });
    expect(byType['apikey.revoked']?.targetId).toBe(made.key.id);
    expect(byType['apikey.revoked']?.metadata).toEqual({
      reason: 'rolled',
      effectiveAt: revokesAt.toISOString(),
      replacedBy: rolled.key.id,
    });
  });

  it('with no overlap, revokes on every process at once (marker); a key without expiry stays so', async () => {
    const w = world();
    const { ws, owner, limiter } = await workspace();
    const made = await createApiKey(w.ctx(), ws, owner, { name: 'now', scopes: ['jobs:read'] });
    const rolled = await rollApiKey(w.ctx(), limiter, ws, owner, { keyId: made.key.id, overlapHours: 0 });
    expect(rolled.key.expiresAt).toBeNull();
    expect(rolled.previous.revokedAt).toBe(w.clock.now().toISOString());
    const probe = await limiter.take('b', revokedMarker(made.key.id), { capacity: 1, refillPerSecond: 1 }, 0);
    expect(probe.revoked).toBe(true);
  });

  it('refuses a second roll, a revoked, expired or unknown key and an overlap beyond 7 days', async () => {
    const w = world();
    const { ws, owner, limiter } = await workspace();
    const roll = (keyId: string, overlapHours = 1) =>
      refusal(rollApiKey(w.ctx(), limiter, ws, owner, { keyId, overlapHours }));
    const a = await createApiKey(w.ctx(), ws, owner, { name: 'a', scopes: ['jobs:read'] });
    await rollApiKey(w.ctx(), limiter, ws, owner, { keyId: a.key.id, overlapHours: 1 });
    const twice = await roll(a.key.id);
    expect([twice.code, twice.message]).toEqual([
      'CONFLICT',
      'This key was already rolled: roll its replacement instead',
    ]);
    const b = await createApiKey(w.ctx(), ws, owner, { name: 'b', scopes: ['jobs:read'] });
    expect((await roll(b.key.id, 169)).message).toBe('The overlap must be 0 to 168 hours (7 days)');
    expect((await roll(b.key.id, -1)).code).toBe('VALIDATION_FAILED');
    expect((await roll(b.key.id, 1.5)).code).toBe('VALIDATION_FAILED');
    await rollApiKey(w.ctx(), limiter, ws, owner, { keyId: b.key.id, overlapHours: 168 });
    const c = await createApiKey(w.ctx(), ws, owner, {
      name: 'c',
      scopes: ['jobs:read'],
      expiresAt: new Date(w.clock.ms + 1000).toISOString(),
    });
    w.clock.advance(1000);
    const expired = await roll(c.key.id);
    expect([expired.code, expired.message]).toEqual([
      'CONFLICT',
      'This key has expired: create a new one instead',
    ]);
    const d = await createApiKey(w.ctx(), ws, owner, { name: 'd', scopes: ['jobs:read'] });
    await revokeApiKey(w.ctx(), limiter, ws, owner, d.key.id);
    const revoked = await roll(d.key.id);
    expect([revoked.code, revoked.message]).toEqual(['NOT_FOUND', 'No such active API key']);
    expect((await roll('00000000-0000-4000-8000-000000000000')).code).toBe('NOT_FOUND');
    // Another workspace's key is not found either.
    const other = await workspace();
    expect(
      (await refusal(rollApiKey(w.ctx(), limiter, other.ws, owner, { keyId: b.key.id, overlapHours: 1 })))
        .code,
    ).toBe('NOT_FOUND');
  });

  it('a key in its overlap can be revoked at once; a revoked one cannot be revoked again', async () => {
    const w = world();
    const { ws, owner, limiter, auth } = await workspace();
    const made = await createApiKey(w.ctx(), ws, owner, { name: 'o', scopes: ['jobs:read'] });
    await rollApiKey(w.ctx(), limiter, ws, owner, { keyId: made.key.id, overlapHours: 24 });
    await auth.authorize(made.secret);
    await revokeApiKey(w.ctx(), limiter, ws, owner, made.key.id);
    expect((await refusal(auth.authorize(made.secret))).message).toBe('This API key was revoked');
    const [row] = await w.sql<{ revoked_at: string }>('select revoked_at from api_key where id = ?', [
      made.key.id,
    ]);
    expect(new Date(row?.revoked_at ?? 0).getTime()).toBe(w.clock.ms);
    expect((await refusal(revokeApiKey(w.ctx(), limiter, ws, owner, made.key.id))).code).toBe('NOT_FOUND');
  });
});
