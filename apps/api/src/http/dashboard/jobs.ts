// /api/w/:workspaceId/jobs…: the dashboard's plain-HTTP bulk routes (a multipart upload, the results
// download and the progress event stream cannot go through tRPC). The session is resolved like tRPC's
// context (access-token cookie), the POST carries the double-submit CSRF token like every dashboard
// mutation, and the permission goes through the one workspace access check (shared/access.ts) that
// tRPC's workspaceProcedure uses. All of it runs in onRequest, before any byte of the body is read;
// the work is the shared bulk implementation (shared/bulk.ts), as for /v1. The progress event stream
// runs the same resolution again every few seconds while it is open (shared/bulk-events.ts).
import { CSRF_HEADER, type Permission, ZBulkDownloadQuery, ZWorkspaceId } from '@postern/contracts';
import { authenticate, DomainError } from '@postern/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accessTokenOf, csrfProblem } from '../../auth-cookies.ts';
import type { ApiDeps } from '../../deps.ts';
import { checkWorkspaceAccess } from '../shared/access.ts';
import type { BulkCaller, BulkHttp } from '../shared/bulk.ts';
import { jsonTooLargeMessage } from '../shared/bulk-create.ts';
import { reauthorizeStreamWith } from '../shared/bulk-events.ts';
import { registerMultipart } from '../shared/multipart.ts';
import { coreContextFor, requestMeta } from '../shared/request.ts';

const callers = new WeakMap<FastifyRequest, BulkCaller>();

function callerOf(req: FastifyRequest): BulkCaller {
  const caller = callers.get(req);
  if (!caller) throw new Error('bulk route without a resolved caller');
  return caller;
}

/** Resolves the signed-in member of the route's workspace and checks `permission`. */
async function resolveCaller(
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
  const { workspaceId } = req.params as { workspaceId: string };
  if (!ZWorkspaceId.safeParse(workspaceId).success) throw new DomainError('NOT_FOUND', 'No such workspace');
  await checkWorkspaceAccess(ctx, workspaceId, user.id, permission);
  return { workspaceId, actorId: user.id, apiKeyId: null, meta: requestMeta(req) };
}

const ZJobParams = z.object({ workspaceId: z.string(), jobId: z.string() });

export async function dashboardJobRoutes(app: FastifyInstance, opts: { deps: ApiDeps; bulk: BulkHttp }) {
  const { deps, bulk } = opts;
  await registerMultipart(app, deps.config.bulkMaxUploadBytes);
  const routes = app.withTypeProvider<ZodTypeProvider>();
  // A refusal is thrown to the one error handler, which also drops what comes of an unread body.
  const scoped = (permission: Permission, mutation: boolean) => ({
    onRequest: async (req: FastifyRequest) => {
      callers.set(req, await resolveCaller(deps, req, permission, mutation));
    },
  });

  routes.post(
    '/w/:workspaceId/jobs',
    {
      ...scoped('bulk.manage', true),
      bodyLimit: deps.config.bulkMaxJsonBytes,
      config: { bodyTooLargeMessage: jsonTooLargeMessage(deps.config.bulkMaxJsonBytes) },
    },
    (req, reply) => bulk.create(callerOf(req), req, reply),
  );
  routes.get(
    '/w/:workspaceId/jobs/:jobId/download',
    { ...scoped('bulk.read', false), schema: { params: ZJobParams, querystring: ZBulkDownloadQuery } },
    (req, reply) => bulk.download(callerOf(req), req.params.jobId, req.query, reply),
  );
  routes.get(
    '/w/:workspaceId/jobs/:jobId/events',
    { ...scoped('bulk.read', false), schema: { params: ZJobParams } },
    (req, reply) => {
      // Signed out, session revoked, account disabled, member removed: the open stream ends too.
      reauthorizeStreamWith(req, () => resolveCaller(deps, req, 'bulk.read', false));
      return bulk.events(callerOf(req), req.params.jobId, req, reply);
    },
  );
}
