// @postern/sdk: the TypeScript client of the Postern public API (/v1). It uses no Node.js built-in
// (webhook verification, which does, is the `@postern/sdk/webhooks` entry).
export type { ApiKeyScope, ErrorCode } from '@postern/contracts/constants';
export { API_KEY_SCOPES } from '@postern/contracts/constants';
export { API_KEY_PATTERN, isWellFormedApiKey } from './api-key.ts';
export type {
  Campaign,
  CampaignCounters,
  CampaignInput,
  CampaignMetrics,
  CampaignPage,
  CampaignRecipientStatus,
  CampaignStatus,
  CampaignSummary,
  CampaignsApi,
  ListCampaignsOptions,
  MetricsOptions,
  ScheduleOptions,
} from './campaigns-types.ts';
export { createClient, type PosternClient } from './client.ts';
export type {
  AddSuppressionsResult,
  ConsentEventType,
  ConsentEvidence,
  ConsentMethod,
  ConsentTextVersion,
  ConsentTimelineEntry,
  Contact,
  ContactAttributes,
  ContactExport,
  ContactInput,
  ContactList,
  ContactPage,
  ContactSubscription,
  ContactsApi,
  ContactUpdate,
  CreateOptions,
  ListContactsOptions,
  ListInput,
  ListSubscribersOptions,
  ListSuppressionsOptions,
  ListsApi,
  ListUpdate,
  SubscribeInput,
  SubscribeResult,
  SubscriptionStatus,
  Suppression,
  SuppressionPage,
  SuppressionReason,
  SuppressionsApi,
} from './contacts-types.ts';
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
export { CREATE_TIMEOUT_MS } from './jobs-create.ts';
export type {
  CreateJobFromEmails,
  CreateJobFromFile,
  CreateJobInput,
  CreateJobOptions,
  DownloadOptions,
  JobsApi,
  ListJobsOptions,
  ResultsOptions,
  WaitOptions,
} from './jobs-types.ts';
export { MIN_POLL_INTERVAL_MS } from './jobs-wait.ts';
export {
  BULK_JOIN_COLUMNS,
  type BulkRowItem,
  type BulkRowResult,
  type BulkRowStatus,
  type JoinOptions,
  joinResults,
  ndjsonRows,
} from './join.ts';
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
export type { PolicyApi } from './policy.ts';
export type { RateLimitInfo } from './rate-limit.ts';
export type {
  BulkCounts,
  BulkDownloadFormat,
  BulkJob,
  BulkJobList,
  BulkJobStatus,
  BulkJobSummary,
  BulkMetadata,
  BulkProgressEvent,
  BulkResultFilter,
  BulkResultItem,
  BulkResultsPage,
  CallOptions,
  Depth,
  ErrorBody,
  Plan,
  Policy,
  PolicyRule,
  PolicyView,
  PosternPromise,
  ResponseMeta,
  V1Me,
  V1Usage,
  ValidationBatchResult,
  ValidationResult,
  VerdictStatus,
  WithMeta,
} from './types.ts';
export { SDK_VERSION } from './version.ts';
