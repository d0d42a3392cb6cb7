// /v1/jobs: bulk verification jobs for API keys — create, list, get, cancel, retry, delete. Registered
// inside /v1's API-key scope; the work is the shared bulk implementation (shared/bulk.ts). An open
// event stream authorises its key again every few seconds (streamKeyCheck, shared/bulk-events.ts).
import { type ApiKeyScope, ZBulkJob, ZBulkJobList, ZBulkJobListQuery } from '@postern/contracts';
import { ApiKeyAuthenticator, type RateLimiter } from '@postern/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../../deps.ts';
import type { BulkHttp } from '../shared/bulk.ts';
import { jsonTooLargeMessage } from '../shared/bulk-create.ts';
import { reauthorizeStreamWith } from '../shared/bulk-events.ts';
import { registerMultipart } from '../shared/multipart.ts';
import { ANY_SCOPE, BEARER, keyCaller } from './auth.ts';
import { jobResultRoutes } from './job-results.ts';
import { authErrors, jobErrors, ok, withError, ZJobIdParams } from './schemas.ts';

const job = (description: string) => ok(ZBulkJob, description);

/**
 * The limiter as a stream's re-check sees it: only the key's revocation marker is read (one Redis
 * EXISTS); no bucket is read or charged — a stream is one request, however long it stays open.
 */
function markerOnly(limiter: RateLimiter): RateLimiter {
  return {
    async take(_bucket, revokedKey, policy) {
      const { revoked = false } = await limiter.takeAll([], policy, revokedKey);
      return { revoked, allowed: !revoked, remaining: 0, resetSeconds: 0, retryAfterSeconds: 0 };
    },
    takeAll() {
      throw new Error("an event stream's re-check never takes check units");
    },
    markRevoked: (revokedKey, ttlSeconds) => limiter.markRevoked(revokedKey, ttlSeconds),
  };
}

/**
 * How an open event stream authorises its key again: the gate's own resolution (ApiKeyAuthenticator:
 * key record cached 5 s per process, revocation, expiry, suspended workspace, the route's scope, the
 * revocation marker), with the refusals the gate answers, over the marker-only limiter.
 */
function streamKeyCheck(deps: ApiDeps) {
  const keys = new ApiKeyAuthenticator({
    orm: deps.orm,
    clock: deps.clock,
    limiter: markerOnly(deps.limiter),
  });
  return (req: FastifyRequest) => {
    const rawKey = BEARER.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const { scope } = req.routeOptions.config as { scope?: string };
    const needs = scope && scope !== ANY_SCOPE ? { scope: scope as ApiKeyScope } : {};
    return () => keys.authorize(rawKey, needs);
  };
}

/** POST /jobs: its body limit and OpenAPI schema (a multipart upload or a JSON list). */
function createJobOptions(deps: ApiDeps) {
  return {
    // The JSON form is parsed whole: it stays small; larger lists go as a streamed upload.
    bodyLimit: deps.config.bulkMaxJsonBytes,
    config: {
      bodyTooLargeMessage: jsonTooLargeMessage(deps.config.bulkMaxJsonBytes),
      scope: 'jobs:write' as const,
    },
    schema: {
      operationId: 'createJob',
      summary: 'Create a bulk verification job from an uploaded file (multipart) or a JSON list of addresses',
      description:
        'multipart/form-data: the option fields first, then one file part named `file`, streamed as it arrives (limits: BULK_MAX_UPLOAD_BYTES, default 100 MiB, and BULK_MAX_ROWS, default 1,000,000 rows); a file over the size limit is answered 413 as soon as the limit is passed. application/json: `{ "emails": [...] }` with the same options, at most BULK_MAX_JSON_BYTES (default 4 MiB). With an Idempotency-Key, a repeat returns the first job (200, `idempotent-replayed: true`) and its body is discarded. At most BULK_MAX_CONCURRENT_UPLOADS uploads per workspace at a time (429 beyond). A body that arrives slower than HTTP_BODY_MIN_BYTES_PER_SECOND is cut (408).',
      headers: z.looseObject({
        'idempotency-key': z
          .string()
          .optional()
          .describe(
            'Printable ASCII, at most 255 characters: a repeat within the workspace returns the same job',
          ),
      }),
      response: {
        201: job('Created: the addresses are extracted and the job is queued'),
        200: job('A repeat of an Idempotency-Key: the job created by the first request'),
        ...authErrors,
        400: withError(
          'The file cannot be read: empty, header only, binary, UTF-16, invalid UTF-8, cut off, an unclosed quote',
        ),
        408: withError('The body arrived too slowly and was cut'),
        413: withError('The file is larger than the upload limit, or the JSON body larger than its limit'),
        422: withError(
          'Invalid options or form (a field after the file, a second file, no file), no email column, too many rows or columns',
        ),
      },
    },
  };
}

export async function jobRoutes(app: FastifyInstance, opts: { deps: ApiDeps; bulk: BulkHttp }) {
  const { deps, bulk } = opts;
  await registerMultipart(app, deps.config.bulkMaxUploadBytes);
  const routes = app.withTypeProvider<ZodTypeProvider>();
  // For every route of this scope (after the gate): only GET /jobs/:id/events (job-results.ts) runs it.
  const streamCheck = streamKeyCheck(deps);
  app.addHook('onRequest', async (req) => {
    reauthorizeStreamWith(req, streamCheck(req));
  });

  routes.post('/jobs', createJobOptions(deps), async (req, reply) => {
    await bulk.create(keyCaller(req), req, reply);
  });

  routes.get(
    '/jobs',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'listJobs',
        summary: 'Bulk verification jobs of the workspace, newest first',
        querystring: ZBulkJobListQuery,
        response: { 200: ok(ZBulkJobList), ...authErrors },
      },
    },
    (req) => bulk.list(keyCaller(req), req.query),
  );

  routes.get(
    '/jobs/:id',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'getJob',
        summary: 'One job: status, progress (percent, ETA), counts per verdict, extraction summary',
        params: ZJobIdParams,
        response: { 200: job('OK'), ...jobErrors },
      },
    },
    (req) => bulk.get(keyCaller(req), req.params.id),
  );

  routes.delete(
    '/jobs/:id',
    {
      config: { scope: 'jobs:write' },
      schema: {
        operationId: 'deleteJob',
        summary: 'Delete the job and all its results (a running job stops)',
        params: ZJobIdParams,
        response: { 204: z.undefined().describe('Deleted'), ...jobErrors },
      },
    },
    async (req, reply) => {
      await bulk.remove(keyCaller(req), req.params.id);
      return reply.code(204).send();
    },
  );

  routes.post(
    '/jobs/:id/cancel',
    {
      config: { scope: 'jobs:write' },
      schema: {
        operationId: 'cancelJob',
        summary: 'Cancel a queued or running job (results so far are kept; an ended job is returned as is)',
        params: ZJobIdParams,
        response: { 200: job('The job'), ...jobErrors },
      },
    },
    (req) => bulk.cancel(keyCaller(req), req.params.id),
  );

  routes.post(
    '/jobs/:id/retry',
    {
      config: { scope: 'jobs:write' },
      schema: {
        operationId: 'retryJob',
        summary: 'Check the `unknown` results of an ended job again',
        params: ZJobIdParams,
        response: {
          200: job('The job, queued again'),
          ...jobErrors,
          400: withError('The job has no unknown results'),
          409: withError(
            'The job is still running, or it ended (cancelled, failed) with addresses unchecked and could never complete',
          ),
        },
      },
    },
    (req) => bulk.retry(keyCaller(req), req.params.id),
  );

  await app.register(jobResultRoutes, { bulk });
}
