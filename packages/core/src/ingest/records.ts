// An upload's records -> data rows: leading blank rows skipped, the header and the email column decided
// on the first rows (sniff.ts), then the chosen column of every data row handed to the collector.
import type { CastingContext } from 'csv-parse';
import { DomainError } from '../errors.ts';
import type { AddressCollector } from './collector.ts';
import {
  emailColumnByContent,
  emailColumnByHeader,
  looksLikeAddress,
  normalizeHeader,
  SAMPLE_ROWS,
} from './sniff.ts';
import type { ColumnChoice } from './types.ts';

const count = (n: number) => n.toLocaleString('en-US');

const isBlank = (record: readonly string[]) => record.every((field) => field.trim().length === 0);
/** An empty line: a row of the file (it counts in row numbers) but not a data row. */
const isEmptyLine = (record: readonly string[]) => record.length === 1 && record[0] === '';

/** Decides the header and the email column on the first rows, then feeds every data row on. */
export class RecordConsumer {
  header = false;
  /** The header's row of the file, or null. */
  headerRow: number | null = null;
  column: ColumnChoice | null = null;
  /** Records seen so far, counting the header and blank lines: the file's row of the last record. */
  fileRow = 0;
  private first: { record: string[]; row: number } | null = null;
  private sample: { record: string[]; row: number }[] = [];
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
      const row = ++this.fileRow;
      if (isEmptyLine(record)) continue;
      if (this.column) {
        const pending = this.collector.add(record[this.column.index], row);
        if (pending) await pending;
        continue;
      }
      if (this.first === null) {
        // Leading blank rows (e.g. a file of empty lines) are neither a header nor data.
        if (!isBlank(record)) this.first = { record, row };
        continue;
      }
      this.sample.push({ record, row });
      if (this.sample.length >= SAMPLE_ROWS) await this.decide();
    }
    if (!this.column) await this.decide();
  }

  private async decide(): Promise<void> {
    const first = this.first;
    if (first === null) throw new DomainError('BAD_REQUEST', 'The file is empty');
    this.header = !first.record.some(looksLikeAddress);
    this.headerRow = this.header ? first.row : null;
    const rows = this.header ? this.sample : [first, ...this.sample];
    this.sample = [];
    if (rows.length === 0) throw new DomainError('BAD_REQUEST', 'The file has a header but no rows');
    const headers = this.header ? first.record : null;
    const column = this.chooseColumn(
      headers,
      rows.map((r) => r.record),
    );
    this.column = column;
    for (const { record, row } of rows) {
      const pending = this.collector.add(record[column.index], row);
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
