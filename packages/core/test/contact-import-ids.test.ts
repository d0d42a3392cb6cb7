// The import's time-ordered ids: valid UUIDs (version 7, RFC 9562 variant) that sort by creation time,
// so a million new rows land at the right edge of their indexes.
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../src/contacts/import/ids.ts';

describe('uuidv7', () => {
  it('makes valid, unique version-7 UUIDs carrying the current millisecond', () => {
    const before = Date.now();
    const ids = Array.from({ length: 20_000 }, () => uuidv7());
    const after = Date.now();
    for (const id of ids.slice(0, 500))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    const ms = (id: string) => Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms(ids[0] as string)).toBeGreaterThanOrEqual(before);
    expect(ms(ids[ids.length - 1] as string)).toBeLessThanOrEqual(after);
    for (let i = 1; i < ids.length; i++)
      expect(ms(ids[i] as string)).toBeGreaterThanOrEqual(ms(ids[i - 1] as string));
  });
});
