// /api/w/:workspaceId/jobs…: the dashboard's plain-HTTP bulk routes (a multipart upload, the results
// download and the progress event stream cannot go through tRPC). The member is resolved in onRequest,
// before any byte of the body is read (member-caller.ts: session, CSRF token, permission); the work is the shared bulk implementation (shared/bulk.ts), as for /v1. The progress event stream
// runs the same resolution again every few seconds while it is open (shared/bulk-events.ts).
import { ZBulkDownloadQuery } from '@postern/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../../deps.ts';
import type { BulkHttp } from '../shared/bulk.ts';
import { jsonTooLargeMessage } from '../shared/bulk-create.ts';
import { reauthorizeStreamWith } from '../shared/bulk-events.ts';
import { registerMultipart } from '../shared/multipart.ts';
import { memberCallers, resolveMemberCaller } from './member-caller.ts';

const ZJobParams = z.object({ workspaceId: z.string(), jobId: z.string() });

export async function dashboardJobRoutes(app: FastifyInstance, opts: { deps: ApiDeps; bulk: BulkHttp }) {
  const { deps, bulk } = opts;
  await registerMultipart(app, deps.config.bulkMaxUploadBytes);
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { scoped, callerOf } = memberCallers(deps, 'bulk');

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
      reauthorizeStreamWith(req, () => resolveMemberCaller(deps, req, 'bulk.read', false));
      return bulk.events(callerOf(req), req.params.jobId, req, reply);
    },
  );
}
