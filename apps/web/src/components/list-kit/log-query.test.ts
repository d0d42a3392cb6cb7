import { keepPreviousData } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { logPageOptions } from './log-query.ts';

describe('logPageOptions', () => {
  it('continues from the server cursor, and stops when there is none', () => {
    const { getNextPageParam } = logPageOptions(true);
    expect(getNextPageParam({ nextCursor: 'c2' })).toBe('c2');
    expect(getNextPageParam({ nextCursor: 41 })).toBe(41);
    expect(getNextPageParam({ nextCursor: null })).toBeUndefined();
    expect(getNextPageParam({})).toBeUndefined();
  });

  it('reads fresh, keeps the rows shown while another filter loads, and waits while disabled', () => {
    expect(logPageOptions(true)).toMatchObject({
      enabled: true,
      staleTime: 0,
      placeholderData: keepPreviousData,
    });
    expect(logPageOptions(false).enabled).toBe(false);
  });
});
