// The OpenAPI 3.1 document of /v1, generated from the same zod contracts the routes return.
import {
  BULK_DOWNLOAD_FORMATS,
  ZBulkJob,
  ZBulkJobList,
  ZBulkJobOptions,
  ZBulkProgressEvent,
  ZBulkResultFilter,
  ZBulkResultItem,
  ZBulkResultsPage,
  ZCreateBulkJobJson,
  ZErrorBody,
  ZIdempotencyKey,
  ZV1Me,
  ZV1Usage,
} from '@postern/contracts';
import { z } from 'zod';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { target: 'draft-2020-12', io: 'output' });
const inputSchema = (s: z.ZodType) => z.toJSONSchema(s, { target: 'draft-2020-12', io: 'input' });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ 'application/json': { schema: ref(name) } });

const rateLimitHeaders = {
  RateLimit: {
    description: 'Remaining requests and seconds until the bucket is full (IETF draft)',
    schema: { type: 'string' },
  },
  'RateLimit-Policy': {
    description: 'Bucket size (q) and refill window (w, seconds)',
    schema: { type: 'string' },
  },
  'X-RateLimit-Limit': { schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { schema: { type: 'integer' } },
  'X-RateLimit-Reset': { description: 'Seconds until the bucket is full', schema: { type: 'integer' } },
};

const errors = {
  '400': {
    description: 'Bad request (e.g. an API key in the query string)',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
  '401': {
    description: 'Missing, unknown, expired or revoked API key',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
  '429': {
    description: 'Rate limit reached; retry after Retry-After seconds',
    headers: { 'Retry-After': { schema: { type: 'integer' } }, ...rateLimitHeaders },
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
};

const errorResponse = (description: string) => ({ description, content: json('Error') });

/** Errors of the routes that name a job. */
const jobErrors = {
  ...errors,
  '404': errorResponse("No such job in this workspace (also for another workspace's job)"),
};

const jobIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The job id',
  schema: { type: 'string', format: 'uuid' },
};

/** The multipart form of POST /jobs: the option fields (as strings), then the file. */
function uploadFormSchema() {
  const options = inputSchema(ZBulkJobOptions) as { properties: Record<string, unknown> };
  return {
    type: 'object',
    required: ['file'],
    properties: {
      ...options.properties,
      column: {
        type: 'string',
        description:
          'Header name, or a 0-based column index (digits); detected from the header or content when absent',
      },
      dedupe: { type: 'string', enum: ['true', 'false'], default: 'true' },
      metadata: {
        type: 'string',
        description: 'JSON object (at most 20 keys, 4 KiB): returned with the job and in its webhook events',
      },
      file: {
        type: 'string',
        format: 'binary',
        description:
          'CSV, TSV or a plain list of addresses (UTF-8 or Latin-1). Send it LAST: fields after the file are refused.',
      },
    },
  };
}

function jobPaths() {
  const jobResponse = (description: string) => ({
    description,
    headers: rateLimitHeaders,
    content: json('BulkJob'),
  });
  return {
    '/jobs': {
      get: {
        operationId: 'listJobs',
        summary: 'Bulk verification jobs of the workspace, newest first',
        parameters: [
          {
            name: 'cursor',
            in: 'query',
            schema: { type: 'string' },
            description: 'nextCursor of the previous page',
          },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
        ],
        responses: {
          '200': { description: 'OK', headers: rateLimitHeaders, content: json('BulkJobList') },
          ...errors,
        },
      },
      post: {
        operationId: 'createJob',
        summary:
          'Create a bulk verification job from an uploaded file (multipart) or a JSON list of addresses',
        description:
          'multipart/form-data: the option fields first, then one file part named `file`, streamed as it arrives (limits: BULK_MAX_UPLOAD_BYTES, default 100 MiB, and BULK_MAX_ROWS, default 1,000,000 rows). A file over the size limit is answered 413 as soon as the limit is passed. application/json: `{ "emails": [...] }` with the same options (body limit: the upload limit). With an Idempotency-Key, a repeat returns the first job (200, `idempotent-replayed: true`) and its body is discarded.',
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description:
              'Printable ASCII, at most 255 characters: a repeat within the workspace returns the same job',
            schema: inputSchema(ZIdempotencyKey),
          },
        ],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': { schema: uploadFormSchema() },
            'application/json': { schema: ref('CreateBulkJobJson') },
          },
        },
        responses: {
          '201': jobResponse('Created: the addresses are extracted and the job is queued'),
          '200': {
            ...jobResponse('A repeat of an Idempotency-Key: the job created by the first request'),
            headers: {
              ...rateLimitHeaders,
              'idempotent-replayed': { schema: { type: 'string', enum: ['true'] } },
            },
          },
          ...errors,
          '400': errorResponse(
            'The file cannot be read: empty, header only, binary, UTF-16, invalid UTF-8, cut off, an unclosed quote',
          ),
          '413': errorResponse('The file (or JSON body) is larger than the upload limit'),
          '422': errorResponse(
            'Invalid options or form (a field after the file, a second file, no file), no email column, too many rows or columns',
          ),
        },
      },
    },
    '/jobs/{id}': {
      get: {
        operationId: 'getJob',
        summary: 'One job: status, progress (percent, ETA), counts per verdict, extraction summary',
        parameters: [jobIdParameter],
        responses: { '200': jobResponse('OK'), ...jobErrors },
      },
      delete: {
        operationId: 'deleteJob',
        summary: 'Delete the job and all its results (a running job stops)',
        parameters: [jobIdParameter],
        responses: { '204': { description: 'Deleted' }, ...jobErrors },
      },
    },
    '/jobs/{id}/events': {
      get: {
        operationId: 'jobEvents',
        summary: 'Server-sent events: `progress` at once and on every change, `done` when the job ends',
        description:
          'text/event-stream. Each event has an `id:` line and `data:` holding a BulkProgressEvent (JSON). `progress` is sent when the stream opens and whenever the job changes; `done` (the final progress) when it is completed, failed or cancelled, after which the server closes the stream. A comment line (`: keep-alive`) is sent every 15 s. If the job is deleted meanwhile, an `error` event `{ code: "NOT_FOUND" }` ends the stream.',
        parameters: [jobIdParameter],
        responses: {
          '200': {
            description: 'The event stream',
            content: { 'text/event-stream': { schema: ref('BulkProgressEvent') } },
          },
          ...jobErrors,
        },
      },
    },
    '/jobs/{id}/results': {
      get: {
        operationId: 'jobResults',
        summary: 'A page of results in address order (keyset: pass the last seq as `after`)',
        parameters: [
          jobIdParameter,
          { name: 'status', in: 'query', schema: inputSchema(ZBulkResultFilter) },
          { name: 'after', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        ],
        responses: {
          '200': { description: 'OK', headers: rateLimitHeaders, content: json('BulkResultsPage') },
          ...jobErrors,
        },
      },
    },
    '/jobs/{id}/download': {
      get: {
        operationId: 'downloadJobResults',
        summary: 'All results as a file (streamed): CSV, a JSON array or NDJSON, optionally one status only',
        description:
          'CSV columns: email, status, reason, action, suggestion, free_provider, role_account, disposable, catch_all, has_mx, mx_host, smtp_reply_code, checked_at. A cell starting with = + - @ TAB or CR gets a leading apostrophe (so a spreadsheet never runs it as a formula).',
        parameters: [
          jobIdParameter,
          {
            name: 'format',
            in: 'query',
            schema: { type: 'string', enum: [...BULK_DOWNLOAD_FORMATS], default: 'csv' },
          },
          { name: 'status', in: 'query', schema: inputSchema(ZBulkResultFilter) },
        ],
        responses: {
          '200': {
            description: 'The file, as an attachment',
            headers: { 'Content-Disposition': { schema: { type: 'string' } } },
            content: {
              'text/csv': { schema: { type: 'string' } },
              'application/json': { schema: { type: 'array', items: ref('BulkResultItem') } },
              'application/x-ndjson': { schema: ref('BulkResultItem') },
            },
          },
          ...jobErrors,
        },
      },
    },
    '/jobs/{id}/cancel': {
      post: {
        operationId: 'cancelJob',
        summary: 'Cancel a queued or running job (results so far are kept; an ended job is returned as is)',
        parameters: [jobIdParameter],
        responses: { '200': jobResponse('The job'), ...jobErrors },
      },
    },
    '/jobs/{id}/retry': {
      post: {
        operationId: 'retryJob',
        summary: 'Check the `unknown` results of an ended job again',
        parameters: [jobIdParameter],
        responses: {
          '200': jobResponse('The job, queued again'),
          ...jobErrors,
          '400': errorResponse('The job has no unknown results'),
          '409': errorResponse(
            'The job is still running, or it ended (cancelled, failed) with addresses unchecked and could never complete',
          ),
        },
      },
    },
  };
}

let cached: { key: string; doc: object } | undefined;

export function buildOpenApiDocument(publicUrl: string, version: string) {
  const key = `${publicUrl}|${version}`;
  if (cached?.key === key) return cached.doc;
  const doc = {
    openapi: '3.1.0',
    info: {
      title: 'Postern API',
      version,
      description:
        'The public API of Postern. Authenticate with an API key from the dashboard (Settings → API keys) in the Authorization header. Requests are rate-limited per workspace by plan (token bucket).',
    },
    servers: [{ url: `${publicUrl}/v1` }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'pst_live_… API key' } },
      schemas: {
        Error: schema(ZErrorBody),
        Me: schema(ZV1Me),
        Usage: schema(ZV1Usage),
        BulkJob: schema(ZBulkJob),
        BulkJobList: schema(ZBulkJobList),
        BulkResultItem: schema(ZBulkResultItem),
        BulkResultsPage: schema(ZBulkResultsPage),
        BulkProgressEvent: schema(ZBulkProgressEvent),
        CreateBulkJobJson: inputSchema(ZCreateBulkJobJson),
      },
    },
    paths: {
      '/me': {
        get: {
          operationId: 'getMe',
          summary: 'The workspace and key behind this request',
          responses: {
            '200': {
              description: 'OK',
              headers: rateLimitHeaders,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Me' } } },
            },
            ...errors,
          },
        },
      },
      '/usage': {
        get: {
          operationId: 'getUsage',
          summary: 'Plan limits, tokens left and requests per day',
          responses: {
            '200': {
              description: 'OK',
              headers: rateLimitHeaders,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Usage' } } },
            },
            ...errors,
          },
        },
      },
      ...jobPaths(),
    },
  };
  cached = { key, doc };
  return doc;
}
