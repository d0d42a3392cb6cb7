// Exact figures of the token buckets and of check metering, which mutation testing (issue #25,
// `pnpm mutation --mutate 'packages/core/src/rate-limit/**'`) found loosely pinned: remaining, reset
// and retry seconds, refill and its cap, a clock going backwards, revocation expiry, takeAll's
// all-or-none with per-bucket retry, the rate-limit headers and the RATE_LIMITED error. Each limiter
// contract runs on Redis (real server, random key prefix) and in memory; the clock-driven cases use
// the memory limiter's injected clock.
import { randomUUID } from 'node:crypto';
import { connectRedis, MemoryKvStore, RedisKvStore, testServices } from '@postern/runtime';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../src/errors.ts';
import {
  accountBucketKey,
  chargeAddressChecks,
  chargeApiChecks,
  checksRefused,
  headerValues,
  workspaceBucketKey,
} from '../src/rate-limit/metering.ts';
import {
  createRateLimiter,
  MemoryRateLimiter,
  type RateLimiter,
  RedisRateLimiter,
} from '../src/rate-limit/token-bucket.ts';

let redis: Redis;
beforeAll(async () => {
  redis = await connectRedis(testServices().redisUrl, {
    connectTimeoutMs: 3000,
    keyPrefix: `test:${randomUUID()}:`,
  });
});
afterAll(async () => {
  await redis?.quit();
});

// 0.01 token/s: the few milliseconds a test takes refill nothing visible (1 token per 100 s).
const slow = { capacity: 10, refillPerSecond: 0.01 };
const limiters: [string, () => RateLimiter][] = [
  ['redis', () => new RedisRateLimiter(redis)],
  ['memory', () => new MemoryRateLimiter()],
];
const fresh = () => `bucket-${randomUUID()}`;

describe.each(limiters)('%s limiter: exact figures', (_name, make) => {
  it('a fresh bucket: remaining, reset and retry seconds of a take, a refusal and an exact fit', async () => {
    const limiter = make();
    const key = fresh();
    const revoked = `revoked-${randomUUID()}`;
    expect(await limiter.take(key, revoked, slow)).toEqual({
      revoked: false,
      allowed: true,
      remaining: 9,
      resetSeconds: 100,
      retryAfterSeconds: 0,
    });
    expect(await limiter.take(key, revoked, slow, 10)).toEqual({
      revoked: false,
      allowed: false,
      remaining: 9,
      resetSeconds: 100,
      retryAfterSeconds: 100,
    });
    expect(await limiter.take(key, revoked, slow, 9)).toMatchObject({ allowed: true, remaining: 0 });
    const empty = await limiter.take(key, revoked, slow, 3);
    expect(empty).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 300 });
    expect(empty.resetSeconds).toBeGreaterThan(999);
  });

  it('a revoked key is answered first and touches no bucket', async () => {
    const limiter = make();
    const key = fresh();
    const revoked = `revoked-${randomUUID()}`;
    await limiter.markRevoked(revoked, 60);
    expect(await limiter.take(key, revoked, slow)).toEqual({
      revoked: true,
      allowed: false,
      remaining: 0,
      resetSeconds: 0,
      retryAfterSeconds: 0,
    });
    expect(await limiter.takeAll([{ key, cost: 1 }], slow, revoked)).toEqual({
      revoked: true,
      allowed: false,
      buckets: [{ remaining: 0, resetSeconds: 0, retryAfterSeconds: 0 }],
    });
    // Nothing was charged: the bucket is still full.
    expect(await limiter.take(key, `other-${randomUUID()}`, slow)).toMatchObject({
      allowed: true,
      remaining: 9,
    });
  });

  it('takeAll: per-bucket figures in order; one short bucket refuses all, retry only where short', async () => {
    const limiter = make();
    const [a, b] = [fresh(), fresh()];
    expect(await limiter.takeAll([{ key: b, cost: 8 }], slow)).toMatchObject({ allowed: true });
    expect(
      await limiter.takeAll(
        [
          { key: a, cost: 3 },
          { key: b, cost: 3 },
        ],
        slow,
        `not-revoked-${randomUUID()}`,
      ),
    ).toEqual({
      allowed: false,
      buckets: [
        { remaining: 10, resetSeconds: 0, retryAfterSeconds: 0 },
        { remaining: 2, resetSeconds: 800, retryAfterSeconds: 100 },
      ],
    });
    expect(
      await limiter.takeAll(
        [
          { key: a, cost: 4 },
          { key: b, cost: 2 },
        ],
        slow,
      ),
    ).toEqual({
      allowed: true,
      buckets: [
        { remaining: 6, resetSeconds: 400, retryAfterSeconds: 0 },
        { remaining: 0, resetSeconds: 1000, retryAfterSeconds: 0 },
      ],
    });
  });
});

describe('memory limiter against its clock', () => {
  const policy = { capacity: 10, refillPerSecond: 2 }; // one token per 500 ms

  it('refills with time, never above capacity, and not when the clock goes back', async () => {
    let now = 1_000_000;
    const limiter = new MemoryRateLimiter(() => now);
    const key = fresh();
    expect(await limiter.take(key, 'r', policy, 10)).toMatchObject({
      allowed: true,
      remaining: 0,
      resetSeconds: 5,
    });
    now += 499;
    expect(await limiter.take(key, 'r', policy)).toMatchObject({
      allowed: false,
      remaining: 0,
      retryAfterSeconds: 1,
    });
    now += 1;
    expect(await limiter.take(key, 'r', policy)).toMatchObject({ allowed: true, remaining: 0 });
    now += 60_000;
    expect(await limiter.take(key, 'r', policy)).toMatchObject({
      allowed: true,
      remaining: 9,
      resetSeconds: 1,
    });
    now -= 30_000; // the clock goes back: no refill, no loss
    expect(await limiter.take(key, 'r', policy)).toMatchObject({ allowed: true, remaining: 8 });
    now += 500; // still behind the bucket's last time: nothing refilled yet
    expect(await limiter.take(key, 'r', policy)).toMatchObject({ allowed: true, remaining: 7 });
  });

  it('takeAll refills each bucket the same way', async () => {
    let now = 5_000_000;
    const limiter = new MemoryRateLimiter(() => now);
    const [a, b] = [fresh(), fresh()];
    const both = (cost: number) => [
      { key: a, cost },
      { key: b, cost },
    ];
    expect((await limiter.takeAll(both(10), policy)).allowed).toBe(true);
    now += 1_000;
    expect(await limiter.takeAll(both(3), policy)).toEqual({
      allowed: false,
      buckets: [
        { remaining: 2, resetSeconds: 4, retryAfterSeconds: 1 },
        { remaining: 2, resetSeconds: 4, retryAfterSeconds: 1 },
      ],
    });
    now -= 10_000;
    expect((await limiter.takeAll(both(2), policy)).buckets.map((s) => s.remaining)).toEqual([0, 0]);
    now += 100_000;
    expect((await limiter.takeAll(both(1), policy)).buckets.map((s) => s.remaining)).toEqual([9, 9]);
  });

  it('takeAll keeps the last time of a bucket when the clock goes back (no double refill later)', async () => {
    let now = 7_000_000;
    const limiter = new MemoryRateLimiter(() => now);
    const key = fresh();
    expect((await limiter.takeAll([{ key, cost: 10 }], policy)).allowed).toBe(true);
    now -= 10_000;
    expect((await limiter.takeAll([{ key, cost: 0 }], policy)).buckets[0]?.remaining).toBe(0);
    now += 10_500; // 500 ms after the bucket's last time: one token, not the 10.5 s since the clock's low point
    expect((await limiter.takeAll([{ key, cost: 0 }], policy)).buckets[0]?.remaining).toBe(1);
  });

  it('a revocation lasts exactly its time to live', async () => {
    let now = 2_000_000;
    const limiter = new MemoryRateLimiter(() => now);
    await limiter.markRevoked('gone', 5);
    now += 4_999;
    expect((await limiter.take(fresh(), 'gone', policy)).revoked).toBe(true);
    expect((await limiter.takeAll([{ key: fresh(), cost: 1 }], policy, 'gone')).revoked).toBe(true);
    now += 1;
    expect((await limiter.take(fresh(), 'gone', policy)).revoked).toBe(false);
    expect((await limiter.takeAll([{ key: fresh(), cost: 1 }], policy, 'gone')).revoked).toBeUndefined();
  });
});

describe('createRateLimiter', () => {
  it('uses the Redis store when the store is Redis, process memory otherwise', async () => {
    expect(createRateLimiter(new RedisKvStore(redis))).toBeInstanceOf(RedisRateLimiter);
    expect(createRateLimiter(new MemoryKvStore())).toBeInstanceOf(MemoryRateLimiter);
  });

  it('two Redis limiters on one connection share the script and the buckets', async () => {
    const key = fresh();
    await new RedisRateLimiter(redis).take(key, 'r', slow, 4);
    expect(await new RedisRateLimiter(redis).take(key, 'r', slow)).toMatchObject({ remaining: 5 });
  });
});

describe('metering', () => {
  const policy = { perMinute: 60, burst: 10 };
  const subject = { workspaceId: 'ws1', accountId: 'acct1', plan: 'free', policy };

  it('bucket keys name the workspace and the account', () => {
    expect(workspaceBucketKey('w')).toBe('ratelimit:ws:w');
    expect(accountBucketKey('a')).toBe('ratelimit:acct:a');
  });

  it('headers: both buckets named, the smallest remaining, the largest reset, never negative', () => {
    const headers = headerValues({ perMinute: 120, burst: 30 }, [
      ['workspace', { remaining: 7, resetSeconds: 4, retryAfterSeconds: 0 }],
      ['account', { remaining: 3, resetSeconds: 9, retryAfterSeconds: 0 }],
    ]);
    expect(headers).toEqual({
      'ratelimit-policy': '"workspace";q=30;w=15, "account";q=30;w=15',
      ratelimit: '"workspace";r=7;t=4, "account";r=3;t=9',
      'x-ratelimit-limit': '30',
      'x-ratelimit-remaining': '3',
      'x-ratelimit-reset': '9',
    });
    const negative = headerValues(policy, [
      ['workspace', { remaining: -2, resetSeconds: 1, retryAfterSeconds: 0 }],
    ]);
    expect(negative['x-ratelimit-remaining']).toBe('0');
  });

  it('RATE_LIMITED names the bucket with the longer wait, at least 1 s, and counts the addresses', () => {
    const ok = { remaining: 5, resetSeconds: 5, retryAfterSeconds: 0 };
    const short = (retryAfterSeconds: number) => ({ remaining: 0, resetSeconds: 9, retryAfterSeconds });
    const byAccount = checksRefused('pro', ok, short(7), 1);
    expect(byAccount).toBeInstanceOf(DomainError);
    expect(byAccount).toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterSeconds: 7, scope: 'account' },
    });
    expect(byAccount.message).toBe(
      "The account that owns this workspace has used its pro plan's checks for now (shared by all of its workspaces); this check can run in 7 s",
    );
    const byWorkspace = checksRefused('free', short(4), short(4), 3);
    expect(byWorkspace).toMatchObject({ details: { retryAfterSeconds: 4, scope: 'workspace' } });
    expect(byWorkspace.message).toBe(
      "This workspace has used its free plan's rate limit for now; these 3 checks (one unit per address) can run in 4 s",
    );
    expect(checksRefused('free', ok, ok, 2)).toMatchObject({
      details: { retryAfterSeconds: 1, scope: 'workspace' },
    });
  });

  it('charges both buckets, minus what the request already paid; refuses with headers set', async () => {
    let now = 9_000_000;
    const limiter = new MemoryRateLimiter(() => now);
    const seen: Record<string, string>[] = [];
    await chargeAddressChecks(limiter, subject, 4, (h) => seen.push(h), { workspace: 1, account: 0 });
    expect(seen.at(-1)?.ratelimit).toBe('"workspace";r=7;t=3, "account";r=6;t=4');
    await expect(chargeAddressChecks(limiter, subject, 8, (h) => seen.push(h))).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { scope: 'account', retryAfterSeconds: 2 },
    });
    expect(seen).toHaveLength(2);
    // Refused: each bucket's reset is its wait to pay the 8 units (#24: the same as Retry-After, 2 s).
    expect(seen.at(-1)?.ratelimit).toBe('"workspace";r=7;t=1, "account";r=6;t=2');
    expect(seen.at(-1)?.['x-ratelimit-reset']).toBe('2');
    now += 1_000;
    // An ownerless workspace is charged as its own account.
    await chargeAddressChecks(limiter, { ...subject, accountId: null }, 2, (h) => seen.push(h));
    expect(seen.at(-1)?.ratelimit).toBe('"workspace";r=6;t=4, "account";r=8;t=2');
    expect(
      (await limiter.take(accountBucketKey('workspace-ws1'), 'r', { capacity: 10, refillPerSecond: 1 }, 0))
        .remaining,
    ).toBe(8);
  });

  it('a negative remainder after what was already paid charges nothing', async () => {
    const limiter = new MemoryRateLimiter(() => 0);
    const seen: Record<string, string>[] = [];
    await chargeAddressChecks(limiter, subject, 1, (h) => seen.push(h), { workspace: 3, account: 2 });
    expect(seen[0]?.ratelimit).toBe('"workspace";r=10;t=0, "account";r=10;t=0');
  });

  it('/v1: a single check the gate already charged in both buckets costs nothing more', async () => {
    const limiter = new MemoryRateLimiter(() => 0);
    const seen: Record<string, string>[] = [];
    const principal = { workspaceId: 'ws2', accountId: 'acct2', plan: 'free' };
    const auth = (checkBuckets: boolean) =>
      ({ principal, policy, checkBuckets }) as unknown as Parameters<typeof chargeApiChecks>[1];
    await chargeApiChecks(limiter, auth(true), 1, (h) => seen.push(h));
    expect(seen).toEqual([]);
    await chargeApiChecks(limiter, auth(true), 3, (h) => seen.push(h));
    expect(seen.at(-1)?.ratelimit).toBe('"workspace";r=8;t=2, "account";r=8;t=2');
    await chargeApiChecks(limiter, auth(false), 1, (h) => seen.push(h));
    expect(seen.at(-1)?.ratelimit).toBe('"workspace";r=8;t=2, "account";r=7;t=3');
    await chargeApiChecks(limiter, auth(false), 2, (h) => seen.push(h));
    expect(seen.at(-1)?.ratelimit).toBe('"workspace";r=7;t=3, "account";r=5;t=5');
  });
});
