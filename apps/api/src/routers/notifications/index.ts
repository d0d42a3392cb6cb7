// The signed-in user's notifications (the dashboard's bell): the latest ones with the unread count,
// and marking some (or all) read. Not workspace procedures: they span the user's workspaces.
import { ZMarkNotificationsRead, ZNotificationList } from '@postern/contracts';
import { listNotifications, markNotificationsRead } from '@postern/core';
import { z } from 'zod';
import { authedProcedure, router } from '../../trpc.ts';

export const notificationsRouter = router({
  list: authedProcedure
    .output(ZNotificationList)
    .query(({ ctx }) => listNotifications(ctx.core, ctx.user.id)),

  markRead: authedProcedure
    .input(ZMarkNotificationsRead)
    .output(z.object({ updated: z.number().int() }))
    .mutation(async ({ ctx, input }) => ({
      updated: await markNotificationsRead(ctx.core, ctx.user.id, input.ids),
    })),
});
