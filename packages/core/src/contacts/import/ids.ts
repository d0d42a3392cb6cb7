// Time-ordered ids (UUID version 7, RFC 9562) for the rows an import writes by the hundred thousand:
// new rows land at the right edge of their primary-key and foreign-key indexes instead of at random
// pages, which keeps an import of a million contacts from thrashing the buffer cache. They carry the
// creation millisecond, which the rows' created_at columns show anyway.
import { randomFillSync } from 'node:crypto';

const POOL = 4096 * 10;
const random = Buffer.alloc(POOL);
let offset = POOL;
let lastMs = 0;
let sequence = 0;
const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A UUIDv7: 48-bit Unix milliseconds, version 7, a 12-bit counter within the millisecond, 62 random bits. */
export function uuidv7(): string {
  if (offset + 10 > POOL) {
    randomFillSync(random);
    offset = 0;
  }
  const ms = Date.now();
  sequence = ms === lastMs ? (sequence + 1) & 0xfff : (random[offset] as number);
  lastMs = ms;
  const b = new Uint8Array(16);
  b[0] = Math.floor(ms / 2 ** 40) & 0xff;
  b[1] = Math.floor(ms / 2 ** 32) & 0xff;
  b[2] = (ms >>> 24) & 0xff;
  b[3] = (ms >>> 16) & 0xff;
  b[4] = (ms >>> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = 0x70 | (sequence >>> 8);
  b[7] = sequence & 0xff;
  b[8] = 0x80 | ((random[offset + 1] as number) & 0x3f);
  for (let i = 9; i < 16; i++) b[i] = random[offset + i - 7] as number;
  offset += 10;
  const h = (i: number) => hex[b[i] as number];
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}
