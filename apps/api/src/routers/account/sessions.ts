// The user's sessions: list (with "this device"), revoke one, sign out all others.
import { ZOk, ZRevokedCount, ZRevokeSessionRequest, ZSessionList } from '@postern/contracts';
import { listSessions as list, revokeSession as revoke, signOutOtherSessions } from '@postern/core';
import { authedProcedure } from '../../trpc.ts';

export const listSessions = authedProcedure.output(ZSessionList).query(async ({ ctx }) => {
  const sessions = await list(ctx.core, ctx.user.id);
  return {
    sessions: sessions.map((s) => ({
      id: s.id,
      current: s.id === ctx.session.id,
      deviceType: s.deviceType,
      browser: s.browser,
      os: s.os,
      location: s.location ?? null,
      ip: s.ip ?? null,
      createdAt: s.createdAt.toISOString(),
      lastActiveAt: s.lastActiveAt.toISOString(),
    })),
  };
});

export const revokeSession = authedProcedure
  .input(ZRevokeSessionRequest)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    await revoke(ctx.core, ctx.user.id, input.id);
    return { ok: true as const };
  });

export const revokeOtherSessions = authedProcedure.output(ZRevokedCount).mutation(async ({ ctx }) => {
  return { revoked: await signOutOtherSessions(ctx.core, ctx.user.id, ctx.session.id) };
});
