// Workspace-wide security settings changed by owners: requiring two-factor authentication of every
// member (ASVS 6.3.3; members without it are refused with TWO_FACTOR_REQUIRED until they enrol).
import { z } from 'zod';
import { ZWorkspaceScoped } from './workspaces.ts';

export const ZRequireTwoFactorRequest = ZWorkspaceScoped.extend({ required: z.boolean() });
export const ZRequireTwoFactorResult = z.object({
  requireTwoFactor: z.boolean(),
  /** Members who cannot open the workspace until they turn on two-factor authentication. */
  membersWithoutTwoFactor: z.number().int().nonnegative(),
});
