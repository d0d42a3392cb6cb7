// A stored bulk result row as every surface shows it (REST results and downloads, tRPC results).
import type { BulkResultItem } from '@postern/contracts';
import type { BulkResultRow } from '@postern/core';

export function resultItem(row: BulkResultRow): BulkResultItem {
  return { seq: row.seq, email: row.email, status: row.result?.status ?? 'pending', result: row.result };
}
