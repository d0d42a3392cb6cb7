// What the downloads need of every data row of an uploaded file, kept while the upload streams (the
// file itself and its other columns are never stored): blocks of up to ROWS_PER_BLOCK rows in file
// order, each a keyring ciphertext (bulk_job_rows:<id>:rows) of a raw-deflated JSON array with one
// entry per data row:
//   0                          verified: the row after the previous entry's, the address as stored
//   [row, 'v', unicode|null]   verified at `row` (after blank lines), as uploaded when it differs
//   [row, 'r', reason, cell]   refused at extraction (the cell cut to 320 characters)
//   [row, 'd', of, unicode, ascii]  a duplicate of row `of`
// Verified entries take the job's sequence numbers in order from the block's `from_seq`.
import { randomUUID } from 'node:crypto';
import { encryptionContext, type Keyring } from '../crypto/index.ts';
import type { ExtractedAddress, RejectionReason, SkippedRow } from '../ingest/index.ts';
import { corrupt, openJson, sealJson } from './chunks.ts';

/** Data rows per block. */
export const ROWS_PER_BLOCK = 2000;

type RowEntry =
  | 0
  | [row: number, kind: 'v', unicode: string | null]
  | [row: number, kind: 'r', reason: RejectionReason, cell: string]
  | [row: number, kind: 'd', of: number, unicode: string, ascii: string];

/** A block as staging inserts it (snake_case: it goes through json_to_recordset). */
export interface StagedRowBlock {
  id: string;
  seq: number;
  from_row: number;
  to_row: number;
  from_seq: number;
  size: number;
  rows: string;
}

/** A stored block as the downloads read it. */
export interface RowBlockRecord {
  id: string;
  seq: number;
  from_row: number;
  from_seq: number;
  size: number;
  rows: string;
}

/** One data row of the file, decoded. `seq`: the verified address' position among the job's. */
export type FileRow =
  | { kind: 'verified'; row: number; seq: number; unicode: string | null }
  | { kind: 'rejected'; row: number; reason: RejectionReason; cell: string }
  | { kind: 'duplicate'; row: number; of: number; unicode: string; ascii: string };

const rowsContext = (id: string) => encryptionContext('bulk_job_rows', id, 'rows');

/** Builds the blocks of an upload as its rows come, in file order. */
export class RowBlockBuilder {
  private entries: RowEntry[] = [];
  private fromRow = 0;
  private lastRow = 0;
  private fromSeq = 1;
  private blocks = 0;
  private readonly keyring: Keyring;

  constructor(keyring: Keyring) {
    this.keyring = keyring;
  }

  /** A verified address with its sequence number; a full block when this one closed it. */
  verified(address: ExtractedAddress, seq: number): StagedRowBlock | null {
    if (this.entries.length === 0) this.fromSeq = seq;
    const unicode = address.unicode === address.ascii ? null : address.unicode;
    this.push(
      address.row,
      unicode === null && address.row === this.lastRow + 1 ? 0 : [address.row, 'v', unicode],
    );
    return this.entries.length >= ROWS_PER_BLOCK ? this.close() : null;
  }

  /** A refused or duplicate row; `nextSeq` is the sequence number the next verified address gets. */
  skipped(row: SkippedRow, nextSeq: number): StagedRowBlock | null {
    if (this.entries.length === 0) this.fromSeq = nextSeq;
    this.push(
      row.row,
      row.kind === 'rejected'
        ? [row.row, 'r', row.reason, row.value]
        : [row.row, 'd', row.of, row.unicode, row.ascii],
    );
    return this.entries.length >= ROWS_PER_BLOCK ? this.close() : null;
  }

  private push(row: number, entry: RowEntry): void {
    if (this.entries.length === 0) this.fromRow = row;
    this.entries.push(entry);
    this.lastRow = row;
  }

  /** The block of the rows since the last one, or null when there are none. */
  close(): StagedRowBlock | null {
    if (this.entries.length === 0) return null;
    const id = randomUUID();
    this.blocks += 1;
    const block = {
      id,
      seq: this.blocks,
      from_row: this.fromRow,
      to_row: this.lastRow,
      from_seq: this.fromSeq,
      size: this.entries.length,
      rows: sealJson(this.keyring, rowsContext(id), this.entries),
    };
    this.entries = [];
    return block;
  }
}

/** A stored block's rows, decoded; throws INTERNAL unless it holds `size` well-formed entries. */
export function openRowBlock(keyring: Keyring, block: RowBlockRecord): FileRow[] {
  const entries = openJson(keyring, rowsContext(block.id), block.rows);
  if (!Array.isArray(entries) || entries.length !== block.size) throw corrupt();
  const out: FileRow[] = [];
  let row = block.from_row - 1;
  let seq = block.from_seq;
  for (const entry of entries as RowEntry[]) {
    if (entry === 0) {
      row += 1;
      out.push({ kind: 'verified', row, seq: seq++, unicode: null });
      continue;
    }
    if (!Array.isArray(entry)) throw corrupt();
    row = entry[0];
    if (entry[1] === 'v') out.push({ kind: 'verified', row, seq: seq++, unicode: entry[2] });
    else if (entry[1] === 'r') out.push({ kind: 'rejected', row, reason: entry[2], cell: entry[3] });
    else if (entry[1] === 'd')
      out.push({ kind: 'duplicate', row, of: entry[2], unicode: entry[3], ascii: entry[4] });
    else throw corrupt();
  }
  return out;
}
