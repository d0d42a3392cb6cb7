// Bulk verification input: address extraction from uploads and JSON arrays.

export { BULK_INSERT_BATCH, type CreateBulkJobInput, createBulkJob } from './creation.ts';
export { decodeUpload, firstInvalidUtf8, formatBytes, type UploadSource } from './decode.ts';
export { type BulkEngine, defaultEngine, engineFromConfig } from './engine.ts';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_COLUMNS,
  DEFAULT_MAX_FIELD_LENGTH,
  DEFAULT_MAX_ROW_BYTES,
  DEFAULT_MAX_ROWS,
  dedupeKey,
  extractAddresses,
  extractFromArray,
} from './extract.ts';
export {
  BULK_VALIDATE_CONCURRENCY,
  type BulkContext,
  type BulkJobView,
  type BulkResultRow,
  bulkJobDto,
  bulkJobView,
  bulkProgress,
  type ChunkDeps,
  type ChunkOutcome,
  cancelBulkJob,
  deleteBulkJob,
  failBulkJob,
  findJobByIdempotencyKey,
  getBulkJob,
  listBulkJobs,
  processBulkChunk,
  purgeExpiredBulkJobs,
  RESOLVER_RETRY_DELAY_SECONDS,
  readBulkResults,
  requeueChunkLater,
  retryUnknownResults,
} from './jobs.ts';
export { type PreviewOptions, previewUpload } from './preview.ts';
export {
  bulkDownload,
  bulkResultItem,
  CSV_COLUMNS,
  csvCells,
  DOWNLOAD_CONTENT_TYPES,
  DOWNLOAD_PAGE,
  downloadDisposition,
  readBulkProgress,
} from './results-out.ts';
export { purgeAbandonedUploads, STAGING_HEARTBEAT_MS, STAGING_STALE_MS } from './staging.ts';
export type * from './types.ts';
