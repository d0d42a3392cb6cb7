import { describe, expect, it } from 'vitest';
import { formatRelative } from './time.ts';

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
