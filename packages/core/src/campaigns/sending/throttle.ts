// The per-sender throttle: how fast one mailbox may send, shared by every worker process. Two limits,
// both per mailbox: a rate per second (a fixed one-second window) and a quota per UTC day (the
// mailbox's daily cap, or its warm-up allowance: start + increment per day since warm-up began —
// mailboxes/view.ts dailyAllowance). One Lua script in Redis decides and counts atomically on
// Redis's own clock (TIME), so processes on machines with skewed clocks share the same windows; the
// embedded single-process default keeps the same state in memory. A refused take counts nothing.
import type { Mailbox } from '@postern/db';
import type { Config, KvStore } from '@postern/runtime';
import type { Redis } from 'ioredis';
import { dailyAllowance } from '../../mailboxes/view.ts';

/** Messages per second per mailbox before RATE_LIMIT_MULTIPLIER (benchmarks and tests raise it). */
export const DEFAULT_SENDS_PER_SECOND = 5;
const DAY_MS = 86_400_000;

export interface ThrottleLimits {
  perSecond: number;
  perDay: number;
}

export type ThrottleDecision =
  | { ok: true; leftToday: number }
  /** The second's budget is spent: try again in `waitMs`. */
  | { ok: false; waitMs: number }
  /** Today's quota is spent: nothing more before `until` (the next UTC midnight). */
  | { ok: false; dayExhaustedUntil: Date };

export interface SenderThrottle {
  take(mailboxId: string, limits: ThrottleLimits): Promise<ThrottleDecision>;
}

/** A mailbox's limits now: the configured rate, and today's cap or warm-up allowance. */
export function senderLimits(
  config: Pick<Config, 'rateLimitMultiplier'>,
  mailbox: Pick<
    Mailbox,
    'dailyCap' | 'warmupEnabled' | 'warmupStartPerDay' | 'warmupIncrementPerDay' | 'warmupStartedAt'
  >,
  now: Date,
  perSecond?: number,
): ThrottleLimits {
  return {
    perSecond: Math.max(1, Math.floor(perSecond ?? DEFAULT_SENDS_PER_SECOND * config.rateLimitMultiplier)),
    perDay: Math.max(0, dailyAllowance(mailbox, now)),
  };
}

// KEYS[1]: the mailbox's hash (d: day number, dc: sent that day, s: second, sc: sent that second).
// ARGV: perSecond, perDay. Returns {1, left today} | {0, ms to wait} | {-1, ms until the next UTC day}.
const LUA = `
local t = redis.call('TIME')
local sec = tonumber(t[1])
local nowms = sec * 1000 + math.floor(tonumber(t[2]) / 1000)
local day = math.floor(sec / 86400)
local perSecond = tonumber(ARGV[1])
local perDay = tonumber(ARGV[2])
local data = redis.call('HMGET', KEYS[1], 'd', 'dc', 's', 'sc')
local dc = tonumber(data[2]) or 0
local sc = tonumber(data[4]) or 0
if tonumber(data[1]) ~= day then dc = 0 end
if tonumber(data[3]) ~= sec then sc = 0 end
if dc >= perDay then return {-1, (day + 1) * 86400000 - nowms} end
if sc >= perSecond then return {0, 1000 - (nowms % 1000)} end
dc = dc + 1
sc = sc + 1
redis.call('HSET', KEYS[1], 'd', day, 'dc', dc, 's', sec, 'sc', sc)
redis.call('PEXPIRE', KEYS[1], 2 * 86400000)
return {1, perDay - dc}
`;

type RedisWithThrottle = Redis & {
  postern_sender_take(key: string, perSecond: number, perDay: number): Promise<number[]>;
};

const key = (mailboxId: string) => `campaign:throttle:${mailboxId}`;

function decision(code: number, value: number): ThrottleDecision {
  if (code === 1) return { ok: true, leftToday: value };
  if (code === 0) return { ok: false, waitMs: Math.max(1, value) };
  return { ok: false, dayExhaustedUntil: new Date(Date.now() + Math.max(0, value)) };
}

export class RedisSenderThrottle implements SenderThrottle {
  readonly #redis: RedisWithThrottle;
  constructor(redis: Redis) {
    if (!('postern_sender_take' in redis))
      redis.defineCommand('postern_sender_take', { numberOfKeys: 1, lua: LUA });
    this.#redis = redis as RedisWithThrottle;
  }

  async take(mailboxId: string, limits: ThrottleLimits): Promise<ThrottleDecision> {
    const [code = 0, value = 0] = await this.#redis.postern_sender_take(
      key(mailboxId),
      limits.perSecond,
      limits.perDay,
    );
    // Redis's clock decided; the end of the day is rebuilt from the wait, in this process's time.
    return decision(code, value);
  }
}

/** The embedded default: exact within one process (one take runs at a time). */
export class MemorySenderThrottle implements SenderThrottle {
  readonly #state = new Map<string, { d: number; dc: number; s: number; sc: number }>();
  readonly #now: () => number;
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async take(mailboxId: string, limits: ThrottleLimits): Promise<ThrottleDecision> {
    const nowms = this.#now();
    const sec = Math.floor(nowms / 1000);
    const day = Math.floor(nowms / DAY_MS);
    const state = this.#state.get(mailboxId) ?? { d: day, dc: 0, s: sec, sc: 0 };
    if (state.d !== day) Object.assign(state, { d: day, dc: 0 });
    if (state.s !== sec) Object.assign(state, { s: sec, sc: 0 });
    this.#state.set(mailboxId, state);
    if (state.dc >= limits.perDay) return { ok: false, dayExhaustedUntil: new Date((day + 1) * DAY_MS) };
    if (state.sc >= limits.perSecond) return { ok: false, waitMs: Math.max(1, 1000 - (nowms % 1000)) };
    state.dc++;
    state.sc++;
    return { ok: true, leftToday: limits.perDay - state.dc };
  }
}

export function createSenderThrottle(kv: KvStore): SenderThrottle {
  if (kv.kind === 'redis' && 'client' in kv) return new RedisSenderThrottle((kv as { client: Redis }).client);
  return new MemorySenderThrottle();
}

/**
 * Takes one send from the mailbox's budget, waiting out full seconds (up to `maxWaitMs` in all);
 * returns the day's exhaustion (or `{ ok: false, waitMs }` when the wait would be longer) instead.
 */
export async function takeSend(
  throttle: SenderThrottle,
  mailboxId: string,
  limits: ThrottleLimits,
  options: { maxWaitMs?: number; signal?: AbortSignal } = {},
): Promise<ThrottleDecision> {
  const deadline = Date.now() + (options.maxWaitMs ?? 30_000);
  for (;;) {
    const result = await throttle.take(mailboxId, limits);
    if (result.ok || 'dayExhaustedUntil' in result) return result;
    if (Date.now() + result.waitMs > deadline || options.signal?.aborted) return result;
    // A little jitter so waiting processes do not all ask again in the same millisecond.
    await new Promise((resolve) => setTimeout(resolve, result.waitMs + Math.floor(Math.random() * 15)));
  }
}
