// The dashboard's column picker: the first bytes of a file (≤ 64 KiB, read by the browser) sniffed
// by the same code as extraction (decode.ts for bytes, sniff.ts for the delimiter, the header and the
// email column), so what the preview proposes is what the upload will do.
import { BULK_PREVIEW_MAX_BYTES, type BulkPreview } from '@postern/contracts';
import { parseAddress } from '@postern/validator';
import { CsvError, parse } from 'csv-parse/sync';
import { DomainError } from '../errors.ts';
import { decodeUpload } from './decode.ts';
import { chooseFormat, DEFAULT_MAX_COLUMNS } from './extract.ts';
import { unquoteLine } from './plain-list.ts';
import { emailColumnByContent, emailColumnByHeader, looksLikeAddress, SAMPLE_ROWS } from './sniff.ts';
import type { UploadFormat } from './types.ts';

/** Sample values shown per column. */
const SAMPLES_PER_COLUMN = 5;

export interface PreviewOptions {
  encoding?: 'utf-8' | 'latin1';
  format?: 'auto' | UploadFormat;
  /**
   * Whether `sample` is the whole file. When it is not (the default for a sample of
   * BULK_PREVIEW_MAX_BYTES or more), its last line may be cut and is dropped.
   */
  complete?: boolean;
}

/** `sample` up to (and including) its last line break; the whole sample when it has none. */
function dropPartialLine(sample: Buffer): Buffer {
  for (let i = sample.length - 1; i >= 0; i--) {
    const b = sample[i];
    // A line break byte never occurs inside a UTF-8 multi-byte sequence, so this cut is safe.
    if (b === 0x0a || b === 0x0d) return sample.subarray(0, i + 1);
  }
  return sample;
}

/** Drops a multi-byte UTF-8 sequence cut by the end of a sample that has no line break. */
function dropPartialCharacter(sample: Buffer): Buffer {
  for (let i = sample.length - 1; i >= 0 && i >= sample.length - 4; i--) {
    const b = sample[i] as number;
    if ((b & 0xc0) === 0x80) continue;
    if (b < 0xc0) return sample;
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return i + size > sample.length ? sample.subarray(0, i) : sample;
  }
  return sample;
}

async function decodeSample(sample: Buffer, encoding: 'utf-8' | 'latin1'): Promise<string> {
  const parts: Buffer[] = [];
  const source = (async function* () {
    yield sample;
  })();
  for await (const chunk of decodeUpload(source, { encoding, maxBytes: sample.length + 1 }, { bytes: 0 })) {
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

function records(text: string, delimiter: string | null): string[][] {
  if (delimiter === null) {
    return text
      .split(/\r\n|\n|\r/)
      .filter((line) => line.length > 0)
      .map((line) => [unquoteLine(line)]);
  }
  try {
    return parse(text, {
      delimiter,
      quote: '"',
      escape: '"',
      record_delimiter: ['\r\n', '\n', '\r'],
      bom: false,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      cast: (value, context) => {
        if (context.index >= DEFAULT_MAX_COLUMNS) {
          throw new DomainError(
            'VALIDATION_FAILED',
            `Row ${context.records + 1} has more than ${DEFAULT_MAX_COLUMNS} columns`,
            { row: context.records + 1, maxColumns: DEFAULT_MAX_COLUMNS },
          );
        }
        return value;
      },
    }) as string[][];
  } catch (error) {
    if (error instanceof DomainError) throw error;
    if (error instanceof CsvError) {
      if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
        // In a sample, a quoted field may simply continue past its end: use the rows before it.
        return records(text.slice(0, Math.max(0, lastRecordStart(text))), delimiter);
      }
      throw new DomainError('BAD_REQUEST', `The start of the file cannot be read as CSV (${error.code})`);
    }
    throw error;
  }
}

/** Offset of the last line start (used to retry without a trailing, unfinished quoted row). */
function lastRecordStart(text: string): number {
  const trimmed = text.replace(/[\r\n]+$/, '');
  const at = Math.max(trimmed.lastIndexOf('\n'), trimmed.lastIndexOf('\r'));
  return at < 0 ? 0 : at + 1;
}

const isBlank = (record: readonly string[]) => record.every((field) => field.trim().length === 0);

/**
 * Sniffs a file's first bytes: format and delimiter, whether the first row is a header, the columns
 * with sample values and the share of values that are addresses, and the column extraction would
 * pick. Throws a DomainError like extraction does (empty, binary, UTF-16, invalid UTF-8, a row with
 * too many columns).
 */
export async function previewUpload(sample: Buffer, options: PreviewOptions = {}): Promise<BulkPreview> {
  const encoding = options.encoding ?? 'utf-8';
  const complete = options.complete ?? sample.length < BULK_PREVIEW_MAX_BYTES;
  let bytes = sample;
  if (!complete) {
    const cut = dropPartialLine(sample);
    bytes = cut.length > 0 && cut.length < sample.length ? cut : dropPartialCharacter(sample);
  }
  if (bytes.length === 0) throw new DomainError('BAD_REQUEST', 'The file is empty');
  const text = await decodeSample(bytes, encoding);
  const { format, delimiter } = chooseFormat(options.format ?? 'auto', text, true);
  const all = records(text, delimiter);
  const firstIndex = all.findIndex((record) => !isBlank(record));
  if (firstIndex < 0) throw new DomainError('BAD_REQUEST', 'The file is empty');
  const first = all[firstIndex] as string[];
  const header = !first.some(looksLikeAddress);
  const dataRows = header ? all.slice(firstIndex + 1) : all.slice(firstIndex);
  const sampled = dataRows.slice(0, SAMPLE_ROWS);
  const headers = header ? first : null;

  let detected = headers ? emailColumnByHeader(headers) : -1;
  if (detected < 0) detected = emailColumnByContent(sampled);

  const width = Math.max(headers?.length ?? 0, ...sampled.map((row) => row.length), 1);
  const columns = Array.from({ length: width }, (_, index) => {
    const samples: string[] = [];
    let emails = 0;
    for (const row of sampled) {
      const value = row[index]?.trim() ?? '';
      if (value.length > 0) {
        if (samples.length < SAMPLES_PER_COLUMN) samples.push(value.slice(0, 200));
        if (value.length <= 320 && value.includes('@') && parseAddress(value).valid) emails++;
      }
    }
    return {
      index,
      name: headers ? (headers[index] ?? null) : null,
      samples,
      emailShare: sampled.length === 0 ? 0 : Math.round((emails / sampled.length) * 1000) / 1000,
    };
  });

  return {
    format,
    delimiter,
    header,
    columns,
    detectedColumn: detected >= 0 ? detected : null,
    sampleRows: dataRows.filter((row) => !isBlank(row)).length,
  };
}
