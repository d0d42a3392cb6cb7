// The addresses an import has seen so far and the row where each first appeared (rows.ts reports a
// later row with the same address as `duplicate_in_import`). A million addresses as strings in a Map
// cost ~100 MB of the worker's heap, every one of them marked by each full garbage collection for the
// rest of the import; here each address is kept as a 64-bit seeded hash (two independent 32-bit
// halves) in an open-addressing table of typed arrays, 12 bytes a slot, outside the garbage-collected
// heap. Two different addresses share both halves with a probability of ~n²/2⁶⁵ (3·10⁻⁸ for a
// million rows): the later one would be reported as a duplicate. The seeds are random per table.
import { randomInt } from 'node:crypto';

/** What judgeRows needs of the addresses seen (a Map<string, number> also fits). */
export interface AddressRows {
  get(address: string): number | undefined;
  set(address: string, row: number): unknown;
}

const EMPTY = -1;

function fmix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export class SeenAddresses implements AddressRows {
  #hi: Uint32Array;
  #lo: Uint32Array;
  #rows: Int32Array;
  #size = 0;
  readonly #seedA = randomInt(0x7fffffff);
  readonly #seedB = randomInt(0x7fffffff);

  constructor(capacity = 1 << 14) {
    const slots = 2 ** Math.ceil(Math.log2(Math.max(16, capacity)));
    this.#hi = new Uint32Array(slots);
    this.#lo = new Uint32Array(slots);
    this.#rows = new Int32Array(slots).fill(EMPTY);
  }

  get size(): number {
    return this.#size;
  }

  /** FNV-1a and a multiply-rotate hash over the UTF-16 code units, each with its own seed. */
  #hash(address: string): [number, number] {
    let a = (this.#seedA ^ 0x811c9dc5) >>> 0;
    let b = this.#seedB;
    for (let i = 0; i < address.length; i++) {
      const c = address.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      let k = Math.imul(c, 0xcc9e2d51);
      k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
      b ^= k;
      b = (Math.imul((b << 13) | (b >>> 19), 5) + 0xe6546b64) | 0;
    }
    return [fmix(a ^ address.length), fmix(b ^ address.length)];
  }

  /** The slot holding `hi/lo`, or the empty slot where it would go. */
  #slot(hi: number, lo: number): number {
    const mask = this.#rows.length - 1;
    let i = hi & mask;
    while (this.#rows[i] !== EMPTY && (this.#hi[i] !== hi || this.#lo[i] !== lo)) i = (i + 1) & mask;
    return i;
  }

  get(address: string): number | undefined {
    const [hi, lo] = this.#hash(address);
    const row = this.#rows[this.#slot(hi, lo)] as number;
    return row === EMPTY ? undefined : row;
  }

  set(address: string, row: number): this {
    if (!Number.isInteger(row) || row < 0 || row > 0x7fffffff) throw new RangeError('row out of range');
    const [hi, lo] = this.#hash(address);
    const slot = this.#slot(hi, lo);
    if (this.#rows[slot] === EMPTY) {
      if ((this.#size + 1) * 2 > this.#rows.length) {
        this.#grow();
        return this.set(address, row);
      }
      this.#size++;
      this.#hi[slot] = hi;
      this.#lo[slot] = lo;
    }
    this.#rows[slot] = row;
    return this;
  }

  #grow(): void {
    const [hi, lo, rows] = [this.#hi, this.#lo, this.#rows];
    this.#hi = new Uint32Array(hi.length * 2);
    this.#lo = new Uint32Array(lo.length * 2);
    this.#rows = new Int32Array(rows.length * 2).fill(EMPTY);
    for (let i = 0; i < rows.length; i++) {
      if (rows[i] === EMPTY) continue;
      const slot = this.#slot(hi[i] as number, lo[i] as number);
      this.#hi[slot] = hi[i] as number;
      this.#lo[slot] = lo[i] as number;
      this.#rows[slot] = rows[i] as number;
    }
  }
}
