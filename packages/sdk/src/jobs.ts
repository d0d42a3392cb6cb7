// client.jobs: bulk verification jobs (/v1/jobs). Create from a list of addresses (JSON) or a file
// (multipart, streamed from disk), follow progress (jobs-wait.ts), page through jobs and results,
// download them, cancel, retry the unknown ones and delete. Every request goes through the client's
// retries, typed errors and AbortSignal handling (JobsTransport).
import {
  callOptions,
  checkFormat,
  checkInteger,
  checkStatus,
  invalid,
  jobPath,
  query,
} from './jobs-checks.ts';
import { createJobRequest } from './jobs-create.ts';
import type {
  CreateJobInput,
  DownloadOptions,
  JobsApi,
  JobsTransport,
  ListJobsOptions,
  ResultsOptions,
  WaitOptions,
} from './jobs-types.ts';
import { waitForJob } from './jobs-wait.ts';
import type {
  BulkDownloadFormat,
  BulkJob,
  BulkJobList,
  BulkResultItem,
  BulkResultsPage,
  CallOptions,
  PosternPromise,
} from './types.ts';

const ACCEPT: Record<BulkDownloadFormat, string> = {
  csv: 'text/csv, */*;q=0.1',
  json: 'application/json, */*;q=0.1',
  ndjson: 'application/x-ndjson, */*;q=0.1',
};

/** Pages through a listing: calls `page(cursor)` until it answers no next cursor. */
function paginate<Item, Cursor>(
  first: Cursor | null,
  page: (cursor: Cursor | null) => Promise<{ items: Item[]; next: Cursor | null }>,
): AsyncIterable<Item> {
  return {
    async *[Symbol.asyncIterator]() {
      let cursor = first;
      do {
        const { items, next } = await page(cursor);
        yield* items;
        cursor = next;
      } while (cursor !== null);
    },
  };
}

export class Jobs implements JobsApi {
  readonly #t: JobsTransport;

  constructor(transport: JobsTransport) {
    this.#t = transport;
  }

  create(input: CreateJobInput, options: CallOptions = {}): PosternPromise<BulkJob> {
    const spec = createJobRequest(input, this.#t.timeoutMs);
    const call = callOptions(options);
    const full =
      spec instanceof Promise
        ? spec.then((ready) => this.#t.request<BulkJob>(ready, call))
        : this.#t.request<BulkJob>(spec, call);
    return this.#t.withMeta(full);
  }

  get(id: string, options: CallOptions = {}): PosternPromise<BulkJob> {
    const path = jobPath(id, 'get');
    return this.#t.withMeta(this.#t.request<BulkJob>({ method: 'GET', path }, callOptions(options)));
  }

  listPage(options: ListJobsOptions = {}): PosternPromise<BulkJobList> {
    const path = this.#listPath(options, 'listPage', options.cursor);
    return this.#t.withMeta(this.#t.request<BulkJobList>({ method: 'GET', path }, callOptions(options)));
  }

  list(options: ListJobsOptions = {}): AsyncIterable<BulkJob> {
    this.#listPath(options, 'list', options.cursor);
    const call = callOptions(options);
    return paginate<BulkJob, string>(options.cursor ?? null, async (cursor) => {
      const path = this.#listPath(options, 'list', cursor ?? undefined);
      const { data } = await this.#t.request<BulkJobList>({ method: 'GET', path }, call);
      return { items: data.jobs, next: data.nextCursor };
    });
  }

  #listPath(options: ListJobsOptions, method: string, cursor: string | undefined): string {
    const limit = checkInteger(options.limit, `jobs.${method}(): limit`, 1, 100);
    if (cursor !== undefined && typeof cursor !== 'string') {
      throw invalid(`jobs.${method}(): cursor must be the nextCursor string of a previous page`);
    }
    return `/v1/jobs${query({ cursor, limit })}`;
  }

  wait(id: string, options: WaitOptions = {}): Promise<BulkJob> {
    return waitForJob(this.#t, (jobId, call) => this.get(jobId, call), id, options);
  }

  results(id: string, options: ResultsOptions = {}): AsyncIterable<BulkResultItem> {
    const base = jobPath(id, 'results', '/results');
    const status = checkStatus(options.status, 'results');
    const limit = checkInteger(options.pageSize, 'jobs.results(): pageSize', 1, 1000) ?? 1000;
    const start = checkInteger(options.after, 'jobs.results(): after', 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const call = callOptions(options);
    return paginate<BulkResultItem, number>(start, async (after) => {
      const path = `${base}${query({ status, after: after ?? 0, limit })}`;
      const { data } = await this.#t.request<BulkResultsPage>({ method: 'GET', path }, call);
      return { items: data.items, next: data.nextAfter };
    });
  }

  download(id: string, options: DownloadOptions = {}): PosternPromise<ReadableStream<Uint8Array>> {
    const format = checkFormat(options.format ?? 'csv');
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
