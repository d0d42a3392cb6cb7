import { describe, expect, it } from 'vitest';
import { safeNextPath } from '../../lib/safe-next.ts';
import { authPathFor, invitationPath, sameAddress } from './invitation-links.ts';

describe('invitation links', () => {
  it('sends signed-out invitees to sign in or up, prefilled, and back to the invitation', () => {
    const token = 'abc_DEF-123+/=';
    const path = authPathFor('sign-up', token, 'bob+team@example.com');
    const url = new URL(path, 'http://postern.test');
    expect(url.pathname).toBe('/sign-up');
    expect(url.searchParams.get('email')).toBe('bob+team@example.com');
    const next = url.searchParams.get('next');
    expect(next).toBe(invitationPath(token));
    // The auth pages accept it as a place to come back to, token intact.
    expect(safeNextPath(next)).toBe(next);
    expect(new URL(safeNextPath(next), 'http://postern.test').searchParams.get('token')).toBe(token);
    expect(authPathFor('sign-in', token, 'b@example.com').startsWith('/sign-in?')).toBe(true);
  });

  it('compares addresses without case or spaces', () => {
    expect(sameAddress('Bob@Example.com ', 'bob@example.com')).toBe(true);
    expect(sameAddress('bob@example.com', 'rob@example.com')).toBe(false);
  });
});
