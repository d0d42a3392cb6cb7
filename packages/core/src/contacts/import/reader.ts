// The rows of a contact import file, read by the shared ingest code: decode.ts (size limit, BOM,
// UTF-16/binary refusal, strict UTF-8 or Latin-1), the same format sniffing (sniffUpload) and CSV reader
// (csv.ts: quoting, row size limit) as bulk uploads, with the same errors. On top of it: the mapping
// (email, name and attribute columns by header name or index) resolved on the header, and each data
// row handed on as `[fileRow, email, name, attribute values]` — nothing is parsed or checked here
// beyond the file's shape; the worker judges each row.

import type { ContactImportMapping } from '@postern/contracts';
import type { CastingContext } from 'csv-parse';
import { DomainError } from '../../errors.ts';
import { consumeCsv } from '../../ingest/csv.ts';
import { type DecodeProgress, decodeUpload, type UploadSource } from '../../ingest/decode.ts';
import { DEFAULT_MAX_COLUMNS, DEFAULT_MAX_ROW_BYTES, sniffUpload } from '../../ingest/extract.ts';
import { normalizeHeader } from '../../ingest/sniff.ts';

/** One data row: its row in the file, the email cell, the name cell (or null), the attribute cells. */
export type ImportRow = [
  row: number,
  email: string,
  name: string | null,
  attributes: (string | null)[] | null,
];

export interface ReadOptions {
  mapping: ContactImportMapping;
  format: 'auto' | 'csv' | 'tsv';
  encoding: 'utf-8' | 'latin1';
  hasHeader: boolean;
  maxBytes: number;
  maxRows: number;
  maxColumns?: number;
  maxRowBytes?: number;
}

export interface ReadSummary {
  format: 'csv' | 'tsv';
  delimiter: string;
  header: string[] | null;
  /** Data rows (blank lines excluded). */
  rows: number;
  bytes: number;
  /** The attribute keys, in the order of ImportRow's attribute cells. */
  attributeKeys: string[];
}

const count = (n: number) => n.toLocaleString('en-US');

/** Column reference → index, against the header (names, case- and space-insensitive) or by number. */
export function resolveColumn(ref: string | number, header: string[] | null, what: string): number {
  const asIndex = typeof ref === 'number' ? ref : /^\d{1,6}$/.test(ref.trim()) ? Number(ref.trim()) : null;
  if (header) {
    if (typeof ref === 'string') {
      const wanted = normalizeHeader(ref);
      const index = header.findIndex((name) => normalizeHeader(name) === wanted);
      if (index >= 0) return index;
    }
    if (asIndex !== null && asIndex < header.length) return asIndex;
    throw new DomainError(
      'VALIDATION_FAILED',
      `${what}: column "${String(ref).slice(0, 200)}" is not in the header`,
      {
        field: what,
        columns: header,
      },
    );
  }
  if (asIndex === null)
    throw new DomainError(
      'VALIDATION_FAILED',
      `${what}: the file has no header row, so choose the column by number (counted from 0)`,
      { field: what },
    );
  return asIndex;
}

interface Layout {
  email: number;
  name: number | null;
  attributes: number[];
  keys: string[];
}

function layoutOf(mapping: ContactImportMapping, header: string[] | null): Layout {
  const email = resolveColumn(mapping.emailColumn, header, 'emailColumn');
  const name =
    mapping.nameColumn === undefined || mapping.nameColumn === null
      ? null
      : resolveColumn(mapping.nameColumn, header, 'nameColumn');
  const entries = Object.entries(mapping.attributeColumns ?? {});
  const keys = entries.map(([, key]) => key);
  if (new Set(keys).size !== keys.length)
    throw new DomainError('VALIDATION_FAILED', 'attributeColumns: two columns map to the same attribute');
  return {
    email,
    name,
    attributes: entries.map(([column]) =>
      resolveColumn(column, header, `attributeColumns.${column.slice(0, 50)}`),
    ),
    keys,
  };
}

const isEmptyLine = (record: readonly string[]) => record.length === 1 && record[0] === '';
const isBlank = (record: readonly string[]) => record.every((field) => field.trim().length === 0);

/**
 * Reads the upload and hands each data row to `onRow` (awaited when it returns a promise: that is the
 * back-pressure). Throws the ingest code's DomainErrors (BAD_REQUEST, PAYLOAD_TOO_LARGE,
 * VALIDATION_FAILED) and VALIDATION_FAILED for a mapping that does not fit the header.
 */
export async function readImportRows(
  source: UploadSource,
  options: ReadOptions,
  onRow: (row: ImportRow) => void | Promise<void>,
): Promise<ReadSummary> {
  const maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
  const maxRowBytes = options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES;
  const progress: DecodeProgress = { bytes: 0 };
  const decoded = decodeUpload(source, { encoding: options.encoding, maxBytes: options.maxBytes }, progress);
  let failed = true;
  try {
    const chosen = await sniffUpload(decoded, options.format);
    // A contact import has columns: a file sniffed as a plain list is one column of comma-separated text.
    const delimiter = chosen.delimiter ?? ',';
    const format = delimiter === '\t' ? 'tsv' : 'csv';
    let header: string[] | null = null;
    let layout: Layout | null = options.hasHeader ? null : layoutOf(options.mapping, null);
    let fileRow = 0;
    let rows = 0;
    const checkField = (value: string, context: CastingContext): string => {
      if (context.index >= maxColumns) {
        const row = context.records + 1;
        throw new DomainError('VALIDATION_FAILED', `Row ${row} has more than ${maxColumns} columns`, {
          row,
          maxColumns,
        });
      }
      return value;
    };
    await consumeCsv(chosen.chunks, { delimiter, maxRowBytes, checkField }, async (records) => {
      for await (const record of records as AsyncIterable<string[]>) {
        fileRow += 1;
        if (isEmptyLine(record) || isBlank(record)) continue;
        if (!layout) {
          header = record.map((cell) => cell.trim());
          layout = layoutOf(options.mapping, header);
          continue;
        }
        rows += 1;
        if (rows > options.maxRows)
          throw new DomainError(
            'VALIDATION_FAILED',
            `The file has more than ${count(options.maxRows)} rows (the limit)`,
            {
              maxRows: options.maxRows,
            },
          );
        const { email, name, attributes } = layout;
        const pending = onRow([
          fileRow,
          record[email] ?? '',
          name === null ? null : (record[name] ?? null),
          attributes.length ? attributes.map((i) => record[i] ?? null) : null,
        ]);
        if (pending) await pending;
      }
    });
    if (!layout) throw new DomainError('BAD_REQUEST', 'The file is empty');
    if (rows === 0) throw new DomainError('BAD_REQUEST', 'The file has a header but no rows');
    failed = false;
    return {
      format,
      delimiter,
      header,
      rows,
      bytes: progress.bytes,
      attributeKeys: (layout as Layout).keys,
    };
  } finally {
    if (failed) {
      const stream = source as { destroy?: () => void; destroyed?: boolean };
      if (typeof stream.destroy === 'function' && stream.destroyed !== true) stream.destroy();
    }
    await decoded.return(undefined).catch(() => undefined);
  }
}
