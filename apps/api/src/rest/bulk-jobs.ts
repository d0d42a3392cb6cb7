// The HTTP side of bulk verification jobs, ONE implementation behind both the public API (/v1/jobs,
// API keys) and the dashboard's plain-HTTP routes (/api/w/:workspaceId/jobs, session cookie): each
// surface resolves its caller ({ workspaceId, actorId, apiKeyId, meta }) and calls in here.
//
// - Upload: multipart/form-data streamed straight from the socket into the core's extractor (option
//   fields first, then one `file` part; nothing is buffered whole or written to disk), or a JSON body
//   `{ emails: [...] }`. Limits come from configuration; going over the byte limit is noticed while
//   the bytes arrive and answered 413 at once; the rest of the body is dropped, never kept, and the
//   connection cut soon after (http.ts, discardRestOfBody).
// - Idempotency-Key: a repeat (also a concurrent one) answers the first job with 200 and
//   `idempotent-replayed: true`; its body is read and dropped (up to the upload limit).
// - Events: server-sent events from a cheap single-row poll (every 500 ms, sent only on change).
// - Download: results read 1,000 at a time from a fresh EntityManager each page (flat memory), as
//   CSV (formula-neutralised cells), a JSON array or NDJSON.
import { PassThrough, Readable } from 'node:stream';
import fastifyMultipart, { type Multipart, type MultipartFile } from '@fastify/multipart';
import {
  type BulkDownloadFormat,
  type BulkJobDto,
  type BulkProgressEvent,
  type BulkResultFilter,
  type BulkResultItem,
  type BulkResultsPage,
  ZBulkDownloadQuery,
  ZBulkJobListQuery,
  ZBulkJobOptions,
  ZBulkResultsQuery,
  ZCreateBulkJobJson,
  ZIdempotencyKey,
} from '@postern/contracts';
import {
  type BulkContext,
  type BulkJobView,
  bulkJobDto,
  bulkProgress,
  cancelBulkJob,
  createBulkJob,
  DomainError,
  deleteBulkJob,
  findJobByIdempotencyKey,
  formatBytes,
  getBulkJob,
  listBulkJobs,
  neutraliseCell,
  type RequestMeta,
  readBulkResults,
  retryUnknownResults,
} from '@postern/core';
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';
import { resultItem } from './bulk-items.ts';
import { discardRestOfBody, parseInput } from './http.ts';

/** Who is acting on which workspace, resolved by the surface (API key or session). */
export interface BulkCaller {
  workspaceId: string;
  /** The signed-in member; null for an API key. */
  actorId: string | null;
  apiKeyId: string | null;
  meta: RequestMeta;
}

/** Rows per page of a download. */
export const DOWNLOAD_PAGE = 1000;
/** How often an event stream re-reads its job's row. */
const EVENTS_POLL_MS = 500;
const EVENTS_KEEPALIVE_MS = 15_000;
/** The option fields a multipart upload may carry (before its file part). */
const FORM_FIELDS = ['name', 'depth', 'column', 'format', 'encoding', 'dedupe', 'metadata'] as const;
type FormField = (typeof FORM_FIELDS)[number];

export const CSV_COLUMNS = [
  'email',
  'status',
  'reason',
  'action',
  'suggestion',
  'free_provider',
  'role_account',
  'disposable',
  'catch_all',
  'has_mx',
  'mx_host',
  'smtp_reply_code',
  'checked_at',
] as const;

/** Room for the option fields and part headers around the file in a multipart body. */
const MULTIPART_OVERHEAD = 64 * 1024;

const ZJobId = z.uuid();

/** One result as a CSV row; every cell a spreadsheet could run as a formula is neutralised. */
export function csvCells(item: BulkResultItem): string[] {
  const r = item.result;
  const flag = (value: boolean | undefined) => (value === undefined ? '' : String(value));
  const cells = [
    item.email,
    item.status,
    r?.reason ?? '',
    r?.action ?? '',
    r?.suggestion ?? '',
    flag(r?.flags.free_provider),
    flag(r?.flags.role_account),
    flag(r?.flags.disposable),
    flag(r?.flags.catch_all),
    flag(r?.flags.has_mx),
    r?.checks.smtp?.mx_host ?? r?.checks.dns?.mx_hosts[0]?.host ?? '',
    r?.checks.smtp?.reply_code == null ? '' : String(r.checks.smtp.reply_code),
    r?.checked_at ?? '',
  ];
  return cells.map(neutraliseCell);
}

/** `attachment` with an ASCII-safe filename and the UTF-8 one (RFC 6266 / 8187). */
export function downloadDisposition(jobName: string | null, jobId: string, format: BulkDownloadFormat) {
  const base = (jobName ?? '')
    .replace(/[\p{Cc}\p{Cf}"\\/]/gu, '')
    .replace(/\.[A-Za-z0-9]{1,8}$/, '')
    .trim()
    .slice(0, 150);
  const fallback = `job-${jobId.slice(0, 8)}`;
  const ascii =
    base
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9._ -]+/g, '')
      .replace(/\s+/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 100) || fallback;
  const unicode = `${base || fallback}-results.${format}`;
  const encoded = encodeURIComponent(unicode).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}-results.${format}"; filename*=UTF-8''${encoded}`;
}

const CONTENT_TYPES: Record<BulkDownloadFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

const ENDED = new Set(['completed', 'failed', 'cancelled']);

/** Errors of the multipart parser -> DomainErrors with a message for a person. */
function multipartFailure(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_FILES_LIMIT':
      return new DomainError(
        'VALIDATION_FAILED',
        `Too many form parts: send the option fields (${FORM_FIELDS.join(', ')}) and then one file part named "file"`,
      );
    case 'FST_PROTO_VIOLATION':
      return new DomainError('VALIDATION_FAILED', 'A form field has a forbidden name');
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return new DomainError('VALIDATION_FAILED', 'metadata: must be a JSON object');
    case 'FST_MP_PREMATURE_CLOSE':
      return new DomainError(
        'BAD_REQUEST',
        'The upload was cut off before the end of the file; upload it again',
      );
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new DomainError('BAD_REQUEST', 'The request is not multipart/form-data');
  }
  const message = error instanceof Error ? error.message : '';
  if (/end of (form|multipart)|terminated early|boundary/i.test(message)) {
    return new DomainError('BAD_REQUEST', `The multipart body is malformed or cut off (${message})`);
  }
  return error;
}

/** Form field values (strings) -> the shape ZBulkJobOptions takes. */
function formOptions(fields: Map<FormField, string>, filename: string | undefined): unknown {
  const raw: Record<string, unknown> = {};
  for (const [name, value] of fields) {
    switch (name) {
      case 'column':
        raw.column = /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : value;
        break;
      case 'dedupe':
        raw.dedupe = value === 'true' ? true : value === 'false' ? false : value;
        break;
      case 'metadata':
        try {
          raw.metadata = JSON.parse(value);
        } catch {
          throw new DomainError('VALIDATION_FAILED', 'metadata: must be a JSON object (as a string)');
        }
        break;
      default:
        raw[name] = value;
    }
  }
  if (raw.name === undefined && filename) {
    const name = filename.trim().slice(0, 200);
    if (name) raw.name = name;
  }
  return raw;
}

/** Marks when the core started reading the source (a replayed Idempotency-Key never reads it). */
interface ReadState {
  read: boolean;
}

/** An array the extractor iterates; records that it did (Array.isArray stays true). */
function trackedArray(values: unknown[], state: ReadState): unknown[] {
  return new Proxy(values, {
    get(target, property, receiver) {
      if (property === Symbol.iterator || property === 'length') state.read = true;
      return Reflect.get(target, property, receiver);
    },
  });
}

export interface BulkHttp {
  /** Registers @fastify/multipart (streaming; limits from configuration) on a route scope. */
  registerMultipart(scope: FastifyInstance): Promise<void>;
  /** Route options of job creation (the JSON body limit is the upload limit). */
  readonly createRouteOptions: { bodyLimit: number };
  create(caller: BulkCaller, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
  list(caller: BulkCaller, query: unknown): Promise<{ jobs: BulkJobDto[]; nextCursor: string | null }>;
  get(caller: BulkCaller, jobId: string): Promise<BulkJobDto>;
  results(caller: BulkCaller, jobId: string, query: unknown): Promise<BulkResultsPage>;
  cancel(caller: BulkCaller, jobId: string): Promise<BulkJobDto>;
  retry(caller: BulkCaller, jobId: string): Promise<BulkJobDto>;
  remove(caller: BulkCaller, jobId: string): Promise<void>;
  events(caller: BulkCaller, jobId: string, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
  download(caller: BulkCaller, jobId: string, query: unknown, reply: FastifyReply): Promise<FastifyReply>;
  /** Ends every open event stream (on shutdown, so the server can finish closing). */
  closeStreams(): void;
}

export function createBulkHttp(
  deps: ApiDeps,
  options: { pollMs?: number; keepAliveMs?: number } = {},
): BulkHttp {
  const maxBytes = deps.config.bulkMaxUploadBytes;
  const maxRows = deps.config.bulkMaxRows;
  const pollMs = options.pollMs ?? EVENTS_POLL_MS;
  const keepAliveMs = options.keepAliveMs ?? EVENTS_KEEPALIVE_MS;
  /** Stops each open event stream. */
  const streams = new Set<() => void>();

  const bulkCtx = (): BulkContext => ({
    em: deps.orm.em.fork(),
    keyring: deps.keyring,
    clock: deps.clock,
    boss: deps.boss,
  });
  const dto = (view: BulkJobView) => bulkJobDto(view, deps.clock.now());
  const jobIdOf = (jobId: string) => {
    if (!ZJobId.safeParse(jobId).success) throw new DomainError('NOT_FOUND', 'No such bulk job');
    return jobId;
  };
  const actor = (caller: BulkCaller) => ({
    actorId: caller.actorId,
    apiKeyId: caller.apiKeyId,
    meta: caller.meta,
  });

  /** Stops parsing the upload; what is still to come of the body is dropped (see discardRestOfBody). */
  const abandonBody = (req: FastifyRequest, reply: FastifyReply, file?: MultipartFile['file']) => {
    if (file && !file.destroyed) file.destroy();
    discardRestOfBody(req, reply);
  };
  /** A replay's body is dropped as it arrives, to its end (at most the upload limit), no time limit. */
  const replayBody = { maxBytes: maxBytes + MULTIPART_OVERHEAD, lingerMs: null };

  const replay = (reply: FastifyReply, view: BulkJobView) =>
    reply.code(200).header('idempotent-replayed', 'true').send(dto(view));

  async function createFromUpload(
    caller: BulkCaller,
    idempotencyKey: string | null,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply> {
    const parts = req.parts();
    const fields = new Map<FormField, string>();
    let filePart: MultipartFile | undefined;
    try {
      // Option fields, up to the file part.
      for (;;) {
        let step: IteratorResult<Multipart>;
        try {
          step = await parts.next();
        } catch (error) {
          throw multipartFailure(error);
        }
        if (step.done) break;
        const part = step.value;
        if (part.type === 'file') {
          if (part.fieldname !== 'file') {
            throw new DomainError(
              'VALIDATION_FAILED',
              `Unexpected file part "${part.fieldname}": send the file as the part named "file"`,
            );
          }
          filePart = part;
          break;
        }
        const name = part.fieldname as FormField;
        if (!FORM_FIELDS.includes(name)) {
          throw new DomainError(
            'VALIDATION_FAILED',
            `Unknown form field "${part.fieldname.slice(0, 50)}"; the fields are ${FORM_FIELDS.join(', ')} and the file part "file"`,
          );
        }
        if (fields.has(name)) throw new DomainError('VALIDATION_FAILED', `The field "${name}" is sent twice`);
        if (part.valueTruncated)
          throw new DomainError('VALIDATION_FAILED', `The field "${name}" is too long`);
        // A part sent as application/json arrives parsed: keep its JSON text.
        fields.set(name, typeof part.value === 'string' ? part.value : JSON.stringify(part.value));
      }
      if (!filePart) {
        throw new DomainError(
          'VALIDATION_FAILED',
          'No file: send the option fields, then the file as a multipart part named "file"',
        );
      }
      const options = parseInput(ZBulkJobOptions, formOptions(fields, filePart.filename), 'form');
      const file = filePart.file;
      const state: ReadState = { read: false };
      // The core reads this: the file's bytes, and after its end the check that nothing follows it
      // (which fails the extraction, so nothing is stored, when something does).
      const source = (async function* () {
        state.read = true;
        for await (const chunk of file) yield chunk as Buffer;
        if (file.truncated) {
          throw new DomainError(
            'PAYLOAD_TOO_LARGE',
            `The file is larger than ${formatBytes(maxBytes)} (the limit)`,
            {
              maxBytes,
            },
          );
        }
        let next: IteratorResult<Multipart>;
        try {
          next = await parts.next();
        } catch (error) {
          throw multipartFailure(error);
        }
        if (!next.done) {
          const extra = next.value;
          if (extra.type === 'file') extra.file.resume();
          throw new DomainError(
            'VALIDATION_FAILED',
            extra.type === 'file'
              ? 'Send exactly one file per job (a second file part was sent)'
              : `The field "${extra.fieldname.slice(0, 50)}" comes after the file: send option fields before the file part`,
          );
        }
      })();
      const view = await createBulkJob(bulkCtx(), caller.workspaceId, caller.actorId, {
        source,
        depth: options.depth,
        dedupe: options.dedupe,
        format: options.format,
        encoding: options.encoding,
        ...(options.column !== undefined ? { column: options.column } : {}),
        name: options.name ?? null,
        metadata: options.metadata ?? null,
        maxBytes,
        maxRows,
        idempotencyKey,
        apiKeyId: caller.apiKeyId,
        meta: caller.meta,
      });
      if (idempotencyKey && !state.read) {
        // Another request with this key created the job while this one waited: a replay.
        file.destroy();
        discardRestOfBody(req, reply, replayBody);
        return replay(reply, view);
      }
      return reply.code(201).send(dto(view));
    } catch (error) {
      abandonBody(req, reply, filePart?.file);
      throw multipartFailure(error);
    }
  }

  async function createFromJson(
    caller: BulkCaller,
    idempotencyKey: string | null,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply> {
    const input = parseInput(ZCreateBulkJobJson, req.body);
    const state: ReadState = { read: false };
    const view = await createBulkJob(bulkCtx(), caller.workspaceId, caller.actorId, {
      source: trackedArray(input.emails, state),
      depth: input.depth,
      dedupe: input.dedupe,
      name: input.name ?? null,
      metadata: input.metadata ?? null,
      maxRows,
      idempotencyKey,
      apiKeyId: caller.apiKeyId,
      meta: caller.meta,
    });
    if (idempotencyKey && !state.read) return replay(reply, view);
    return reply.code(201).send(dto(view));
  }

  async function readProgress(caller: BulkCaller, jobId: string): Promise<BulkProgressEvent | null> {
    const rows = (await deps.orm.em.getConnection().execute(
      `select status, total, processed, deliverable, undeliverable, catch_all, risky, do_not_mail,
                unknown, started_at from bulk_job where id = ? and workspace_id = ?`,
      [jobId, caller.workspaceId],
      'all',
    )) as {
      status: BulkJobView['status'];
      total: number;
      processed: number;
      deliverable: number;
      undeliverable: number;
      catch_all: number;
      risky: number;
      do_not_mail: number;
      unknown: number;
      started_at: Date | string | null;
    }[];
    const row = rows[0];
    if (!row) return null;
    return bulkProgress(
      {
        id: jobId,
        status: row.status,
        total: row.total,
        processed: row.processed,
        counts: {
          deliverable: row.deliverable,
          undeliverable: row.undeliverable,
          catch_all: row.catch_all,
          risky: row.risky,
          do_not_mail: row.do_not_mail,
          unknown: row.unknown,
        },
        startedAt: row.started_at ? new Date(row.started_at) : null,
      },
      deps.clock.now(),
    );
  }

  return {
    createRouteOptions: { bodyLimit: maxBytes },

    async registerMultipart(scope) {
      await scope.register(fastifyMultipart, {
        throwFileSizeLimit: false,
        // A part named "file" is the upload even without a filename (curl -F file=<list.csv).
        isPartAFile: (fieldName, _contentType, fileName) => fieldName === 'file' || fileName !== undefined,
        limits: {
          // One byte over the limit reaches the extractor, which answers PAYLOAD_TOO_LARGE.
          fileSize: maxBytes + 1,
          files: 2,
          fields: FORM_FIELDS.length + 2,
          parts: FORM_FIELDS.length + 4,
          fieldNameSize: 100,
          fieldSize: 16 * 1024,
          headerPairs: 50,
        },
      });
    },

    async create(caller, req, reply) {
      const header = req.headers['idempotency-key'];
      const idempotencyKey =
        header === undefined ? null : parseInput(ZIdempotencyKey, header, 'Idempotency-Key');
      if (idempotencyKey) {
        const existing = await findJobByIdempotencyKey(
          deps.orm.em.fork(),
          caller.workspaceId,
          idempotencyKey,
        );
        if (existing) {
          discardRestOfBody(req, reply, replayBody);
          return replay(reply, existing);
        }
      }
      if (req.isMultipart()) {
        // A declared length far over the limit is refused before any byte is read.
        const declared = Number(req.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) {
          abandonBody(req, reply);
          throw new DomainError(
            'PAYLOAD_TOO_LARGE',
            `The file is larger than ${formatBytes(maxBytes)} (the limit)`,
            {
              maxBytes,
            },
          );
        }
        return createFromUpload(caller, idempotencyKey, req, reply);
      }
      return createFromJson(caller, idempotencyKey, req, reply);
    },

    async list(caller, query) {
      const input = parseInput(ZBulkJobListQuery, query, 'query');
      const page = await listBulkJobs(deps.orm.em.fork(), caller.workspaceId, {
        limit: input.limit,
        ...(input.cursor ? { cursor: input.cursor } : {}),
      });
      return { jobs: page.jobs.map(dto), nextCursor: page.nextCursor };
    },

    async get(caller, jobId) {
      return dto(await getBulkJob(deps.orm.em.fork(), caller.workspaceId, jobIdOf(jobId)));
    },

    async results(caller, jobId, query) {
      const id = jobIdOf(jobId);
      const input = parseInput(ZBulkResultsQuery, query, 'query');
      const page = await readBulkResults(deps.orm.em.fork(), deps.keyring, caller.workspaceId, id, {
        afterSeq: input.after,
        limit: input.limit,
        ...(input.status ? { status: input.status } : {}),
      });
      return { items: page.items.map(resultItem), nextAfter: page.nextAfterSeq };
    },

    async cancel(caller, jobId) {
      return dto(await cancelBulkJob(bulkCtx(), caller.workspaceId, jobIdOf(jobId), actor(caller)));
    },

    async retry(caller, jobId) {
      return dto(await retryUnknownResults(bulkCtx(), caller.workspaceId, jobIdOf(jobId), actor(caller)));
    },

    async remove(caller, jobId) {
      const ctx = { em: deps.orm.em.fork(), clock: deps.clock };
      await deleteBulkJob(ctx, caller.workspaceId, jobIdOf(jobId), actor(caller));
    },

    async events(caller, jobId, req, reply) {
      const id = jobIdOf(jobId);
      const first = await readProgress(caller, id);
      if (!first) throw new DomainError('NOT_FOUND', 'No such bulk job');

      const stream = new PassThrough();
      let seq = 0;
      let lastKey = '';
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      const keepAlive = setInterval(() => stream.write(': keep-alive\n\n'), keepAliveMs);
      const stop = () => {
        if (stopped) return;
        stopped = true;
        clearTimeout(timer);
        clearInterval(keepAlive);
        streams.delete(stop);
        if (!stream.writableEnded) stream.end();
      };
      streams.add(stop);
      const send = (event: string, data: unknown) => {
        seq += 1;
        stream.write(`id: ${seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const publish = (progress: BulkProgressEvent) => {
        const key = `${progress.status}|${progress.total}|${progress.processed}|${Object.values(progress.counts).join(',')}`;
        if (key !== lastKey) {
          lastKey = key;
          send('progress', progress);
        }
        if (ENDED.has(progress.status)) {
          send('done', progress);
          stop();
          return false;
        }
        return true;
      };
      const tick = async () => {
        if (stopped) return;
        try {
          const progress = await readProgress(caller, id);
          if (stopped) return;
          if (!progress) {
            send('error', { code: 'NOT_FOUND', message: 'The job was deleted' });
            stop();
            return;
          }
          if (!publish(progress)) return;
        } catch (error) {
          req.log.warn({ err: error, jobId: id }, 'bulk job event poll failed');
        }
        if (!stopped) timer = setTimeout(tick, pollMs);
      };
      stream.on('close', stop);
      reply.raw.on('close', stop);

      stream.write('retry: 3000\n\n');
      if (publish(first)) timer = setTimeout(tick, pollMs);
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        .header('x-accel-buffering', 'no')
        .send(stream);
    },

    async download(caller, jobId, query, reply) {
      const id = jobIdOf(jobId);
      const input = parseInput(ZBulkDownloadQuery, query, 'query');
      const job = await getBulkJob(deps.orm.em.fork(), caller.workspaceId, id);
      const format = input.format;
      const status: BulkResultFilter | undefined = input.status;

      async function* pages(): AsyncGenerator<BulkResultItem[]> {
        let after = 0;
        for (;;) {
          // A fresh EntityManager per page: the identity map never grows past one page.
          const page = await readBulkResults(deps.orm.em.fork(), deps.keyring, caller.workspaceId, id, {
            afterSeq: after,
            limit: DOWNLOAD_PAGE,
            ...(status ? { status } : {}),
          });
          yield page.items.map(resultItem);
          if (page.nextAfterSeq === null) return;
          after = page.nextAfterSeq;
        }
      }

      async function* body(): AsyncGenerator<string> {
        if (format === 'csv') {
          yield stringify([[...CSV_COLUMNS]]);
          for await (const items of pages()) {
            if (items.length) yield stringify(items.map(csvCells));
          }
        } else if (format === 'ndjson') {
          for await (const items of pages()) {
            if (items.length) yield `${items.map((item) => JSON.stringify(item)).join('\n')}\n`;
          }
        } else {
          let first = true;
          yield '[';
          for await (const items of pages()) {
            if (!items.length) continue;
            yield `${first ? '\n' : ',\n'}${items.map((item) => JSON.stringify(item)).join(',\n')}`;
            first = false;
          }
          yield '\n]\n';
        }
      }

      return reply
        .header('content-type', CONTENT_TYPES[format])
        .header('content-disposition', downloadDisposition(job.name, id, format))
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(Readable.from(body()));
    },

    closeStreams() {
      for (const stop of [...streams]) stop();
    },
  };
}
