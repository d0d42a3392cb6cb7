// Per-account and per-workspace limits: plan multiplier, workspaces, bulk upload sizes and backlog.
import { z } from 'zod';

export const limitsEnv = z.object({
  RATE_LIMIT_MULTIPLIER: z.coerce.number().positive().max(100_000).default(1),
  MAX_WORKSPACES_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(10),
  BULK_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024, 'must be at least 1024 (bytes)')
    .max(10 * 1024 ** 3)
    .default(100 * 1024 * 1024),
  BULK_MAX_ROWS: z.coerce.number().int().min(1).max(100_000_000).default(1_000_000),
  BULK_MAX_JSON_BYTES: z.coerce
    .number()
    .int()
    .min(1024, 'must be at least 1024 (bytes)')
    .max(64 * 1024 ** 2)
    .default(4 * 1024 * 1024),
  BULK_MAX_CONCURRENT_UPLOADS: z.coerce.number().int().min(1).max(1000).default(4),
  BULK_MAX_PENDING_ADDRESSES_PER_ACCOUNT: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .default(3_000_000),
});

export interface LimitsConfig {
  /** Multiplies every plan's limits (benchmarks and load tests); 1 in production. */
  rateLimitMultiplier: number;
  /** Most workspaces one account may own (creating another is refused). */
  maxWorkspacesPerAccount: number;
  /** Largest bulk upload accepted (bytes; also the body limit of JSON job creation). */
  bulkMaxUploadBytes: number;
  /** Most data rows (addresses) a bulk job may have. */
  bulkMaxRows: number;
  /** Body limit of JSON job creation (larger lists go as a multipart upload). */
  bulkMaxJsonBytes: number;
  /** Uploads (job creations) in progress at once per workspace. */
  bulkMaxConcurrentUploads: number;
  /** Addresses one account may have waiting in queued/running bulk jobs, across its workspaces. */
  bulkMaxPendingAddressesPerAccount: number;
}

export function limitsSettings(e: z.output<typeof limitsEnv>): LimitsConfig {
  return {
    rateLimitMultiplier: e.RATE_LIMIT_MULTIPLIER,
    maxWorkspacesPerAccount: e.MAX_WORKSPACES_PER_ACCOUNT,
    bulkMaxUploadBytes: e.BULK_MAX_UPLOAD_BYTES,
    bulkMaxRows: e.BULK_MAX_ROWS,
    // Never above the upload limit.
    bulkMaxJsonBytes: Math.min(e.BULK_MAX_JSON_BYTES, e.BULK_MAX_UPLOAD_BYTES),
    bulkMaxConcurrentUploads: e.BULK_MAX_CONCURRENT_UPLOADS,
    bulkMaxPendingAddressesPerAccount: e.BULK_MAX_PENDING_ADDRESSES_PER_ACCOUNT,
  };
}
