// Contact import uploads (#30) over plain HTTP, and the report as CSV. The dashboard's routes:
//   POST /api/w/:workspaceId/contact-imports   and its alias POST /api/dashboard/contact-imports?workspaceId=…
//   GET  /api/w/:workspaceId/contact-imports/:importId/report.csv
// The session, CSRF token and `contacts.write` permission are checked in onRequest, before any byte of
// the body is read (member-caller.ts, as for the bulk routes). The upload handler is shared with /v1
// (v1/contact-imports.ts): option fields first, then one `file` part streamed into the core (the shared
// ingest code, staged chunk by chunk: no database connection is held while the client sends), with the
// bulk uploads' limits and errors (413 as the bytes pass the limit, 408 for a client too slow).
import { Readable } from 'node:stream';
import type { Multipart, MultipartFile } from '@fastify/multipart';
import { ZContactImportOptions } from '@postern/contracts';
import { contactImportReportCsv, createContactImport, DomainError } from '@postern/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { discardRestOfBody } from '../shared/body.ts';
import { type BulkCaller, bulkCore } from '../shared/bulk-create.ts';
import { parseInput } from '../shared/errors.ts';
import { MULTIPART_OVERHEAD, multipartFailure, registerMultipart, tooLarge } from '../shared/multipart.ts';
import { memberCallers } from './member-caller.ts';

/** The option fields of an upload, before its `file` part (see contracts/contact-imports.ts). */
export const IMPORT_FIELDS = [
  'listId',
  'basis',
  'emailColumn',
  'nameColumn',
  'attributeColumns',
  'verify',
  'express',
  'format',
  'encoding',
  'hasHeader',
  'source',
] as const;
type Field = (typeof IMPORT_FIELDS)[number];

/** Registers the streaming multipart parser for the import upload in `scope` (the bulk upload's, with these fields). */
export const registerImportMultipart = (scope: FastifyInstance, maxBytes: number) =>
  registerMultipart(scope, maxBytes, IMPORT_FIELDS.length);

const bool = (v: string | undefined) => (v === 'true' ? true : v === 'false' ? false : v);

function formOptions(fields: Map<Field, string>, fileName: string | undefined) {
  const raw: Record<string, unknown> = {};
  for (const [name, value] of fields) {
    if (name === 'verify' || name === 'express' || name === 'hasHeader') raw[name] = bool(value);
    else if (name === 'attributeColumns') {
      try {
        raw[name] = JSON.parse(value);
      } catch {
        throw new DomainError(
          'VALIDATION_FAILED',
          'attributeColumns: must be a JSON object (column → attribute key)',
        );
      }
    } else if ((name === 'emailColumn' || name === 'nameColumn') && /^\d{1,6}$/.test(value.trim()))
      raw[name] = Number(value.trim());
    else if (name === 'nameColumn' && value.trim() === '') continue;
    else raw[name] = value;
  }
  if (raw.source === undefined && fileName?.trim()) raw.source = fileName.trim().slice(0, 200);
  return parseInput(ZContactImportOptions, raw, 'form');
}

async function nextPart(parts: AsyncIterableIterator<Multipart>) {
  try {
    return await parts.next();
  } catch (error) {
    throw multipartFailure(error);
  }
}

const cutOff = () =>
  new DomainError('BAD_REQUEST', 'The upload was cut off before the end of the file; upload it again');

/** Reads the fields, then streams the file into a new import; answers 201 { importId }. */
export async function uploadContactImport(
  deps: ApiDeps,
  caller: BulkCaller,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const maxBytes = deps.config.bulkMaxUploadBytes;
  if (!req.isMultipart())
    throw new DomainError(
      'BAD_REQUEST',
      'Send the import as multipart/form-data: the option fields, then the file',
    );
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) throw tooLarge(maxBytes);
  let file: MultipartFile | undefined;
  let stream: { destroyed: boolean; destroy(error?: Error): void; truncated?: boolean } | undefined;
  const onClose = () => {
    if (!req.raw.complete && stream && !stream.destroyed) stream.destroy(cutOff());
  };
  req.raw.once('close', onClose);
  try {
    const parts = req.parts();
    const fields = new Map<Field, string>();
    for (;;) {
      const step = await nextPart(parts);
      if (step.done)
        throw new DomainError(
          'VALIDATION_FAILED',
          'No file: send the option fields, then the file as a part named "file"',
        );
      const part = step.value;
      if (part.type === 'file') {
        if (part.fieldname !== 'file')
          throw new DomainError(
            'VALIDATION_FAILED',
            `Unexpected file part "${part.fieldname.slice(0, 50)}": send the file as the part named "file"`,
          );
        file = part;
        stream = part.file;
        break;
      }
      const name = part.fieldname as Field;
      if (!IMPORT_FIELDS.includes(name))
        throw new DomainError(
          'VALIDATION_FAILED',
          `Unknown form field "${part.fieldname.slice(0, 50)}"; the fields are ${IMPORT_FIELDS.join(', ')} and the file part "file"`,
        );
      if (fields.has(name)) throw new DomainError('VALIDATION_FAILED', `The field "${name}" is sent twice`);
      if (part.valueTruncated) throw new DomainError('VALIDATION_FAILED', `The field "${name}" is too long`);
      fields.set(name, typeof part.value === 'string' ? part.value : JSON.stringify(part.value));
    }
    const upload = file as MultipartFile;
    const options = formOptions(fields, upload.filename);
    const source = (async function* () {
      for await (const chunk of upload.file) yield chunk as Buffer;
      if (upload.file.truncated) throw tooLarge(maxBytes);
      const extra = await nextPart(parts);
      if (!extra.done) {
        if (extra.value.type === 'file') extra.value.file.resume();
        throw new DomainError('VALIDATION_FAILED', 'Send exactly one file, after the option fields');
      }
    })();
    const created = await createContactImport(bulkCore(deps, caller), caller.workspaceId, {
      source,
      options,
      fileName: upload.filename,
      maxBytes,
      maxRows: deps.config.bulkMaxRows,
      maxConcurrentUploads: deps.config.bulkMaxConcurrentUploads,
    });
    return reply.code(201).send(created);
  } catch (error) {
    if (stream && !stream.destroyed) stream.destroy();
    discardRestOfBody(req, reply);
    throw multipartFailure(error);
  } finally {
    req.raw.off('close', onClose);
  }
}

/** Streams an import's report as CSV. */
export async function sendReportCsv(
  deps: ApiDeps,
  caller: BulkCaller,
  importId: string,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const ctx = bulkCore(deps, caller);
  const lines = contactImportReportCsv(ctx, caller.workspaceId, importId);
  // The first step checks the import (NOT_FOUND) before any header is sent.
  const first = await lines.next();
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="import-${importId}-report.csv"`)
    .header('cache-control', 'no-store')
    .send(
      Readable.from(
        (async function* () {
          if (!first.done) yield first.value;
          yield* lines;
        })(),
      ),
    );
}

export async function dashboardContactImportRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;
  await registerImportMultipart(app, deps.config.bulkMaxUploadBytes);
  const { scoped, callerOf } = memberCallers(deps, 'contact import');
  const upload = (req: FastifyRequest, reply: FastifyReply) =>
    uploadContactImport(deps, callerOf(req), req, reply);
  app.post('/w/:workspaceId/contact-imports', scoped('contacts.write', true), upload);
  app.post('/dashboard/contact-imports', scoped('contacts.write', true), upload);
  app.get<{ Params: { workspaceId: string; importId: string } }>(
    '/w/:workspaceId/contact-imports/:importId/report.csv',
    scoped('contacts.read', false),
    (req, reply) => sendReportCsv(deps, callerOf(req), req.params.importId, reply),
  );
}
