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

/** One bucket of a `takeAll`: its key and what this request costs in it (0: only read it). */
export interface BucketCharge {
  key: string;
  cost: number;
}

export interface BucketState {
  /** Whole tokens left (after the charge when allowed). */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds until this bucket could pay its cost (0 when it can now). */
  retryAfterSeconds: number;
}

const REVOKED_STATE: BucketState = { remaining: 0, resetSeconds: 0, retryAfterSeconds: 0 };

export interface TakeAllResult {
  /** The key named by `revokedKey` was revoked (no bucket was touched). */
  revoked?: boolean;
  /** Every bucket could pay: all were charged. Otherwise none was. */
  allowed: boolean;
  /** One per charge, in the order given. */
  buckets: BucketState[];
}

export interface RateLimiter {
  take(bucketKey: string, revokedKey: string, policy: BucketPolicy, cost?: number): Promise<TakeResult>;
  /**
   * Charges several buckets of the same policy atomically: all of them, or none when one is short.
   * With `revokedKey`, a revoked API key is answered first (`revoked: true`, nothing charged), as `take`.
   */
  takeAll(charges: BucketCharge[], policy: BucketPolicy, revokedKey?: string): Promise<TakeAllResult>;
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

// takeAll: KEYS = buckets, then (when ARGV[3] is 1) the revoked-key marker; ARGV = capacity, rate,
// has-revoked-key, then one cost per bucket. Returns allowed (-1: revoked), then (remaining, retry,
// reset) per bucket.
const LUA_ALL = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2]) / 1000
local n = #KEYS
if ARGV[3] == '1' then
  if redis.call('EXISTS', KEYS[n]) == 1 then return {-1} end
  n = n - 1
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tokens = {}
local stamps = {}
local allowed = 1
for i = 1, n do
  local data = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
  local tk = tonumber(data[1])
  local ts = tonumber(data[2])
  if tk == nil or ts == nil then tk = capacity; ts = now end
  if now > ts then tk = math.min(capacity, tk + (now - ts) * rate) end
  tokens[i] = tk
  stamps[i] = math.max(now, ts)
  if tk < tonumber(ARGV[3 + i]) then allowed = 0 end
end
local out = {allowed}
for i = 1, n do
  local cost = tonumber(ARGV[3 + i])
  local retry = 0
  if allowed == 1 then
    tokens[i] = tokens[i] - cost
  elseif tokens[i] < cost then
    retry = math.ceil((cost - tokens[i]) / rate / 1000)
  end
  redis.call('HSET', KEYS[i], 'tokens', tostring(tokens[i]), 'ts', tostring(stamps[i]))
  redis.call('PEXPIRE', KEYS[i], math.ceil(capacity / rate) + 1000)
  table.insert(out, math.floor(tokens[i]))
  table.insert(out, retry)
  table.insert(out, math.ceil((capacity - tokens[i]) / rate / 1000))
end
return out
`;

type RedisWithBucket = Redis & {
  postern_take_all(numberOfKeys: number, ...args: (string | number)[]): Promise<number[]>;
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
    // Variable number of keys: the caller passes it first.
    if (!('postern_take_all' in redis)) redis.defineCommand('postern_take_all', { lua: LUA_ALL });
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

  async takeAll(charges: BucketCharge[], policy: BucketPolicy, revokedKey?: string): Promise<TakeAllResult> {
    const keys = charges.map((c) => c.key);
    if (revokedKey) keys.push(revokedKey);
    const reply = await this.#redis.postern_take_all(
      keys.length,
      ...keys,
      policy.capacity,
      policy.refillPerSecond,
      revokedKey ? 1 : 0,
      ...charges.map((c) => c.cost),
    );
    if (reply[0] === -1) return { revoked: true, allowed: false, buckets: charges.map(() => REVOKED_STATE) };
    return {
      allowed: reply[0] === 1,
      buckets: charges.map((_, i) => ({
        remaining: reply[1 + i * 3] ?? 0,
        retryAfterSeconds: reply[2 + i * 3] ?? 0,
        resetSeconds: reply[3 + i * 3] ?? 0,
      })),
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

  async takeAll(charges: BucketCharge[], policy: BucketPolicy, revokedKey?: string): Promise<TakeAllResult> {
    const now = this.#now();
    const revokedUntil = revokedKey ? this.#revoked.get(revokedKey) : undefined;
    if (revokedUntil && revokedUntil > now)
      return { revoked: true, allowed: false, buckets: charges.map(() => REVOKED_STATE) };
    const rate = policy.refillPerSecond / 1000;
    const buckets = charges.map(({ key }) => {
      const bucket = this.#buckets.get(key) ?? { tokens: policy.capacity, ts: now };
      if (now > bucket.ts)
        bucket.tokens = Math.min(policy.capacity, bucket.tokens + (now - bucket.ts) * rate);
      bucket.ts = Math.max(now, bucket.ts);
      this.#buckets.set(key, bucket);
      return bucket;
    });
    const allowed = charges.every((c, i) => (buckets[i]?.tokens ?? 0) >= c.cost);
    return {
      allowed,
      buckets: charges.map((c, i) => {
        const bucket = buckets[i] as { tokens: number; ts: number };
        if (allowed) bucket.tokens -= c.cost;
        return {
          remaining: Math.floor(bucket.tokens),
          resetSeconds: Math.ceil((policy.capacity - bucket.tokens) / rate / 1000),
          retryAfterSeconds:
            allowed || bucket.tokens >= c.cost ? 0 : Math.ceil((c.cost - bucket.tokens) / rate / 1000),
        };
      }),
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
