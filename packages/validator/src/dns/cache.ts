// A bounded map with per-entry expiry and least-recently-used eviction (Map keeps insertion order;
// a hit re-inserts its key at the end, so the first key is always the least recently used).

export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(maxEntries: number, now: () => number) {
    this.maxEntries = maxEntries;
    this.now = now;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, ttlSeconds: number): void {
    if (this.maxEntries <= 0 || ttlSeconds <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
