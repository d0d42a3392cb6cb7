// /v1/jobs/:id/{events,results,download}: what a job produced — live progress as server-sent events,
// a page of results, and every result as a file.
import {
  ZBulkDownloadQuery,
  ZBulkProgressEvent,
  ZBulkResultsPage,
  ZBulkResultsQuery,
  ZBulkRowItem,
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
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'jobEvents',
        summary: 'Server-sent events: `progress` at once and on every change, `done` when the job ends',
        description:
          'text/event-stream. Each event has an `id:` line and `data:` holding a BulkProgressEvent (JSON). `progress` is sent when the stream opens and whenever the job changes; `done` (the final progress) when it is completed, failed or cancelled, after which the server closes the stream. A comment line (`: keep-alive`) is sent every 15 s. If the job is deleted meanwhile, an `error` event `{ code: "NOT_FOUND" }` ends the stream The key is authorised again every 5 s: once it is revoked or expired, or its workspace suspended, an `error` event `{ code, message }` (UNAUTHENTICATED, FORBIDDEN or ACCOUNT_DISABLED, as a request would get) ends the stream.',
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
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'jobResults',
        summary: 'A page of results in address order (keyset: pass the last seq as `after`)',
        description:
          '`seq` is the position among the verified addresses (refused and duplicate rows have none), in file order; it is not the row of the uploaded file: the downloads list every data row with both `row` and `seq`.',
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
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'downloadJobResults',
        summary:
          'Every data row of the uploaded file in file order, with its verdict, as a file (streamed): CSV, a JSON array or NDJSON',
        description:
          'One row per data row of the file (refused rows with status `rejected`, repeats with status `duplicate` and `duplicate_of`), in file order; with `status`, only the verified addresses with that verdict. CSV columns: row, email (as uploaded, Unicode), email_ascii, status, reason, action, policy_action, duplicate_of, suggestion, free_provider, role_account, disposable, catch_all, has_mx, mx_host, smtp_reply_code, checked_at. `row` is the row of the file (the header, if any, is row 1; blank lines count); `seq` (JSON) the position among verified addresses. A cell starting with = + - @ TAB or CR gets a leading apostrophe (so a spreadsheet never runs it as a formula).',
        params: ZJobIdParams,
        querystring: ZBulkDownloadQuery,
        response: {
          200: {
            description: 'The file, as an attachment',
            content: {
              'text/csv': { schema: z.string() },
              'application/json': { schema: z.array(ZBulkRowItem) },
              'application/x-ndjson': { schema: ZBulkRowItem },
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
