// Bulk verification jobs, presented (pure: testable): job and verdict statuses in words and colours,
// progress, ETA, the status breakdown as chart segments, file sizes and upload refusals, the URLs of
// the plain-HTTP endpoints (upload, download, live events). Values from the zod-free constants entry.

import type {
  BulkDownloadFormat,
  BulkJobDto,
  BulkJobStatus,
  BulkProgressEvent,
  BulkResultFilter,
  VerdictStatus,
} from '@postern/contracts';
import { VERDICT_STATUSES } from '@postern/contracts/constants';
import type { BadgeTone } from '../../components/badge.tsx';
import { asSentence } from '../../lib/api-errors.ts';
import { humanize, isKnownSyntaxReason, STATUS_INFO, SYNTAX_REASON_TEXT } from '../check/explain.ts';

export type { BulkJobDto, BulkProgressEvent, VerdictStatus };

// ---- statuses ------------------------------------------------------------------------------------

export const JOB_STATUS_INFO: Record<BulkJobStatus, { label: string; tone: BadgeTone; text: string }> = {
  queued: { label: 'Queued', tone: 'slate', text: 'Waiting for a worker to pick it up.' },
  running: { label: 'Running', tone: 'indigo', text: 'Addresses are being checked.' },
  completed: { label: 'Completed', tone: 'emerald', text: 'Every address has a result.' },
  failed: { label: 'Failed', tone: 'rose', text: 'The job stopped with an error; results so far are kept.' },
  cancelled: { label: 'Cancelled', tone: 'amber', text: 'Stopped on request; results so far are kept.' },
};

/** The colour of a job's progress bar in each status. */
export const PROGRESS_TONE = {
  queued: 'slate',
  running: 'indigo',
  completed: 'emerald',
  failed: 'rose',
  cancelled: 'amber',
} as const satisfies Record<BulkJobStatus, string>;

/** Still moving: progress may change, the job can be cancelled. */
export function isActive(status: BulkJobStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** The verdict statuses in display order. */
export const VERDICTS: readonly VerdictStatus[] = VERDICT_STATUSES;

/** A colour per verdict for the chart and its legend (readable on white, distinct side by side). */
export const VERDICT_COLOURS: Record<VerdictStatus | 'pending', string> = {
  deliverable: '#10b981',
  undeliverable: '#e11d48',
  catch_all: '#f59e0b',
  risky: '#f97316',
  do_not_mail: '#8b5cf6',
  unknown: '#64748b',
  pending: '#e2e8f0',
};

export function verdictLabel(status: VerdictStatus | 'pending'): string {
  return status === 'pending' ? 'Not checked yet' : STATUS_INFO[status].label;
}

/**
 * "Retry unknown results" is offered once the job has stopped with every address checked and some
 * results unknown (a job cancelled or failed with addresses unchecked could never complete: the
 * server refuses it).
 */
export function canRetryUnknown(job: Pick<BulkJobDto, 'status' | 'counts' | 'processed' | 'total'>): boolean {
  return !isActive(job.status) && job.counts.unknown > 0 && job.processed >= job.total;
}

// ---- progress ------------------------------------------------------------------------------------

/** processed / total as 0–100 with one decimal (an empty job is 0 until it completes). */
export function percentOf(processed: number, total: number): number {
  if (total <= 0 || processed <= 0) return 0;
  return Math.min(100, Math.floor((processed / total) * 1000) / 10);
}

/** 42.25 → "42.3%", 100 → "100%", 0 → "0%" (clamped to 0–100). */
export function formatPercent(percent: number): string {
  const value = Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : 0;
  const rounded = Math.round(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/**
 * Time left in words: "less than a minute", "about 4 minutes", "about 1 hour 20 minutes",
 * "about 2 days". Null (unknown) or negative → null.
 */
export function formatEta(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${plural(minutes, 'minute')}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 24) return `about ${plural(hours, 'hour')}${rest ? ` ${plural(rest, 'minute')}` : ''}`;
  return `about ${plural(Math.round(hours / 24), 'day')}`;
}

const NUMBER = new Intl.NumberFormat('en');
export const formatCount = (n: number) => NUMBER.format(n);

/** "1,234 of 5,000 addresses checked". */
export function progressText(processed: number, total: number): string {
  return `${formatCount(processed)} of ${formatCount(total)} ${total === 1 ? 'address' : 'addresses'} checked`;
}

/** A job with a progress event applied (the event is the newer truth for the fields it carries). */
export function applyProgress<J extends BulkJobDto>(job: J, event: BulkProgressEvent): J {
  if (event.id !== job.id) return job;
  return {
    ...job,
    status: event.status,
    total: event.total,
    processed: event.processed,
    percent: event.percent,
    counts: event.counts,
    etaSeconds: event.etaSeconds,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const JOB_STATUSES: readonly BulkJobStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];
const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** The `data` of an SSE `progress`/`done` event, or undefined when it is not one. */
export function parseProgressEvent(data: string): BulkProgressEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value.id !== 'string') return undefined;
  if (!JOB_STATUSES.includes(value.status as BulkJobStatus)) return undefined;
  if (!isCount(value.total) || !isCount(value.processed) || typeof value.percent !== 'number')
    return undefined;
  const counts = value.counts;
  if (!isRecord(counts) || !VERDICTS.every((verdict) => isCount(counts[verdict]))) return undefined;
  const eta = value.etaSeconds;
  if (eta !== null && eta !== undefined && typeof eta !== 'number') return undefined;
  return {
    id: value.id,
    status: value.status as BulkJobStatus,
    total: value.total,
    processed: value.processed,
    percent: value.percent,
    counts: Object.fromEntries(VERDICTS.map((verdict) => [verdict, counts[verdict]])) as BulkJobDto['counts'],
    etaSeconds: typeof eta === 'number' ? eta : null,
  };
}

// ---- the status breakdown ------------------------------------------------------------------------

export interface ChartSegment {
  key: VerdictStatus | 'pending';
  label: string;
  count: number;
  /** Share of the job's addresses, 0–1. */
  share: number;
  colour: string;
}

/**
 * One segment per verdict that has results (in display order), then "not checked yet" for the rest
 * of `total`. Shares are of `total` (or of the counted results when `total` is smaller).
 */
export function chartSegments(counts: BulkJobDto['counts'], total: number): ChartSegment[] {
  const counted = VERDICTS.reduce((sum, verdict) => sum + Math.max(0, counts[verdict]), 0);
  const whole = Math.max(total, counted);
  if (whole === 0) return [];
  const segments: ChartSegment[] = VERDICTS.filter((verdict) => counts[verdict] > 0).map((verdict) => ({
    key: verdict,
    label: verdictLabel(verdict),
    count: counts[verdict],
    share: counts[verdict] / whole,
    colour: VERDICT_COLOURS[verdict],
  }));
  const pending = whole - counted;
  if (pending > 0)
    segments.push({
      key: 'pending',
      label: verdictLabel('pending'),
      count: pending,
      share: pending / whole,
      colour: VERDICT_COLOURS.pending,
    });
  return segments;
}

/** 0.4567 → "45.7%", 0.0004 → "<0.1%", 0 → "0%". */
export function formatShare(share: number): string {
  if (share <= 0) return '0%';
  if (share < 0.001) return '<0.1%';
  return formatPercent(share * 100);
}

// ---- the upload summary --------------------------------------------------------------------------

export interface RejectedRow {
  reason: string;
  label: string;
  text: string | undefined;
  count: number;
}

const EXTRA_REASONS: Record<string, string> = {
  too_long: 'The field is too long to be an address: it was not read.',
  not_a_string: 'The entry is not text.',
};

/** Rows without a usable address, by reason, most frequent first. */
export function rejectedRows(rejected: Record<string, number> | undefined | null): RejectedRow[] {
  return Object.entries(rejected ?? {})
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => ({
      reason,
      label: humanize(reason),
      text: isKnownSyntaxReason(reason) ? SYNTAX_REASON_TEXT[reason] : EXTRA_REASONS[reason],
      count,
    }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/** A column as people read it: its header, or "Column 3" (1-based) without a header row. */
export function columnLabel(column: { index: number; name: string | null }): string {
  const name = column.name?.trim();
  return name ? name : `Column ${column.index + 1}`;
}

// ---- files ---------------------------------------------------------------------------------------

/** The server's limit on uploads (100 MiB); it checks again while the bytes arrive. */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
/** The preview reads this much of the file's start (the contract's BULK_PREVIEW_MAX_BYTES). */
export const PREVIEW_BYTES = 64 * 1024;

/** 0 → "0 bytes", 2_500 → "2.4 KB", 104_857_600 → "100 MB" (1024-based; one decimal under 10). */
export function formatFileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) {
    const n = Math.max(0, Math.round(bytes || 0));
    return `${formatCount(n)} ${n === 1 ? 'byte' : 'bytes'}`;
  }
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text = value >= 10 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
  return `${text} ${units[unit]}`;
}

const UPLOAD_EXTENSIONS = /\.(csv|tsv|txt|tab|list)$/i;

/** Why a chosen file cannot be uploaded (before sending a byte), or undefined when it can. */
export function fileProblem(
  file: { name: string; size: number },
  maxBytes = MAX_UPLOAD_BYTES,
): string | undefined {
  if (file.size === 0) return 'The file is empty.';
  if (file.size > maxBytes)
    return `The file is larger than ${formatFileSize(maxBytes)} (it is ${formatFileSize(file.size)}). Split it into smaller files.`;
  if (/\.(xlsx?|ods|numbers|zip|gz|pdf|docx?)$/i.test(file.name))
    return 'Only CSV, TSV or plain-text lists can be read. Export the sheet as CSV first.';
  return undefined;
}

/** Whether the name looks like a file this page reads (a hint only: the content decides). */
export function looksLikeList(name: string): boolean {
  return UPLOAD_EXTENSIONS.test(name);
}

/** The job's default name: the file's name. */
export function defaultJobName(fileName: string): string {
  return fileName.trim().slice(0, 200) || 'Upload';
}

// ---- the plain-HTTP endpoints --------------------------------------------------------------------

const enc = encodeURIComponent;

export function uploadUrl(workspaceId: string): string {
  return `/api/w/${enc(workspaceId)}/jobs`;
}

export function eventsUrl(workspaceId: string, jobId: string): string {
  return `/api/w/${enc(workspaceId)}/jobs/${enc(jobId)}/events`;
}

export function downloadUrl(
  workspaceId: string,
  jobId: string,
  format: BulkDownloadFormat,
  status?: BulkResultFilter | '',
): string {
  const params = new URLSearchParams({ format });
  if (status) params.set('status', status);
  return `/api/w/${enc(workspaceId)}/jobs/${enc(jobId)}/download?${params.toString()}`;
}

export function jobPath(workspaceId: string, jobId: string): string {
  return `/w/${enc(workspaceId)}/jobs/${enc(jobId)}`;
}

export function newJobPath(workspaceId: string): string {
  return `/w/${enc(workspaceId)}/jobs/new`;
}

/** The result filters offered by the results table and the downloads, in order. */
export const RESULT_FILTERS: ReadonlyArray<{ value: BulkResultFilter | ''; label: string }> = [
  { value: '', label: 'All results' },
  ...VERDICTS.map((verdict) => ({ value: verdict, label: verdictLabel(verdict) })),
  { value: 'done', label: 'Checked (any verdict)' },
  { value: 'pending', label: 'Not checked yet' },
];

export const DOWNLOAD_FORMATS: ReadonlyArray<{ value: BulkDownloadFormat; label: string; hint: string }> = [
  { value: 'csv', label: 'CSV', hint: 'Spreadsheets' },
  { value: 'json', label: 'JSON', hint: 'One array, full results' },
  { value: 'ndjson', label: 'NDJSON', hint: 'One result per line' },
];

// ---- upload errors -------------------------------------------------------------------------------

export interface UploadProblem {
  title: string;
  message: string;
  code?: string;
  requestId?: string;
}

/**
 * What to tell the user when the upload was refused: the server's JSON `{ code, message, requestId }`
 * when there is one, else words for the HTTP status (0: no answer at all).
 */
export function uploadProblem(status: number, body: string, maxBytes = MAX_UPLOAD_BYTES): UploadProblem {
  let parsed: Record<string, unknown> | undefined;
  try {
    const value: unknown = JSON.parse(body);
    if (isRecord(value)) parsed = value;
  } catch {
    parsed = undefined;
  }
  const code = typeof parsed?.code === 'string' ? parsed.code : undefined;
  const serverMessage = typeof parsed?.message === 'string' && parsed.message ? parsed.message : undefined;
  const requestId = typeof parsed?.requestId === 'string' ? parsed.requestId : undefined;
  const withId = (problem: UploadProblem): UploadProblem => ({
    ...problem,
    ...(code ? { code } : {}),
    ...(requestId ? { requestId } : {}),
  });

  if (status === 0)
    return {
      title: 'The upload did not reach the server',
      message: 'Check your connection and try again.',
    };
  if (status === 413 || code === 'PAYLOAD_TOO_LARGE')
    return withId({
      title: 'The file is too large',
      message: asSentence(serverMessage ?? `The file is larger than ${formatFileSize(maxBytes)}`),
    });
  if (status === 401 || code === 'UNAUTHENTICATED')
    return withId({ title: 'You are signed out', message: 'Sign in again, then upload the file.' });
  if (status === 403 || code === 'FORBIDDEN')
    return withId({
      title: 'Not allowed',
      message: asSentence(serverMessage ?? 'Your role in this workspace cannot start bulk jobs'),
    });
  if (status === 429 || code === 'RATE_LIMITED')
    return withId({
      title: 'Too many uploads',
      message: asSentence(serverMessage ?? 'Wait a moment and try again'),
    });
  if (status >= 500 || code === 'INTERNAL' || code === 'UNAVAILABLE')
    return withId({
      title: 'The server could not take the file',
      message: `Please try again${requestId ? ` (request ${requestId})` : ''}.`,
    });
  return withId({
    title: 'The file was refused',
    message: asSentence(serverMessage ?? `The server answered HTTP ${status}`),
  });
}
