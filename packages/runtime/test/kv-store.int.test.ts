// The Redis store and the in-memory store of the embedded default pass the same contract.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { testServices } from '../src/config.ts';
import { connectRedis, type KvStore, MemoryKvStore, RedisKvStore } from '../src/kv-store.ts';

let fakeNow = 1_000_000;
const stores: [string, () => Promise<{ store: KvStore; advance: (ms: number) => Promise<void> }>][] = [
  [
    'memory',
    async () => ({
      store: new MemoryKvStore(() => fakeNow),
      advance: async (ms) => {
        fakeNow += ms;
      },
    }),
  ],
  [
    'redis',
    async () => ({
      store: new RedisKvStore(
        await connectRedis(testServices().redisUrl, {
          connectTimeoutMs: 3000,
          keyPrefix: `test:${randomUUID()}:`,
        }),
      ),
      advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    }),
  ],
];

describe.each(stores)('%s key-value store', (_kind, make) => {
  const opened: KvStore[] = [];
  const open = async () => {
    const made = await make();
    opened.push(made.store);
    return made;
  };
  afterAll(async () => {
    for (const store of opened) await store.close();
  });

  it('stores, reads and deletes a value', async () => {
    const { store } = await open();
    expect(await store.get('a')).toBeNull();
    await store.set('a', 'one', 60);
    expect(await store.get('a')).toBe('one');
    await store.del('a');
    expect(await store.get('a')).toBeNull();
  });

  it('expires a value after its TTL', async () => {
    const { store, advance } = await open();
    await store.set('short', 'v', 1);
    expect(await store.get('short')).toBe('v');
    await advance(1300);
    expect(await store.get('short')).toBeNull();
  });

  it('counts atomically within a fixed window', async () => {
    const { store, advance } = await open();
    const counts = await Promise.all(Array.from({ length: 50 }, () => store.incr('n', 1)));
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await store.ttl('n')).toBeGreaterThan(0);
    await advance(1300);
    expect(await store.incr('n', 1)).toBe(1);
    expect(await store.ttl('missing')).toBe(0);
  });

  it('answers ping', async () => {
    const { store } = await open();
    expect(await store.ping()).toBeGreaterThanOrEqual(0);
  });
});

describe('connectRedis', () => {
  it('fails with an error naming REDIS_URL when Redis does not answer', async () => {
    await expect(connectRedis('redis://127.0.0.1:1/0', { connectTimeoutMs: 1000 })).rejects.toThrow(
      /^REDIS_URL: cannot reach Redis/,
    );
  });
});
