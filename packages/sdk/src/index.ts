// @postern/sdk: the TypeScript client of the Postern public API (/v1).
export type { ErrorBody, ErrorCode, Plan } from '@postern/contracts';
export { API_KEY_PATTERN, isWellFormedApiKey } from './api-key.ts';
export { createClient, type PosternClient } from './client.ts';
export {
  type ClientErrorCode,
  isPosternError,
  PosternError,
  type PosternErrorCode,
  type PosternErrorInit,
  type PosternErrorIssue,
  type PosternErrorJSON,
  type RetryStop,
  toPosternError,
} from './errors.ts';
export {
  CREATE_TIMEOUT_MS,
  type CreateJobFromEmails,
  type CreateJobFromFile,
  type CreateJobInput,
  type CreateJobOptions,
  type DownloadOptions,
  type JobsApi,
  type ListJobsOptions,
  MIN_POLL_INTERVAL_MS,
  type ResultsOptions,
  type WaitOptions,
} from './jobs.ts';
export type { UploadBody } from './multipart.ts';
export {
  type ClientOptions,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  type FetchLike,
  type RetryBudgetOptions,
  type RetryEvent,
  type RetryOptions,
} from './options.ts';
export type { RateLimitInfo } from './rate-limit.ts';
export type {
  BulkDownloadFormat,
  BulkJob,
  BulkJobList,
  BulkJobStatus,
  BulkMetadata,
  BulkProgressEvent,
  BulkResultFilter,
  BulkResultItem,
  BulkResultsPage,
  CallOptions,
  Depth,
  PosternPromise,
  ResponseMeta,
  V1Me,
  V1Usage,
  ValidationBatchResult,
  ValidationResult,
  WithMeta,
} from './types.ts';
export { SDK_VERSION } from './version.ts';
export * from './webhooks.ts';
