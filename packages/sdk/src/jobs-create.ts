// The request of `jobs.create`: addresses as JSON, or a file as multipart/form-data. The input is
// checked at once; a file path is opened (node:fs, loaded only then) when the call runs. Every create
// carries an Idempotency-Key, so the client's retries never make a second job.
import { checkIdempotencyKey, invalid } from './jobs-checks.ts';
import type { CreateJobFromEmails, CreateJobFromFile, CreateJobInput } from './jobs-types.ts';
import { fileContentType, isReplayable, multipartBody, type UploadBody } from './multipart.ts';
import type { RequestSpec } from './transport.ts';

/** Per-attempt limit of a create unless the call sets `timeoutMs`: the API reads the whole upload first. */
export const CREATE_TIMEOUT_MS = 10 * 60_000;

/** The request for `input`: made now for addresses, once the file is opened for a file. */
export function createJobRequest(
  input: CreateJobInput,
  clientTimeoutMs: number,
): RequestSpec | Promise<RequestSpec> {
  if (typeof input !== 'object' || input === null) {
    throw invalid('jobs.create() takes { emails: [...] } or { file: path | Blob | stream }');
  }
  const hasEmails = input.emails !== undefined;
  if (hasEmails === (input.file !== undefined)) {
    throw invalid('jobs.create() takes either emails (an array of addresses) or file, not both');
  }
  const common: RequestSpec = {
    method: 'POST',
    path: '/v1/jobs',
    headers: { 'idempotency-key': checkIdempotencyKey(input.idempotencyKey) },
    defaultTimeoutMs: Math.max(clientTimeoutMs, CREATE_TIMEOUT_MS),
  };
  return hasEmails
    ? { ...common, body: emailsBody(input as CreateJobFromEmails) }
    : fileRequest(input as CreateJobFromFile, common);
}

function emailsBody({ emails, name, depth, dedupe, metadata }: CreateJobFromEmails): Record<string, unknown> {
  if (!Array.isArray(emails) || emails.length === 0 || emails.some((e) => typeof e !== 'string')) {
    throw invalid('jobs.create(): emails must be a non-empty array of strings');
  }
  const body: Record<string, unknown> = { emails };
  if (name !== undefined) body.name = name;
  if (depth !== undefined) body.depth = depth;
  if (dedupe !== undefined) body.dedupe = dedupe;
  if (metadata !== undefined) body.metadata = metadata;
  return body;
}

/** The form fields next to the file, as the API's multipart parser reads them. */
function formFields(file: CreateJobFromFile): [string, string][] {
  const fields: [string, string][] = [];
  const field = (name: string, value: unknown) => {
    if (value === undefined) return;
    fields.push([name, typeof value === 'string' ? value : JSON.stringify(value)]);
  };
  field('name', file.name);
  field('depth', file.depth);
  field('column', file.column === undefined ? undefined : String(file.column));
  field('format', file.format);
  field('encoding', file.encoding);
  field('dedupe', file.dedupe === undefined ? undefined : String(file.dedupe));
  field('metadata', file.metadata);
  return fields;
}

function checkSource(source: unknown): asserts source is string | UploadBody {
  if (
    typeof source !== 'string' &&
    !(source instanceof Blob) &&
    !(source instanceof Uint8Array) &&
    typeof (source as ReadableStream | null)?.getReader !== 'function' &&
    typeof (source as AsyncIterable<Uint8Array> | null)?.[Symbol.asyncIterator] !== 'function'
  ) {
    throw invalid('jobs.create(): file must be a path, a Blob, bytes, a ReadableStream or an async iterable');
  }
}

function basename(path: string): string {
  return path.split(/[\\/]/).pop() || 'upload';
}

/** Checks the file now (a wrong one throws at the call), opens it when the call runs. */
function fileRequest(file: CreateJobFromFile, common: RequestSpec): Promise<RequestSpec> {
  checkSource(file.file);
  return openFile(file, file.file, formFields(file), common);
}

async function openFile(
  file: CreateJobFromFile,
  source: string | UploadBody,
  fields: [string, string][],
  common: RequestSpec,
): Promise<RequestSpec> {
  let body: UploadBody;
  let filename: string;
  let blobType: string | undefined;
  if (typeof source === 'string') {
    // Node.js only, loaded on use: a Blob backed by the file, read while fetch sends it.
    const fs = await import('node:fs');
    body = await fs.openAsBlob(source);
    filename = file.filename ?? basename(source);
  } else {
    body = source;
    // A File's name, or an fs.ReadStream's path.
    const named = (source as { name?: unknown }).name ?? (source as { path?: unknown }).path;
    filename = file.filename ?? (typeof named === 'string' && named ? basename(named) : 'upload.csv');
    blobType = source instanceof Blob && source.type ? source.type : undefined;
  }
  const rawBody = multipartBody(fields, { body, filename, contentType: fileContentType(filename, blobType) });
  // A stream can be sent only once: no retry then.
  return { ...common, rawBody, retries: isReplayable(body) ? 'all' : 'none' };
}
