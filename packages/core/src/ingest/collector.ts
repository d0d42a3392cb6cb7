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
  SkippedSink,
} from './types.ts';

/** A refused cell is kept (for the downloads) up to this many characters. */
export const SKIPPED_VALUE_MAX = 320;

type Pending = void | Promise<void>;
const pending = (result: unknown): Pending =>
  result && typeof (result as Promise<void>).then === 'function' ? (result as Promise<void>) : undefined;

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
  private readonly skippedSink: SkippedSink | undefined;
  private readonly rowsLimitMessage: string;

  constructor(
    limits: { maxRows: number; maxFieldLength: number; dedupe: boolean; rowsLimitMessage: string },
    sinks: { onAddress?: AddressSink | undefined; onSkipped?: SkippedSink | undefined },
  ) {
    this.maxRows = limits.maxRows;
    this.maxFieldLength = limits.maxFieldLength;
    this.seen = limits.dedupe ? new SeenKeys() : null;
    this.sink = sinks.onAddress;
    this.skippedSink = sinks.onSkipped;
    this.rowsLimitMessage = limits.rowsLimitMessage;
  }

  private reject(row: number, reason: RejectionReason, value: unknown): Pending {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
    if (!this.skippedSink) return;
    const text = typeof value === 'string' ? value.slice(0, SKIPPED_VALUE_MAX) : '';
    return pending(this.skippedSink({ kind: 'rejected', row, reason, value: text }));
  }

  /**
   * One data row's candidate value, with its row in the file (see ExtractedAddress.row); returns the
   * sink's promise when it gave one.
   */
  add(value: unknown, row: number): Pending {
    if (++this.rowsRead > this.maxRows) {
      throw new DomainError('VALIDATION_FAILED', this.rowsLimitMessage, { maxRows: this.maxRows });
    }
    if (value === undefined || value === null) return this.reject(row, 'empty', value);
    if (typeof value !== 'string') return this.reject(row, 'not_a_string', value);
    if (value.length > this.maxFieldLength) return this.reject(row, 'too_long', value);
    const parsed = parseAddress(value);
    if (!parsed.valid) return this.reject(row, parsed.reason, value);
    const first = this.seen ? this.seen.add(parsed.ascii, row) : 0;
    if (first !== 0) {
      this.duplicates++;
      if (!this.skippedSink) return;
      const skipped = {
        kind: 'duplicate',
        row,
        of: first,
        ascii: parsed.ascii,
        unicode: parsed.unicode,
      } as const;
      return pending(this.skippedSink(skipped));
    }
    this.addresses++;
    if (this.sink) return pending(this.sink({ row, ascii: parsed.ascii, unicode: parsed.unicode }));
  }

  summary(
    format: ExtractionFormat,
    delimiter: string | null,
    headerRow: number | null,
    column: ColumnChoice,
    bytes: number,
  ): ExtractionSummary {
    return {
      format,
      delimiter,
      header: headerRow !== null,
      headerRow,
      column,
      rowsRead: this.rowsRead,
      addresses: this.addresses,
      duplicates: this.duplicates,
      rejected: { ...this.rejected },
      bytes,
    };
  }
}
