// The import's table of addresses seen (contacts/import/seen.ts): each address found again with the row
// where it first appeared, across table growth; unseen addresses (near-misses included) are not found.
import { describe, expect, it } from 'vitest';
import { SeenAddresses } from '../src/contacts/import/seen.ts';

describe('SeenAddresses', () => {
  it('finds every address again with its first row, through many doublings', () => {
    const seen = new SeenAddresses(16);
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      expect(seen.get(`person.${i}@example.com`)).toBeUndefined();
      seen.set(`person.${i}@example.com`, i + 2);
    }
    expect(seen.size).toBe(n);
    for (let i = 0; i < n; i += 997) expect(seen.get(`person.${i}@example.com`)).toBe(i + 2);
    // Near-misses: one character more, less or changed, other case, other unicode.
    for (const probe of [
      'person.1@example.co',
      'person.1@example.comm',
      'Person.1@example.com',
      'person.1@exämple.com',
      '',
    ])
      expect(seen.get(probe)).toBeUndefined();
  });

  it('keeps the row it is given last for the same address, and refuses a row it cannot hold', () => {
    const seen = new SeenAddresses();
    seen.set('a@b.c', 5);
    seen.set('a@b.c', 9);
    expect(seen.size).toBe(1);
    expect(seen.get('a@b.c')).toBe(9);
    expect(() => seen.set('x@y.z', -1)).toThrow(RangeError);
    expect(() => seen.set('x@y.z', 2 ** 31)).toThrow(RangeError);
  });

  it('two tables, each with its own random seeds, both find every address', () => {
    const [a, b] = [new SeenAddresses(), new SeenAddresses()];
    for (let i = 0; i < 1000; i++) {
      a.set(`u${i}@d.test`, i);
      b.set(`u${i}@d.test`, i);
    }
    for (let i = 0; i < 1000; i++) expect([a.get(`u${i}@d.test`), b.get(`u${i}@d.test`)]).toEqual([i, i]);
  });
});
