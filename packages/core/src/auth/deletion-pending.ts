// An account whose deletion was requested (#28) signs in only to cancel it: every other procedure
// answers ACCOUNT_DELETION_PENDING with the date of the erasure, which the dashboard turns into the
// cancel page.
import { DomainError } from '../errors.ts';

/** Days between the deletion request and the erasure (SPEC §11). */
export const DELETION_GRACE_DAYS = 30;
const DAY_MS = 24 * 60 * 60_000;

export const erasureDate = (requestedAt: Date) =>
  new Date(requestedAt.getTime() + DELETION_GRACE_DAYS * DAY_MS);

export function deletionPending(requestedAt: Date): DomainError {
  const eraseAt = erasureDate(requestedAt);
  return new DomainError(
    'ACCOUNT_DELETION_PENDING',
    `This account is scheduled for deletion on ${eraseAt.toISOString().slice(0, 10)}. Cancel the deletion to use Postern again.`,
    { deletionRequestedAt: requestedAt.toISOString(), eraseAt: eraseAt.toISOString() },
  );
}
