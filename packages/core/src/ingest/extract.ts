// Address extraction from uploads (bulk verification jobs; contact import will use it too): an upload
// (CSV, TSV or a plain list, streamed in constant memory) or a JSON array -> accepted addresses handed
// one by one to a sink, and a summary of what was read, accepted, dropped as duplicates and rejected
// (by reason).
//
// Stages: decode.ts (bytes: size limit, BOM, UTF-16/binary refusal, strict UTF-8 or Latin-1)
// -> format sniffing on the first 64 KiB (sniff.ts) -> records (csv.ts, or plain-list.ts for a
// plain list) -> header and column decision on the first rows (records.ts) -> one address per data
// row (collector.ts). Every failure is a DomainError; the source is closed (destroyed) before the
// promise settles. Addresses are never logged nor put in an error message.
import { DomainError } from '../errors.ts';
import { AddressCollector } from './collector.ts';
import { consumeCsv } from './csv.ts';
import { type DecodeProgress, decodeUpload, type UploadSource } from './decode.ts';
import { listRecords } from './plain-list.ts';
import { RecordConsumer } from './records.ts';
import { sniffDelimiter } from './sniff.ts';
import type { CommonExtractOptions, ExtractionSummary, ExtractOptions, UploadFormat } from './types.ts';

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

/**
 * Reads the first SNIFF_BYTES of a decoded upload, chooses its format from them (chooseFormat) and
 * gives the whole upload back, those bytes replayed first. Shared by bulk extraction and contact import.
 */
export async function sniffUpload(
  decoded: AsyncGenerator<Buffer>,
  wanted: ExtractOptions['format'],
): Promise<{
  format: UploadFormat;
  delimiter: string | null;
  chunks: AsyncGenerator<Buffer, void, undefined>;
}> {
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
  const chosen = chooseFormat(wanted, Buffer.concat(head).toString('utf8'), complete);
  return { ...chosen, chunks: replay(head, decoded) };
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
    {
      maxRows,
      maxFieldLength,
      dedupe: options.dedupe ?? true,
      rowsLimitMessage: `The file has more than ${count(maxRows)} rows (the limit)`,
    },
    options,
  );
  const consumer = new RecordConsumer(collector, options.column, maxColumns);
  let failed = true;
  try {
    const { format, delimiter, chunks } = await sniffUpload(decoded, options.format ?? 'auto');
    if (format === 'list' || delimiter === null) {
      await consumer.consume(listRecords(chunks, maxRowBytes));
    } else {
      await consumeCsv(chunks, { delimiter, maxRowBytes, checkField: consumer.checkField }, (records) =>
        consumer.consume(records),
      );
    }
    const column = consumer.column;
    if (!column) throw new DomainError('INTERNAL', 'extraction ended without a column');
    failed = false;
    return collector.summary(format, delimiter, consumer.headerRow, column, progress.bytes);
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
    {
      maxRows,
      maxFieldLength,
      dedupe: options.dedupe ?? true,
      rowsLimitMessage: `The list has more than ${count(maxRows)} addresses (the limit)`,
    },
    options,
  );
  let bytes = 0;
  let row = 0;
  for (const value of emails) {
    if (typeof value === 'string') bytes += Buffer.byteLength(value, 'utf8');
    const pending = collector.add(value, ++row);
    if (pending) await pending;
  }
  return collector.summary('json', null, null, { index: 0, name: null, detectedBy: 'option' }, bytes);
}
