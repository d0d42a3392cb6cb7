import { describe, expect, it } from 'vitest';
import { cn } from './cn.ts';
import { dayRangeFromSearch, dayRangeInput, dayRangeProblem, dayRangeToSearch, isDay } from './day-range.ts';

describe('day ranges (the contract convention: both days included)', () => {
  it('sends the first instant of the first day and the last instant of the last day', () => {
    expect(dayRangeInput({ from: '2026-03-01', to: '2026-03-03' })).toEqual({
      from: new Date(2026, 2, 1, 0, 0, 0, 0).toISOString(),
      to: new Date(2026, 2, 3, 23, 59, 59, 999).toISOString(),
    });
    // One day is a whole day.
    const day = dayRangeInput({ from: '2026-02-28', to: '2026-02-28' });
    expect(Date.parse(day.to ?? '') - Date.parse(day.from ?? '')).toBe(24 * 3600 * 1000 - 1);
    expect(dayRangeInput({})).toEqual({});
    expect(dayRangeInput({ to: '2026-12-31' })).toEqual({
      to: new Date(2026, 11, 31, 23, 59, 59, 999).toISOString(),
    });
  });

  it('reads and writes the query string, dropping what is not a real day', () => {
    expect(dayRangeFromSearch(new URLSearchParams('from=2026-02-29&to=2024-02-29'))).toEqual({
      to: '2024-02-29',
    });
    const params = new URLSearchParams('x=1');
    dayRangeToSearch({ from: '2026-01-01', to: '2026-01-31' }, params);
    expect(params.toString()).toBe('x=1&from=2026-01-01&to=2026-01-31');
    expect(isDay('2026-13-01')).toBe(false);
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
  });

  it('refuses a start after the end, and accepts one day', () => {
    expect(dayRangeProblem({ from: '2026-03-02', to: '2026-03-01' })).toMatch(/after/);
    expect(dayRangeProblem({ from: '2026-03-01', to: '2026-03-01' })).toBeUndefined();
  });
});

describe('cn', () => {
  it('lets a caller override a component’s Tailwind classes', () => {
    // The Badge's own padding, then the upload preview's: only the override is left.
    expect(cn('rounded-full px-2 py-0.5 text-xs', 'px-1.5 py-0 text-[0.65rem]')).toBe(
      'rounded-full px-1.5 py-0 text-[0.65rem]',
    );
    expect(cn('a', false, undefined, null, 'b')).toBe('a b');
  });
});
