// OAuth connections (Gmail, Outlook): which providers this deployment configured, and the start of an
// authorization. The browser then goes to `authorizeUrl`; the provider sends it back to the API's
// GET /oauth/<provider>/callback (http/oauth), which redirects to /w/<workspace>/mailboxes?oauth=<result>.
import {
  ZMailboxOAuthProviders,
  ZMailboxOAuthStart,
  ZMailboxOAuthStartRequest,
  ZWorkspaceScoped,
} from '@postern/contracts';
import { listMailboxOAuthProviders, startMailboxOAuth } from '@postern/core';
import { workspaceProcedure } from '../../trpc.ts';

/** Both providers, whether configured here (a button is shown only for a configured one). */
export const oauthProviders = workspaceProcedure
  .meta({ permission: 'mailboxes.view' })
  .input(ZWorkspaceScoped)
  .output(ZMailboxOAuthProviders)
  .query(({ ctx }) => listMailboxOAuthProviders(ctx.core.config));

/** A single-use, 10-minute authorization (PKCE S256) bound to the caller and the workspace. */
export const oauthStart = workspaceProcedure
  .meta({ permission: 'mailboxes.manage' })
  .input(ZMailboxOAuthStartRequest)
  .output(ZMailboxOAuthStart)
  .mutation(({ ctx, input }) => startMailboxOAuth(ctx.core, input.workspaceId, ctx.user.id, input.provider));
