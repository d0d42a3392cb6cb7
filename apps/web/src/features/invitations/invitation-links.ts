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

export function sameAddress(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
