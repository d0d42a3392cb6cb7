// The types of `client.jobs`: what a job is created from, the options of each call, and JobsApi.
import type { UploadBody } from './multipart.ts';
import type { RequestSpec } from './transport.ts';
import type {
  BulkDownloadFormat,
  BulkJob,
  BulkJobList,
  BulkMetadata,
  BulkProgressEvent,
  BulkResultFilter,
  BulkResultItem,
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
  /** Start after this page: the `nextCursor` of a previous page. */
  cursor?: string | undefined;
  /** Jobs per request, 1 to 100 (default 20). */
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
  /**
   * `GET /v1/jobs`: every job of the workspace, newest first, fetched a page (`limit`) at a time
   * as the loop asks for more. Like `results()`: `for await (const job of client.jobs.list())`.
   */
  list(options?: ListJobsOptions): AsyncIterable<BulkJob>;
  /** `GET /v1/jobs`: one page of jobs, newest first, and the `nextCursor` of the next page. */
  listPage(options?: ListJobsOptions): PosternPromise<BulkJobList>;
  /**
   * Resolves with the job once it has ended (`completed`, `failed` or `cancelled`: check `status`),
   * following `GET /v1/jobs/:id/events` (one request), or polling `get` when the stream fails.
   * Rejects at once, without polling, when the API refuses the key or its account (UNAUTHENTICATED,
   * API_KEY_EXPIRED, ACCOUNT_DISABLED: its workspace is suspended, FORBIDDEN, INSUFFICIENT_SCOPE) or
   * says the job was deleted meanwhile (NOT_FOUND); with TIMEOUT after `timeoutMs`, ABORTED on abort.
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
