// Client options: what callers pass, and the validated, normalised form the rest of the SDK uses.
import { apiKeyProblem } from './api-key.ts';
import type { PosternError } from './errors.ts';

/** A fetch implementation (the global one by default): `typeof fetch` or compatible. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** What `retry.onRetry` receives before the SDK waits and tries again. */
export interface RetryEvent {
  /** `GET`, … */
  method: string;
  /** The API path, e.g. `/v1/me`. */
  path: string;
  /** The attempt that just failed (1 for the first request). */
  attempt: number;
  /** How long the SDK waits before the next attempt, in milliseconds. */
  delayMs: number;
  /** Why the attempt failed. */
  error: PosternError;
}

/**
 * Caps the retries of one client: within any window of `windowMs`, at most
 * `minRetries + ratio × (calls started)` retries. A storm of failures therefore adds at most
 * `ratio` (10 %) to the load instead of multiplying it by `maxRetries + 1`.
 */
export interface RetryBudgetOptions {
  /** Retries allowed per call started in the window. Default 0.1. */
  ratio?: number | undefined;
  /** Retries always allowed in the window, so a client making few calls can still retry. Default 10. */
  minRetries?: number | undefined;
  /** Length of the sliding window in milliseconds. Default 10 000. */
  windowMs?: number | undefined;
}

export interface RetryOptions {
  /** Retries after the first attempt (0 turns retries off). Default 3. */
  maxRetries?: number | undefined;
  /** Back-off before retry n (from 0): a random wait between 0 and `min(maxDelayMs, baseDelayMs × 2^n)`. Default 250. */
  baseDelayMs?: number | undefined;
  /** Upper bound of one back-off wait. Default 8000. */
  maxDelayMs?: number | undefined;
  /**
   * The longest `Retry-After` the SDK waits for. When the API asks for a longer wait, the call fails
   * at once with the RATE_LIMITED (or UNAVAILABLE) error and its `retryAfterSeconds`, so the caller
   * can decide. Default: `maxDelayMs`.
   */
  maxRetryAfterMs?: number | undefined;
  /** The retry budget of the client, or `false` for none. */
  budget?: RetryBudgetOptions | false | undefined;
  /** Called before each retry (logging, metrics). Errors it throws are ignored. */
  onRetry?: ((event: RetryEvent) => void) | undefined;
}

export interface ClientOptions {
  /** An API key (`pst_live_…`), sent as `Authorization: Bearer <apiKey>`. Create one in the dashboard. */
  apiKey: string;
  /**
   * Where your Postern installation answers, e.g. `https://postern.example.com`. A path prefix is
   * kept (`https://example.com/postern`); trailing slashes are ignored.
   */
  baseUrl: string | URL;
  /** A fetch implementation to use instead of the global `fetch`. */
  fetch?: FetchLike | undefined;
  /** Extra headers sent with every request. */
  headers?: Record<string, string> | undefined;
  /** Time allowed for one attempt, answer body included, in milliseconds. Default 30 000. */
  timeoutMs?: number | undefined;
  /** Retries with back-off, or `false` for none. */
  retry?: RetryOptions | false | undefined;
}

export interface ResolvedRetry {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  budget: Required<RetryBudgetOptions> | undefined;
  onRetry: ((event: RetryEvent) => void) | undefined;
}

export interface ResolvedOptions {
  /** Absolute http(s) URL without a trailing slash. */
  baseUrl: string;
  apiKey: string;
  fetch: FetchLike;
  headers: Record<string, string>;
  timeoutMs: number;
  retry: ResolvedRetry;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** The retry settings used when `retry` is not given. */
export const DEFAULT_RETRY = Object.freeze({
  maxRetries: 3,
  baseDelayMs: 250,
  maxDelayMs: 8000,
  budget: Object.freeze({ ratio: 0.1, minRetries: 10, windowMs: 10_000 }),
});
/** Timers cannot wait longer (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

const KNOWN_OPTIONS = ['apiKey', 'baseUrl', 'fetch', 'headers', 'timeoutMs', 'retry'];
const KNOWN_RETRY = ['maxRetries', 'baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs', 'budget', 'onRetry'];
const KNOWN_BUDGET = ['ratio', 'minRetries', 'windowMs'];
const EXAMPLE =
  "createClient({ baseUrl: 'https://postern.example.com', apiKey: process.env.POSTERN_API_KEY })";

function invalid(message: string): TypeError {
  return new TypeError(`@postern/sdk: ${message}`);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null ? 'null' : typeof value;
}

function checkKeys(value: object, known: string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const hint = known.find((k) => k.toLowerCase() === key.toLowerCase());
      throw invalid(`unknown ${where} "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
    }
  }
}

/** Checks the options and fills in defaults; throws a TypeError naming the bad option. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalid(`createClient expects an options object, e.g. ${EXAMPLE}`);
  }
  checkKeys(options, KNOWN_OPTIONS, 'option');
  return {
    baseUrl: resolveBaseUrl(options.baseUrl),
    apiKey: resolveApiKey(options.apiKey),
    fetch: resolveFetch(options.fetch),
    headers: resolveHeaders(options.headers),
    timeoutMs: resolveTimeout(options.timeoutMs, 'timeoutMs') ?? DEFAULT_TIMEOUT_MS,
    retry: resolveRetry(options.retry),
  };
}

function resolveBaseUrl(value: unknown): string {
  if (value === undefined || value === null || value === '') {
    throw invalid(`baseUrl is required (the address of your Postern installation), e.g. ${EXAMPLE}`);
  }
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw invalid(`baseUrl must be a string or a URL (got ${show(value)})`);
  }
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw invalid(
      `baseUrl must be an absolute http(s) URL such as "https://postern.example.com" (got ${show(String(value))})`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`baseUrl must start with http:// or https:// (got ${show(String(value))})`);
  }
  if (url.username || url.password) {
    throw invalid('baseUrl must not contain credentials: pass the API key as the apiKey option');
  }
  if (url.search || url.hash) {
    // The API refuses keys in query strings anyway (they end up in logs).
    throw invalid(`baseUrl must not contain a query string or a fragment (got ${show(String(value))})`);
  }
  return url.href.replace(/\/+$/, '');
}

function resolveApiKey(value: unknown): string {
  if (value === undefined || value === null || value === '') {
    throw invalid(
      `apiKey is required: create a key in the dashboard (Workspace → API keys) and pass it, e.g. ${EXAMPLE}`,
    );
  }
  if (typeof value !== 'string') throw invalid(`apiKey must be a string (got ${show(value)})`);
  if (/^bearer\s/i.test(value)) {
    throw invalid('apiKey must be the key alone, without the "Bearer " prefix');
  }
  const problem = apiKeyProblem(value);
  if (problem) throw invalid(`apiKey is not a Postern API key: ${problem}`);
  return value;
}

function resolveFetch(value: unknown): FetchLike {
  if (value === undefined) {
    if (typeof globalThis.fetch !== 'function') {
      throw invalid('no global fetch in this runtime (Node.js 20.3 or later has one): pass the fetch option');
    }
    return (input, init) => globalThis.fetch(input, init);
  }
  if (typeof value !== 'function') throw invalid(`fetch must be a function (got ${show(value)})`);
  return value as FetchLike;
}

function resolveHeaders(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('headers must be an object of header names to string values');
  }
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (typeof headerValue !== 'string') {
      throw invalid(`headers: the value of ${show(name)} must be a string (got ${show(headerValue)})`);
    }
    try {
      new Headers([[name, headerValue]]);
    } catch {
      // The value is not shown: it may be a secret.
      throw invalid(`headers: ${show(name)} has an invalid name or value (line breaks are not allowed)`);
    }
    if (name.toLowerCase() === 'authorization') {
      throw invalid('headers: do not set Authorization; pass the API key as the apiKey option');
    }
    headers[name.toLowerCase()] = headerValue;
  }
  return headers;
}

/** A timeout in milliseconds, or undefined when not given. Exported for per-call options. */
export function resolveTimeout(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw invalid(
      `${name} must be a number of milliseconds between 1 and ${MAX_TIMER_MS} (got ${show(value)})`,
    );
  }
  return value;
}

function number(
  value: unknown,
  name: string,
  fallback: number,
  { min, max, integer = false }: { min: number; max: number; integer?: boolean },
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw invalid(
      `${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got ${show(value)})`,
    );
  }
  return value;
}

function resolveRetry(value: unknown): ResolvedRetry {
  if (value === false) {
    return {
      maxRetries: 0,
      baseDelayMs: DEFAULT_RETRY.baseDelayMs,
      maxDelayMs: DEFAULT_RETRY.maxDelayMs,
      maxRetryAfterMs: DEFAULT_RETRY.maxDelayMs,
      budget: undefined,
      onRetry: undefined,
    };
  }
  const retry = value ?? {};
  if (typeof retry !== 'object' || retry === null || Array.isArray(retry)) {
    throw invalid(`retry must be an object of retry settings or false (got ${show(value)})`);
  }
  checkKeys(retry, KNOWN_RETRY, 'retry option');
  const r = retry as RetryOptions;
  const maxRetries = number(r.maxRetries, 'retry.maxRetries', DEFAULT_RETRY.maxRetries, {
    min: 0,
    max: 100,
    integer: true,
  });
  const baseDelayMs = number(r.baseDelayMs, 'retry.baseDelayMs', DEFAULT_RETRY.baseDelayMs, {
    min: 0,
    max: MAX_TIMER_MS,
  });
  const maxDelayMs = number(
    r.maxDelayMs,
    'retry.maxDelayMs',
    Math.max(DEFAULT_RETRY.maxDelayMs, baseDelayMs),
    {
      min: baseDelayMs,
      max: MAX_TIMER_MS,
    },
  );
  const maxRetryAfterMs = number(r.maxRetryAfterMs, 'retry.maxRetryAfterMs', maxDelayMs, {
    min: 0,
    max: MAX_TIMER_MS,
  });
  if (r.onRetry !== undefined && typeof r.onRetry !== 'function') {
    throw invalid(`retry.onRetry must be a function (got ${show(r.onRetry)})`);
  }
  return {
    maxRetries,
    baseDelayMs,
    maxDelayMs,
    maxRetryAfterMs,
    budget: resolveBudget(r.budget),
    onRetry: r.onRetry,
  };
}

function resolveBudget(value: unknown): Required<RetryBudgetOptions> | undefined {
  if (value === false) return undefined;
  const budget = value ?? {};
  if (typeof budget !== 'object' || budget === null || Array.isArray(budget)) {
    throw invalid(`retry.budget must be an object or false (got ${show(value)})`);
  }
  checkKeys(budget, KNOWN_BUDGET, 'retry.budget option');
  const b = budget as RetryBudgetOptions;
  const defaults = DEFAULT_RETRY.budget;
  return {
    ratio: number(b.ratio, 'retry.budget.ratio', defaults.ratio, { min: 0, max: 100 }),
    minRetries: number(b.minRetries, 'retry.budget.minRetries', defaults.minRetries, {
      min: 0,
      max: 1_000_000,
      integer: true,
    }),
    windowMs: number(b.windowMs, 'retry.budget.windowMs', defaults.windowMs, {
      min: 10,
      max: MAX_TIMER_MS,
    }),
  };
}
