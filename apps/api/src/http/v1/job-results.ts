// /v1/jobs/:id/{events,results,download}: what a job produced — live progress as server-sent events,
// a page of results, and every result as a file.
import {
  ZBulkDownloadQuery,
  ZBulkProgressEvent,
  ZBulkResultItem,
  ZBulkResultsPage,
  ZBulkResultsQuery,
} from '@postern/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BulkHttp } from '../shared/bulk.ts';
import { keyCaller } from './auth.ts';
import { jobErrors, ok, ZJobIdParams } from './schemas.ts';

export async function jobResultRoutes(app: FastifyInstance, opts: { bulk: BulkHttp }) {
  const { bulk } = opts;
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/jobs/:id/events',
    {
      schema: {
        operationId: 'jobEvents',
        summary: 'Server-sent events: `progress` at once and on every change, `done` when the job ends',
        description:
          'text/event-stream. Each event has an `id:` line and `data:` holding a BulkProgressEvent (JSON). `progress` is sent when the stream opens and whenever the job changes; `done` (the final progress) when it is completed, failed or cancelled, after which the server closes the stream. A comment line (`: keep-alive`) is sent every 15 s. If the job is deleted meanwhile, an `error` event `{ code: "NOT_FOUND" }` ends the stream.',
        params: ZJobIdParams,
        response: {
          200: {
            description: 'The event stream',
            content: { 'text/event-stream': { schema: ZBulkProgressEvent } },
          },
          ...jobErrors,
        },
      },
    },
    async (req, reply) => {
      await bulk.events(keyCaller(req), req.params.id, req, reply);
    },
  );

  routes.get(
    '/jobs/:id/results',
    {
      schema: {
        operationId: 'jobResults',
        summary: 'A page of results in address order (keyset: pass the last seq as `after`)',
        params: ZJobIdParams,
        querystring: ZBulkResultsQuery,
        response: { 200: ok(ZBulkResultsPage), ...jobErrors },
      },
    },
    (req, reply) => {
      reply.header('cache-control', 'no-store');
      return bulk.results(keyCaller(req), req.params.id, req.query);
    },
  );

  routes.get(
    '/jobs/:id/download',
    {
      schema: {
        operationId: 'downloadJobResults',
        summary: 'All results as a file (streamed): CSV, a JSON array or NDJSON, optionally one status only',
        description:
          'CSV columns: email, status, reason, action, suggestion, free_provider, role_account, disposable, catch_all, has_mx, mx_host, smtp_reply_code, checked_at. A cell starting with = + - @ TAB or CR gets a leading apostrophe (so a spreadsheet never runs it as a formula).',
        params: ZJobIdParams,
        querystring: ZBulkDownloadQuery,
        response: {
          200: {
            description: 'The file, as an attachment',
            content: {
              'text/csv': { schema: z.string() },
              'application/json': { schema: z.array(ZBulkResultItem) },
              'application/x-ndjson': { schema: ZBulkResultItem },
            },
          },
          ...jobErrors,
        },
      },
    },
    async (req, reply) => {
      await bulk.download(keyCaller(req), req.params.id, req.query, reply);
    },
  );
}
