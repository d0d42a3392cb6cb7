// A first check of an address a member types for someone else (a contact, a suppression): the
// server's validator decides, this only catches the obvious before a round trip.

const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Why the typed address cannot be sent as it is, or undefined. */
export function emailProblem(email: string): string | undefined {
  const value = email.trim();
  if (!value) return 'Enter the email address.';
  if (value.length > 320 || !ADDRESS.test(value)) return 'Enter an email address such as ada@example.com.';
  return undefined;
}
