// client.jobs: bulk verification jobs (/v1/jobs). Create from a list of addresses (JSON) or a file
// (multipart, streamed from disk), follow progress over the job's event stream (polling as a
// fallback), page through results, download them, cancel, retry the unknown ones and delete.
// Every request goes through the client's retries, typed errors and AbortSignal handling.
import type { RequestSpec } from './client.ts';
import { abortError, isPosternError, PosternError } from './errors.ts';
import { fileContentType, isReplayable, multipartBody, type UploadBody } from './multipart.ts';
import { resolveTimeout } from './options.ts';
import { sleep } from './retry.ts';
import { readEventStream } from './sse.ts';
import type {
  BulkDownloadFormat,
  BulkJob,
  BulkJobList,
  BulkMetadata,
  BulkProgressEvent,
  BulkResultFilter,
  BulkResultItem,
  BulkResultsPage,
  CallOptions,
  Depth,
  PosternPromise,
  WithMeta,
} from './types.ts';

/** Options of a new job, whatever its source. */
export interface CreateJobOptions {
  /** Display name (the file's name by default). */
  name?: string | undefined;
  /** `standard` (default): syntax, DNS, lists. `enhanced`: also an SMTP probe of each mailbox. */
  depth?: Depth | undefined;
  /** Drop repeated addresses (default true). */
  dedupe?: boolean | undefined;
  /** Free-form data kept with the job: at most 20 keys, string/number/boolean/null values, 4 KiB. */
  metadata?: BulkMetadata | undefined;
  /**
   * Makes the create safe to repeat: the API answers a repeat of the same key in the workspace with
   * the job the first request created. The SDK makes a new one for every call when none is given,
   * so its own retries never create a job twice.
   */
  idempotencyKey?: string | undefined;
}

/** `jobs.create({ emails })`: addresses sent as JSON. */
export interface CreateJobFromEmails extends CreateJobOptions {
  emails: string[];
  file?: undefined;
}

/** `jobs.create({ file })`: a CSV, TSV or plain list, uploaded as multipart/form-data. */
export interface CreateJobFromFile extends CreateJobOptions {
  /**
   * A file path (Node.js: read from disk while it is sent, never whole in memory), a Blob or File,
   * bytes, or a stream. A stream can be sent only once, so a create from a stream is not retried.
   */
  file: string | UploadBody;
  /** The file name the API sees (the path's or File's name by default). */
  filename?: string | undefined;
  /** Header name or 0-based index of the address column (detected when absent). */
  column?: string | number | undefined;
  /** `auto` (default), `csv`, `tsv` or `list` (one address per line). */
  format?: 'auto' | 'csv' | 'tsv' | 'list' | undefined;
  /** `utf-8` (default) or `latin1`. */
  encoding?: 'utf-8' | 'latin1' | undefined;
  emails?: undefined;
}

export type CreateJobInput = CreateJobFromEmails | CreateJobFromFile;

export interface ListJobsOptions extends CallOptions {
  /** `nextCursor` of the previous page. */
  cursor?: string | undefined;
  /** Jobs per page, 1 to 100 (the API's default: 20). */
  limit?: number | undefined;
}

export interface WaitOptions {
  /** Called with each change of progress (and the final state). An error it throws rejects `wait`. */
  onProgress?: ((progress: BulkProgressEvent) => void) | undefined;
  /** Stops waiting (the job keeps running): rejects with `ABORTED`, or `TIMEOUT` for `AbortSignal.timeout()`. */
  signal?: AbortSignal | undefined;
  /** Stops waiting after this many milliseconds (the job keeps running): rejects with `TIMEOUT`. */
  timeoutMs?: number | undefined;
  /** Interval of the polling fallback, at least 2000 ms (every poll is a request). Default 2000. */
  pollIntervalMs?: number | undefined;
  /** An event stream silent this long (no event, no keep-alive) is given up for polling. Default 60 000. */
  idleTimeoutMs?: number | undefined;
}

export interface ResultsOptions extends CallOptions {
  /** Only items with this verdict status, `pending` or `done`. */
  status?: BulkResultFilter | undefined;
  /** Start after this sequence number (default 0: from the first item). */
  after?: number | undefined;
  /** Items per request, 1 to 1000. Default 1000. */
  pageSize?: number | undefined;
}

export interface DownloadOptions extends CallOptions {
  /** `csv` (default), `json` or `ndjson`. */
  format?: BulkDownloadFormat | undefined;
  /** Only items with this verdict status, `pending` or `done`. */
  status?: BulkResultFilter | undefined;
}

/** `client.jobs`: bulk verification jobs. */
export interface JobsApi {
  /** `POST /v1/jobs`: a job from addresses (JSON) or from a file (multipart upload). */
  create(input: CreateJobInput, options?: CallOptions): PosternPromise<BulkJob>;
  /** `GET /v1/jobs/:id`. */
  get(id: string, options?: CallOptions): PosternPromise<BulkJob>;
  /** `GET /v1/jobs`: a page of the workspace's jobs, newest first. */
  list(options?: ListJobsOptions): PosternPromise<BulkJobList>;
  /**
   * Resolves with the job once it has ended (`completed`, `failed` or `cancelled`: check `status`),
   * following `GET /v1/jobs/:id/events` (one request), or polling `get` when the stream fails.
   */
  wait(id: string, options?: WaitOptions): Promise<BulkJob>;
  /** The job's items in sequence order, a page (`GET /v1/jobs/:id/results`) at a time. */
  results(id: string, options?: ResultsOptions): AsyncIterable<BulkResultItem>;
  /** `GET /v1/jobs/:id/download`: the results file as a byte stream (read it or cancel it). */
  download(id: string, options?: DownloadOptions): PosternPromise<ReadableStream<Uint8Array>>;
  /** `POST /v1/jobs/:id/cancel`: stops a queued or running job (results so far are kept). */
  cancel(id: string, options?: CallOptions): PosternPromise<BulkJob>;
  /**
   * `POST /v1/jobs/:id/retry`: checks the `unknown` results of an ended job again. CONFLICT while it
   * runs, or when it ended (cancelled, failed) with addresses unchecked: it could never complete.
   */
  retry(id: string, options?: CallOptions): PosternPromise<BulkJob>;
  /** `DELETE /v1/jobs/:id`: deletes the job and its results. */
  delete(id: string, options?: CallOptions): PosternPromise<void>;
}

/** What `jobs` needs from the client: one call with its retries. */
export interface JobsTransport {
  request<T>(spec: RequestSpec, options?: CallOptions): Promise<WithMeta<T>>;
  withMeta<T>(full: Promise<WithMeta<T>>): PosternPromise<T>;
  /** The client's per-attempt limit. */
  timeoutMs: number;
}

/** Per-attempt limit of a create unless the call sets `timeoutMs`: the API reads the whole upload first. */
export const CREATE_TIMEOUT_MS = 10 * 60_000;
/** The shortest interval of `wait`'s polling fallback: every poll spends a token of the rate limit. */
export const MIN_POLL_INTERVAL_MS = 2000;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const ENDED = new Set(['completed', 'failed', 'cancelled']);
const STATUSES = [
  'deliverable',
  'undeliverable',
  'catch_all',
  'risky',
  'do_not_mail',
  'unknown',
  'pending',
  'done',
];
const FORMATS = ['csv', 'json', 'ndjson'];
const ACCEPT: Record<string, string> = {
  csv: 'text/csv, */*;q=0.1',
  json: 'application/json, */*;q=0.1',
  ndjson: 'application/x-ndjson, */*;q=0.1',
};

function invalid(message: string): TypeError {
  return new TypeError(`@postern/sdk: ${message}`);
}

function jobPath(id: unknown, method: string, rest = ''): string {
  if (typeof id !== 'string' || id.trim() === '') {
    throw invalid(`jobs.${method}() takes the job id as a non-empty string`);
  }
  return `/v1/jobs/${encodeURIComponent(id)}${rest}`;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function checkStatus(status: unknown, method: string): BulkResultFilter | undefined {
  if (status === undefined) return undefined;
  if (typeof status !== 'string' || !STATUSES.includes(status)) {
    throw invalid(`jobs.${method}(): status must be one of ${STATUSES.join(', ')} (got ${String(status)})`);
  }
  return status as BulkResultFilter;
}

function checkInteger(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer from ${min} to ${max} (got ${String(value)})`);
  }
  return value;
}

function callOptions(options: CallOptions): CallOptions {
  const out: CallOptions = {};
  if (options.signal !== undefined) out.signal = options.signal;
  if (options.timeoutMs !== undefined) out.timeoutMs = options.timeoutMs;
  return out;
}

function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

function checkIdempotencyKey(key: unknown): string {
  if (key === undefined) return newIdempotencyKey();
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw invalid('idempotencyKey must be 1 to 255 printable ASCII characters without spaces');
  }
  return key;
}

function basename(path: string): string {
  return path.split(/[\\/]/).pop() || 'upload';
}

/** The progress fields of a job, as the event stream sends them. */
function progressOf(job: BulkJob): BulkProgressEvent {
  const { id, status, total, processed, percent, counts, etaSeconds } = job;
  return { id, status, total, processed, percent, counts, etaSeconds };
}

/** An error thrown by the caller's onProgress: it ends `wait` (it is not a stream failure). */
class CallbackError {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

export class Jobs implements JobsApi {
  readonly #t: JobsTransport;

  constructor(transport: JobsTransport) {
    this.#t = transport;
  }

  create(input: CreateJobInput, options: CallOptions = {}): PosternPromise<BulkJob> {
    if (typeof input !== 'object' || input === null) {
      throw invalid('jobs.create() takes { emails: [...] } or { file: path | Blob | stream }');
    }
    const hasEmails = input.emails !== undefined;
    const hasFile = input.file !== undefined;
    if (hasEmails === hasFile) {
      throw invalid('jobs.create() takes either emails (an array of addresses) or file, not both');
    }
    const idempotencyKey = checkIdempotencyKey(input.idempotencyKey);
    const common = {
      method: 'POST' as const,
      path: '/v1/jobs',
      headers: { 'idempotency-key': idempotencyKey },
      defaultTimeoutMs: Math.max(this.#t.timeoutMs, CREATE_TIMEOUT_MS),
    };
    if (hasEmails) {
      const { emails, name, depth, dedupe, metadata } = input as CreateJobFromEmails;
      if (!Array.isArray(emails) || emails.length === 0 || emails.some((e) => typeof e !== 'string')) {
        throw invalid('jobs.create(): emails must be a non-empty array of strings');
      }
      const body: Record<string, unknown> = { emails };
      if (name !== undefined) body.name = name;
      if (depth !== undefined) body.depth = depth;
      if (dedupe !== undefined) body.dedupe = dedupe;
      if (metadata !== undefined) body.metadata = metadata;
      return this.#t.withMeta(this.#t.request<BulkJob>({ ...common, body }, callOptions(options)));
    }

    const file = input as CreateJobFromFile;
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
    const source = file.file;
    if (
      typeof source !== 'string' &&
      !(source instanceof Blob) &&
      !(source instanceof Uint8Array) &&
      typeof (source as ReadableStream | null)?.getReader !== 'function' &&
      typeof (source as AsyncIterable<Uint8Array> | null)?.[Symbol.asyncIterator] !== 'function'
    ) {
      throw invalid(
        'jobs.create(): file must be a path, a Blob, bytes, a ReadableStream or an async iterable',
      );
    }
    const full = (async () => {
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
      const rawBody = multipartBody(fields, {
        body,
        filename,
        contentType: fileContentType(filename, blobType),
      });
      return this.#t.request<BulkJob>(
        { ...common, rawBody, retries: isReplayable(body) ? 'all' : 'none' },
        callOptions(options),
      );
    })();
    return this.#t.withMeta(full);
  }

  get(id: string, options: CallOptions = {}): PosternPromise<BulkJob> {
    const path = jobPath(id, 'get');
    return this.#t.withMeta(this.#t.request<BulkJob>({ method: 'GET', path }, callOptions(options)));
  }

  list(options: ListJobsOptions = {}): PosternPromise<BulkJobList> {
    const limit = checkInteger(options.limit, 'jobs.list(): limit', 1, 100);
    if (options.cursor !== undefined && typeof options.cursor !== 'string') {
      throw invalid('jobs.list(): cursor must be the nextCursor string of a previous page');
    }
    const path = `/v1/jobs${query({ cursor: options.cursor, limit })}`;
    return this.#t.withMeta(this.#t.request<BulkJobList>({ method: 'GET', path }, callOptions(options)));
  }

  wait(id: string, options: WaitOptions = {}): Promise<BulkJob> {
    const path = jobPath(id, 'wait', '/events');
    const timeoutMs = resolveTimeout(options.timeoutMs, 'jobs.wait(): timeoutMs');
    const pollMs = options.pollIntervalMs ?? MIN_POLL_INTERVAL_MS;
    if (typeof pollMs !== 'number' || !(pollMs >= MIN_POLL_INTERVAL_MS) || !Number.isFinite(pollMs)) {
      throw invalid(
        `jobs.wait(): pollIntervalMs must be at least ${MIN_POLL_INTERVAL_MS} (every poll is a request)`,
      );
    }
    const idleMs =
      resolveTimeout(options.idleTimeoutMs, 'jobs.wait(): idleTimeoutMs') ?? DEFAULT_IDLE_TIMEOUT_MS;
    if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
      throw invalid('jobs.wait(): onProgress must be a function');
    }
    return this.#wait(id, path, options, { timeoutMs, pollMs, idleMs });
  }

  async #wait(
    id: string,
    path: string,
    options: WaitOptions,
    { timeoutMs, pollMs, idleMs }: { timeoutMs: number | undefined; pollMs: number; idleMs: number },
  ): Promise<BulkJob> {
    const deadline = new AbortController();
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(
            () =>
              deadline.abort(new DOMException(`jobs.wait: timeoutMs (${timeoutMs}) passed`, 'TimeoutError')),
            timeoutMs,
          );
    const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
    let last: BulkProgressEvent | undefined;
    const report = (progress: BulkProgressEvent) => {
      const changed =
        !last ||
        last.processed !== progress.processed ||
        last.status !== progress.status ||
        last.total !== progress.total;
      last = progress;
      if (!changed || !options.onProgress) return;
      try {
        options.onProgress(progress);
      } catch (error) {
        throw new CallbackError(error);
      }
    };

    try {
      let ended = false;
      try {
        ended = await this.#follow(path, signal, idleMs, report);
      } catch (error) {
        if (error instanceof CallbackError || signal.aborted) throw error;
        if (isPosternError(error) && ['UNAUTHENTICATED', 'FORBIDDEN'].includes(error.code)) throw error;
        // Anything else (network, 5xx, a proxy that buffers, a stream that fell silent): poll.
      }
      for (;;) {
        const job = await this.get(id, { signal });
        report(progressOf(job));
        if (ended || ENDED.has(job.status)) return job;
        await sleep(pollMs, signal);
      }
    } catch (error) {
      if (error instanceof CallbackError) throw error.error;
      if (deadline.signal.aborted && !options.signal?.aborted) {
        throw new PosternError({
          code: 'TIMEOUT',
          message: `Job ${id} did not end within ${timeoutMs} ms (it keeps running: wait again or cancel it)`,
          attempts: isPosternError(error) ? error.attempts : 0,
          cause: error,
        });
      }
      if (signal.aborted && !isPosternError(error)) {
        throw (
          abortError(signal.reason, 0) ??
          new PosternError({ code: 'ABORTED', message: 'The wait was aborted', cause: signal.reason })
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Follows the event stream; true when it ended with `done` (or a progress event of an ended job). */
  async #follow(
    path: string,
    signal: AbortSignal,
    idleMs: number,
    report: (progress: BulkProgressEvent) => void,
  ): Promise<boolean> {
    const { data: response } = await this.#t.request<Response>(
      { method: 'GET', path, expect: 'stream', accept: 'text/event-stream' },
      { signal },
    );
    const type = response.headers.get('content-type') ?? '';
    if (!/^text\/event-stream\b/i.test(type)) {
      await response.body?.cancel().catch(() => {});
      throw new Error(`expected text/event-stream, got ${type || 'no content type'}`);
    }
    for await (const message of readEventStream(response, { idleMs, signal })) {
      if (message.event !== 'progress' && message.event !== 'done') continue;
      const progress = JSON.parse(message.data) as BulkProgressEvent;
      report(progress);
      if (message.event === 'done') return true;
    }
    // Closed without `done` (a restart, a proxy's limit): the caller polls.
    return false;
  }

  results(id: string, options: ResultsOptions = {}): AsyncIterable<BulkResultItem> {
    const base = jobPath(id, 'results', '/results');
    const status = checkStatus(options.status, 'results');
    const limit = checkInteger(options.pageSize, 'jobs.results(): pageSize', 1, 1000) ?? 1000;
    const start = checkInteger(options.after, 'jobs.results(): after', 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const call = callOptions(options);
    const request = this.#t.request.bind(this.#t);
    return {
      async *[Symbol.asyncIterator]() {
        let after: number | null = start;
        while (after !== null) {
          const path: string = `${base}${query({ status, after, limit })}`;
          const { data: page } = await request<BulkResultsPage>({ method: 'GET', path }, call);
          yield* page.items;
          after = page.nextAfter;
        }
      },
    };
  }

  download(id: string, options: DownloadOptions = {}): PosternPromise<ReadableStream<Uint8Array>> {
    const format = options.format ?? 'csv';
    if (!FORMATS.includes(format)) {
      throw invalid(`jobs.download(): format must be one of ${FORMATS.join(', ')} (got ${String(format)})`);
    }
    const status = checkStatus(options.status, 'download');
    const path = jobPath(id, 'download', `/download${query({ format, status })}`);
    const full = this.#t
      .request<Response>(
        { method: 'GET', path, expect: 'stream', accept: ACCEPT[format] },
        callOptions(options),
      )
      .then(({ data: response, meta }) => ({
        data: response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() }),
        meta,
      }));
    return this.#t.withMeta(full);
  }

  cancel(id: string, options: CallOptions = {}): PosternPromise<BulkJob> {
    const path = jobPath(id, 'cancel', '/cancel');
    // Cancelling twice changes nothing more: safe to retry.
    return this.#t.withMeta(this.#t.request<BulkJob>({ method: 'POST', path }, callOptions(options)));
  }

  retry(id: string, options: CallOptions = {}): PosternPromise<BulkJob> {
    const path = jobPath(id, 'retry', '/retry');
    // Not repeatable (a second one finds the job running): retried only when the API did not act.
    return this.#t.withMeta(
      this.#t.request<BulkJob>({ method: 'POST', path, retries: 'unsent' }, callOptions(options)),
    );
  }

  delete(id: string, options: CallOptions = {}): PosternPromise<void> {
    const path = jobPath(id, 'delete');
    return this.#t.withMeta(
      this.#t.request<void>(
        { method: 'DELETE', path, expect: 'empty', goneMeansDone: true },
        callOptions(options),
      ),
    );
  }
}
