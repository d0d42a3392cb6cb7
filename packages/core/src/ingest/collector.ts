// Rows -> addresses: the row limit, rejection counts by reason, de-duplication and the sink. Both
// entry points (an upload's records, a JSON array's entries) hand every candidate value to it.
import { parseAddress } from '@postern/validator';
import { DomainError } from '../errors.ts';
import { SeenKeys } from './dedupe.ts';
import type {
  AddressSink,
  ColumnChoice,
  ExtractionFormat,
  ExtractionSummary,
  RejectionReason,
} from './types.ts';

/** Rows -> addresses: limits, rejection counts, de-duplication, the sink. Shared by both entry points. */
export class AddressCollector {
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
