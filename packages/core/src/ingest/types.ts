// Types of address extraction (uploads and JSON arrays -> a stream of parsed addresses).
import type { SyntaxReason } from '@postern/validator';

export type UploadFormat = 'csv' | 'tsv' | 'list';
export type ExtractionFormat = UploadFormat | 'json';

/** Why a row gave no address: the parser's own reason, or one of the extraction's. */
export type RejectionReason =
  | SyntaxReason
  /** The field is longer than `maxFieldLength`: not parsed at all. */
  | 'too_long'
  /** A JSON array entry that is not a string (number, object, null counts as `empty`). */
  | 'not_a_string';

export interface ExtractedAddress {
  /**
   * The row of the file, as a spreadsheet numbers it: the first record is row 1 (the header, when
   * there is one), every record counts — blank lines included, a quoted line break does not start a
   * row. For a plain list: the line number. For a JSON array: the 1-based index.
   */
  row: number;
  /** Local part as given + lower-case A-label domain (the form that is verified and stored). */
  ascii: string;
  unicode: string;
}

export type AddressSink = (address: ExtractedAddress) => void | Promise<void>;

/** A data row that gave no address to verify: refused (with its reason) or a duplicate of an earlier row. */
export type SkippedRow =
  | {
      kind: 'rejected';
      row: number;
      reason: RejectionReason;
      /** The cell as uploaded ('' when missing; cut to 320 characters). */
      value: string;
    }
  | {
      kind: 'duplicate';
      row: number;
      /** The row of the first occurrence (the address that is verified). */
      of: number;
      ascii: string;
      unicode: string;
    };

export type SkippedSink = (row: SkippedRow) => void | Promise<void>;

export interface ColumnChoice {
  /** 0-based index of the email column. */
  index: number;
  /** Its header, or null when the file has no header row. */
  name: string | null;
  detectedBy: 'option' | 'header' | 'content';
}

export interface ExtractionSummary {
  format: ExtractionFormat;
  /** The field delimiter used (',' ';' or '\t'), null for a plain list or a JSON array. */
  delimiter: string | null;
  /** Whether the first row was a header (and skipped). */
  header: boolean;
  /** The header's row (see ExtractedAddress.row: after leading blank lines it is not 1), or null. */
  headerRow: number | null;
  column: ColumnChoice;
  /** Data rows read (the header and blank lines excluded). Blank lines still count in row numbers. */
  rowsRead: number;
  /** Addresses accepted (and handed to `onAddress`): unique ones when `dedupe` is on. */
  addresses: number;
  /** Valid addresses dropped as duplicates of an earlier row. */
  duplicates: number;
  /** Rows without a usable address, by reason. */
  rejected: Partial<Record<RejectionReason, number>>;
  /** Bytes of input read (the upload's size; UTF-8 length of the entries for a JSON array). */
  bytes: number;
}

export interface CommonExtractOptions {
  /** More data rows than this -> VALIDATION_FAILED. Default 1,000,000. */
  maxRows?: number;
  /** Longer email fields are rejected as `too_long` without being parsed. Default 4096. */
  maxFieldLength?: number;
  /** Drop repeated addresses (see dedupeKey). Default true. */
  dedupe?: boolean;
  /** Receives each accepted address, in order; awaited when it returns a promise. */
  onAddress?: AddressSink;
  /** Receives each refused or duplicate data row, in order with `onAddress`; awaited likewise. */
  onSkipped?: SkippedSink;
}

export interface ExtractOptions extends CommonExtractOptions {
  /** Default 'auto': sniffed from the first rows. 'csv' sniffs between ',' and ';'. */
  format?: 'auto' | UploadFormat;
  /** Header name (case-, space- and underscore-insensitive) or 0-based index. Default: detected. */
  column?: string | number;
  /** Default 'utf-8' (strict: invalid sequences are an error, never replaced). */
  encoding?: 'utf-8' | 'latin1';
  /** Larger uploads -> PAYLOAD_TOO_LARGE, detected as the bytes arrive. Default 100 MiB. */
  maxBytes?: number;
  /** A row with more columns -> VALIDATION_FAILED, detected before the row is built. Default 1000. */
  maxColumns?: number;
  /**
   * A row (all its fields together) larger than this -> VALIDATION_FAILED; bounds the memory
   * one row can take, e.g. after a quote that is never closed. Default 1 MiB.
   */
  maxRowBytes?: number;
}
