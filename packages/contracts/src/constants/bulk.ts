// Bulk job statuses, verdict statuses and sizes (zod-free).
export const BULK_JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;

export const BULK_ITEM_STATUSES = ['pending', 'done'] as const;

/** Items per `bulk.chunk` job. */
export const BULK_CHUNK_SIZE = 500;
/** Bulk job results are kept this long after the job completes. */
export const BULK_RESULT_RETENTION_DAYS = 7;

export const VERDICT_STATUSES = [
  'deliverable',
  'undeliverable',
  'catch_all',
  'risky',
  'do_not_mail',
  'unknown',
] as const;

export const BULK_DOWNLOAD_FORMATS = ['csv', 'json', 'ndjson'] as const;

/** The dashboard's column picker reads the first ≤ 64 KiB of the file. */
export const BULK_PREVIEW_MAX_BYTES = 64 * 1024;
export type BulkJobStatus = (typeof BULK_JOB_STATUSES)[number];
export type VerdictStatus = (typeof VERDICT_STATUSES)[number];
export type BulkDownloadFormat = (typeof BULK_DOWNLOAD_FORMATS)[number];
