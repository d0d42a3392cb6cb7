import { describe, expect, it } from 'vitest';
import { safeNextPath } from '../../lib/safe-next.ts';
import { authPathFor, invitationPath, invitationTokenFromNext, sameAddress } from './invitation-links.ts';

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

  it('finds the invitation token in the way back, and only there', () => {
    const token = 'Tok3n_abc-DEF123';
    const next =
      new URL(authPathFor('sign-up', token, 'b@example.com'), 'http://postern.test').searchParams.get(
        'next',
      ) ?? '';
    expect(invitationTokenFromNext(safeNextPath(next))).toBe(token);
    expect(invitationTokenFromNext('/w/abc/members?token=Tok3n_abc-DEF123')).toBeUndefined();
    expect(invitationTokenFromNext('/invitations/accept?token=short')).toBeUndefined();
    expect(invitationTokenFromNext('/invitations/accept')).toBeUndefined();
    expect(
      invitationTokenFromNext('//evil.example/invitations/accept?token=Tok3n_abc-DEF123'),
    ).toBeUndefined();
    expect(invitationTokenFromNext('/')).toBeUndefined();
  });

  it('compares addresses without case or spaces', () => {
    expect(sameAddress('Bob@Example.com ', 'bob@example.com')).toBe(true);
    expect(sameAddress('bob@example.com', 'rob@example.com')).toBe(false);
  });
});
