// takeAll — several buckets charged atomically, all or none — passes the same contract on Redis (two
// connections, as two API processes) and in process memory.
import { randomUUID } from 'node:crypto';
import { connectRedis, testServices } from '@postern/runtime';
import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter, type RateLimiter, RedisRateLimiter } from '../src/rate-limit/token-bucket.ts';

const makers: [string, () => Promise<{ limiters: RateLimiter[]; close: () => Promise<void> }>][] = [
  [
    'redis',
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

describe('RateLimiter.takeAll', () => {
  const slow = { capacity: 100, refillPerSecond: 0.0001 };

  it.each(makers)('%s: charges every bucket, or none when one is short', async (_name, make) => {
    const { limiters, close } = await make();
    const [limiter] = limiters as [RateLimiter];
    try {
      const first = await limiter.takeAll(
        [
          { key: 'ws', cost: 49 },
          { key: 'acct', cost: 50 },
        ],
        slow,
      );
      expect(first.allowed).toBe(true);
      expect(first.buckets.map((b) => b.remaining)).toEqual([51, 50]);
      expect(first.buckets.every((b) => b.retryAfterSeconds === 0)).toBe(true);
      // The account has 50: 60 more do not fit. The workspace could pay, but is not charged either.
      const refused = await limiter.takeAll(
        [
          { key: 'ws2', cost: 10 },
          { key: 'acct', cost: 60 },
        ],
        slow,
      );
      expect(refused.allowed).toBe(false);
      expect(refused.buckets[0]).toMatchObject({ remaining: 100, retryAfterSeconds: 0 });
      expect(refused.buckets[1]?.remaining).toBe(50);
      expect(refused.buckets[1]?.retryAfterSeconds).toBeGreaterThan(0);
      // A cost of 0 only reads the bucket.
      const peek = await limiter.takeAll([{ key: 'ws2', cost: 0 }], slow);
      expect(peek).toMatchObject({ allowed: true, buckets: [{ remaining: 100 }] });
    } finally {
      await close();
    }
  });

  it.each(makers)(
    '%s: admits exactly the capacity under 500 simultaneous two-bucket takes',
    async (_name, make) => {
      const { limiters, close } = await make();
      try {
        // Two workspaces of one account: each has 100, the shared account bucket too.
        const results = await Promise.all(
          Array.from({ length: 500 }, (_, i) =>
            limiters[i % limiters.length]?.takeAll(
              [
                { key: `ws-${i % 2}`, cost: 1 },
                { key: 'acct-shared', cost: 1 },
              ],
              slow,
            ),
          ),
        );
        expect(results.filter((r) => r?.allowed)).toHaveLength(100);
      } finally {
        await close();
      }
    },
  );
});
