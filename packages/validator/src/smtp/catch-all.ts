// What each domain answered to a random local part (a catch-all accepts it), remembered for a while,
// and the detections under way: sessions probing the same domain at once ask only once.
import { randomBytes } from 'node:crypto';

const CATCH_ALL_CACHE_MAX = 10_000;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** 24 random base32 characters: a local part no real mailbox has. */
export function randomLocalPart(): string {
  const bytes = randomBytes(15);
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export class CatchAllCache {
  private readonly entries = new Map<string, { value: boolean; expires: number }>();
  private readonly pending = new Map<string, Promise<boolean | null>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(ttlMs: number, now: () => number) {
    this.ttlMs = ttlMs;
    this.now = now;
  }

  get(domain: string): boolean | null {
    const entry = this.entries.get(domain);
    if (!entry) return null;
    if (entry.expires <= this.now()) {
      this.entries.delete(domain);
      return null;
    }
    return entry.value;
  }

  remember(domain: string, value: boolean): void {
    this.entries.delete(domain);
    this.entries.set(domain, { value, expires: this.now() + this.ttlMs });
    if (this.entries.size > CATCH_ALL_CACHE_MAX) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** Neither known nor being found out: the caller should send the random RCPT. */
  unknown(domain: string): boolean {
    return this.get(domain) === null && !this.pending.has(domain);
  }

  /** A detection under way elsewhere, if any. */
  awaiting(domain: string): Promise<boolean | null> | null {
    return this.pending.get(domain) ?? null;
  }

  /** Registers a detection; the returned function settles it (null: no answer, not remembered). */
  begin(domain: string): (value: boolean | null) => void {
    let settle: (value: boolean | null) => void = () => {};
    const promise = new Promise<boolean | null>((resolve) => {
      settle = resolve;
    });
    this.pending.set(domain, promise);
    return (value) => {
      if (this.pending.get(domain) === promise) this.pending.delete(domain);
      if (value !== null) this.remember(domain, value);
      settle(value);
    };
  }
}
