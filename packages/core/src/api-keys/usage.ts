// Counts API-key requests in memory and adds them to the database in batches: per key (usage count,
// last used) and per key and day (the dashboard's chart). Increments add up across API processes.
// With a Redis store, the same batch also feeds the usage alerts' counters (usage-counters.ts):
// requests and refusals per 10-minute slot and the IP ranges seen. Nothing here is on the request path.
import type { MikroORM } from '@postern/db';
import type { KvStore } from '@postern/runtime';
import { ipRange, type SlotTally, slotOf, type UsageCounters, usageCountersFor } from './usage-counters.ts';

/** The tallies with their addresses turned into ranges (here, not on the request path). */
function* withRanges(tallies: Iterable<SlotTally>): Iterable<SlotTally> {
  for (const tally of tallies) {
    const ranges = new Set<string>();
    for (const ip of tally.ranges) {
      const range = ipRange(ip);
      if (range) ranges.add(range);
    }
    yield { ...tally, ranges };
  }
}

export class UsageRecorder {
  readonly #orm: MikroORM;
  readonly #counters: UsageCounters | null;
  #pending = new Map<string, { workspaceId: string; count: number; lastUsedAt: Date }>();
  /** Per key and slot; `ranges` holds the raw addresses until the flush turns them into ranges. */
  #tallies = new Map<string, SlotTally>();
  #timer: NodeJS.Timeout | undefined;
  /** The flush in progress: the next one waits for it (so a flush() resolves with all counts written). */
  #flushing: Promise<void> = Promise.resolve();

  constructor(orm: MikroORM, options: { flushEveryMs?: number; kv?: KvStore } = {}) {
    this.#orm = orm;
    this.#counters = options.kv ? usageCountersFor(options.kv) : null;
    this.#timer = setInterval(() => void this.flush().catch(() => {}), options.flushEveryMs ?? 2000);
    this.#timer.unref();
  }

  /** A request the key was allowed to make (from `ip`, when known). */
  record(keyId: string, workspaceId: string, at: Date, ip?: string | null) {
    const entry = this.#pending.get(keyId);
    if (entry) {
      entry.count += 1;
      entry.lastUsedAt = at;
    } else {
      this.#pending.set(keyId, { workspaceId, count: 1, lastUsedAt: at });
    }
    this.#tally(keyId, at, ip).requests += 1;
  }

  /** A request of a known key answered 401, 403 or 429 (for the alerts only). */
  refused(keyId: string, at: Date, ip?: string | null) {
    this.#tally(keyId, at, ip).refusals += 1;
  }

  #tally(keyId: string, at: Date, ip: string | null | undefined): SlotTally {
    const slot = slotOf(at);
    const id = `${keyId}|${slot}`;
    let tally = this.#tallies.get(id);
    if (!tally) {
      tally = { keyId, slot, requests: 0, refusals: 0, ranges: new Set(), lastAt: at.getTime() };
      this.#tallies.set(id, tally);
    }
    tally.lastAt = Math.max(tally.lastAt, at.getTime());
    if (ip) tally.ranges.add(ip);
    return tally;
  }

  /** Writes what was counted so far; resolves once it and every earlier flush are written. */
  flush(): Promise<void> {
    const run = this.#flushing.then(() => this.#write());
    this.#flushing = run.catch(() => {});
    return run;
  }

  async #write() {
    // Both batches are taken at once: what is counted from here on goes to the next flush.
    const tallies = this.#tallies;
    const batch = this.#pending;
    this.#tallies = new Map();
    this.#pending = new Map();
    // Best effort: a Redis outage loses these counts (alerts), never the database's.
    if (this.#counters && tallies.size)
      await this.#counters.add(withRanges(tallies.values())).catch(() => {});
    if (!batch.size) return;
    const conn = this.#orm.em.fork().getConnection();
    for (const [keyId, { workspaceId, count, lastUsedAt }] of batch) {
      // One statement, so a reader never sees the key's total without its day (the dashboard showed a
      // key used twice beside an empty usage chart).
      await conn.execute(
        `with counted as (
           update api_key set usage_count = usage_count + ?, last_used_at = greatest(coalesce(last_used_at, ?), ?)
            where id = ?
         )
         insert into api_key_usage (key_id, day, workspace_id, requests) values (?, ?, ?, ?)
           on conflict (key_id, day) do update set requests = api_key_usage.requests + excluded.requests`,
        [
          count,
          lastUsedAt,
          lastUsedAt,
          keyId,
          keyId,
          lastUsedAt.toISOString().slice(0, 10),
          workspaceId,
          count,
        ],
      );
    }
  }

  async close() {
    clearInterval(this.#timer);
    await this.flush();
  }
}
