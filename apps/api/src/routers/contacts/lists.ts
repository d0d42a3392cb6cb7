// Lists for the dashboard (create and change them: owners and admins) and subscribing or
// unsubscribing a contact by hand (members): recorded in the consent ledger with method `dashboard`
// and the member as actor. A suppressed address is refused by core's one subscribe path.
import { ZConsentTextVersion, ZContactList, ZListDetail, ZOk, ZSubscribeResult } from '@postern/contracts';
import {
  createList,
  deleteList,
  getList,
  listConsentTextVersions,
  listLists,
  subscribe,
  unsubscribe,
  updateList,
} from '@postern/core';
import { z } from 'zod';
import { router, workspaceProcedure } from '../../trpc.ts';
import {
  ZDashboardSubscribeRequest,
  ZDashboardUnsubscribeRequest,
  ZListCollection,
  ZListCreateRequest,
  ZListRef,
  ZListUpdateRequest,
  ZUnsubscribeResult,
} from './schemas.ts';

const read = workspaceProcedure.meta({ permission: 'contacts.read' });
const manage = workspaceProcedure.meta({ permission: 'lists.manage' });
const write = workspaceProcedure.meta({ permission: 'contacts.write' });

export const listsRouter = router({
  list: read
    .input(ZListRef.pick({ workspaceId: true }))
    .output(ZListCollection)
    .query(async ({ ctx, input }) => ({ lists: await listLists(ctx.core, input.workspaceId) })),

  /** The list, and where its public sign-up form lives (for the embed snippet and the hosted link). */
  get: read
    .input(ZListRef)
    .output(ZListDetail)
    .query(async ({ ctx, input }) => {
      const list = await getList(ctx.core, input.workspaceId, input.listId);
      const subscribeUrl = `${ctx.core.config.publicUrl}/p/lists/${encodeURIComponent(list.id)}/subscribe`;
      return { ...list, subscribeUrl };
    }),

  /** Every version of the list's consent text, each with its hash. */
  consentTexts: read
    .input(ZListRef)
    .output(z.object({ versions: z.array(ZConsentTextVersion) }))
    .query(async ({ ctx, input }) => ({
      versions: await listConsentTextVersions(ctx.core, input.workspaceId, input.listId),
    })),

  create: manage
    .input(ZListCreateRequest)
    .output(ZContactList)
    .mutation(({ ctx, input: { workspaceId, ...list } }) => createList(ctx.core, workspaceId, list)),

  update: manage
    .input(ZListUpdateRequest)
    .output(ZContactList)
    .mutation(({ ctx, input }) => updateList(ctx.core, input.workspaceId, input.listId, input.data)),

  delete: manage
    .input(ZListRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await deleteList(ctx.core, input.workspaceId, input.listId);
      return { ok: true as const };
    }),

  subscribe: write
    .input(ZDashboardSubscribeRequest)
    .output(ZSubscribeResult)
    .mutation(({ ctx, input }) =>
      subscribe(ctx.core, input.workspaceId, {
        listId: input.listId,
        contact: input.contact,
        evidence: { ...input.evidence, method: 'dashboard' },
      }),
    ),

  /** From one list, or from every list (the address is then suppressed as `unsubscribed`). */
  unsubscribe: write
    .input(ZDashboardUnsubscribeRequest)
    .output(ZUnsubscribeResult)
    .mutation(({ ctx, input }) =>
      unsubscribe(ctx.core, input.workspaceId, {
        contactId: input.contactId,
        ...(input.listId ? { listId: input.listId } : {}),
        method: 'dashboard',
        source: 'dashboard',
      }),
    ),
});
