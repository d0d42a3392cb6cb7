// CSV and TSV records of an upload (csv-parse, streamed): quotes doubled as escapes, any line break,
// empty lines kept as [''] records (for row numbers),
// ragged rows allowed, a record's size bounded; csv-parse's own errors become DomainErrors naming the row.
import { pipeline } from 'node:stream/promises';
import { type CastingContext, CsvError, parse } from 'csv-parse';
import { DomainError } from '../errors.ts';
import { rowTooLargeError } from './plain-list.ts';

export interface CsvOptions {
  delimiter: string;
  /** A record larger than this -> VALIDATION_FAILED (see rowTooLargeError). */
  maxRowBytes: number;
  /** Called for every field (csv-parse's `cast`): may throw to stop a row before it is built. */
  checkField: (value: string, context: CastingContext) => string;
}

/** Parses `chunks` (UTF-8) as CSV and hands the records to `consume`, which reads them at its pace. */
export async function consumeCsv(
  chunks: AsyncIterable<Buffer>,
  options: CsvOptions,
  consume: (records: AsyncIterable<string[]>) => Promise<void>,
): Promise<void> {
  const parser = parse({
    delimiter: options.delimiter,
    quote: '"',
    escape: '"',
    record_delimiter: ['\r\n', '\n', '\r'],
    bom: false,
    relax_column_count: true,
    relax_quotes: true,
    // Empty lines come through as [''] records: they are not data rows but they count in row numbers.
    skip_empty_lines: false,
    max_record_size: options.maxRowBytes,
    cast: options.checkField,
  });
  try {
    await pipeline(chunks, parser, consume);
  } catch (error) {
    throw csvFailure(error, options.maxRowBytes);
  }
}

/** csv-parse's own errors -> DomainErrors naming the row; anything else passes through. */
function csvFailure(error: unknown, maxRowBytes: number): unknown {
  if (!(error instanceof CsvError)) return error;
  const records = (error as CsvError & { records?: number }).records;
  const row = (typeof records === 'number' ? records : 0) + 1;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new DomainError(
        'BAD_REQUEST',
        `Row ${row} has a quoted field that is never closed: the file may be cut off or badly quoted`,
        { row },
      );
    case 'CSV_MAX_RECORD_SIZE':
      return rowTooLargeError(row, maxRowBytes);
    default:
      return new DomainError('BAD_REQUEST', `Row ${row} cannot be read as CSV (${error.code})`, {
        row,
        csvCode: error.code,
      });
  }
}
