// /api/w/:workspaceId/jobs…: the dashboard's plain-HTTP bulk routes (a multipart upload, the results
// download and the progress event stream cannot go through tRPC). The session is resolved exactly as
// tRPC's context does (access-token cookie), the POST carries the double-submit CSRF token like every
// dashboard mutation, and the permission is checked like workspaceProcedure: a non-member gets
// NOT_FOUND, a member whose role lacks it FORBIDDEN. All of it runs in onRequest, before any byte of
// the body is read. The work is done by bulk-jobs.ts, shared with /v1.
import { AUTH_COOKIES, CSRF_HEADER, can, type Permission, ZWorkspaceId } from '@postern/contracts';
import { authenticate, DomainError, resolveMembership } from '@postern/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csrfProblem } from '../auth-cookies.ts';
import type { ApiDeps } from '../deps.ts';
import { authContextFor, requestMeta } from '../trpc.ts';
import type { BulkCaller, BulkHttp } from './bulk-jobs.ts';
import { discardRestOfBody, sendError } from './http.ts';

type WorkspaceRequest = FastifyRequest<{ Params: { workspaceId: string; jobId?: string } }>;

const callers = new WeakMap<FastifyRequest, BulkCaller>();

function callerOf(req: FastifyRequest): BulkCaller {
  const caller = callers.get(req);
  if (!caller) throw new Error('bulk route without a resolved caller');
  return caller;
}

/** Resolves the signed-in member of the route's workspace and checks `permission`. */
async function resolveCaller(
  deps: ApiDeps,
  req: WorkspaceRequest,
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
  const token = req.cookies[AUTH_COOKIES.access];
  if (!token) throw new DomainError('UNAUTHENTICATED', 'Sign in to continue', { authFailure: 'no_session' });
  const em = deps.orm.em.fork();
  const { user } = await authenticate(authContextFor(deps, req, em), token);
  const workspaceId = req.params.workspaceId;
  if (!ZWorkspaceId.safeParse(workspaceId).success) throw new DomainError('NOT_FOUND', 'No such workspace');
  const { membership } = await resolveMembership(em, workspaceId, user.id);
  if (!can(membership.role, permission)) {
    throw new DomainError('FORBIDDEN', `Your role (${membership.role}) does not allow this`, { permission });
  }
  return { workspaceId, actorId: user.id, apiKeyId: null, meta: requestMeta(req) };
}

export async function dashboardJobRoutes(app: FastifyInstance, opts: { deps: ApiDeps; bulk: BulkHttp }) {
  const { deps, bulk } = opts;
  await bulk.registerMultipart(app);

  const scoped = (permission: Permission, mutation: boolean) => ({
    onRequest: async (req: FastifyRequest, reply: FastifyReply) => {
      try {
        callers.set(req, await resolveCaller(deps, req as WorkspaceRequest, permission, mutation));
      } catch (error) {
        if (error instanceof DomainError) {
          // The body (an upload) is not read: what comes of it is dropped.
          if (mutation) discardRestOfBody(req, reply);
          return sendError(req, reply, error);
        }
        throw error;
      }
    },
  });
  const handled =
    (fn: (req: WorkspaceRequest, reply: FastifyReply) => Promise<unknown>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      try {
        return await fn(req as WorkspaceRequest, reply);
      } catch (error) {
        if (error instanceof DomainError) return sendError(req, reply, error);
        throw error;
      }
    };

  app.post(
    '/w/:workspaceId/jobs',
    { ...scoped('bulk.manage', true), ...bulk.createRouteOptions },
    handled((req, reply) => bulk.create(callerOf(req), req, reply)),
  );
  app.get(
    '/w/:workspaceId/jobs/:jobId/download',
    scoped('bulk.read', false),
    handled((req, reply) => bulk.download(callerOf(req), req.params.jobId ?? '', req.query, reply)),
  );
  app.get(
    '/w/:workspaceId/jobs/:jobId/events',
    scoped('bulk.read', false),
    handled((req, reply) => bulk.events(callerOf(req), req.params.jobId ?? '', req, reply)),
  );
}
