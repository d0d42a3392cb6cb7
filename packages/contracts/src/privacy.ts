// Account and workspace deletion (#28): requests confirmed with the password (and a second factor when
// two-factor authentication is on), their status, and the ownership procedures.
import { z } from 'zod';
import { ZPasswordInput } from './auth.ts';
import { zText } from './text.ts';
import { ZWorkspaceScoped } from './workspaces.ts';

/** A TOTP code (6 digits) or a recovery code; required when two-factor authentication is on. */
export const ZDeletionConfirmation = z.object({
  password: ZPasswordInput,
  code: zText().trim().max(64).optional(),
});

export const ZOwnedWorkspace = z.object({
  id: z.string(),
  name: z.string(),
  otherMembers: z.number().int(),
  otherOwners: z.number().int(),
});

export const ZAccountDeletionStatus = z.object({
  /** Set while the deletion is pending: the day the account is erased. */
  deletionRequestedAt: z.iso.datetime().nullable(),
  eraseAt: z.iso.datetime().nullable(),
  /** Erased with the account (only this account is in them). */
  erased: z.array(ZOwnedWorkspace),
  /** Only this account owns them but others use them: transfer ownership first. */
  mustTransfer: z.array(ZOwnedWorkspace),
  /** Another owner remains: the account only leaves them. */
  remain: z.array(ZOwnedWorkspace),
});
export type AccountDeletionStatus = z.infer<typeof ZAccountDeletionStatus>;

export const ZDeletionScheduled = z.object({ eraseAt: z.iso.datetime() });

export const ZLeaveState = z.object({ canLeave: z.boolean(), reason: z.string().nullable() });
export const ZTransferOwnershipRequest = ZWorkspaceScoped.extend({
  memberId: z.string().uuid('Unknown member'),
});
export const ZWorkspaceDeletionRequest = ZWorkspaceScoped.extend(ZDeletionConfirmation.shape);
export const ZWorkspaceDeletionState = z.object({
  deletionRequestedAt: z.iso.datetime().nullable(),
  eraseAt: z.iso.datetime().nullable(),
});
