// The signed-in member of a dashboard plain-HTTP route (bulk jobs, contact imports): the session is
// resolved like tRPC's context (access-token cookie), a mutation carries the double-submit CSRF token,
// and the permission goes through the one workspace access check tRPC's workspaceProcedure uses
// (shared/access.ts). Routes resolve it in onRequest, before any byte of the body is read.
import { CSRF_HEADER, type Permission, ZWorkspaceId } from '@postern/contracts';
import { authenticate, DomainError } from '@postern/core';
import type { FastifyRequest } from 'fastify';
import { accessTokenOf, csrfProblem } from '../../auth-cookies.ts';
import type { ApiDeps } from '../../deps.ts';
import { checkWorkspaceAccess } from '../shared/access.ts';
import type { BulkCaller } from '../shared/bulk.ts';
import { coreContextFor, requestMeta } from '../shared/request.ts';

/** The member of the route's workspace (`:workspaceId`, else `?workspaceId=`), checked for `permission`. */
export async function resolveMemberCaller(
  deps: ApiDeps,
  req: FastifyRequest,
  permission: Permission,
  mutation: boolean,
): Promise<BulkCaller> {
  if (mutation) {
    const problem = csrfProblem(req, deps.config, CSRF_HEADER);
    if (problem) {
      throw new DomainError('FORBIDDEN', `Request refused: ${problem}. Reload the page and try again.`, {
        authFailure: 'csrf',
      });
    }
  }
  const token = accessTokenOf(req, deps.config);
  if (!token) throw new DomainError('UNAUTHENTICATED', 'Sign in to continue', { authFailure: 'no_session' });
  const ctx = coreContextFor(deps, req);
  const { user } = await authenticate(ctx, token);
  const params = req.params as { workspaceId?: string };
  const query = req.query as { workspaceId?: string };
  const workspaceId = params.workspaceId ?? query.workspaceId ?? '';
  if (!ZWorkspaceId.safeParse(workspaceId).success) throw new DomainError('NOT_FOUND', 'No such workspace');
  await checkWorkspaceAccess(ctx, workspaceId, user.id, permission);
  return { workspaceId, actorId: user.id, apiKeyId: null, meta: requestMeta(req) };
}

/**
 * Routes' onRequest hooks resolving the member (`scoped(permission, mutation)`) and their handlers'
 * access to it (`callerOf(req)`); a refusal is thrown to the one error handler, which also drops what
 * comes of an unread body.
 */
export function memberCallers(deps: ApiDeps, what: string) {
  const callers = new WeakMap<FastifyRequest, BulkCaller>();
  return {
    scoped: (permission: Permission, mutation: boolean) => ({
      onRequest: async (req: FastifyRequest) => {
        callers.set(req, await resolveMemberCaller(deps, req, permission, mutation));
      },
    }),
    callerOf(req: FastifyRequest): BulkCaller {
      const caller = callers.get(req);
      if (!caller) throw new Error(`${what} route without a resolved caller`);
      return caller;
    },
  };
}
