// Sending a file's addresses to the add procedure in batches (pure apart from `send`: testable). The
// server adds a batch all or nothing and names the addresses its validator refuses; those are left
// out (counted as skipped) and the rest of the batch is sent again, so one bad line does not sink a
// thousand good ones.
import { apiErrorData } from '../../lib/api-errors.ts';
import { BATCH_SIZE, batches, invalidPositions } from './suppression-csv.ts';

export interface ImportCounts {
  added: number;
  existing: number;
  /** Refused by the server's validator (the file's own rejects are counted by the caller). */
  invalid: number;
  /** Addresses handled so far (for the progress bar). */
  done: number;
}

export type SendBatch = (emails: string[]) => Promise<{ added: number; existing: number }>;

/** How many times one batch is re-sent without the addresses the server named. */
const MAX_RETRIES = 10;

/** A batch was refused: why (`cause`, the server's error) and what was sent before it. */
export class ImportStopped extends Error {
  readonly counts: ImportCounts;
  constructor(cause: unknown, counts: ImportCounts) {
    super('The import stopped', { cause });
    this.counts = counts;
  }
}

/**
 * Sends `addresses` in batches; resolves to the counts, or rejects with ImportStopped (the counts so
 * far) on a refusal that names no address, or after too many retries of one batch.
 */
export async function sendInBatches(
  addresses: readonly string[],
  send: SendBatch,
  onProgress: (counts: ImportCounts) => void = () => {},
  size = BATCH_SIZE,
): Promise<ImportCounts> {
  const counts: ImportCounts = { added: 0, existing: 0, invalid: 0, done: 0 };
  for (const batch of batches(addresses, size)) {
    let pending = batch;
    for (let attempt = 0; pending.length; attempt += 1) {
      try {
        const result = await send(pending);
        counts.added += result.added;
        counts.existing += result.existing;
        break;
      } catch (error) {
        const named = new Set(
          invalidPositions(apiErrorData(error)?.details).filter((index) => index < pending.length),
        );
        if (!named.size || attempt >= MAX_RETRIES) throw new ImportStopped(error, { ...counts });
        counts.invalid += named.size;
        pending = pending.filter((_, index) => !named.has(index));
      }
    }
    counts.done += batch.length;
    onProgress({ ...counts });
  }
  return counts;
}
