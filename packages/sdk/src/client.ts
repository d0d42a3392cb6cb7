// createClient: validated options -> methods of the public REST API (/v1), each call one request
// plus retries: 429 after Retry-After, 5xx (not 501), network errors and timeouts with back-off,
// all within the client's retry budget and the caller's AbortSignal.
import { Campaigns } from './campaigns.ts';
import type { CampaignsApi } from './campaigns-types.ts';
import { Contacts, Lists, Suppressions } from './contacts.ts';
import type { ContactsApi, ListsApi, SuppressionsApi } from './contacts-types.ts';
import { abortError, isRetryable, PosternError, type RetryStop } from './errors.ts';
import { Jobs } from './jobs.ts';
import type { JobsApi } from './jobs-types.ts';
import { type ClientOptions, type ResolvedOptions, resolveOptions, resolveTimeout } from './options.ts';
import { Policies, type PolicyApi } from './policy.ts';
import type { RateLimitInfo } from './rate-limit.ts';
import { backoffDelay, RetryBudget, sleep } from './retry.ts';
import { attempt, type RequestSpec } from './transport.ts';
import type {
  CallOptions,
  Depth,
  PosternPromise,
  V1Me,
  V1Usage,
  ValidationBatchResult,
  ValidationResult,
  WithMeta,
} from './types.ts';

/** A client of the Postern API, made by `createClient`. */
export interface PosternClient {
  /** `GET /v1/me`: the workspace (id, name, plan) and the API key (id, name, prefix, expiry). */
  me(options?: CallOptions): PosternPromise<V1Me>;
  /** `GET /v1/usage`: plan, limits, tokens remaining, requests today and per day over 30 days. */
  usage(options?: CallOptions): PosternPromise<V1Usage>;
  /** Checks one address (`POST /v1/validate`). */
  validate(email: string, options?: CallOptions & { depth?: Depth }): PosternPromise<ValidationResult>;
  /** Checks up to 50 addresses (`POST /v1/validate/batch`). */
  validateBatch(
    emails: string[],
    options?: CallOptions & { depth?: Depth },
  ): PosternPromise<ValidationBatchResult>;
  /** Bulk verification jobs (`/v1/jobs`): create, follow, read results, download, cancel, retry, delete. */
  readonly jobs: JobsApi;
  /** The workspace's validation policy (`/v1/policy`): `get()` and `set(policy)`. */
  readonly policy: PolicyApi;
  /** Contacts (`/v1/contacts`): list, create, get, update, erase, and each one's consent record. */
  readonly contacts: ContactsApi;
  /** Lists (`/v1/lists`) and their subscriptions: subscribe with consent evidence, unsubscribe. */
  readonly lists: ListsApi;
  /** The suppression list (`/v1/suppressions`): list, add manual entries, remove them. */
  readonly suppressions: SuppressionsApi;
  /** Campaigns (`/v1/campaigns`): create drafts, list, read, schedule, pause, resume, cancel, metrics. */
  readonly campaigns: CampaignsApi;
  /**
   * The rate-limit headers of the response this client received last (any call, also a 429), or
   * undefined before the first. With concurrent calls, "last" means last to arrive.
   */
  readonly lastRateLimit: RateLimitInfo | undefined;
  /** The normalised `baseUrl`. */
  readonly baseUrl: string;
}

export function createClient(options: ClientOptions): PosternClient {
  return new Client(resolveOptions(options));
}

class Client implements PosternClient {
  readonly #options: ResolvedOptions;
  readonly #budget: RetryBudget | undefined;
  #lastRateLimit: RateLimitInfo | undefined;
  readonly jobs: JobsApi;
  readonly policy: PolicyApi;
  readonly contacts: ContactsApi;
  readonly lists: ListsApi;
  readonly suppressions: SuppressionsApi;
  readonly campaigns: CampaignsApi;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.#budget = options.retry.budget ? new RetryBudget(options.retry.budget) : undefined;
    this.jobs = new Jobs({
      request: (spec, callOptions) => this.#request(spec, callOptions),
      withMeta,
      timeoutMs: options.timeoutMs,
    });
    this.policy = new Policies({
      request: (spec, callOptions) => this.#request(spec, callOptions),
      withMeta,
    });
    const transport = {
      request: <T>(spec: RequestSpec, callOptions?: CallOptions) => this.#request<T>(spec, callOptions),
      withMeta,
    };
    this.contacts = new Contacts(transport);
    this.lists = new Lists(transport);
    this.suppressions = new Suppressions(transport);
    this.campaigns = new Campaigns(transport);
  }

  get baseUrl(): string {
    return this.#options.baseUrl;
  }

  get lastRateLimit(): RateLimitInfo | undefined {
    return this.#lastRateLimit;
  }

  me(options?: CallOptions): PosternPromise<V1Me> {
    return withMeta(this.#call<V1Me>('/v1/me', options));
  }

  usage(options?: CallOptions): PosternPromise<V1Usage> {
    return withMeta(this.#call<V1Usage>('/v1/usage', options));
  }

  validate(email: string, options: CallOptions & { depth?: Depth } = {}): PosternPromise<ValidationResult> {
    if (typeof email !== 'string')
      throw new TypeError('@postern/sdk: validate() takes the address as a string');
    const { depth = 'standard', ...call } = options;
    return withMeta(this.#call<ValidationResult>('/v1/validate', call, { email, depth }));
  }

  validateBatch(
    emails: string[],
    options: CallOptions & { depth?: Depth } = {},
  ): PosternPromise<ValidationBatchResult> {
    if (!Array.isArray(emails) || emails.length === 0 || emails.length > 50) {
      throw new TypeError('@postern/sdk: validateBatch() takes 1 to 50 addresses');
    }
    const { depth = 'standard', ...call } = options;
    return withMeta(this.#call<ValidationBatchResult>('/v1/validate/batch', call, { emails, depth }));
  }

  /**
   * GET, or POST for checks that change nothing (so retrying is safe); calls that change something
   * will need an idempotency key to retry.
   */
  #call<T>(path: string, callOptions: CallOptions = {}, body?: unknown): Promise<WithMeta<T>> {
    return this.#request<T>(
      body === undefined ? { method: 'GET', path } : { method: 'POST', path, body },
      callOptions,
    );
  }

  /** One call: its attempts, the waits between them, the budget and the caller's signal. */
  async #request<T>(spec: RequestSpec, callOptions: CallOptions = {}): Promise<WithMeta<T>> {
    const { method, path } = spec;
    const { signal, timeoutMs } = checkCallOptions(callOptions);
    const retry = this.#options.retry;
    const retries = spec.retries ?? 'all';
    let attempts = 0;
    // An attempt that failed in a way that leaves open whether the server acted on it.
    let ambiguous = false;
    if (signal?.aborted) throw aborted(signal, attempts);
    this.#budget?.deposit();

    for (;;) {
      attempts++;
      let result: Awaited<ReturnType<typeof attempt>>;
      try {
        result = await attempt(this.#options, {
          method,
          ...(spec.body === undefined ? {} : { body: spec.body }),
          rawBody: spec.rawBody,
          headers: spec.headers,
          expect: spec.expect,
          accept: spec.accept,
          path,
          signal,
          timeoutMs: timeoutMs ?? spec.defaultTimeoutMs ?? this.#options.timeoutMs,
          attempt: attempts,
        });
      } catch (reason) {
        // Only the caller's signal makes an attempt throw (or a body that cannot be made again).
        throw signal?.aborted ? aborted(signal, attempts) : reason;
      }
      if (result.rateLimit) this.#lastRateLimit = result.rateLimit;
      if (result.ok) {
        const { data, httpStatus, requestId, rateLimit } = result;
        const meta = { httpStatus, requestId, attempts, rateLimit };
        const value = spec.expect === 'stream' ? result.response : data;
        return { data: value as T, meta };
      }

      const { error } = result;
      if (spec.goneMeansDone && ambiguous && error.code === 'NOT_FOUND') {
        // An earlier attempt was carried out but its answer was lost: what it deleted is gone.
        return {
          data: undefined as T,
          meta: { httpStatus: 204, requestId: error.requestId, attempts, rateLimit: error.rateLimit },
        };
      }
      const retryable =
        isRetryable(error.code, error.httpStatus) &&
        retries !== 'none' &&
        (retries === 'all' || nothingWasDone(error));
      if (!retryable) throw error;
      if (error.code !== 'RATE_LIMITED') ambiguous = true;
      const stop = (retryStoppedBy: RetryStop) =>
        new PosternError({ ...fieldsOf(error), attempts, retryStoppedBy, cause: error.cause });
      if (attempts > retry.maxRetries) throw stop('maxRetries');
      let delayMs: number;
      if (error.retryAfterSeconds !== undefined) {
        // Never earlier than the API asked: an early retry is refused again and spends the budget.
        const waitMs = error.retryAfterSeconds * 1000;
        if (waitMs > retry.maxRetryAfterMs) throw stop('maxRetryAfter');
        // A little jitter so the clients told the same Retry-After do not all come back at once.
        delayMs = waitMs + Math.floor(Math.random() * Math.min(retry.baseDelayMs, 1000));
      } else {
        delayMs = backoffDelay(attempts - 1, retry.baseDelayMs, retry.maxDelayMs);
      }
      if (this.#budget && !this.#budget.tryWithdraw()) throw stop('budget');
      try {
        retry.onRetry?.({ method, path, attempt: attempts, delayMs, error });
      } catch {
        // A logging hook must not change the outcome of the call.
      }
      try {
        await sleep(delayMs, signal);
      } catch {
        throw signal?.aborted
          ? aborted(signal, attempts, ` while waiting to retry after ${error.code}`)
          : new PosternError({ ...fieldsOf(error), attempts });
      }
    }
  }
}

/** True when the failure shows the API did not act on the request (so sending it again is safe). */
function nothingWasDone(error: PosternError): boolean {
  if (error.code === 'RATE_LIMITED') return true;
  const cause = (error.cause as { cause?: { code?: unknown } } | undefined)?.cause;
  return error.code === 'NETWORK_ERROR' && cause?.code === 'ECONNREFUSED';
}

function checkCallOptions(options: unknown): CallOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('@postern/sdk: call options must be an object such as { signal }');
  }
  const { signal, timeoutMs } = options as CallOptions;
  // Duck-typed: AbortSignals from another realm (a test environment, an iframe) are fine too.
  if (
    signal !== undefined &&
    (typeof signal !== 'object' ||
      signal === null ||
      typeof signal.aborted !== 'boolean' ||
      typeof signal.addEventListener !== 'function')
  ) {
    throw new TypeError('@postern/sdk: signal must be an AbortSignal');
  }
  return { signal, timeoutMs: resolveTimeout(timeoutMs, 'timeoutMs') };
}

function aborted(signal: AbortSignal, attempts: number, detail = ''): PosternError {
  return (
    abortError(signal.reason, attempts, detail) ??
    new PosternError({
      code: 'ABORTED',
      message: `The call was aborted${detail}`,
      attempts,
      cause: signal.reason,
    })
  );
}

function fieldsOf(error: PosternError) {
  return {
    code: error.code,
    message: error.message,
    httpStatus: error.httpStatus,
    requestId: error.requestId,
    issues: error.issues,
    retryAfterSeconds: error.retryAfterSeconds,
    rateLimit: error.rateLimit,
  };
}

/** The data promise, plus `withMeta()` giving the same call's data and metadata. */
function withMeta<T>(full: Promise<WithMeta<T>>): PosternPromise<T> {
  const data = full.then((result) => result.data) as PosternPromise<T>;
  data.withMeta = () => {
    // The caller reads the outcome from `full`; the data promise's rejection is handled there.
    data.catch(() => {});
    return full;
  };
  return data;
}
