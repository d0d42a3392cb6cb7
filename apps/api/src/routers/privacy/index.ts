// Settings → Data & privacy (#28): the account's deletion — its status and what it would do to the
// workspaces, the request (password, and a second factor when 2FA is on) and its cancellation.
// While a deletion is pending, `status`, `cancelDeletion` and `signOut` are the only procedures that answer
// (every other one refuses with ACCOUNT_DELETION_PENDING: auth/deletion-pending.ts).
import { ZAccountDeletionStatus, ZDeletionConfirmation, ZDeletionScheduled, ZOk } from '@postern/contracts';
import {
  authenticate,
  type CoreContext,
  cancelAccountDeletion,
  DomainError,
  deletionPlan,
  signOut as endSession,
  erasureDate,
  requestAccountDeletion,
} from '@postern/core';
import { accessTokenOf, clearSessionCookies } from '../../auth-cookies.ts';
import { authedProcedure, publicProcedure, router } from '../../trpc.ts';

/** Signed in, whether or not the account's deletion is pending. */
const pendingAllowedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const token = accessTokenOf(ctx.req, ctx.deps.config);
  if (!token) throw new DomainError('UNAUTHENTICATED', 'Sign in to continue', { authFailure: 'no_session' });
  const { user, session } = await authenticate(ctx.core, token, { allowDeletionPending: true });
  const core: CoreContext = { ...ctx.core, actor: { kind: 'user', userId: user.id } };
  return next({ ctx: { user, session, core } });
});

export const privacyRouter = router({
  status: pendingAllowedProcedure.output(ZAccountDeletionStatus).query(async ({ ctx }) => {
    const plan = await deletionPlan(ctx.core, ctx.user.id);
    const requestedAt = ctx.user.deletionRequestedAt ?? null;
    return {
      deletionRequestedAt: requestedAt?.toISOString() ?? null,
      eraseAt: requestedAt ? erasureDate(requestedAt).toISOString() : null,
      ...plan,
    };
  }),

  requestDeletion: authedProcedure
    .input(ZDeletionConfirmation)
    .output(ZDeletionScheduled)
    .mutation(async ({ ctx, input }) => {
      const result = await requestAccountDeletion(ctx.core, ctx.user, input, ctx.deps.limiter);
      // This process forgets its cached keys at once; the others see the revocation markers.
      ctx.deps.apiKeys.forget();
      clearSessionCookies(ctx.res, ctx.deps.config);
      return { eraseAt: result.eraseAt.toISOString() };
    }),

  cancelDeletion: pendingAllowedProcedure.output(ZOk).mutation(async ({ ctx }) => {
    await cancelAccountDeletion(ctx.core, ctx.user);
    ctx.deps.apiKeys.forget();
    return { ok: true as const };
  }),

  /** Signing out from the cancel page (auth.signOut refuses while the deletion is pending). */
  signOut: pendingAllowedProcedure.output(ZOk).mutation(async ({ ctx }) => {
    await endSession(ctx.core, ctx.session.id);
    clearSessionCookies(ctx.res, ctx.deps.config);
    return { ok: true as const };
  }),
});
