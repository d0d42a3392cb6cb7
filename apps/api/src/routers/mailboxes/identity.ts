// The sender identity, alias proofs and the sender-authentication check.
import {
  ZAliasVerificationStarted,
  ZCheckSenderAuthRequest,
  ZConfirmAliasVerificationRequest,
  ZMailbox,
  ZStartAliasVerificationRequest,
  ZUpdateMailboxIdentityRequest,
} from '@postern/contracts';
import {
  checkMailboxSenderAuth,
  confirmAliasVerification as confirmAlias,
  startAliasVerification as startAlias,
  updateMailboxIdentity,
} from '@postern/core';
import { workspaceProcedure } from '../../trpc.ts';

export const updateIdentity = workspaceProcedure
  .meta({ permission: 'mailboxes.manage' })
  .input(ZUpdateMailboxIdentityRequest)
  .output(ZMailbox)
  .mutation(({ ctx, input }) => {
    const { workspaceId, ...rest } = input;
    return updateMailboxIdentity(ctx.core, workspaceId, ctx.user.id, rest);
  });

/** Sends the code from the alias through the mailbox's SMTP to itself, then looks for it over IMAP. */
export const startAliasVerification = workspaceProcedure
  .meta({ permission: 'mailboxes.manage' })
  .input(ZStartAliasVerificationRequest)
  .output(ZAliasVerificationStarted)
  .mutation(({ ctx, input }) => {
    const { workspaceId, ...rest } = input;
    return startAlias(ctx.core, workspaceId, ctx.user.id, rest);
  });

/** With `code`: the code typed. Without: look for the message over IMAP again. */
export const confirmAliasVerification = workspaceProcedure
  .meta({ permission: 'mailboxes.manage' })
  .input(ZConfirmAliasVerificationRequest)
  .output(ZMailbox)
  .mutation(({ ctx, input }) => {
    const { workspaceId, ...rest } = input;
    return confirmAlias(ctx.core, workspaceId, ctx.user.id, rest);
  });

export const checkSenderAuth = workspaceProcedure
  .meta({ permission: 'mailboxes.send' })
  .input(ZCheckSenderAuthRequest)
  .output(ZMailbox)
  .mutation(({ ctx, input }) => {
    const { workspaceId, ...rest } = input;
    return checkMailboxSenderAuth(ctx.core, workspaceId, rest);
  });
