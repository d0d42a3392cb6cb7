// The volatile key-value store: Redis in production; process memory for the embedded single-process
// default. Holds only what may be lost (cache entries, rate-limit buckets, short-lived state).
//
// A Redis outage fails fast: no offline queue (a command while disconnected is refused at once), no
// retry of a command across reconnects, and a bound on every command's wait. Such failures are
// StoreUnavailableErrors (isStoreUnavailable also recognises ioredis's own errors, for callers that
// use the client directly, like the rate limiter); the API answers them 503 + Retry-After. ioredis
// reconnects in the background (every ≤ 2 s), so service resumes without a restart.
import { Redis } from 'ioredis';
import { ConfigError, redactUrl } from './config.ts';

/** Longest wait for one Redis command before it fails (a hung or partitioned Redis). */
export const REDIS_COMMAND_TIMEOUT_MS = 1000;
/** What callers are told to wait (Retry-After) while the store is down: about two reconnect attempts. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** The key-value store (Redis) did not answer: down, unreachable, or too slow. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the key-value store (Redis) is unavailable: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
    this.name = 'StoreUnavailableError';
  }
}

/** ioredis's errors for a connection that is down, closing, or not answering in time. */
const OUTAGE_MESSAGES = [
  /^Stream isn't writeable/,
  /^Command timed out/,
  /^Connection is closed/,
  /aborted due to connection close/,
  /^Reached the max retries per request limit/,
];
const OUTAGE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTCONN',
  'EHOSTUNREACH',
]);

/** Whether `error` (or its cause) means the key-value store is unavailable, not a bug or a bad command. */
export function isStoreUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof StoreUnavailableError) return true;
    const { name, message, code } = e as { name?: string; message?: string; code?: string };
    if (name === 'MaxRetriesPerRequestError') return true;
    if (typeof code === 'string' && OUTAGE_CODES.has(code)) return true;
    if (typeof message === 'string' && OUTAGE_MESSAGES.some((re) => re.test(message))) return true;
  }
  return false;
}

async function guarded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw isStoreUnavailable(error) && !(error instanceof StoreUnavailableError)
      ? new StoreUnavailableError(error)
      : error;
  }
}

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
    return guarded(() => this.client.get(key));
  }

  async set(key: string, value: string, ttlSeconds: number) {
    await guarded(() => this.client.set(key, value, 'PX', Math.max(1, Math.round(ttlSeconds * 1000))));
  }

  async del(key: string) {
    await guarded(() => this.client.del(key));
  }

  async incr(key: string, ttlSeconds: number) {
    // SET NX starts the window with its expiry; INCR is atomic across every API process.
    const results = await guarded(() =>
      this.client
        .multi()
        .set(key, '0', 'PX', Math.max(1, Math.round(ttlSeconds * 1000)), 'NX')
        .incr(key)
        .exec(),
    );
    const value = results?.[1]?.[1];
    if (typeof value !== 'number') throw new Error('Redis INCR returned no number');
    return value;
  }

  async ttl(key: string) {
    const ms = await guarded(() => this.client.pttl(key));
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  async ping() {
    const started = performance.now();
    await guarded(() => this.client.ping());
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
    // Fail fast while Redis is down (see the top of this file): a request never waits for a reconnect.
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Commands of concurrent requests (rate-limit buckets) share one write to Redis.
    enableAutoPipelining: true,
    ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
    ...(url.startsWith('rediss:') ? { tls: {} } : {}),
  });
  // Connection errors surface through the commands that fail; ioredis reconnects on its own. The last
  // one is kept for the start-up message: a TLS failure (wrong CA) otherwise reads "Connection is closed".
  let lastError: Error | null = null;
  const remember = (error: Error) => {
    lastError = error;
  };
  client.on('error', remember);
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    const cause = lastError && lastError !== error ? ` (${(lastError as Error).message})` : '';
    throw new ConfigError(
      'REDIS_URL',
      `cannot reach Redis at ${redactUrl(url)}: ${(error as Error).message}${cause}`,
    );
  } finally {
    client.off('error', remember);
    client.on('error', () => {});
  }
}

export async function createKvStore(
  redisUrl: string | undefined,
  options: { connectTimeoutMs: number; keyPrefix?: string },
): Promise<KvStore> {
  if (!redisUrl) return new MemoryKvStore();
  return new RedisKvStore(await connectRedis(redisUrl, options));
}
