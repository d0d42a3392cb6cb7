// The per-sender throttle: how fast one mailbox may send, shared by every worker process. Two limits,
// both per mailbox: a rate per second (a fixed one-second window) and a quota per UTC day (the
// mailbox's daily cap, or its warm-up allowance: start + increment per day since warm-up began —
// mailboxes/view.ts dailyAllowance). One Lua script in Redis decides and counts atomically on
// Redis's own clock (TIME), so processes on machines with skewed clocks share the same windows; the
// embedded single-process default keeps the same state in memory. A refused take counts nothing.
// Takes asked in one process while its previous call for the mailbox runs share the next call (the
// script grants as many as both limits allow), so a busy worker asks Redis less than once per message.
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
// ARGV: perSecond, perDay, wanted (the takes asked together). Grants as many of the wanted takes as
// both budgets allow (none is counted beyond them) and says why the rest wait:
// {granted, left today, rest code, rest value} — rest code 0: ms to the next second; -1: ms until the
// next UTC day. granted 0 means every take of the call was refused.
const LUA = `
local t = redis.call('TIME')
local sec = tonumber(t[1])
local nowms = sec * 1000 + math.floor(tonumber(t[2]) / 1000)
local day = math.floor(sec / 86400)
local perSecond = tonumber(ARGV[1])
local perDay = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local data = redis.call('HMGET', KEYS[1], 'd', 'dc', 's', 'sc')
local dc = tonumber(data[2]) or 0
local sc = tonumber(data[4]) or 0
if tonumber(data[1]) ~= day then dc = 0 end
if tonumber(data[3]) ~= sec then sc = 0 end
local n = math.max(0, math.min(wanted, perSecond - sc, perDay - dc))
if n > 0 then
  dc = dc + n
  sc = sc + n
  redis.call('HSET', KEYS[1], 'd', day, 'dc', dc, 's', sec, 'sc', sc)
  redis.call('PEXPIRE', KEYS[1], 2 * 86400000)
end
if dc >= perDay then return {n, perDay - dc, -1, (day + 1) * 86400000 - nowms} end
return {n, perDay - dc, 0, 1000 - (nowms % 1000)}
`;

type RedisWithThrottle = Redis & {
  postern_sender_take_n(key: string, perSecond: number, perDay: number, wanted: number): Promise<number[]>;
};

const key = (mailboxId: string) => `campaign:throttle:${mailboxId}`;

/** Most takes asked in one call (those that queued while the previous call for the mailbox ran). */
const TAKES_PER_CALL = 100;
/** Least time between two calls for a mailbox in one process (the first call of a quiet spell goes at once). */
const TAKE_SPACING_MS = 10;

interface Waiting {
  limits: ThrottleLimits;
  resolve: (decision: ThrottleDecision) => void;
  reject: (error: unknown) => void;
}

/** The answer to a take the call could not grant (code 0: this second is spent, -1: today is). */
function decision(code: number, value: number): ThrottleDecision {
  if (code === 0) return { ok: false, waitMs: Math.max(1, value) };
  return { ok: false, dayExhaustedUntil: new Date(Date.now() + Math.max(0, value)) };
}

export class RedisSenderThrottle implements SenderThrottle {
  readonly #redis: RedisWithThrottle;
  /** Takes waiting per mailbox, and the mailboxes whose call is running. */
  readonly #waiting = new Map<string, Waiting[]>();
  readonly #running = new Set<string>();
  constructor(redis: Redis) {
    if (!('postern_sender_take_n' in redis))
      redis.defineCommand('postern_sender_take_n', { numberOfKeys: 1, lua: LUA });
    this.#redis = redis as RedisWithThrottle;
  }

  /**
   * One take. Takes asked while a call for the same mailbox runs go together in the next call (one
   * script run counts them all, within the same per-second and per-day limits).
   */
  take(mailboxId: string, limits: ThrottleLimits): Promise<ThrottleDecision> {
    return new Promise((resolve, reject) => {
      const queue = this.#waiting.get(mailboxId) ?? [];
      queue.push({ limits, resolve, reject });
      this.#waiting.set(mailboxId, queue);
      if (!this.#running.has(mailboxId)) void this.#drain(mailboxId);
    });
  }

  async #drain(mailboxId: string): Promise<void> {
    this.#running.add(mailboxId);
    try {
      for (;;) {
        const queue = this.#waiting.get(mailboxId) ?? [];
        if (!queue.length) break;
        const started = Date.now();
        // One call per set of limits (a batch started later may see another day's allowance).
        const first = queue[0] as Waiting;
        const group: Waiting[] = [];
        const rest: Waiting[] = [];
        for (const w of queue)
          (group.length < TAKES_PER_CALL &&
          w.limits.perSecond === first.limits.perSecond &&
          w.limits.perDay === first.limits.perDay
            ? group
            : rest
          ).push(w);
        this.#waiting.set(mailboxId, rest);
        try {
          const [granted = 0, left = 0, code = 0, value = 0] = await this.#redis.postern_sender_take_n(
            key(mailboxId),
            first.limits.perSecond,
            first.limits.perDay,
            group.length,
          );
          // Redis's clock decided; the end of the day is rebuilt from the wait, in this process's time.
          group.forEach((w, i) => {
            w.resolve(
              i < granted ? { ok: true, leftToday: left + (granted - 1 - i) } : decision(code, value),
            );
          });
        } catch (error) {
          for (const w of group) w.reject(error);
        }
        // Under load takes arrive one by one: spaced calls let several share one script run.
        const spare = TAKE_SPACING_MS - (Date.now() - started);
        if (spare > 0 && (this.#waiting.get(mailboxId)?.length ?? 0) < TAKES_PER_CALL)
          await new Promise((resolve) => setTimeout(resolve, spare));
      }
    } finally {
      this.#running.delete(mailboxId);
      if (!this.#waiting.get(mailboxId)?.length) this.#waiting.delete(mailboxId);
    }
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
