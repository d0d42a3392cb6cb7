// Per-key traffic counted in Redis for the usage alerts (alerts.ts): requests and refusals
// (401/403/429) per 10-minute slot, and the IP ranges (/24 IPv4, /48 IPv6) a key was used from with
// when each was first seen. The API adds a batch every couple of seconds (UsageRecorder, off the
// request path: no round trip of its own); the worker reads them. Redis only: with the in-memory store
// (no REDIS_URL) the API and the worker share nothing, so no alerts are raised.
import { isIP } from 'node:net';
import type { KvStore } from '@postern/runtime';
import type { Redis } from 'ioredis';

export const SLOT_MS = 10 * 60_000;
/** Counts are kept 8 days (the baseline looks back 7). */
export const COUNTS_RETAIN_MS = 8 * 86_400_000;
/** A range not seen for 30 days is forgotten (it becomes new again). */
export const RANGES_RETAIN_MS = 30 * 86_400_000;

const usageKey = (keyId: string) => `apikey:usage:${keyId}`;
const rangesKey = (keyId: string) => `apikey:ranges:${keyId}`;
const ACTIVE_KEY = 'apikey:active';

export const slotOf = (at: Date) => Math.floor(at.getTime() / SLOT_MS);

/** The range an address belongs to: a.b.c.0/24, or the first 48 bits of IPv6 (x:y:z::/48). */
export function ipRange(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped?.[1] ?? ip;
  const family = isIP(address);
  if (family === 4) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  if (family !== 6) return null;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = address.includes('::') && tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(Math.max(0, missing)).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 3)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/48`;
}

/** One key's traffic in one slot, as the API batches it. */
export interface SlotTally {
  keyId: string;
  slot: number;
  requests: number;
  refusals: number;
  ranges: Set<string>;
  lastAt: number;
}

export interface KeyCounts {
  /** slot → requests and refusals. */
  slots: Map<number, { requests: number; refusals: number }>;
  /** range → when it was first seen (ms). */
  ranges: Map<string, number>;
}

export class UsageCounters {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  /** Adds a batch (one MULTI). */
  async add(tallies: Iterable<SlotTally>): Promise<void> {
    const multi = this.#redis.multi();
    let any = false;
    for (const t of tallies) {
      any = true;
      if (t.requests) multi.hincrby(usageKey(t.keyId), `r:${t.slot}`, t.requests);
      if (t.refusals) multi.hincrby(usageKey(t.keyId), `x:${t.slot}`, t.refusals);
      multi.pexpire(usageKey(t.keyId), COUNTS_RETAIN_MS);
      for (const range of t.ranges) multi.hsetnx(rangesKey(t.keyId), range, String(t.lastAt));
      if (t.ranges.size) multi.pexpire(rangesKey(t.keyId), RANGES_RETAIN_MS);
      // GT: a batch's older slot never lowers the key's latest use.
      multi.zadd(ACTIVE_KEY, 'GT', t.lastAt, t.keyId);
    }
    if (any) await multi.exec();
  }

  /** Keys used (or refused) since `sinceMs`; older entries are dropped from the set. */
  async activeSince(sinceMs: number): Promise<string[]> {
    await this.#redis.zremrangebyscore(ACTIVE_KEY, '-inf', `(${sinceMs - COUNTS_RETAIN_MS}`);
    return this.#redis.zrangebyscore(ACTIVE_KEY, sinceMs, '+inf');
  }

  async read(keyId: string): Promise<KeyCounts> {
    const [usage, ranges] = await Promise.all([
      this.#redis.hgetall(usageKey(keyId)),
      this.#redis.hgetall(rangesKey(keyId)),
    ]);
    const slots = new Map<number, { requests: number; refusals: number }>();
    for (const [field, value] of Object.entries(usage)) {
      const [kind, slot] = field.split(':');
      const entry = slots.get(Number(slot)) ?? { requests: 0, refusals: 0 };
      if (kind === 'r') entry.requests += Number(value);
      else entry.refusals += Number(value);
      slots.set(Number(slot), entry);
    }
    return { slots, ranges: new Map(Object.entries(ranges).map(([range, at]) => [range, Number(at)])) };
  }
}

/** The counters of a Redis store; null for the in-memory store (alerts need Redis). */
export function usageCountersFor(kv: KvStore): UsageCounters | null {
  if (kv.kind === 'redis' && 'client' in kv) return new UsageCounters((kv as { client: Redis }).client);
  return null;
}
