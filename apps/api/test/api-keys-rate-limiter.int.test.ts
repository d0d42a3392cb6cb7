// The token-bucket rate limiter behind the public API: Redis and in-process implementations pass the
// same contract (exact capacity under 1,000 simultaneous takes, refill, revocation), and the choice between them.
import { randomUUID } from 'node:crypto';
import { createRateLimiter, MemoryRateLimiter, RedisRateLimiter } from '@postern/core';
import { connectRedis, createKvStore, testServices } from '@postern/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ instances: 2 });
});
afterAll(async () => {
  await h.close();
});

describe('token bucket (Redis and in-process pass the same contract)', () => {
  const policy = { capacity: 100, refillPerSecond: 0.0001 };
  const makers: [
    string,
    () => Promise<{ limiters: (RedisRateLimiter | MemoryRateLimiter)[]; close: () => Promise<void> }>,
  ][] = [
    [
      'redis (two connections, as two API processes)',
      async () => {
        const prefix = `test:${randomUUID()}:`;
        const clients = await Promise.all(
          [1, 2].map(() =>
            connectRedis(testServices().redisUrl, { connectTimeoutMs: 3000, keyPrefix: prefix }),
          ),
        );
        return {
          limiters: clients.map((c) => new RedisRateLimiter(c)),
          close: async () => void (await Promise.all(clients.map((c) => c.quit()))),
        };
      },
    ],
    [
      'memory',
      async () => {
        const limiter = new MemoryRateLimiter();
        return { limiters: [limiter, limiter], close: async () => {} };
      },
    ],
  ];

  it.each(makers)('%s admits exactly the capacity of 1,000 simultaneous takes', async (_name, make) => {
    const { limiters, close } = await make();
    try {
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          limiters[i % limiters.length]?.take('bucket', 'revoked', policy),
        ),
      );
      expect(results.filter((r) => r?.allowed)).toHaveLength(100);
      const refused = results.find((r) => !r?.allowed);
      expect(refused?.retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      await close();
    }
  });

  it.each(makers)('%s refills at the sustained rate and reports revocation', async (_name, make) => {
    const { limiters, close } = await make();
    const limiter = limiters[0];
    if (!limiter) throw new Error('setup');
    try {
      // One token a second: the three takes below need not happen within a tight window.
      const fast = { capacity: 2, refillPerSecond: 1 };
      expect((await limiter.take('b2', 'r2', fast)).allowed).toBe(true);
      expect((await limiter.take('b2', 'r2', fast)).allowed).toBe(true);
      expect((await limiter.take('b2', 'r2', fast)).allowed).toBe(false);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await limiter.take('b2', 'r2', fast)).allowed).toBe(true);
      await limiter.markRevoked('r2', 60);
      expect((await limiter.take('b2', 'r2', fast)).revoked).toBe(true);
    } finally {
      await close();
    }
  });

  it('picks Redis when the store is Redis, and the in-process limiter for the memory store', async () => {
    const redis = await createKvStore(testServices().redisUrl, { connectTimeoutMs: 3000 });
    try {
      expect(createRateLimiter(redis)).toBeInstanceOf(RedisRateLimiter);
    } finally {
      await redis.close();
    }
    expect(createRateLimiter(await createKvStore(undefined, { connectTimeoutMs: 3000 }))).toBeInstanceOf(
      MemoryRateLimiter,
    );
  });
});
