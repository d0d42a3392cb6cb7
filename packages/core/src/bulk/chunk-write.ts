// Writing a chunk's results while it is processed (process.ts): each write is one transaction with the
// job's counters under a compare-and-set on the chunk's version, so a duplicated or retried run never
// counts a result twice; the write that brings `processed` to `total` completes the job, exactly once.
import type { ValidationResult } from '@postern/contracts';
import type { CoreContext } from '../context.ts';
import { type ChunkRow, STATUS_COLUMNS, sealResults, type VerdictStatus } from './chunks.ts';
import { recordJobEnded, resultsExpireAt } from './job-ended.ts';
import type { ChunkOutcome } from './process.ts';

/** The run a writer writes for: its job, how often it writes, and the outcome it adds to. */
interface WriterRun {
  jobId: string;
  /** Recorded on each chunk written (which worker process wrote it). */
  workerId: string | undefined;
  flushMs: number;
  outcome: ChunkOutcome;
}

/**
 * Writes a chunk's results as they come: every `flushMs` while more are verified, and at the end. The
 * snapshot of a write is taken when it starts; writes go one at a time, in order, while verification
 * goes on. A write that finds the chunk written by another run halts this run (its view wins).
 */
export function chunkWriter(
  ctx: Pick<CoreContext, 'em' | 'keyring' | 'clock'>,
  run: WriterRun,
  chunk: ChunkRow,
  results: (ValidationResult | null)[],
) {
  const { outcome } = run;
  let version = chunk.version;
  // Results validated since the last write was started: what the next write adds to the counters.
  let fresh: VerdictStatus[] = [];
  let lastWrite = performance.now();
  let writing: Promise<void> = Promise.resolve();
  let failed = false;
  let writeError: unknown;
  let lost = false;
  const write = () => {
    lastWrite = performance.now();
    const added = fresh;
    fresh = [];
    const sealed = sealResults(ctx.keyring, chunk.id, results);
    const done = results.every((r) => r !== null);
    writing = writing.then(async () => {
      if (failed || lost) return;
      try {
        const ok = await writeChunk(
          ctx,
          { jobId: run.jobId, workerId: run.workerId, chunkId: chunk.id, version, sealed, done, added },
          outcome,
        );
        if (ok) {
          version += 1;
          outcome.written += added.length;
        } else {
          // Another run wrote this chunk first: its view wins, this run's results are dropped.
          lost = true;
          outcome.skipped += added.length;
        }
      } catch (error) {
        failed = true;
        writeError = error;
      }
    });
  };
  return {
    record(index: number, result: ValidationResult, more: boolean) {
      results[index] = result;
      fresh.push(result.status as VerdictStatus);
      if (more && performance.now() - lastWrite >= run.flushMs) write();
    },
    halted: () => lost || failed,
    /** Writes what is left and waits for every write; throws the first write's error. */
    async finish() {
      if (fresh.length) write();
      await writing;
      if (failed) throw writeError;
    },
    /** Waits for a write under way, writing nothing more. */
    async abandon() {
      await writing;
    },
  };
}

/** One write of a chunk: its sealed results at `version`, and the verdicts it adds to the counters. */
interface ChunkWrite {
  jobId: string;
  workerId: string | undefined;
  chunkId: string;
  version: number;
  sealed: string;
  done: boolean;
  added: VerdictStatus[];
}

/**
 * Writes a chunk's results in one transaction, if the chunk is still at `version`: the results, its
 * status and counters, and the job's counters moved by `added`; the job completes when `processed`
 * reaches `total`. False when another run had written the chunk meanwhile (nothing is written).
 */
async function writeChunk(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  write: ChunkWrite,
  outcome: ChunkOutcome,
): Promise<boolean> {
  const { clock } = ctx;
  const { jobId, workerId, chunkId, version, sealed, done, added } = write;
  const counts = new Map<VerdictStatus, number>();
  for (const status of added) counts.set(status, (counts.get(status) ?? 0) + 1);
  const sets = ['processed = processed + ?'];
  const values: unknown[] = [added.length];
  for (const [status, count] of counts) {
    const column = STATUS_COLUMNS[status];
    sets.push(`"${column}" = "${column}" + ?`);
    values.push(count);
  }
  // A fork without managed entities: the transaction has nothing to flush.
  return ctx.em.fork().transactional(async (tx) => {
    const tconn = tx.getConnection();
    const tctx = tx.getTransactionContext();
    const now = clock.now();
    const chunk = (await tconn.execute(
      `update bulk_job_chunk set ${sets.join(', ')}, results = ?, status = ?, version = version + 1,
         processed_by = ?, processed_at = ?
         where id = ? and version = ?`,
      [...values, sealed, done ? 'done' : 'pending', workerId ?? null, now, chunkId, version],
      'run',
      tctx,
    )) as { affectedRows: number };
    if (chunk.affectedRows !== 1) return false;
    if (added.length === 0) return true;
    const job = (await tconn.execute(
      `update bulk_job set ${sets.join(', ')} where id = ? returning processed, total, status`,
      [...values, jobId],
      'all',
      tctx,
    )) as { processed: number; total: number; status: string }[];
    const row = job[0];
    if (row && row.processed >= row.total) {
      const ended = (await tconn.execute(
        `update bulk_job set status = 'completed', completed_at = ?, expires_at = ?
           where id = ? and status in ('queued', 'running')`,
        [now, resultsExpireAt(now), jobId],
        'run',
        tctx,
      )) as { affectedRows: number };
      if (ended.affectedRows === 1) {
        outcome.completedJob = true;
        await recordJobEnded(tx, clock, jobId);
      }
    }
    return true;
  });
}
