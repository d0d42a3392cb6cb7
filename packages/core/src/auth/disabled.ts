// Accounts disabled by the instance operator (`postern admin user disable`): refused at sign-in (after
// the password, so the answer reveals nothing to someone without it), at the second-factor step and
// on every authenticated request; their sessions are revoked when they are disabled.
import { DomainError } from '../errors.ts';

export const ACCOUNT_DISABLED_MESSAGE =
  'This account has been disabled by the operator of this Postern instance. Contact them to restore access.';

export function accountDisabled(): DomainError {
  return new DomainError('ACCOUNT_DISABLED', ACCOUNT_DISABLED_MESSAGE);
}

/** Throws ACCOUNT_DISABLED (403) when the user was disabled. */
export function assertNotDisabled(user: { disabledAt?: Date | null | undefined }): void {
  if (user.disabledAt) throw accountDisabled();
}
