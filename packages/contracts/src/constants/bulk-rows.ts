// The rows of a bulk download and of a results file joined back to the uploaded one (zod-free: the SDK
// and the dashboard run the join, the API writes the download, all with these functions).
import { VERDICT_STATUSES } from './bulk.ts';

/** A data row of the file and its verdict, as the downloads list it (see docs/bulk.md). */
export interface BulkRowItem {
  /** The row of the uploaded file (the header, if any, is row 1; blank lines count); null for jobs made before rows were kept. */
  row: number | null;
  /** The address' position among the job's verified addresses (results pages' `seq`); null for refused and duplicate rows. */
  seq: number | null;
  /** The address as uploaded (internationalised domains in Unicode); the cell as uploaded for a refused row. */
  email: string;
  /** The form that is verified (A-label domain); '' for a refused row. */
  email_ascii: string;
  /** A verdict status, `pending`, `rejected` (refused at extraction) or `duplicate` (see duplicate_of). */
  status: BulkRowStatus;
  /** The verdict's reason; for a refused row `invalid_syntax`, `empty`, `too_long` or `not_a_string`; `duplicate`. */
  reason: string | null;
  action: string | null;
  policy_action: string | null;
  /** The row this one repeats (whose address is verified), for a duplicate. */
  duplicate_of: number | null;
  /** For a refused row with bad syntax: what is wrong (e.g. `no_at_sign`). */
  syntax_error: string | null;
  result: BulkRowResult | null;
}

/** What a row's cells need of a verdict (ValidationResult has these fields). */
export interface BulkRowResult {
  suggestion: string | null;
  flags: {
    free_provider: boolean;
    role_account: boolean;
    disposable: boolean;
    catch_all: boolean;
    has_mx: boolean;
  };
  checks: {
    dns: { mx_hosts: { host: string }[] } | null;
    smtp: { mx_host: string | null; reply_code: number | null } | null;
  };
  checked_at: string;
}

export const BULK_ROW_STATUSES = [...VERDICT_STATUSES, 'pending', 'rejected', 'duplicate'] as const;
export type BulkRowStatus = (typeof BULK_ROW_STATUSES)[number];

/** The columns a join appends to the uploaded file's rows. */
export const BULK_JOIN_COLUMNS = [
  'status',
  'reason',
  'action',
  'policy_action',
  'duplicate_of',
  'suggestion',
  'free_provider',
  'role_account',
  'disposable',
  'catch_all',
  'has_mx',
  'mx_host',
  'smtp_reply_code',
  'checked_at',
] as const;

/** The columns of a CSV download: the row, both forms of the address, then the join's. */
export const BULK_ROW_COLUMNS = ['row', 'email', 'email_ascii', ...BULK_JOIN_COLUMNS] as const;

const text = (value: string | number | boolean | null | undefined) => (value == null ? '' : String(value));

/** A row's cells for BULK_JOIN_COLUMNS (raw: see csvField for writing them). */
export function bulkJoinCells(item: BulkRowItem): string[] {
  const r = item.result;
  return [
    item.status,
    text(item.reason),
    text(item.action),
    text(item.policy_action),
    text(item.duplicate_of),
    text(r?.suggestion),
    text(r?.flags.free_provider),
    text(r?.flags.role_account),
    text(r?.flags.disposable),
    text(r?.flags.catch_all),
    text(r?.flags.has_mx),
    r?.checks.smtp?.mx_host ?? r?.checks.dns?.mx_hosts[0]?.host ?? '',
    text(r?.checks.smtp?.reply_code),
    text(r?.checked_at),
  ];
}

/** A row's cells for BULK_ROW_COLUMNS. */
export function bulkRowCells(item: BulkRowItem): string[] {
  return [text(item.row), item.email, item.email_ascii, ...bulkJoinCells(item)];
}

/** First characters a spreadsheet would run as a formula (with their full-width forms). */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20']);

/**
 * One CSV field: a cell a spreadsheet would run as a formula gets a leading apostrophe (as OWASP
 * advises: addresses and suggestions come from the uploader), then it is quoted (quotes doubled) when it
 * holds the delimiter, a quote or a line break.
 */
export function csvField(value: string, delimiter = ','): string {
  const cell = value.length > 0 && FORMULA_START.has(value[0] as string) ? `'${value}` : value;
  if (cell.includes(delimiter) || cell.includes('"') || cell.includes('\n') || cell.includes('\r'))
    return `"${cell.replaceAll('"', '""')}"`;
  return cell;
}

/** Cells as one CSV line, without its line break. */
export const csvLine = (cells: readonly string[], delimiter = ',') =>
  cells.map((cell) => csvField(cell, delimiter)).join(delimiter);
