// De-duplication of the addresses of one upload or array: a salted 64-bit key per address in a compact
// open-addressing table (memory outside the JS heap, a few bytes an address).
import { hash, randomBytes } from 'node:crypto';

/**
 * The de-duplication key: the `ascii` form (local part as given, lower-case A-label domain),
 * lower-cased whole. RFC 5321 lets a local part be case-sensitive, but no real mailbox provider
 * distinguishes `John@` from `john@`, and verifying both would only double the work and the
 * bill; the first spelling seen is the one kept. The key is the SHA-1 digest of `salt` + that
 * form, as a 20-char one-byte string (one byte a char); `SeenKeys` keeps its first 64 bits.
 */
export function dedupeKey(ascii: string, salt = ''): string {
  // 'binary' is latin1: one char a byte.
  return hash('sha1', salt + ascii.toLowerCase(), 'binary');
}

/** Slots of a new table (it doubles as it fills). */
const INITIAL_SLOTS = 1024;
/** Words a slot: the key's high and low halves, the first row. */
const WORDS = 3;

/**
 * The addresses seen so far, as 64-bit keys (the first 8 bytes of `dedupeKey`) with the row of their
 * first occurrence, in an open-addressing hash table (linear probing) of three Uint32 words a slot,
 * at most half full and doubled when it gets there: 24 to 48 bytes an address, 24 MiB for a million
 * (a Set of digest strings took ~70 MB), outside the JS heap. Two different addresses share a key
 * with a probability of about n²/2^65 for n distinct addresses (2.7e-8 for a million); the later would
 * then be dropped as a duplicate, and only within the same uploader's file. The digest is salted
 * with a random value per extraction, so an uploader cannot choose addresses that pile up on one
 * slot of the table (probing would turn quadratic): digests of the unsalted form can be searched
 * for low bits in common, these cannot be predicted.
 */
export class SeenKeys {
  private table = new Uint32Array(WORDS * INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private size = 0;
  private readonly salt = randomBytes(12).toString('base64');

  /** Adds the address' key with its row: 0 when new, else the row of the first occurrence (a duplicate). */
  add(ascii: string, row: number): number {
    const digest = dedupeKey(ascii, this.salt);
    const high =
      ((digest.charCodeAt(0) << 24) |
        (digest.charCodeAt(1) << 16) |
        (digest.charCodeAt(2) << 8) |
        digest.charCodeAt(3)) >>>
      0;
    let low =
      ((digest.charCodeAt(4) << 24) |
        (digest.charCodeAt(5) << 16) |
        (digest.charCodeAt(6) << 8) |
        digest.charCodeAt(7)) >>>
      0;
    // 0/0 marks an empty slot: that key (one in 2^64) is stored as 0/1.
    if (high === 0 && low === 0) low = 1;
    const first = this.insert(this.table, this.mask, high, low, row);
    if (first !== 0) return first;
    this.size++;
    if (this.size * 2 > this.mask + 1) this.grow();
    return 0;
  }

  /** 0 when inserted, else the row stored with the same key. */
  private insert(table: Uint32Array, mask: number, high: number, low: number, row: number): number {
    let slot = low & mask;
    for (;;) {
      const at = slot * WORDS;
      const h = table[at] as number;
      const l = table[at + 1] as number;
      if (h === 0 && l === 0) {
        table[at] = high;
        table[at + 1] = low;
        table[at + 2] = row;
        return 0;
      }
      if (h === high && l === low) return table[at + 2] as number;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.table;
    const mask = this.mask * 2 + 1;
    const table = new Uint32Array(WORDS * (mask + 1));
    for (let at = 0; at < old.length; at += WORDS) {
      const high = old[at] as number;
      const low = old[at + 1] as number;
      if (high !== 0 || low !== 0) this.insert(table, mask, high, low, old[at + 2] as number);
    }
    this.table = table;
    this.mask = mask;
  }
}
