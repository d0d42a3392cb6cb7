import { describe, expect, it } from 'vitest';
import { transferCandidates } from './ownership-helpers.ts';

const member = (email: string, role: string, you = false) => ({ id: email, email, role, you });

describe('who ownership can be transferred to', () => {
  it('offers the other members who are not owners yet, by address', () => {
    const members = [
      member('me@example.com', 'owner', true),
      member('zed@example.com', 'viewer'),
      member('co@example.com', 'owner'),
      member('ann@example.com', 'admin'),
    ];
    expect(transferCandidates(members).map((m) => m.email)).toEqual(['ann@example.com', 'zed@example.com']);
  });

  it('offers nobody in a workspace of one', () => {
    expect(transferCandidates([member('me@example.com', 'owner', true)])).toEqual([]);
  });
});
