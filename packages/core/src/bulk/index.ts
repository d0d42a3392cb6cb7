// Bulk verification jobs, by phase: create.ts (upload -> staged chunks -> job), process.ts (the chunk
// queue's work), read.ts (views, lists, results), lifecycle.ts (cancel, fail, retry, delete, purge).
// Upload parsing lives in ../ingest/; its entry points are re-exported here for the existing callers.

export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_COLUMNS,
  DEFAULT_MAX_FIELD_LENGTH,
  DEFAULT_MAX_ROW_BYTES,
  DEFAULT_MAX_ROWS,
  decodeUpload,
  dedupeKey,
  extractAddresses,
  extractFromArray,
  firstInvalidUtf8,
  formatBytes,
  type PreviewOptions,
  previewUpload,
  type UploadSource,
} from '../ingest/index.ts';
export type * from '../ingest/types.ts';
export { type BulkEngine, defaultEngine, engineFromConfig } from '../validation/engine.ts';
export { type ChunkQueue, requeueChunkLater } from './chunk-queue.ts';
export { BULK_INSERT_BATCH, type CreateBulkJobInput, createBulkJob } from './create.ts';
export { fileRowPages } from './file-rows.ts';
export { assertSameIdempotentRequest, idempotencyFingerprintOf } from './idempotency.ts';
export {
  cancelBulkJob,
  deleteBulkJob,
  failBulkJob,
  purgeExpiredBulkJobs,
  retryUnknownResults,
} from './lifecycle.ts';
export {
  BULK_VALIDATE_CONCURRENCY,
  type ChunkOptions,
  type ChunkOutcome,
  processBulkChunk,
  RESOLVER_RETRY_DELAY_SECONDS,
} from './process.ts';
export {
  type BulkJobView,
  type BulkResultRow,
  bulkJobDto,
  bulkJobView,
  bulkProgress,
  findJobByIdempotencyKey,
  getBulkJob,
  listBulkJobs,
  readBulkResults,
} from './read.ts';
export {
  bulkDownload,
  bulkResultItem,
  CSV_COLUMNS,
  DOWNLOAD_CONTENT_TYPES,
  DOWNLOAD_PAGE,
  downloadDisposition,
  readBulkProgress,
  readBulkResultsPage,
} from './results-out.ts';
export { purgeAbandonedUploads, STAGING_HEARTBEAT_MS, STAGING_STALE_MS } from './staging.ts';
