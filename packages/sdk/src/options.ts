// Client options: what callers pass, and the validated, normalised form the rest of the SDK uses.

/** A fetch implementation (the global one by default): `typeof fetch` or compatible. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /**
   * Where the Postern API answers, e.g. `https://postern.example.com`. A path prefix is kept
   * (`https://example.com/postern`); trailing slashes are ignored.
   */
  baseUrl: string | URL;
  /** An API key, sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string | undefined;
  /** A fetch implementation to use instead of the global `fetch`. */
  fetch?: FetchLike | undefined;
  /** Extra headers sent with every request. */
  headers?: Record<string, string> | undefined;
  /** Time allowed for one request, answer body included, in milliseconds. Default 30 000. */
  timeoutMs?: number | undefined;
}

export interface ResolvedOptions {
  /** Absolute http(s) URL without a trailing slash. */
  baseUrl: string;
  apiKey: string | undefined;
  fetch: FetchLike;
  headers: Record<string, string>;
  timeoutMs: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** Timers cannot wait longer (about 24.8 days). */
const MAX_TIMEOUT_MS = 2_147_483_647;

const KNOWN_OPTIONS = new Set(['baseUrl', 'apiKey', 'fetch', 'headers', 'timeoutMs']);
const EXAMPLE =
  "createClient({ baseUrl: 'https://postern.example.com', apiKey: process.env.POSTERN_API_KEY })";
// Visible ASCII only: a key with spaces or line breaks is a copy-paste accident (or a header injection).
const API_KEY = /^[\x21-\x7e]+$/;

function invalid(message: string): TypeError {
  return new TypeError(`@postern/sdk: ${message}`);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null ? 'null' : typeof value;
}

/** Checks the options and fills in defaults; throws a TypeError naming the bad option. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalid(`createClient expects an options object, e.g. ${EXAMPLE}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      const hint = [...KNOWN_OPTIONS].find((known) => known.toLowerCase() === key.toLowerCase());
      throw invalid(`unknown option "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
    }
  }
  return {
    baseUrl: resolveBaseUrl(options.baseUrl),
    apiKey: resolveApiKey(options.apiKey),
    fetch: resolveFetch(options.fetch),
    headers: resolveHeaders(options.headers),
    timeoutMs: resolveTimeout(options.timeoutMs),
  };
}

function resolveBaseUrl(value: unknown): string {
  if (value === undefined || value === null || value === '') {
    throw invalid(`baseUrl is required, e.g. ${EXAMPLE}`);
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
    throw invalid(`baseUrl must not contain a query string or a fragment (got ${show(String(value))})`);
  }
  return url.href.replace(/\/+$/, '');
}

function resolveApiKey(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw invalid(`apiKey must be a non-empty string when given (got ${show(value)})`);
  }
  if (/^bearer\s/i.test(value)) {
    throw invalid('apiKey must be the key alone, without the "Bearer " prefix');
  }
  if (!API_KEY.test(value)) {
    throw invalid('apiKey contains spaces, line breaks or non-ASCII characters: check how it was copied');
  }
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
    headers[name.toLowerCase()] = headerValue;
  }
  return headers;
}

function resolveTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw invalid(
      `timeoutMs must be a number of milliseconds between 1 and ${MAX_TIMEOUT_MS} (got ${show(value)})`,
    );
  }
  return value;
}
