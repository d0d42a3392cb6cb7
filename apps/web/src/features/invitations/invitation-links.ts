// Where the invitation page sends someone who must sign in (or up) first, and back again (pure).

/** The invitation page itself, as a `next` target. */
export function invitationPath(token: string): string {
  return `/invitations/accept?token=${encodeURIComponent(token)}`;
}

/** `/sign-in?next=…&email=…` (or sign-up): the form prefilled with the invited address. */
export function authPathFor(page: 'sign-in' | 'sign-up', token: string, email: string): string {
  const params = new URLSearchParams({ next: invitationPath(token), email });
  return `/${page}?${params.toString()}`;
}

/**
 * The invitation's token in a `next` path the invitation page built (`/invitations/accept?token=…`),
 * else undefined: sign-up sends it so an address the invitation was mailed to starts verified.
 */
export function invitationTokenFromNext(next: string): string | undefined {
  const url = new URL(next, 'http://dashboard.invalid');
  if (url.origin !== 'http://dashboard.invalid' || url.pathname !== '/invitations/accept') return undefined;
  const token = url.searchParams.get('token') ?? '';
  return token.length >= 10 && token.length <= 200 ? token : undefined;
}

export function sameAddress(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
