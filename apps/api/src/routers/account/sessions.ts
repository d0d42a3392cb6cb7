// The user's sessions: list (with "this device"), revoke one, sign out all others.
import { ZOk, ZRevokedCount, ZRevokeSessionRequest, ZSessionList } from '@postern/contracts';
import {
  listSessions as list,
  recordAudit,
  revokeSession as revoke,
  revokeOtherSessions as revokeOthers,
} from '@postern/core';
import { authedProcedure } from '../../trpc.ts';

export const listSessions = authedProcedure.output(ZSessionList).query(async ({ ctx }) => {
  const sessions = await list(ctx.em, ctx.auth, ctx.user.id);
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
    await revoke(ctx.auth, ctx.user.id, input.id);
    return { ok: true as const };
  });

export const revokeOtherSessions = authedProcedure.output(ZRevokedCount).mutation(async ({ ctx }) => {
  const revoked = await revokeOthers(ctx.auth, ctx.user.id, ctx.session.id, 'signed_out_by_user');
  recordAudit(ctx.em, ctx.deps.clock, {
    type: 'auth.sessions_revoked',
    actorId: ctx.user.id,
    meta: ctx.auth.meta,
    metadata: { revoked },
  });
  await ctx.em.flush();
  return { revoked };
});
