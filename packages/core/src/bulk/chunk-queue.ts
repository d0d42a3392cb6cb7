// The chunk jobs of a bulk job on pg-boss: one per range of addresses, queued with the job (or with a
// retry of its unknown results) in the caller's transaction, or again later after a resolver outage.
import { QUEUES } from '@postern/contracts';
import { type EntityManager, transactionSql } from '@postern/db';
import type { CoreContext } from '../context.ts';

/** Contiguous ranges of at most `size` sequence numbers covering from..to. */
export function ranges(from: number, to: number, size: number): { fromSeq: number; toSeq: number }[] {
  const out = [];
  for (let a = from; a <= to; a += size) out.push({ fromSeq: a, toSeq: Math.min(to, a + size - 1) });
  return out;
}

/** The pg-boss options of a chunk job (the queue's policy). */
function chunkJobOptions(expireInSeconds?: number) {
  const policy = QUEUES.bulkChunk.policy;
  return {
    retryLimit: policy.retryLimit,
    retryDelay: policy.retryDelaySeconds,
    retryBackoff: policy.retryBackoff,
    expireInSeconds: expireInSeconds ?? policy.expireInSeconds,
    // The worker refreshes it while the chunk runs; a killed worker's chunk is retried once it is stale.
    heartbeatSeconds: policy.heartbeatSeconds,
  };
}

/**
 * Queues a chunk again to run after `delaySeconds` (a chunk handed back while the resolver is
 * unhealthy): a new job with the full retry budget, so a long outage fails nothing.
 */
export async function requeueChunkLater(
  ctx: { queue: Pick<CoreContext['queue'], 'send'> },
  range: { jobId: string; fromSeq: number; toSeq: number },
  delaySeconds: number,
): Promise<void> {
  await ctx.queue.send(QUEUES.bulkChunk.name, range, { ...chunkJobOptions(), startAfter: delaySeconds });
}

/** Inserts the chunk jobs (1,000 per call) on `tx`'s transaction. */
export async function enqueueChunks(
  tx: EntityManager,
  queue: ChunkQueue,
  jobId: string,
  chunkRanges: { fromSeq: number; toSeq: number }[],
  expireInSeconds?: number,
): Promise<void> {
  const chunks = chunkRanges.map((range) => ({
    data: { jobId, ...range },
    ...chunkJobOptions(expireInSeconds),
  }));
  const db = transactionSql(tx);
  for (let i = 0; i < chunks.length; i += 1000)
    await queue.insert(QUEUES.bulkChunk.name, chunks.slice(i, i + 1000), { db });
}

/** pg-boss as bulk writes use it: chunk jobs inserted in the caller's transaction (CoreContext's queue). */
export type ChunkQueue = Pick<CoreContext['queue'], 'insert'>;
