// Token-bucket rate limiting per workspace (capacity = burst, refill = sustained rate), applied by one
// atomic Lua script in Redis — correct under concurrency and across API processes — or in process
// memory for the embedded single-process default. Both pass the same contract tests. The same call
// also answers whether an API key was revoked, so the hot path costs one Redis round trip.
import type { KvStore } from '@postern/runtime';
import type { Redis } from 'ioredis';

export interface BucketPolicy {
  capacity: number;
  refillPerSecond: number;
}

export interface TakeResult {
  /** The key behind the request was revoked (the bucket was not touched). */
  revoked: boolean;
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds until one token is available (0 when allowed). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  take(bucketKey: string, revokedKey: string, policy: BucketPolicy, cost?: number): Promise<TakeResult>;
  /** Marks a key revoked for every API process (the local caches of key records expire sooner). */
  markRevoked(revokedKey: string, ttlSeconds: number): Promise<void>;
}

const LUA = `
if redis.call('EXISTS', KEYS[2]) == 1 then return {-1, 0, 0, 0} end
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2]) / 1000
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local data = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(data[1])
local ts = tonumber(data[2])
if tokens == nil or ts == nil then tokens = capacity; ts = now end
if now > ts then tokens = math.min(capacity, tokens + (now - ts) * rate) end
local allowed = 0
if tokens >= cost then tokens = tokens - cost; allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(math.max(now, ts)))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 1000)
local retry = 0
if allowed == 0 then retry = math.ceil((cost - tokens) / rate / 1000) end
return {allowed, math.floor(tokens), retry, math.ceil((capacity - tokens) / rate / 1000)}
`;

type RedisWithBucket = Redis & {
  postern_take(
    bucket: string,
    revoked: string,
    capacity: number,
    rate: number,
    cost: number,
  ): Promise<number[]>;
};

export class RedisRateLimiter implements RateLimiter {
  readonly #redis: RedisWithBucket;
  constructor(redis: Redis) {
    if (!('postern_take' in redis)) redis.defineCommand('postern_take', { numberOfKeys: 2, lua: LUA });
    this.#redis = redis as RedisWithBucket;
  }

  async take(bucketKey: string, revokedKey: string, policy: BucketPolicy, cost = 1): Promise<TakeResult> {
    const [allowed = 0, remaining = 0, retry = 0, reset = 0] = await this.#redis.postern_take(
      bucketKey,
      revokedKey,
      policy.capacity,
      policy.refillPerSecond,
      cost,
    );
    if (allowed === -1)
      return { revoked: true, allowed: false, remaining: 0, resetSeconds: 0, retryAfterSeconds: 0 };
    return {
      revoked: false,
      allowed: allowed === 1,
      remaining,
      resetSeconds: reset,
      retryAfterSeconds: retry,
    };
  }

  async markRevoked(revokedKey: string, ttlSeconds: number) {
    await this.#redis.set(revokedKey, '1', 'EX', ttlSeconds);
  }
}

/** The embedded default: exact within one process (JavaScript runs one take at a time). */
export class MemoryRateLimiter implements RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; ts: number }>();
  readonly #revoked = new Map<string, number>();
  readonly #now: () => number;
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async take(bucketKey: string, revokedKey: string, policy: BucketPolicy, cost = 1): Promise<TakeResult> {
    const now = this.#now();
    const revokedUntil = this.#revoked.get(revokedKey);
    if (revokedUntil && revokedUntil > now)
      return { revoked: true, allowed: false, remaining: 0, resetSeconds: 0, retryAfterSeconds: 0 };
    const rate = policy.refillPerSecond / 1000;
    const bucket = this.#buckets.get(bucketKey) ?? { tokens: policy.capacity, ts: now };
    if (now > bucket.ts) bucket.tokens = Math.min(policy.capacity, bucket.tokens + (now - bucket.ts) * rate);
    bucket.ts = Math.max(now, bucket.ts);
    const allowed = bucket.tokens >= cost;
    if (allowed) bucket.tokens -= cost;
    this.#buckets.set(bucketKey, bucket);
    return {
      revoked: false,
      allowed,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.ceil((policy.capacity - bucket.tokens) / rate / 1000),
      retryAfterSeconds: allowed ? 0 : Math.ceil((cost - bucket.tokens) / rate / 1000),
    };
  }

  async markRevoked(revokedKey: string, ttlSeconds: number) {
    this.#revoked.set(revokedKey, this.#now() + ttlSeconds * 1000);
  }
}

export function createRateLimiter(kv: KvStore): RateLimiter {
  if (kv.kind === 'redis' && 'client' in kv) return new RedisRateLimiter((kv as { client: Redis }).client);
  return new MemoryRateLimiter();
}
