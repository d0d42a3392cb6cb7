import { describe, expect, it } from 'vitest';
import { formatRelative, formatUntil } from './time.ts';

describe('formatRelative', () => {
  const now = Date.UTC(2026, 10, 21, 12, 0, 0);
  it.each([
    [0, 'just now'],
    [59, 'just now'],
    [-30, 'just now'],
    [60, '1 minute ago'],
    [125, '2 minutes ago'],
    [3 * 3600, '3 hours ago'],
    [26 * 3600, 'yesterday'],
    [3 * 86_400, '3 days ago'],
    [15 * 86_400, '2 weeks ago'],
    [400 * 86_400, 'last year'],
  ])('%i s ago → %s', (seconds, expected) => {
    expect(formatRelative(now - seconds * 1000, now)).toBe(expected);
  });
});

describe('formatUntil', () => {
  const now = Date.UTC(2026, 10, 21, 12, 0, 0);
  it.each([
    [-5, 'expired'],
    [0, 'expired'],
    [30, 'in less than a minute'],
    [90, 'in 2 minutes'],
    [7 * 86_400 - 60, 'in 7 days'],
    [3 * 3600, 'in 3 hours'],
    [26 * 3600, 'tomorrow'],
    [7 * 86_400, 'next week'],
    [6 * 86_400 + 3600, 'in 6 days'],
  ])('%i s ahead → %s', (seconds, expected) => {
    expect(formatUntil(now + seconds * 1000, now)).toBe(expected);
  });
});
