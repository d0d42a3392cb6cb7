// /v1/contact-imports: contact imports for API keys — upload a CSV (multipart, streamed; the same
// fields, limits and errors as the dashboard's upload, shared/dashboard code in
// dashboard/contact-import.ts), list, one import, its report (JSON pages or CSV) and cancel. Creating
// and cancelling need contacts:write, reading contacts:read. Registered in /v1's API-key scope.
import {
  ZContactImport,
  ZContactImportCreated,
  ZContactImportList,
  ZContactImportReportPage,
  ZContactImportReportQuery,
} from '@postern/contracts';
import {
  cancelContactImport,
  getContactImport,
  listContactImports,
  readContactImportReport,
} from '@postern/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from '../../deps.ts';
import { registerImportMultipart, sendReportCsv, uploadContactImport } from '../dashboard/contact-import.ts';
import { bulkCore } from '../shared/bulk-create.ts';
import { keyCaller } from './auth.ts';
import { notFoundErrors } from './contacts-shared.ts';
import { resourceRoutes } from './resource-routes.ts';
import { authErrors, ok, withError } from './schemas.ts';

const ZParams = z.object({ id: z.string().max(100).describe('The import id (UUID)') });
const ZListQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** The routes, acting as the key through the bulk implementation's context (as the dashboard's). */
function importRoutes(app: FastifyInstance, deps: ApiDeps) {
  return resourceRoutes(app, deps, (req: FastifyRequest) => {
    const caller = keyCaller(req);
    return { ctx: bulkCore(deps, caller), workspaceId: caller.workspaceId };
  });
}

export async function contactImportRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  await app.register(writeRoutes, opts);
  await app.register(readRoutes, opts);
}

/** Upload and cancel (contacts:write). */
async function writeRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;
  await registerImportMultipart(app, deps.config.bulkMaxUploadBytes);
  const { member, route } = importRoutes(app, deps);

  route({
    method: 'post',
    path: '/contact-imports',
    scope: 'contacts:write',
    operationId: 'createContactImport',
    summary: 'Import contacts into a list from a CSV file (multipart/form-data, streamed)',
    description:
      'Fields first — listId, basis (how consent was obtained, required), emailColumn, nameColumn, attributeColumns (JSON object column → attribute key), verify, express, format, encoding, hasHeader, source — then one file part named `file`. The same limits as bulk uploads (BULK_MAX_UPLOAD_BYTES, BULK_MAX_ROWS); 413 as soon as the size limit is passed. The import then runs in the background: poll GET /v1/contact-imports/{id}.',
    response: {
      201: ok(ZContactImportCreated, 'Created: the file is staged and the import queued'),
      ...authErrors,
      400: withError('The file cannot be read: empty, header only, binary, UTF-16, invalid UTF-8, cut off'),
      404: withError('No such list in this workspace'),
      408: withError('The body arrived too slowly and was cut'),
      413: withError('The file is larger than the upload limit'),
      422: withError('Invalid fields (basis missing, unknown column), too many rows or columns'),
    },
    handle: async (_key, req, reply) => {
      await uploadContactImport(deps, keyCaller(req), req, reply);
    },
  });

  member('post', {
    path: '/contact-imports/:id/cancel',
    scope: 'contacts:write',
    operationId: 'cancelContactImport',
    summary: 'Cancel an import that has not ended (what was imported stays)',
    params: ZParams,
    what: 'import',
    answer: ZContactImport,
    errors: { 409: withError('The import has already ended') },
    handle: ({ ctx, workspaceId }, req) => cancelContactImport(ctx, workspaceId, req.params.id),
  });
}

/** List, one import, its report (JSON pages, CSV). */
async function readRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;
  const { member, route } = importRoutes(app, deps);
  const scope = 'contacts:read';

  route({
    method: 'get',
    path: '/contact-imports',
    scope,
    operationId: 'listContactImports',
    summary: 'Contact imports of the workspace, newest first',
    query: ZListQuery,
    response: { 200: ok(ZContactImportList), ...authErrors },
    handle: ({ ctx, workspaceId }, req) => listContactImports(ctx, workspaceId, req.query),
  });

  member('get', {
    path: '/contact-imports/:id',
    scope,
    operationId: 'getContactImport',
    summary: 'One contact import: status, counts, progress',
    params: ZParams,
    what: 'import',
    answer: ZContactImport,
    handle: ({ ctx, workspaceId }, req) => getContactImport(ctx, workspaceId, req.params.id),
  });

  member('get', {
    path: '/contact-imports/:id/report',
    scope,
    operationId: 'getContactImportReport',
    summary: 'Rows of an import that were not subscribed, with why (pages in file order)',
    params: ZParams,
    query: ZContactImportReportQuery,
    what: 'import',
    answer: ZContactImportReportPage,
    handle: ({ ctx, workspaceId }, req) =>
      readContactImportReport(ctx, workspaceId, req.params.id, req.query),
  });

  route({
    method: 'get',
    path: '/contact-imports/:id/report.csv',
    scope,
    operationId: 'downloadContactImportReport',
    summary: 'The report of an import as CSV (row, email, reason, detail)',
    params: ZParams,
    response: {
      200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
      ...notFoundErrors('import'),
    },
    handle: async (_key, req, reply) => {
      await sendReportCsv(deps, keyCaller(req), req.params.id, reply);
    },
  });
}
