// Contact import jobs (#30 "Import"): a CSV uploaded through the shared ingest code, mapped onto
// contacts (email, name, attributes), imported by the worker into one list under a declared basis.
//
// Upload (plain HTTP, multipart/form-data, streamed; the same limits and errors as bulk uploads):
//   POST /api/dashboard/contact-imports?workspaceId=<id>   (session cookie + CSRF header, contacts.write)
//   POST /api/w/:workspaceId/contact-imports               (the same, workspace in the path)
//   POST /v1/contact-imports                               (API key, scope `contacts:write`)
//   fields, in this order, before the file: listId, basis (one of IMPORT_BASES, required), emailColumn
//     (header name or 0-based index), nameColumn (optional), attributeColumns (optional JSON object
//     column → attribute key, e.g. {"Company":"company","Plan":"plan"}), verify ('true' | 'false',
//     default 'false'), express ('true' | 'false', default 'false'), format ('auto' | 'csv' | 'tsv'),
//     encoding ('utf-8' | 'latin1'), hasHeader ('true' | 'false', default 'true'), source (optional,
//     default: the file name); then one part named `file`.
//   → 201 { importId }   (errors: { code, message } with 400/403/404/408/413/422/429 like bulk uploads)
// Report as CSV: GET /api/w/:workspaceId/contact-imports/:importId/report.csv (session) and
//   GET /v1/contact-imports/:id/report.csv (API key, contacts:read). Status: GET /v1/contact-imports/:id.
//
// tRPC (router `contactImports`): preview (mutation, ZContactImportPreviewRequest → ZContactImportPreview),
// get (ZContactImportRef → ZContactImport), list (ZContactImportListRequest → ZContactImportList),
// report (ZContactImportReportRequest → ZContactImportReportPage), cancel (ZContactImportRef → ZContactImport).
import { z } from 'zod';
import { ZBulkPreview, ZBulkPreviewRequest } from './bulk.ts';
import { IMPORT_SKIP_REASONS, ZImportBasis } from './contacts.ts';
import type { QueueDefinition } from './queues.ts';
import { zText } from './text.ts';
import { ZWorkspaceScoped } from './workspaces.ts';

export const CONTACT_IMPORT_STATUSES = [
  'uploading',
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
] as const;
export type ContactImportStatus = (typeof CONTACT_IMPORT_STATUSES)[number];
export const ZContactImportStatus = z.enum(CONTACT_IMPORT_STATUSES);

/** Why a row of an import was not subscribed: the JSON import's reasons, plus verification's verdict. */
export const CONTACT_IMPORT_REPORT_REASONS = [...IMPORT_SKIP_REASONS, 'rejected_by_verification'] as const;
export type ContactImportReportReason = (typeof CONTACT_IMPORT_REPORT_REASONS)[number];
export const ZContactImportReportReason = z.enum(CONTACT_IMPORT_REPORT_REASONS);

/** At most this many attribute columns are mapped. */
export const CONTACT_IMPORT_MAX_ATTRIBUTE_COLUMNS = 50;

const ZColumnRef = z.union([zText().trim().min(1).max(200), z.number().int().min(0).max(100_000)]);
const ZAttributeKey = zText().regex(
  /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/,
  'Attribute names start with a letter or _ and use letters, digits, _ . - (at most 64)',
);

/** Which file column goes where. Columns are header names (case-insensitive) or 0-based indexes. */
export const ZContactImportMapping = z.object({
  emailColumn: ZColumnRef,
  nameColumn: ZColumnRef.nullish(),
  /** File column (header name or index as text) → attribute key. */
  attributeColumns: z
    .record(zText().trim().min(1).max(200), ZAttributeKey)
    .refine((value) => Object.keys(value).length <= CONTACT_IMPORT_MAX_ATTRIBUTE_COLUMNS, {
      message: `At most ${CONTACT_IMPORT_MAX_ATTRIBUTE_COLUMNS} attribute columns`,
    })
    .default({}),
});
export type ContactImportMapping = z.infer<typeof ZContactImportMapping>;

/** The option fields of an upload (multipart fields are text: 'true'/'false', JSON for attributeColumns). */
export const ZContactImportOptions = ZContactImportMapping.extend({
  listId: z.uuid('listId: not a list id'),
  basis: ZImportBasis,
  verify: z.boolean().default(false),
  express: z.boolean().default(false),
  format: z.enum(['auto', 'csv', 'tsv']).default('auto'),
  encoding: z.enum(['utf-8', 'latin1']).default('utf-8'),
  hasHeader: z.boolean().default(true),
  /** Where the rows come from (the file name by default): sealed in each contact's ledger event. */
  source: zText().trim().max(200).optional(),
});
export type ContactImportOptions = z.infer<typeof ZContactImportOptions>;

/** 201 of the upload. */
export const ZContactImportCreated = z.object({ importId: z.uuid() });
export type ContactImportCreated = z.infer<typeof ZContactImportCreated>;

export const ZContactImportCounts = z.object({
  /** Data rows in the file. */
  rows: z.number().int(),
  /** Rows processed so far. */
  processed: z.number().int(),
  /** Contacts subscribed (new or re-subscribed). */
  imported: z.number().int(),
  /** Rows not subscribed, all reasons (verification included). */
  skipped: z.number().int(),
  /** Of those, refused by verification under the workspace's policy. */
  rejected: z.number().int(),
  /** Rows not subscribed by reason. */
  byReason: z.partialRecord(ZContactImportReportReason, z.number().int()),
});
export type ContactImportCounts = z.infer<typeof ZContactImportCounts>;

export const ZContactImport = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  listId: z.uuid(),
  status: ZContactImportStatus,
  basis: ZImportBasis,
  express: z.boolean(),
  verify: z.boolean(),
  /** The file name or the declared source. */
  source: z.string().nullable(),
  mapping: ZContactImportMapping,
  counts: ZContactImportCounts,
  /** 0–100. */
  percent: z.number(),
  /** Why it failed, for a person (never a stack trace). */
  error: z.string().nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
});
export type ContactImportDto = z.infer<typeof ZContactImport>;

export const ZContactImportRef = ZWorkspaceScoped.extend({ importId: z.uuid('Unknown import') });

export const ZContactImportListRequest = ZWorkspaceScoped.extend({
  /** Keyset cursor: the `nextCursor` of the previous page. */
  cursor: zText().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(20),
});
export const ZContactImportList = z.object({
  items: z.array(ZContactImport),
  nextCursor: z.string().nullable(),
});
export type ContactImportList = z.infer<typeof ZContactImportList>;

/** One row that was not subscribed. */
export const ZContactImportReportRow = z.object({
  /** The file's row (the header, when there is one, is row 1). */
  row: z.number().int(),
  /** The address as uploaded (cut to 320 characters). */
  email: z.string(),
  reason: ZContactImportReportReason,
  detail: z.string().nullable(),
});
export type ContactImportReportRow = z.infer<typeof ZContactImportReportRow>;

export const ZContactImportReportRequest = ZContactImportRef.extend({
  reason: ZContactImportReportReason.optional(),
  /** The last `row` seen (keyset). */
  after: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(50),
});
/** GET /v1/contact-imports/:id/report (JSON page). */
export const ZContactImportReportQuery = z.object({
  reason: ZContactImportReportReason.optional(),
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const ZContactImportReportPage = z.object({
  items: z.array(ZContactImportReportRow),
  nextAfter: z.number().int().nullable(),
});
export type ContactImportReportPage = z.infer<typeof ZContactImportReportPage>;

/** The wizard's column picker: the first ≤ 64 KiB of the file, read by the same code as the upload. */
export const ZContactImportPreviewRequest = ZBulkPreviewRequest.omit({ format: true }).extend({
  format: z.enum(['auto', 'csv', 'tsv']).default('auto'),
});
export const ZContactImportPreview = ZBulkPreview.extend({
  /** The column detected as the email column (same as detectedColumn), or null. */
  emailColumn: z.number().int().nullable(),
  /** A column whose header looks like a name ("name", "full name"…), or null. */
  nameColumn: z.number().int().nullable(),
  /** The first data rows (at most 10), every column, cut to 200 characters per cell. */
  rows: z.array(z.array(z.string())),
});
export type ContactImportPreview = z.infer<typeof ZContactImportPreview>;

/** Payload of the `contacts.import` queue. */
export const ZContactImportJobPayload = z.object({ importId: z.uuid(), workspaceId: z.uuid() });
export type ContactImportJobPayload = z.infer<typeof ZContactImportJobPayload>;

/**
 * The `contacts.import` queue (registered in QUEUES): one job per import. Chunks are committed one by
 * one and removed with their commit, so a retried job (a killed worker) goes on where it stopped.
 */
export const CONTACT_IMPORT_QUEUE = {
  name: 'contacts.import',
  payload: ZContactImportJobPayload,
  policy: {
    retryLimit: 3,
    retryDelaySeconds: 5,
    retryBackoff: true,
    expireInSeconds: 30 * 60,
    heartbeatSeconds: 30,
    concurrency: 1,
  },
} satisfies QueueDefinition<typeof ZContactImportJobPayload>;
