// A bounded map with per-entry expiry and CLOCK ("second chance") eviction, which approximates
// least-recently-used. A hit only marks its entry as used and leaves the Map alone: re-inserting the
// key on every hit, as exact LRU over a Map needs, leaves deleted slots that pile up until the table
// is rebuilt (11% of a bulk worker's CPU in a profile, at 100k entries). When a new key needs room, the oldest entry (the Map keeps
// insertion order) goes, unless it was used since it was inserted or last passed over: then it loses
// the mark and moves to the end, and the next oldest is looked at. Each move pays for an earlier
// hit, so an eviction costs O(1) on average. An expired entry goes at once, whatever its mark.

interface Entry<V> {
  value: V;
  expiresAt: number;
  used: boolean;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(maxEntries: number, now: () => number) {
    this.maxEntries = maxEntries;
    this.now = now;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    entry.used = true;
    return entry.value;
  }

  set(key: string, value: V, ttlSeconds: number): void {
    if (this.maxEntries <= 0 || ttlSeconds <= 0) return;
    const now = this.now();
    // A new key makes room before it goes in, so that it is never the one evicted.
    if (!this.entries.delete(key)) {
      while (this.entries.size >= this.maxEntries) this.evictOne(now);
    }
    this.entries.set(key, { value, expiresAt: now + ttlSeconds * 1000, used: false });
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Drops the oldest entry not used since it was last looked at (or an expired one). */
  private evictOne(now: number): void {
    // Entries moved to the end come round again in this same loop (a Map iterator visits keys
    // added while it runs), now unmarked: the loop ends within size + 1 steps.
    for (const [key, entry] of this.entries) {
      if (entry.used && entry.expiresAt > now) {
        entry.used = false;
        this.entries.delete(key);
        this.entries.set(key, entry);
      } else {
        this.entries.delete(key);
        return;
      }
    }
  }
}
