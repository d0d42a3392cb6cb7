// Bulk verification jobs: statuses, counters and the chunk job payload shared by core, worker and API.
import { z } from 'zod';
import {
  BULK_DOWNLOAD_FORMATS,
  BULK_ITEM_STATUSES,
  BULK_JOB_STATUSES,
  BULK_PREVIEW_MAX_BYTES,
  VERDICT_STATUSES,
} from './constants/bulk.ts';
import { BULK_ROW_STATUSES } from './constants/bulk-rows.ts';
import { zText } from './text.ts';
import { ZDepth, ZValidationResult } from './validation.ts';
import { ZWorkspaceScoped } from './workspaces.ts';

export const ZBulkJobStatus = z.enum(BULK_JOB_STATUSES);

export const ZBulkItemStatus = z.enum(BULK_ITEM_STATUSES);
export type BulkItemStatus = z.infer<typeof ZBulkItemStatus>;

export const ZBulkChunkJob = z
  .object({
    jobId: z.uuid(),
    /** Inclusive range of item sequence numbers (1-based). */
    fromSeq: z.number().int().min(1),
    toSeq: z.number().int().min(1),
  })
  .refine((v) => v.toSeq >= v.fromSeq, { message: 'toSeq must not be below fromSeq', path: ['toSeq'] });
export type BulkChunkJob = z.infer<typeof ZBulkChunkJob>;

// ---------------------------------------------------------------------------------------------
// The public shapes of bulk jobs: REST /v1/jobs, the dashboard's tRPC `bulk` router and the SDK.

export const ZVerdictStatus = z.enum(VERDICT_STATUSES);

/** Result filter: a verdict status, `pending` (not checked yet) or `done` (any verdict). */
export const ZBulkResultFilter = z.enum([...VERDICT_STATUSES, 'pending', 'done']);
export type BulkResultFilter = z.infer<typeof ZBulkResultFilter>;

export const ZBulkDownloadFormat = z.enum(BULK_DOWNLOAD_FORMATS);

/** Free-form job metadata: at most 20 string keys, string/number/boolean/null values, 4 KiB as JSON. */
export const ZBulkMetadata = z
  .record(zText().min(1).max(40), z.union([zText().max(500), z.number(), z.boolean(), z.null()]))
  .refine((v) => Object.keys(v).length <= 20, { message: 'metadata takes at most 20 keys' })
  .refine((v) => JSON.stringify(v).length <= 4096, { message: 'metadata must be at most 4 KiB as JSON' });
export type BulkMetadata = z.infer<typeof ZBulkMetadata>;

export const ZIdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'the idempotency key must be printable ASCII without spaces');

/** Options of a new job, shared by the multipart form fields, the JSON body and tRPC. */
export const ZBulkJobOptions = z.object({
  /** Display name (the uploaded file's name by default). */
  name: zText().trim().min(1).max(200).optional(),
  depth: ZDepth.default('standard'),
  /** Header name or 0-based index of the email column; detected from the header or content when absent. */
  column: z.union([zText().trim().min(1).max(200), z.number().int().min(0).max(100_000)]).optional(),
  format: z.enum(['auto', 'csv', 'tsv', 'list']).default('auto'),
  encoding: z.enum(['utf-8', 'latin1']).default('utf-8'),
  dedupe: z.boolean().default(true),
  metadata: ZBulkMetadata.optional(),
});
export type BulkJobOptions = z.input<typeof ZBulkJobOptions>;

/** POST /v1/jobs with a JSON body (the SDK's `jobs.create({ emails })`). */
export const ZCreateBulkJobJson = ZBulkJobOptions.omit({ column: true, format: true, encoding: true }).extend(
  {
    emails: z.array(z.unknown()).min(1, 'emails must hold at least one address'),
  },
);
export type CreateBulkJobJson = z.input<typeof ZCreateBulkJobJson>;

export const ZBulkRejected = z.record(z.string(), z.number().int());
export const ZBulkJobSummary = z.object({
  format: z.enum(['csv', 'tsv', 'list', 'json']),
  delimiter: z.string().nullable(),
  header: z.boolean(),
  /** The header's row of the file (after leading blank lines it is not 1); absent on older jobs. */
  headerRow: z.number().int().nullable().optional(),
  column: z.object({
    index: z.number().int(),
    name: z.string().nullable(),
    detectedBy: z.enum(['option', 'header', 'content']),
  }),
  rowsRead: z.number().int(),
  addresses: z.number().int(),
  duplicates: z.number().int(),
  rejected: ZBulkRejected,
  bytes: z.number().int(),
});
export type BulkJobSummaryView = z.infer<typeof ZBulkJobSummary>;

export const ZBulkCounts = z.object({
  deliverable: z.number().int(),
  undeliverable: z.number().int(),
  catch_all: z.number().int(),
  risky: z.number().int(),
  do_not_mail: z.number().int(),
  unknown: z.number().int(),
});

/** A job as every surface shows it (dates as ISO strings). */
export const ZBulkJob = z.object({
  id: z.string(),
  name: z.string().nullable(),
  status: ZBulkJobStatus,
  depth: ZDepth,
  total: z.number().int(),
  processed: z.number().int(),
  /** 0–100, one decimal. */
  percent: z.number(),
  counts: ZBulkCounts,
  summary: ZBulkJobSummary.nullable(),
  metadata: ZBulkMetadata.nullable(),
  /** Rounds of "retry unknown results" run so far. */
  retries: z.number().int(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
  /** When the job and its results are purged (7 days after completion), null while it runs. */
  expiresAt: z.iso.datetime().nullable(),
  /** Seconds to completion estimated from the rate so far, null when unknown or finished. */
  etaSeconds: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type BulkJobDto = z.infer<typeof ZBulkJob>;

export const ZBulkJobList = z.object({ jobs: z.array(ZBulkJob), nextCursor: z.string().nullable() });
export type BulkJobList = z.infer<typeof ZBulkJobList>;

export const ZBulkResultItem = z.object({
  /**
   * 1-based position among the job's verified addresses (refused and duplicate rows have none), in file
   * order: not the file's row. The downloads give both (`row` and `seq`, see ZBulkRowItem).
   */
  seq: z.number().int(),
  email: z.string(),
  /** Verdict status once checked, `pending` before. */
  status: z.enum([...VERDICT_STATUSES, 'pending']),
  result: ZValidationResult.nullable(),
});
export type BulkResultItem = z.infer<typeof ZBulkResultItem>;
/** A row of a JSON or NDJSON download: every data row of the file, in file order (BulkRowItem). */
export const ZBulkRowItem = z.object({
  row: z.number().int().nullable(),
  seq: z.number().int().nullable(),
  email: z.string(),
  email_ascii: z.string(),
  status: z.enum(BULK_ROW_STATUSES),
  reason: z.string().nullable(),
  action: z.string().nullable(),
  policy_action: z.string().nullable(),
  duplicate_of: z.number().int().nullable(),
  syntax_error: z.string().nullable(),
  result: ZValidationResult.nullable(),
});
export type BulkRowItemDto = z.infer<typeof ZBulkRowItem>;

/** GET /v1/jobs/:id/results (JSON page) — `after` is the last seq seen. */
export const ZBulkResultsQuery = z.object({
  status: ZBulkResultFilter.optional(),
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const ZBulkResultsPage = z.object({
  items: z.array(ZBulkResultItem),
  nextAfter: z.number().int().nullable(),
});
export type BulkResultsPage = z.infer<typeof ZBulkResultsPage>;
/** GET /v1/jobs (query string). */
export const ZBulkJobListQuery = z.object({
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
/** GET /v1/jobs/:id/download (query string). */
export const ZBulkDownloadQuery = z.object({
  format: ZBulkDownloadFormat.default('csv'),
  status: ZBulkResultFilter.optional(),
});

/** Server-sent event `progress` (and the final `done`) on GET /v1/jobs/:id/events. */
export const ZBulkProgressEvent = ZBulkJob.pick({
  id: true,
  status: true,
  total: true,
  processed: true,
  percent: true,
  counts: true,
  etaSeconds: true,
});
export type BulkProgressEvent = z.infer<typeof ZBulkProgressEvent>;

// tRPC (dashboard) inputs.
export const ZBulkJobRef = ZWorkspaceScoped.extend({ jobId: z.string().uuid('Unknown job') });
export const ZBulkJobListRequest = ZWorkspaceScoped.extend({
  cursor: zText().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(20),
});
export const ZBulkResultsRequest = ZBulkJobRef.extend({
  status: ZBulkResultFilter.optional(),
  after: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(50),
});

/** The dashboard's column picker: the first ≤ 64 KiB of the file, sniffed by the same code as extraction. */
export const ZBulkPreviewRequest = ZWorkspaceScoped.extend({
  /** base64 of the file's first bytes (the browser reads `file.slice(0, 65536)`). */
  sampleBase64: zText()
    .min(1, 'The file is empty')
    .max(Math.ceil((BULK_PREVIEW_MAX_BYTES * 4) / 3) + 4),
  encoding: z.enum(['utf-8', 'latin1']).default('utf-8'),
  format: z.enum(['auto', 'csv', 'tsv', 'list']).default('auto'),
});
export const ZBulkPreview = z.object({
  format: z.enum(['csv', 'tsv', 'list']),
  delimiter: z.string().nullable(),
  header: z.boolean(),
  columns: z.array(
    z.object({
      index: z.number().int(),
      /** The header cell, or null without a header row. */
      name: z.string().nullable(),
      /** Up to 5 sample values from the first rows. */
      samples: z.array(z.string()),
      /** Share of sampled rows whose value parses as an address (0–1). */
      emailShare: z.number(),
    }),
  ),
  /** The column extraction would pick without a choice, or null when none looks like addresses. */
  detectedColumn: z.number().int().nullable(),
  /** Rows in the sample (a lower bound for the file). */
  sampleRows: z.number().int(),
});
export type BulkPreview = z.infer<typeof ZBulkPreview>;
