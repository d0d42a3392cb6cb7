// Seeing mailboxes: every role of the workspace (names, status, settings; never a password).
import { ZMailbox, ZMailboxList, ZMailboxRef, ZWorkspaceScoped } from '@postern/contracts';
import { getMailbox, listMailboxes } from '@postern/core';
import { workspaceProcedure } from '../../trpc.ts';

export const list = workspaceProcedure
  .meta({ permission: 'mailboxes.view' })
  .input(ZWorkspaceScoped)
  .output(ZMailboxList)
  .query(async ({ ctx, input }) => ({ mailboxes: await listMailboxes(ctx.core, input.workspaceId) }));

export const get = workspaceProcedure
  .meta({ permission: 'mailboxes.view' })
  .input(ZMailboxRef)
  .output(ZMailbox)
  .query(({ ctx, input }) => getMailbox(ctx.core, input.workspaceId, input.mailboxId));
