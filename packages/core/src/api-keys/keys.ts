// Managing a workspace's API keys: create with scopes (the secret is returned once), list, revoke,
// usage series. Rolling a key is roll.ts.
import type { ApiKey as ApiKeyDto } from '@postern/contracts';
import { ApiKey, ApiKeyUsage, type EntityManager, User } from '@postern/db';
import { recordAudit } from '../audit/record.ts';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { RateLimiter } from '../rate-limit/token-bucket.ts';
import { apiKeyHash, displayPrefix, generateApiKey } from './format.ts';
import { normalizeScopes } from './scopes.ts';

/** How long a revocation marker outlives every process's cache of key records. */
export const REVOCATION_MARKER_SECONDS = 24 * 3600;
export const revokedMarker = (keyId: string) => `apikey:revoked:${keyId}`;

/** What key management uses of the core context. */
export type KeysCtx = Pick<CoreContext, 'em' | 'clock' | 'meta'>;

export async function toApiKeyDtos(em: EntityManager, keys: ApiKey[]): Promise<ApiKeyDto[]> {
  const creators = await em.find(User, {
    id: { $in: keys.flatMap((k) => (k.createdBy ? [k.createdBy] : [])) },
  });
  const emails = new Map(creators.map((u) => [u.id, u.email]));
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    displayPrefix: k.displayPrefix,
    createdAt: k.createdAt.toISOString(),
    createdBy: k.createdBy ? (emails.get(k.createdBy) ?? null) : null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    usageCount: Number(k.usageCount),
    scopes: normalizeScopes(k.scopes),
    replacedById: k.replacedById ?? null,
  }));
}

export async function createApiKey(
  ctx: KeysCtx,
  workspaceId: string,
  actorId: string,
  input: { name: string; expiresAt?: string | undefined; scopes: readonly string[] },
) {
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= ctx.clock.now())
    throw new DomainError('VALIDATION_FAILED', 'The expiry date must be in the future');
  const scopes = normalizeScopes(input.scopes);
  if (!scopes.length) throw new DomainError('VALIDATION_FAILED', 'Choose at least one scope');
  const { key, secret } = newKey(ctx.em, {
    workspaceId,
    name: input.name,
    actorId,
    createdAt: ctx.clock.now(),
    expiresAt,
    scopes,
  });
  recordAudit(ctx.em, ctx.clock, {
    type: 'apikey.created',
    actorId,
    workspaceId,
    target: { type: 'api_key', id: key.id },
    meta: ctx.meta,
    metadata: {
      name: input.name,
      prefix: key.displayPrefix,
      expiresAt: expiresAt?.toISOString() ?? null,
      scopes,
    },
  });
  await ctx.em.flush();
  const [dto] = await toApiKeyDtos(ctx.em, [key]);
  if (!dto) throw new Error('unreachable');
  return { key: dto, secret };
}

/** A new key row (not flushed) and its secret. */
export function newKey(
  em: EntityManager,
  input: {
    workspaceId: string;
    name: string;
    actorId: string;
    createdAt: Date;
    expiresAt: Date | null;
    scopes: string[];
  },
) {
  const secret = generateApiKey();
  const key = em.create(ApiKey, {
    workspaceId: input.workspaceId,
    createdAt: input.createdAt,
    name: input.name,
    displayPrefix: displayPrefix(secret),
    keyHash: apiKeyHash(secret),
    createdBy: input.actorId,
    expiresAt: input.expiresAt,
    lastUsedAt: null,
    revokedAt: null,
    usageCount: 0,
    scopes: input.scopes,
    replacedById: null,
  });
  return { key, secret };
}

/** A key that still works at `now` (not revoked yet: a roll's revocation may lie ahead). */
export const activeAt = (now: Date) => ({ $or: [{ revokedAt: null }, { revokedAt: { $gt: now } }] });

export async function listApiKeys(ctx: Pick<CoreContext, 'em'>, workspaceId: string) {
  const keys = await ctx.em.find(ApiKey, { workspaceId }, { orderBy: { createdAt: 'desc' } });
  return toApiKeyDtos(ctx.em, keys);
}

/**
 * Revokes at once on every API process: the database row, plus a marker the rate-limit call reads. A
 * rolled key still in its overlap is revoked now too.
 */
export async function revokeApiKey(
  ctx: KeysCtx,
  limiter: Pick<RateLimiter, 'markRevoked'>,
  workspaceId: string,
  actorId: string,
  keyId: string,
) {
  const now = ctx.clock.now();
  const revoked = await ctx.em.nativeUpdate(
    ApiKey,
    { id: keyId, workspaceId, ...activeAt(now) },
    { revokedAt: now },
  );
  if (revoked !== 1) throw new DomainError('NOT_FOUND', 'No such active API key');
  await limiter.markRevoked(revokedMarker(keyId), REVOCATION_MARKER_SECONDS);
  recordAudit(ctx.em, ctx.clock, {
    type: 'apikey.revoked',
    actorId,
    workspaceId,
    target: { type: 'api_key', id: keyId },
    meta: ctx.meta,
  });
  await ctx.em.flush();
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** Requests per key per day (UTC) over the last `days` days, zero-filled for charts. */
export async function apiKeyUsageSeries(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  workspaceId: string,
  days: number,
) {
  const { em } = ctx;
  const now = ctx.clock.now();
  const dayList: string[] = [];
  for (let i = days - 1; i >= 0; i--) dayList.push(isoDay(new Date(now.getTime() - i * 86_400_000)));
  const [first] = dayList;
  const rows = await em.find(ApiKeyUsage, { workspaceId, day: { $gte: first ?? '' } });
  const keys = await em.find(ApiKey, { workspaceId }, { orderBy: { createdAt: 'asc' } });
  return {
    days: dayList,
    series: keys.map((key) => {
      const byDay = new Map(rows.filter((r) => r.keyId === key.id).map((r) => [r.day, Number(r.requests)]));
      return { keyId: key.id, name: key.name, counts: dayList.map((day) => byDay.get(day) ?? 0) };
    }),
  };
}

/** The plan's limits, tokens left right now, and requests today and this month (UTC). */
export async function planUsage(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  limiter: RateLimiter,
  workspaceId: string,
  plan: 'starter' | 'professional' | 'business',
  policy: { perMinute: number; burst: number },
) {
  const { em } = ctx;
  const now = ctx.clock.now();
  const peek = await limiter.take(
    `ratelimit:ws:${workspaceId}`,
    'apikey:revoked:none',
    {
      capacity: policy.burst,
      refillPerSecond: policy.perMinute / 60,
    },
    0,
  );
  const today = isoDay(now);
  const month = `${today.slice(0, 7)}-01`;
  const rows = await em.find(ApiKeyUsage, { workspaceId, day: { $gte: month } });
  return {
    plan,
    limits: { perMinute: policy.perMinute, burst: policy.burst },
    remaining: peek.remaining,
    requestsToday: rows.filter((r) => r.day === today).reduce((sum, r) => sum + Number(r.requests), 0),
    requestsThisMonth: rows.reduce((sum, r) => sum + Number(r.requests), 0),
  };
}

/** Requests of all the workspace's keys per day (UTC) over the last `days` days, zero-filled. */
export async function workspaceRequestsByDay(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  workspaceId: string,
  days: number,
) {
  const { days: dayList, series } = await apiKeyUsageSeries(ctx, workspaceId, days);
  return dayList.map((day, i) => ({
    day,
    requests: series.reduce((sum, key) => sum + (key.counts[i] ?? 0), 0),
  }));
}
