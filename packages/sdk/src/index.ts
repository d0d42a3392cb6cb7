// @postern/sdk: the TypeScript client of the Postern API.
export type { ErrorBody, ErrorCode, HealthResponse } from '@postern/contracts';
export { createClient, type PosternClient } from './client.ts';
export {
  type ClientErrorCode,
  isPosternError,
  PosternError,
  type PosternErrorCode,
  type PosternErrorInit,
  type PosternErrorIssue,
  type PosternErrorJSON,
  toPosternError,
} from './errors.ts';
export { type ClientOptions, DEFAULT_TIMEOUT_MS, type FetchLike } from './options.ts';
export { SDK_VERSION } from './version.ts';
