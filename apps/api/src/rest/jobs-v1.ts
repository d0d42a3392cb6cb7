// /v1/jobs: bulk verification jobs for API keys. Registered inside /v1's authenticated scope (key
// check, rate limit, usage), so `req.apiAuth` is set; the work is done by bulk-jobs.ts.
import type { AuthorizedRequest } from '@postern/core';
import { DomainError } from '@postern/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requestMeta } from '../trpc.ts';
import type { BulkCaller, BulkHttp } from './bulk-jobs.ts';
import { sendError } from './http.ts';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

function caller(req: FastifyRequest): BulkCaller {
  const { principal } = req.apiAuth as AuthorizedRequest;
  return {
    workspaceId: principal.workspaceId,
    actorId: null,
    apiKeyId: principal.keyId,
    meta: requestMeta(req),
  };
}

/** DomainErrors become the one error body; anything else goes to the server's error handler. */
function handled<R extends FastifyRequest>(fn: (req: R, reply: FastifyReply) => Promise<unknown>) {
  return async (req: R, reply: FastifyReply) => {
    try {
      return await fn(req, reply);
    } catch (error) {
      if (error instanceof DomainError) return sendError(req, reply, error);
      throw error;
    }
  };
}

export async function v1JobRoutes(app: FastifyInstance, opts: { bulk: BulkHttp }) {
  const { bulk } = opts;
  await bulk.registerMultipart(app);

  app.post(
    '/jobs',
    bulk.createRouteOptions,
    handled((req, reply) => bulk.create(caller(req), req, reply)),
  );
  app.get(
    '/jobs',
    handled((req) => bulk.list(caller(req), req.query)),
  );
  app.get(
    '/jobs/:id',
    handled((req: IdRequest) => bulk.get(caller(req), req.params.id)),
  );
  app.get(
    '/jobs/:id/events',
    handled((req: IdRequest, reply) => bulk.events(caller(req), req.params.id, req, reply)),
  );
  app.get(
    '/jobs/:id/results',
    handled((req: IdRequest, reply) => {
      reply.header('cache-control', 'no-store');
      return bulk.results(caller(req), req.params.id, req.query);
    }),
  );
  app.get(
    '/jobs/:id/download',
    handled((req: IdRequest, reply) => bulk.download(caller(req), req.params.id, req.query, reply)),
  );
  app.post(
    '/jobs/:id/cancel',
    handled((req: IdRequest) => bulk.cancel(caller(req), req.params.id)),
  );
  app.post(
    '/jobs/:id/retry',
    handled((req: IdRequest) => bulk.retry(caller(req), req.params.id)),
  );
  app.delete(
    '/jobs/:id',
    handled(async (req: IdRequest, reply) => {
      await bulk.remove(caller(req), req.params.id);
      return reply.code(204).send();
    }),
  );
}
