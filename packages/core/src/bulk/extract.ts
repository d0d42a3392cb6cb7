// Address extraction for bulk verification jobs: an upload (CSV, TSV or a plain list, streamed in
// constant memory) or a JSON array -> accepted addresses handed one by one to a sink, and a
// summary of what was read, accepted, dropped as duplicates and rejected (by reason).
//
// Stages: decode.ts (bytes: size limit, BOM, UTF-16/binary refusal, strict UTF-8 or Latin-1)
// -> format sniffing on the first 64 KiB (sniff.ts) -> records (csv-parse, or lines.ts for a
// plain list) -> header and column decision on the first rows -> one address per data row.
// Every failure is a DomainError; the source is closed (destroyed) before the promise settles.
// Addresses are never logged nor put in an error message.
import { hash, randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { parseAddress } from '@postern/validator';
import { type CastingContext, CsvError, parse } from 'csv-parse';
import { DomainError } from '../errors.ts';
import { type DecodeProgress, decodeUpload, type UploadSource } from './decode.ts';
import { listRecords, rowTooLargeError } from './lines.ts';
import {
  emailColumnByContent,
  emailColumnByHeader,
  looksLikeAddress,
  normalizeHeader,
  SAMPLE_ROWS,
  sniffDelimiter,
} from './sniff.ts';
import type {
  AddressSink,
  ColumnChoice,
  CommonExtractOptions,
  ExtractionFormat,
  ExtractionSummary,
  ExtractOptions,
  RejectionReason,
  UploadFormat,
} from './types.ts';

export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;
export const DEFAULT_MAX_ROWS = 1_000_000;
export const DEFAULT_MAX_COLUMNS = 1000;
export const DEFAULT_MAX_FIELD_LENGTH = 4096;
export const DEFAULT_MAX_ROW_BYTES = 1024 * 1024;
/** Decoded bytes read before the format is chosen. */
const SNIFF_BYTES = 64 * 1024;

const count = (n: number) => n.toLocaleString('en-US');

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new DomainError('BAD_REQUEST', `${name} must be a positive integer`, { option: name });
  }
  return value;
}

/**
 * The de-duplication key: the `ascii` form (local part as given, lower-case A-label domain),
 * lower-cased whole. RFC 5321 lets a local part be case-sensitive, but no real mailbox provider
 * distinguishes `John@` from `john@`, and verifying both would only double the work and the
 * bill; the first spelling seen is the one kept. The key is the SHA-1 digest of `salt` + that
 * form, as a 20-char one-byte string (one byte a char); `SeenKeys` keeps its first 64 bits.
 */
export function dedupeKey(ascii: string, salt = ''): string {
  // 'binary' is latin1: one char a byte.
  return hash('sha1', salt + ascii.toLowerCase(), 'binary');
}

/** Slots of a new table (it doubles as it fills). */
const INITIAL_SLOTS = 1024;

/**
 * The addresses seen so far, as 64-bit keys (the first 8 bytes of `dedupeKey`) in an
 * open-addressing hash table (linear probing) of two Uint32 words a slot, at most half full and
 * doubled when it gets there: 16 to 32 bytes an address, 16 MiB for a million (a Set of digest
 * strings took ~70 MB), outside the JS heap. Two different addresses share a key with a
 * probability of about n²/2^65 for n distinct addresses (2.7e-8 for a million); the later would
 * then be dropped as a duplicate, and only within the same uploader's file. The digest is salted
 * with a random value per extraction, so an uploader cannot choose addresses that pile up on one
 * slot of the table (probing would turn quadratic): digests of the unsalted form can be searched
 * for low bits in common, these cannot be predicted.
 */
class SeenKeys {
  private table = new Uint32Array(2 * INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private size = 0;
  private readonly salt = randomBytes(12).toString('base64');

  /** Adds the address' key: false when it was there already (a duplicate). */
  add(ascii: string): boolean {
    const digest = dedupeKey(ascii, this.salt);
    const high =
      ((digest.charCodeAt(0) << 24) |
        (digest.charCodeAt(1) << 16) |
        (digest.charCodeAt(2) << 8) |
        digest.charCodeAt(3)) >>>
      0;
    let low =
      ((digest.charCodeAt(4) << 24) |
        (digest.charCodeAt(5) << 16) |
        (digest.charCodeAt(6) << 8) |
        digest.charCodeAt(7)) >>>
      0;
    // 0/0 marks an empty slot: that key (one in 2^64) is stored as 0/1.
    if (high === 0 && low === 0) low = 1;
    if (!this.insert(this.table, this.mask, high, low)) return false;
    this.size++;
    if (this.size * 2 > this.mask + 1) this.grow();
    return true;
  }

  private insert(table: Uint32Array, mask: number, high: number, low: number): boolean {
    let slot = low & mask;
    for (;;) {
      const at = slot * 2;
      const h = table[at] as number;
      const l = table[at + 1] as number;
      if (h === 0 && l === 0) {
        table[at] = high;
        table[at + 1] = low;
        return true;
      }
      if (h === high && l === low) return false;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.table;
    const mask = this.mask * 2 + 1;
    const table = new Uint32Array(2 * (mask + 1));
    for (let at = 0; at < old.length; at += 2) {
      const high = old[at] as number;
      const low = old[at + 1] as number;
      if (high !== 0 || low !== 0) this.insert(table, mask, high, low);
    }
    this.table = table;
    this.mask = mask;
  }
}

/** Rows -> addresses: limits, rejection counts, de-duplication, the sink. Shared by both entry points. */
class AddressCollector {
  rowsRead = 0;
  addresses = 0;
  duplicates = 0;
  readonly rejected: Partial<Record<RejectionReason, number>> = {};
  private readonly seen: SeenKeys | null;
  private readonly maxRows: number;
  private readonly maxFieldLength: number;
  private readonly sink: AddressSink | undefined;
  private readonly rowsLimitMessage: string;

  constructor(
    maxRows: number,
    maxFieldLength: number,
    dedupe: boolean,
    sink: AddressSink | undefined,
    rowsLimitMessage: string,
  ) {
    this.maxRows = maxRows;
    this.maxFieldLength = maxFieldLength;
    this.seen = dedupe ? new SeenKeys() : null;
    this.sink = sink;
    this.rowsLimitMessage = rowsLimitMessage;
  }

  private reject(reason: RejectionReason): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
  }

  /** One data row's candidate value; returns the sink's promise when it gave one. */
  add(value: unknown): void | Promise<void> {
    const row = ++this.rowsRead;
    if (row > this.maxRows) {
      throw new DomainError('VALIDATION_FAILED', this.rowsLimitMessage, { maxRows: this.maxRows });
    }
    if (value === undefined || value === null) return this.reject('empty');
    if (typeof value !== 'string') return this.reject('not_a_string');
    if (value.length > this.maxFieldLength) return this.reject('too_long');
    const parsed = parseAddress(value);
    if (!parsed.valid) return this.reject(parsed.reason);
    if (this.seen && !this.seen.add(parsed.ascii)) {
      this.duplicates++;
      return;
    }
    this.addresses++;
    if (this.sink) {
      const result = this.sink({ row, ascii: parsed.ascii, unicode: parsed.unicode });
      if (result && typeof (result as Promise<void>).then === 'function') return result;
    }
  }

  summary(
    format: ExtractionFormat,
    delimiter: string | null,
    header: boolean,
    column: ColumnChoice,
    bytes: number,
  ): ExtractionSummary {
    return {
      format,
      delimiter,
      header,
      column,
      rowsRead: this.rowsRead,
      addresses: this.addresses,
      duplicates: this.duplicates,
      rejected: { ...this.rejected },
      bytes,
    };
  }
}

const isBlank = (record: readonly string[]) => record.every((field) => field.trim().length === 0);

/** Decides the header and the email column on the first rows, then feeds every data row on. */
class RecordConsumer {
  header = false;
  column: ColumnChoice | null = null;
  /** Records seen so far, counting the header and leading blank rows: "Row N" in messages. */
  fileRow = 0;
  private first: string[] | null = null;
  private sample: string[][] = [];
  private readonly collector: AddressCollector;
  private readonly columnOption: string | number | undefined;
  private readonly maxColumns: number;

  constructor(collector: AddressCollector, columnOption: string | number | undefined, maxColumns: number) {
    this.collector = collector;
    this.columnOption = columnOption;
    this.maxColumns = maxColumns;
  }

  async consume(records: AsyncIterable<string[]>): Promise<void> {
    for await (const record of records) {
      this.fileRow++;
      if (this.column) {
        const pending = this.collector.add(record[this.column.index]);
        if (pending) await pending;
        continue;
      }
      if (this.first === null) {
        // Leading blank rows (e.g. a file of empty lines) are neither a header nor data.
        if (!isBlank(record)) this.first = record;
        continue;
      }
      this.sample.push(record);
      if (this.sample.length >= SAMPLE_ROWS) await this.decide();
    }
    if (!this.column) await this.decide();
  }

  private async decide(): Promise<void> {
    const first = this.first;
    if (first === null) throw new DomainError('BAD_REQUEST', 'The file is empty');
    this.header = !first.some(looksLikeAddress);
    const rows = this.header ? this.sample : [first, ...this.sample];
    this.sample = [];
    if (rows.length === 0) throw new DomainError('BAD_REQUEST', 'The file has a header but no rows');
    const headers = this.header ? first : null;
    const column = this.chooseColumn(headers, rows);
    this.column = column;
    for (const row of rows) {
      const pending = this.collector.add(row[column.index]);
      if (pending) await pending;
    }
  }

  private chooseColumn(headers: string[] | null, rows: readonly string[][]): ColumnChoice {
    const option = this.columnOption;
    const columns = headers ?? [];
    const nameOf = (index: number) => (headers ? (headers[index] ?? null) : null);
    if (typeof option === 'number') {
      const width = Math.max(headers?.length ?? 0, ...rows.map((row) => row.length));
      if (!Number.isSafeInteger(option) || option < 0 || option >= width) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `Column ${option} does not exist: the file has ${width} column${width === 1 ? '' : 's'} (counted from 0)`,
          { columns },
        );
      }
      return { index: option, name: nameOf(option), detectedBy: 'option' };
    }
    if (typeof option === 'string') {
      if (!headers) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `Column "${option}" not found: the file has no header row (its first row holds an address); choose the column by number`,
          { columns },
        );
      }
      const wanted = normalizeHeader(option);
      const index = headers.findIndex((name) => normalizeHeader(name) === wanted);
      if (index < 0) {
        throw new DomainError('VALIDATION_FAILED', `Column "${option}" not found in the header`, { columns });
      }
      return { index, name: nameOf(index), detectedBy: 'option' };
    }
    if (headers) {
      const index = emailColumnByHeader(headers);
      if (index >= 0) return { index, name: nameOf(index), detectedBy: 'header' };
    }
    const index = emailColumnByContent(rows);
    if (index >= 0) return { index, name: nameOf(index), detectedBy: 'content' };
    throw new DomainError(
      'VALIDATION_FAILED',
      `No email column found: no header is named like "email" and no column holds addresses in at least half of the first ${count(rows.length)} rows; choose the column`,
      { columns },
    );
  }

  /** csv-parse calls this for every field: a row over the column limit stops before it is built. */
  readonly checkField = (value: string, context: CastingContext): string => {
    if (context.index >= this.maxColumns) {
      const row = context.records + 1;
      throw new DomainError('VALIDATION_FAILED', `Row ${row} has more than ${this.maxColumns} columns`, {
        row,
        maxColumns: this.maxColumns,
      });
    }
    return value;
  };
}

/** The upload's format and delimiter: the one asked for, else sniffed from `text` (the first rows). */
export function chooseFormat(
  wanted: ExtractOptions['format'],
  text: string,
  complete: boolean,
): { format: UploadFormat; delimiter: string | null } {
  switch (wanted) {
    case 'list':
      return { format: 'list', delimiter: null };
    case 'tsv':
      return { format: 'tsv', delimiter: '\t' };
    case 'csv':
      return { format: 'csv', delimiter: sniffDelimiter(text, [',', ';'], complete) ?? ',' };
    default: {
      const delimiter = sniffDelimiter(text, [',', ';', '\t'], complete);
      if (delimiter === null) return { format: 'list', delimiter: null };
      return { format: delimiter === '\t' ? 'tsv' : 'csv', delimiter };
    }
  }
}

async function* replay(
  head: Buffer[],
  rest: AsyncGenerator<Buffer>,
): AsyncGenerator<Buffer, void, undefined> {
  yield* head;
  head.length = 0;
  yield* rest;
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

function destroySource(source: UploadSource): void {
  const stream = source as { destroy?: () => void; destroyed?: boolean };
  if (typeof stream.destroy === 'function' && stream.destroyed !== true) stream.destroy();
}

/**
 * Reads an upload (CSV, TSV or a plain list) and hands each accepted address to `onAddress`, in
 * file order, awaiting it when it returns a promise (that is the back-pressure: the file is read
 * no faster than the sink takes addresses). Memory stays constant: one chunk, one row (bounded by
 * `maxRowBytes` and `maxColumns`), the first 50 rows for detection, and the de-duplication set.
 *
 * Rejects with a DomainError: BAD_REQUEST (empty, header only, binary, UTF-16, invalid UTF-8,
 * cut off, an unclosed quote), PAYLOAD_TOO_LARGE (over `maxBytes`), VALIDATION_FAILED (no email
 * column, an unknown `column`, over `maxRows`, a row over `maxColumns` or `maxRowBytes`). The
 * source is destroyed before the promise settles. Rows without a usable address never fail the
 * extraction: they are counted in `rejected`. Rows named in messages are rows of the file
 * (a header, if any, is row 1); `ExtractedAddress.row` counts data rows only.
 */
export async function extractAddresses(
  input: UploadSource,
  options: ExtractOptions = {},
): Promise<ExtractionSummary> {
  const maxBytes = positiveInteger('maxBytes', options.maxBytes, DEFAULT_MAX_BYTES);
  const maxRows = positiveInteger('maxRows', options.maxRows, DEFAULT_MAX_ROWS);
  const maxColumns = positiveInteger('maxColumns', options.maxColumns, DEFAULT_MAX_COLUMNS);
  const maxFieldLength = positiveInteger('maxFieldLength', options.maxFieldLength, DEFAULT_MAX_FIELD_LENGTH);
  const maxRowBytes = Math.max(
    positiveInteger('maxRowBytes', options.maxRowBytes, DEFAULT_MAX_ROW_BYTES),
    maxFieldLength,
  );
  const encoding = options.encoding ?? 'utf-8';
  if (encoding !== 'utf-8' && encoding !== 'latin1') {
    throw new DomainError('BAD_REQUEST', 'encoding must be utf-8 or latin1', { option: 'encoding' });
  }

  const progress: DecodeProgress = { bytes: 0 };
  const decoded = decodeUpload(input, { encoding, maxBytes }, progress);
  const collector = new AddressCollector(
    maxRows,
    maxFieldLength,
    options.dedupe ?? true,
    options.onAddress,
    `The file has more than ${count(maxRows)} rows (the limit)`,
  );
  const consumer = new RecordConsumer(collector, options.column, maxColumns);
  let failed = true;
  try {
    const head: Buffer[] = [];
    let headLength = 0;
    let complete = false;
    while (headLength < SNIFF_BYTES) {
      const step = await decoded.next();
      if (step.done) {
        complete = true;
        break;
      }
      head.push(step.value);
      headLength += step.value.length;
    }
    const { format, delimiter } = chooseFormat(
      options.format ?? 'auto',
      Buffer.concat(head).toString('utf8'),
      complete,
    );
    const chunks = replay(head, decoded);
    if (format === 'list' || delimiter === null) {
      await consumer.consume(listRecords(chunks, maxRowBytes));
    } else {
      const parser = parse({
        delimiter,
        quote: '"',
        escape: '"',
        record_delimiter: ['\r\n', '\n', '\r'],
        bom: false,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: true,
        max_record_size: maxRowBytes,
        cast: consumer.checkField,
      });
      try {
        await pipeline(chunks, parser, (records: AsyncIterable<string[]>) => consumer.consume(records));
      } catch (error) {
        throw csvFailure(error, maxRowBytes);
      }
    }
    const column = consumer.column;
    if (!column) throw new DomainError('INTERNAL', 'extraction ended without a column');
    failed = false;
    return collector.summary(format, delimiter, consumer.header, column, progress.bytes);
  } finally {
    // A DomainError, or the sink's own failure (passed through untouched): close the source.
    if (failed) destroySource(input);
    await decoded.return(undefined).catch(() => undefined);
  }
}

/**
 * The JSON-array variant (a job created from `["a@example.com", …]`): the same limits on rows
 * and field length, the same rejection reasons (plus `not_a_string`), de-duplication and sink.
 */
export async function extractFromArray(
  emails: readonly unknown[],
  options: CommonExtractOptions = {},
): Promise<ExtractionSummary> {
  if (!Array.isArray(emails))
    throw new DomainError('BAD_REQUEST', 'The addresses must be an array of strings');
  const maxRows = positiveInteger('maxRows', options.maxRows, DEFAULT_MAX_ROWS);
  const maxFieldLength = positiveInteger('maxFieldLength', options.maxFieldLength, DEFAULT_MAX_FIELD_LENGTH);
  if (emails.length === 0) throw new DomainError('BAD_REQUEST', 'The list of addresses is empty');
  if (emails.length > maxRows) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `The list has more than ${count(maxRows)} addresses (the limit)`,
      {
        maxRows,
      },
    );
  }
  const collector = new AddressCollector(
    maxRows,
    maxFieldLength,
    options.dedupe ?? true,
    options.onAddress,
    `The list has more than ${count(maxRows)} addresses (the limit)`,
  );
  let bytes = 0;
  for (const value of emails) {
    if (typeof value === 'string') bytes += Buffer.byteLength(value, 'utf8');
    const pending = collector.add(value);
    if (pending) await pending;
  }
  return collector.summary('json', null, false, { index: 0, name: null, detectedBy: 'option' }, bytes);
}
