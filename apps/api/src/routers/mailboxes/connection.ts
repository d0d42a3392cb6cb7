// Credentials: connect, test, replace, disconnect. Each call that opens connections to a mail server
// spends the workspace's mailbox network budget (core: reserveMailboxNetwork → RATE_LIMITED).
import {
  ZConnectMailboxRequest,
  ZMailbox,
  ZMailboxRef,
  ZMailboxTestResult,
  ZReplaceMailboxCredentialsRequest,
} from '@postern/contracts';
import { connectMailbox, disconnectMailbox, replaceMailboxCredentials, testMailbox } from '@postern/core';
import { workspaceProcedure } from '../../trpc.ts';

/** Tested before anything is stored; a failure is VALIDATION_FAILED with `details.mailboxFailure`. */
export const connect = workspaceProcedure
  .meta({ permission: 'mailboxes.manage' })
  .input(ZConnectMailboxRequest)
  .output(ZMailbox)
  .mutation(({ ctx, input }) => {
    const { workspaceId, ...rest } = input;
    return connectMailbox(ctx.core, workspaceId, ctx.user.id, rest);
  });

/** Tests the stored credentials; the outcome (ok or not) is the answer, not an error. */
export const test = workspaceProcedure
  .meta({ permission: 'mailboxes.send' })
  .input(ZMailboxRef)
  .output(ZMailboxTestResult)
  .mutation(({ ctx, input }) => testMailbox(ctx.core, input.workspaceId, ctx.user.id, input.mailboxId));

export const replaceCredentials = workspaceProcedure
  .meta({ permission: 'mailboxes.manage' })
  .input(ZReplaceMailboxCredentialsRequest)
  .output(ZMailbox)
  .mutation(({ ctx, input }) => {
    const { workspaceId, ...rest } = input;
    return replaceMailboxCredentials(ctx.core, workspaceId, ctx.user.id, rest);
  });

/**
 * Deletes the credentials at once; sending through the mailbox stops. OAuth mailboxes: the grant is
 * then revoked at the provider; a failed revocation is logged and shown (`oauth.revocation`).
 */
export const disconnect = workspaceProcedure
  .meta({ permission: 'mailboxes.manage' })
  .input(ZMailboxRef)
  .output(ZMailbox)
  .mutation(async ({ ctx, input }) => {
    const mailbox = await disconnectMailbox(ctx.core, input.workspaceId, ctx.user.id, input.mailboxId);
    if (mailbox.oauth?.revocation === 'failed')
      ctx.deps.logger.warn(
        { mailboxId: mailbox.id, provider: mailbox.provider },
        'mailbox disconnected; revoking its OAuth grant at the provider failed (tokens deleted anyway)',
      );
    return mailbox;
  });
