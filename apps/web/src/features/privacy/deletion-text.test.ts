import { describe, expect, it } from 'vitest';
import { erasureDay, workspaceList } from './deletion-text.ts';

describe('deletion words', () => {
  it('names the day of the erasure', () => {
    expect(erasureDay('2027-01-06T23:30:00.000Z')).toBe('6 January 2027');
    expect(erasureDay(null)).toBe('in 30 days');
  });
  it('lists workspaces', () => {
    expect(workspaceList([])).toBe('');
    expect(workspaceList([{ name: 'A' }])).toBe('“A”');
    expect(workspaceList([{ name: 'A' }, { name: 'B' }, { name: 'C' }])).toBe('“A”, “B” and “C”');
  });
});
