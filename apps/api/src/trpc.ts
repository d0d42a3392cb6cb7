// tRPC instance: context per request, error formatting through the one error table, and the
// procedure builders (public, CSRF-checked mutations, authenticated with a narrowed context).
import { CSRF_HEADER, type Permission, TRPC_MAX_BATCH_SIZE, ZWorkspaceScoped } from '@postern/contracts';
import { authenticate, type CoreContext, DomainError } from '@postern/core';
import { initTRPC, TRPCError } from '@trpc/server';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { accessTokenOf, csrfProblem } from './auth-cookies.ts';
import type { ApiDeps } from './deps.ts';
import { codeForTrpc, ERROR_TABLE, storeOutageError } from './errors.ts';
import { checkWorkspaceAccess } from './http/shared/access.ts';
import { coreContextFor, requestMeta } from './http/shared/request.ts';

export { coreContextFor, requestMeta };

export interface Context {
  deps: ApiDeps;
  req: FastifyRequest;
  res: FastifyReply;
  requestId: string;
  ip: string;
  userAgent: string | undefined;
  /** What core functions take: the process's services, this request's fork, actor and metadata. */
  core: CoreContext;
}

/** Declared by every workspace procedure: what the caller's role must allow. */
export interface ProcedureMeta {
  permission?: Permission;
  /** Open to a member without two-factor authentication where the workspace requires it (leaving it). */
  withoutTwoFactor?: boolean;
}

export function contextFactory(deps: ApiDeps) {
  return ({ req, res }: CreateFastifyContextOptions): Context => {
    // The actor is the signed-in user once `authenticated` has resolved the session.
    const core = coreContextFor(deps, req);
    return {
      deps,
      req,
      res,
      requestId: String(req.id),
      ip: req.ip,
      userAgent: req.headers['user-agent'],
      core,
    };
  };
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    // Never send stack traces to clients, whatever NODE_ENV says.
    isDev: false,
    errorFormatter({ shape, error, ctx }) {
      const cause = error.cause;
      const domain = cause instanceof DomainError ? cause : undefined;
      const zod = cause instanceof ZodError ? cause : undefined;
      const code = domain?.code ?? (zod ? 'VALIDATION_FAILED' : codeForTrpc(error.code));
      const internal = code === 'INTERNAL';
      // tRPC's own refusal of a batch over `maxBatchSize` (server.ts), said plainly.
      const batchTooLarge =
        error.code === 'BAD_REQUEST' && error.message === 'Batch call exceeds maximum size';
      return {
        message: internal
          ? 'Internal error'
          : zod
            ? 'The input is not valid'
            : batchTooLarge
              ? `A batched request may carry at most ${TRPC_MAX_BATCH_SIZE} calls; send the rest in another request`
              : shape.message,
        code: shape.code,
        data: {
          code,
          httpStatus: domain || zod ? ERROR_TABLE[code].http : shape.data.httpStatus,
          path: shape.data.path,
          requestId: ctx?.requestId,
          issues: zod?.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
          details: internal
            ? undefined
            : batchTooLarge
              ? { maxBatchSize: TRPC_MAX_BATCH_SIZE }
              : domain?.details,
        },
      };
    },
  });

/** Turns DomainErrors thrown by core into TRPCErrors with the mapped code. */
const domainErrors = t.middleware(async ({ next, ctx }) => {
  const result = await next();
  if (result.ok) return result;
  // A store (Redis) outage becomes UNAVAILABLE + Retry-After rather than an internal error.
  const cause =
    result.error.cause instanceof DomainError ? result.error.cause : storeOutageError(result.error.cause);
  if (cause && cause !== result.error.cause)
    ctx.deps.logger.warn(
      { err: result.error.cause, requestId: ctx.requestId },
      'request refused: key-value store unavailable',
    );
  if (cause) {
    if (
      (cause.code === 'RATE_LIMITED' || cause.code === 'UNAVAILABLE') &&
      typeof cause.details?.retryAfterSeconds === 'number'
    ) {
      ctx.res.header('retry-after', String(cause.details.retryAfterSeconds));
    }
    throw new TRPCError({ code: ERROR_TABLE[cause.code].trpc, message: cause.message, cause });
  }
  return result;
});

/** State-changing calls carry the double-submit CSRF token and come from our own origin. */
const csrf = t.middleware(async ({ ctx, type, next }) => {
  if (type === 'mutation') {
    const problem = csrfProblem(ctx.req, ctx.deps.config, CSRF_HEADER);
    if (problem) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `Request refused: ${problem}. Reload the page and try again.`,
        cause: new DomainError('FORBIDDEN', `Request refused: ${problem}. Reload the page and try again.`, {
          authFailure: 'csrf',
        }),
      });
    }
  }
  return next();
});

/** Resolves the session from the access-token cookie; the handler's ctx has a non-null user. */
const authenticated = t.middleware(async ({ ctx, next }) => {
  const token = accessTokenOf(ctx.req, ctx.deps.config);
  if (!token) throw new DomainError('UNAUTHENTICATED', 'Sign in to continue', { authFailure: 'no_session' });
  const { user, session } = await authenticate(ctx.core, token);
  const core: CoreContext = { ...ctx.core, actor: { kind: 'user', userId: user.id } };
  return next({ ctx: { user, session, core } });
});

export const router = t.router;
export const publicProcedure = t.procedure.use(domainErrors).use(csrf);
export const authedProcedure = publicProcedure.use(authenticated);

/**
 * Tenant scope, applied once: resolves `input.workspaceId` to the caller's membership (an unknown
 * workspace and someone else's look the same: NOT_FOUND), checks the procedure's declared permission
 * against the role, and narrows ctx to a non-null workspace and membership. It runs before the
 * input is validated, so a refusal never depends on the rest of the input.
 */
export const workspaceProcedure = authedProcedure.use(async ({ ctx, meta, getRawInput, next }) => {
  const scoped = ZWorkspaceScoped.safeParse(await getRawInput());
  if (!scoped.success) throw new DomainError('BAD_REQUEST', 'workspaceId is required');
  const permission = meta?.permission;
  if (!permission) throw new Error('a workspace procedure must declare its permission in .meta()');
  const { membership, workspace } = await checkWorkspaceAccess(
    ctx.core,
    scoped.data.workspaceId,
    ctx.user.id,
    permission,
    { withoutTwoFactor: meta?.withoutTwoFactor === true },
  );
  return next({ ctx: { workspace, membership } });
});
export const createCallerFactory = t.createCallerFactory;
