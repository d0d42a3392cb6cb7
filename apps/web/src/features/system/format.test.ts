import { describe, expect, it } from 'vitest';
import { formatAgo, formatLatency, formatUptime } from './format.ts';

describe('formatUptime', () => {
  it.each([
    [0, '0s'],
    [42, '42s'],
    [60, '1m'],
    [725, '12m 5s'],
    [3_600, '1h'],
    [11_520, '3h 12m'],
    [86_400, '1d'],
    [190_800, '2d 5h'],
    [-5, '0s'],
  ])('%d s → %s', (seconds, expected) => {
    expect(formatUptime(seconds)).toBe(expected);
  });
});

describe('formatAgo', () => {
  const now = 1_000_000_000;
  it.each([
    [now, 'just now'],
    [now + 500, 'just now'],
    [now - 999, 'just now'],
    [now - 4_000, '4s ago'],
    [now - 59_999, '59s ago'],
    [now - 180_000, '3m ago'],
    [now - 2 * 3_600_000, '2h ago'],
    [now - 3 * 86_400_000, '3d ago'],
  ])('%d → %s', (then, expected) => {
    expect(formatAgo(then, now)).toBe(expected);
  });
});

describe('formatLatency', () => {
  it.each([
    [undefined, '—'],
    [0, '<0.1 ms'],
    [0.04, '<0.1 ms'],
    [1.25, '1.3 ms'],
    [3, '3 ms'],
    [112.4, '112 ms'],
  ])('%s → %s', (ms, expected) => {
    expect(formatLatency(ms)).toBe(expected);
  });
});
