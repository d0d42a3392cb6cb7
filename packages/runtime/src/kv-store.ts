// The volatile key-value store: Redis in production; process memory for the embedded single-process
// default. Holds only what may be lost (cache entries, rate-limit buckets, short-lived state).
import { Redis } from 'ioredis';
import { ConfigError, redactUrl } from './config.ts';

export interface KvStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  del(key: string): Promise<void>;
  /**
   * Atomically adds 1 and returns the new count. A new key lives `ttlSeconds`; later increments do
   * not extend it (a fixed window).
   */
  incr(key: string, ttlSeconds: number): Promise<number>;
  /** Seconds until the key expires; 0 when it does not exist. */
  ttl(key: string): Promise<number>;
  /** Round-trip time in milliseconds; throws when the store does not answer. */
  ping(): Promise<number>;
  close(): Promise<void>;
}

export class MemoryKvStore implements KvStore {
  readonly kind = 'memory' as const;
  readonly #entries = new Map<string, { value: string; expiresAt: number }>();
  readonly #now: () => number;
  readonly #sweeper: NodeJS.Timeout;

  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.#sweeper = setInterval(() => this.#sweep(), 60_000);
    this.#sweeper.unref();
  }

  async get(key: string): Promise<string | null> {
    const entry = this.#entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return null;
    }
    return entry.value;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlSeconds * 1000 });
  }

  async del(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async incr(key: string, ttlSeconds: number): Promise<number> {
    const now = this.#now();
    const entry = this.#entries.get(key);
    if (!entry || entry.expiresAt <= now) {
      this.#entries.set(key, { value: '1', expiresAt: now + ttlSeconds * 1000 });
      return 1;
    }
    const next = Number(entry.value) + 1;
    entry.value = String(next);
    return next;
  }

  async ttl(key: string): Promise<number> {
    const entry = this.#entries.get(key);
    if (!entry) return 0;
    return Math.max(0, Math.ceil((entry.expiresAt - this.#now()) / 1000));
  }

  async ping(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#entries.clear();
  }

  #sweep() {
    const now = this.#now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }
}

export class RedisKvStore implements KvStore {
  readonly kind = 'redis' as const;
  readonly client: Redis;

  constructor(client: Redis) {
    this.client = client;
  }

  async get(key: string) {
    return this.client.get(key);
  }

  async set(key: string, value: string, ttlSeconds: number) {
    await this.client.set(key, value, 'PX', Math.max(1, Math.round(ttlSeconds * 1000)));
  }

  async del(key: string) {
    await this.client.del(key);
  }

  async incr(key: string, ttlSeconds: number) {
    // SET NX starts the window with its expiry; INCR is atomic across every API process.
    const results = await this.client
      .multi()
      .set(key, '0', 'PX', Math.max(1, Math.round(ttlSeconds * 1000)), 'NX')
      .incr(key)
      .exec();
    const value = results?.[1]?.[1];
    if (typeof value !== 'number') throw new Error('Redis INCR returned no number');
    return value;
  }

  async ttl(key: string) {
    const ms = await this.client.pttl(key);
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  async ping() {
    const started = performance.now();
    await this.client.ping();
    return performance.now() - started;
  }

  async close() {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

/** Connects to Redis and proves it answers, or fails with a ConfigError naming REDIS_URL. */
export async function connectRedis(
  url: string,
  options: { connectTimeoutMs: number; keyPrefix?: string },
): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    // Commands of concurrent requests (rate-limit buckets) share one write to Redis.
    enableAutoPipelining: true,
    ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
    ...(url.startsWith('rediss:') ? { tls: {} } : {}),
  });
  client.on('error', () => {
    // Connection errors surface through the commands that fail; ioredis reconnects on its own.
  });
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    throw new ConfigError(
      'REDIS_URL',
      `cannot reach Redis at ${redactUrl(url)}: ${(error as Error).message}`,
    );
  }
}

export async function createKvStore(
  redisUrl: string | undefined,
  options: { connectTimeoutMs: number },
): Promise<KvStore> {
  if (!redisUrl) return new MemoryKvStore();
  return new RedisKvStore(await connectRedis(redisUrl, options));
}
