// When the filter bar's Clear has something to clear: filters compared with what Clear sets.
import { describe, expect, it } from 'vitest';
import { sameFilterValues } from './filter-bar.tsx';

describe('sameFilterValues', () => {
  it('takes unset, empty and absent values for no filter', () => {
    expect(sameFilterValues({ eventTypes: [] }, { eventTypes: [] })).toBe(true);
    expect(sameFilterValues({ eventTypes: [], from: undefined, status: '' }, { eventTypes: [] })).toBe(true);
    expect(sameFilterValues({}, {})).toBe(true);
  });

  it('sees any value set, a list item or a day', () => {
    expect(sameFilterValues({ eventTypes: ['member.invited'] }, { eventTypes: [] })).toBe(false);
    expect(sameFilterValues({ eventTypes: [], actorId: 'u1' }, { eventTypes: [] })).toBe(false);
    expect(sameFilterValues({ to: '2026-01-31' }, {})).toBe(false);
    expect(sameFilterValues({ status: 'failed' }, { status: 'delivered' })).toBe(false);
  });
});
