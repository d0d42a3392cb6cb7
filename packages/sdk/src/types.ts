// Result types of the public API, inferred from the zod schemas the API itself answers with. Only
// types are imported: the SDK loads no workspace code (and no zod) at run time.
import type {
  ZBulkDownloadFormat,
  ZBulkJob,
  ZBulkJobList,
  ZBulkMetadata,
  ZBulkProgressEvent,
  ZBulkResultFilter,
  ZBulkResultItem,
  ZBulkResultsPage,
  ZV1Me,
  ZV1Usage,
  ZValidationBatchResult,
  ZValidationResult,
} from '@postern/contracts';
import type { RateLimitInfo } from './rate-limit.ts';

/** What `z.infer` gives for a zod schema, without importing zod. */
type Infer<Schema extends { _zod: { output: unknown } }> = Schema['_zod']['output'];

/** `GET /v1/me`: the workspace and the key a request is made with. */
export type V1Me = Infer<typeof ZV1Me>;
/** `GET /v1/usage`: the workspace's plan, limits, requests today and over the last 30 days. */
export type V1Usage = Infer<typeof ZV1Usage>;

/** `POST /v1/validate`: the verdict for one address (the address itself is never stored). */
export type ValidationResult = Infer<typeof ZValidationResult>;
/** `POST /v1/validate/batch`: up to 50 addresses, each with its verdict. */
export type ValidationBatchResult = Infer<typeof ZValidationBatchResult>;
/** `standard`: syntax, DNS, lists. `enhanced`: also an SMTP probe of the mailbox. */
export type Depth = 'standard' | 'enhanced';

/** A bulk verification job (`/v1/jobs`): status, progress, counts per verdict, extraction summary. */
export type BulkJob = Infer<typeof ZBulkJob>;
/** `GET /v1/jobs`: a page of jobs, newest first, and the cursor of the next page (null at the end). */
export type BulkJobList = Infer<typeof ZBulkJobList>;
/** The status of a job. */
export type BulkJobStatus = BulkJob['status'];
/** One address of a job and its verdict (`result` is null while it is `pending`). */
export type BulkResultItem = Infer<typeof ZBulkResultItem>;
/** `GET /v1/jobs/:id/results`: one page of items and the `after` of the next (null at the end). */
export type BulkResultsPage = Infer<typeof ZBulkResultsPage>;
/** A `progress` (or the final `done`) event of `GET /v1/jobs/:id/events`. */
export type BulkProgressEvent = Infer<typeof ZBulkProgressEvent>;
/** A result filter: a verdict status, `pending` (not checked yet) or `done` (any verdict). */
export type BulkResultFilter = Infer<typeof ZBulkResultFilter>;
/** Download formats: `csv`, `json` or `ndjson`. */
export type BulkDownloadFormat = Infer<typeof ZBulkDownloadFormat>;
/** Free-form metadata of a job: at most 20 keys, string/number/boolean/null values, 4 KiB as JSON. */
export type BulkMetadata = Infer<typeof ZBulkMetadata>;

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call: the request in flight, or the wait before a retry. */
  signal?: AbortSignal | undefined;
  /** Time allowed for each attempt of this call, instead of the client's `timeoutMs`. */
  timeoutMs?: number | undefined;
}

/** About the response a successful call returned. */
export interface ResponseMeta {
  httpStatus: number;
  /** The API's request id of the successful attempt. */
  requestId: string | undefined;
  /** HTTP requests made for the call, retries included. */
  attempts: number;
  /** The rate-limit headers of the response. */
  rateLimit: RateLimitInfo | undefined;
}

export interface WithMeta<T> {
  data: T;
  meta: ResponseMeta;
}

/**
 * The promise of a call: await it for the data, or call `withMeta()` for the data and the
 * response's metadata (request id, attempts, rate limit). Both belong to the same single call.
 */
export interface PosternPromise<T> extends Promise<T> {
  withMeta(): Promise<WithMeta<T>>;
}
