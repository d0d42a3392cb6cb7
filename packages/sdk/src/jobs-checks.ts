// Argument checks and request pieces shared by the methods of `client.jobs`. A wrong argument throws
// a TypeError at once (no request is made); the lists of statuses and formats are the contract's.
import { BULK_DOWNLOAD_FORMATS, BULK_ITEM_STATUSES, VERDICT_STATUSES } from '@postern/contracts/constants';
import type { BulkDownloadFormat, BulkResultFilter, CallOptions } from './types.ts';

/** What `status` filters accept: a verdict, `pending` (not checked yet) or `done` (any verdict). */
const RESULT_FILTERS: readonly string[] = [...VERDICT_STATUSES, ...BULK_ITEM_STATUSES];
const FORMATS: readonly string[] = BULK_DOWNLOAD_FORMATS;

export function invalid(message: string): TypeError {
  return new TypeError(`@postern/sdk: ${message}`);
}

export function jobPath(id: unknown, method: string, rest = ''): string {
  if (typeof id !== 'string' || id.trim() === '') {
    throw invalid(`jobs.${method}() takes the job id as a non-empty string`);
  }
  return `/v1/jobs/${encodeURIComponent(id)}${rest}`;
}

export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function checkStatus(status: unknown, method: string): BulkResultFilter | undefined {
  if (status === undefined) return undefined;
  if (typeof status !== 'string' || !RESULT_FILTERS.includes(status)) {
    throw invalid(
      `jobs.${method}(): status must be one of ${RESULT_FILTERS.join(', ')} (got ${String(status)})`,
    );
  }
  return status as BulkResultFilter;
}

export function checkFormat(format: unknown): BulkDownloadFormat {
  if (typeof format !== 'string' || !FORMATS.includes(format)) {
    throw invalid(`jobs.download(): format must be one of ${FORMATS.join(', ')} (got ${String(format)})`);
  }
  return format as BulkDownloadFormat;
}

export function checkInteger(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer from ${min} to ${max} (got ${String(value)})`);
  }
  return value;
}

/** Only the per-call options of an options object (the rest are the method's own). */
export function callOptions(options: CallOptions): CallOptions {
  const out: CallOptions = {};
  if (options.signal !== undefined) out.signal = options.signal;
  if (options.timeoutMs !== undefined) out.timeoutMs = options.timeoutMs;
  return out;
}

export function checkIdempotencyKey(key: unknown): string {
  if (key === undefined) return globalThis.crypto.randomUUID();
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw invalid('idempotencyKey must be 1 to 255 printable ASCII characters without spaces');
  }
  return key;
}
