// What happens to a bulk job after it was created, other than its chunks being processed: cancel, fail,
// retry of its unknown results, delete, and the retention purge once its results expire.
import { BulkJob, BulkJobChunk, BulkJobRows, type EntityManager } from '@postern/db';
import { recordAudit } from '../audit/record.ts';
import { type CoreContext, NO_REQUEST_META } from '../context.ts';
import type { Keyring } from '../crypto/index.ts';
import { DomainError } from '../errors.ts';
import { requestWebhookDispatch } from '../webhooks/dispatch.ts';
import { auditedActor } from './acting.ts';
import { type ChunkQueue, enqueueChunks } from './chunk-queue.ts';
import { openResults, sealResults } from './chunks.ts';
import { recordJobEnded, resultsExpireAt } from './job-ended.ts';
import { type BulkJobView, getBulkJob } from './read.ts';

/** Chunks whose results are rewritten per statement when unknown results are retried. */
const RETRY_BATCH = 100;

/**
 * Marks a queued or running job failed (results so far are kept; it expires like a completed one) and
 * records bulk_job.failed with it. Returns false when the job had already ended.
 */
export async function failBulkJob(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  jobId: string,
  reason: string,
): Promise<boolean> {
  return ctx.em.transactional(async (tx) => {
    const now = ctx.clock.now();
    const changed = await tx.nativeUpdate(
      BulkJob,
      { id: jobId, status: { $in: ['queued', 'running'] } },
      {
        status: 'failed',
        error: reason.slice(0, 500),
        completedAt: now,
        expiresAt: resultsExpireAt(now),
      },
    );
    if (changed !== 1) return false;
    await recordJobEnded(tx, ctx.clock, jobId);
    return true;
  });
}

/** Marks a queued or running job cancelled; chunk handlers stop at their next check. Results so far are kept. */
export async function cancelBulkJob(
  ctx: Pick<CoreContext, 'em' | 'clock' | 'actor' | 'meta'> & { queue: ChunkQueue },
  workspaceId: string,
  jobId: string,
): Promise<BulkJobView> {
  const job = await getBulkJob(ctx, workspaceId, jobId);
  if (job.status === 'queued' || job.status === 'running') {
    const ended = await ctx.em.transactional(async (tx) => {
      const now = ctx.clock.now();
      const changed = await tx.nativeUpdate(
        BulkJob,
        { id: jobId, workspaceId, status: { $in: ['queued', 'running'] } },
        {
          status: 'cancelled',
          completedAt: now,
          expiresAt: resultsExpireAt(now),
        },
      );
      if (changed !== 1) return false;
      recordAudit(tx, ctx.clock, {
        type: 'bulk_job.cancelled',
        workspaceId,
        target: { type: 'bulk_job', id: jobId },
        ...auditedActor(ctx),
      });
      await recordJobEnded(tx, ctx.clock, jobId);
      return true;
    });
    // The cancellation wrote bulk_job.completed: have a worker deliver it now, not at its next poll.
    if (ended) await requestWebhookDispatch(ctx.queue, 'bulk_job');
  }
  return getBulkJob(ctx, workspaceId, jobId);
}

/**
 * Puts every `unknown` result of an ended job back to pending and queues it again (a "retry later"
 * verdict: greylisting, timeouts). Counters move back in the same transaction; the job runs again and
 * completes (with a new event) when they are done. Nothing to retry -> BAD_REQUEST.
 */
export async function retryUnknownResults(
  ctx: Pick<CoreContext, 'em' | 'clock' | 'keyring' | 'actor' | 'meta'> & { queue: ChunkQueue },
  workspaceId: string,
  jobId: string,
  options: { chunkExpireInSeconds?: number } = {},
): Promise<BulkJobView> {
  const before = await getBulkJob(ctx, workspaceId, jobId);
  if (before.status === 'queued' || before.status === 'running')
    throw new DomainError(
      'CONFLICT',
      'The job is still running; retry its unknown results once it has finished',
    );
  if (before.counts.unknown === 0)
    throw new DomainError('BAD_REQUEST', 'The job has no unknown results to retry');
  // A job that ended before checking everything (cancelled, failed) would never reach its total again.
  if (before.processed < before.total)
    throw new DomainError(
      'CONFLICT',
      `The job ended with ${(before.total - before.processed).toLocaleString('en-US')} addresses unchecked; only a job that checked every address can retry its unknown results`,
    );
  await ctx.em.transactional(async (tx) => {
    const { cleared: n, chunkRanges } = await clearUnknownResults(tx, ctx.keyring, jobId);
    const moved = await tx.nativeUpdate(
      BulkJob,
      { id: jobId, workspaceId, status: { $in: ['completed', 'cancelled', 'failed'] } },
      {
        status: 'queued',
        processed: before.processed - n,
        unknown: before.counts.unknown - n,
        completedAt: null,
        expiresAt: null,
        error: null,
        retries: before.retries + 1,
      },
    );
    if (moved !== 1) throw new DomainError('CONFLICT', 'The job changed meanwhile; reload it and try again');
    recordAudit(tx, ctx.clock, {
      type: 'bulk_job.retried',
      workspaceId,
      target: { type: 'bulk_job', id: jobId },
      ...auditedActor(ctx, { addresses: n }),
    });
    // One chunk job per chunk with a retried result, queued in this transaction.
    await enqueueChunks(tx, ctx.queue, jobId, chunkRanges, options.chunkExpireInSeconds);
  });
  return getBulkJob(ctx, workspaceId, jobId);
}

/**
 * On `tx`'s transaction: every `unknown` result of the job's chunks becomes null again (pending), and
 * each chunk's counters move back with them. Returns how many were cleared and the chunks' ranges.
 */
async function clearUnknownResults(
  tx: EntityManager,
  keyring: Keyring,
  jobId: string,
): Promise<{ cleared: number; chunkRanges: { fromSeq: number; toSeq: number }[] }> {
  const conn = tx.getConnection();
  const tctx = tx.getTransactionContext();
  // The chunks holding unknown results, locked against a concurrent retry. Their results are read
  // and rewritten 100 chunks at a time (a million results are ~100 MB).
  const chunks = (await conn.execute(
    `select id, from_seq, size from bulk_job_chunk
       where job_id = ? and unknown > 0 order by seq for update`,
    [jobId],
    'all',
    tctx,
  )) as { id: string; from_seq: number; size: number }[];
  let n = 0;
  for (let i = 0; i < chunks.length; i += RETRY_BATCH) {
    const batch = chunks.slice(i, i + RETRY_BATCH);
    const stored = (await conn.execute(
      'select id, size, results from bulk_job_chunk where id in (?)',
      [batch.map((c) => c.id)],
      'all',
      tctx,
    )) as { id: string; size: number; results: string | null }[];
    const updates = stored.map((chunk) => {
      const results = openResults(keyring, chunk.id, chunk.results, chunk.size);
      let cleared = 0;
      for (let k = 0; k < results.length; k++) {
        if (results[k]?.status === 'unknown') {
          results[k] = null;
          cleared++;
        }
      }
      n += cleared;
      return { id: chunk.id, results: sealResults(keyring, chunk.id, results), cleared };
    });
    await conn.execute(
      `update bulk_job_chunk c set results = r.results, status = 'pending', unknown = c.unknown - r.cleared,
         processed = c.processed - r.cleared, version = c.version + 1
         from json_to_recordset(cast(? as json)) as r(id uuid, results text, cleared int)
         where c.id = r.id`,
      [JSON.stringify(updates)],
      'run',
      tctx,
    );
  }
  const chunkRanges = chunks.map((c) => ({ fromSeq: c.from_seq, toSeq: c.from_seq + c.size - 1 }));
  return { cleared: n, chunkRanges };
}

/** Deletes the job, every chunk and row block of it (audited). A running job stops at its chunks' next check. */
export async function deleteBulkJob(
  ctx: Pick<CoreContext, 'em' | 'clock' | 'actor' | 'meta'>,
  workspaceId: string,
  jobId: string,
): Promise<void> {
  const job = await getBulkJob(ctx, workspaceId, jobId);
  await ctx.em.transactional(async (tx) => {
    await tx.nativeDelete(BulkJobChunk, { jobId });
    await tx.nativeDelete(BulkJobRows, { jobId });
    await tx.nativeDelete(BulkJob, { id: jobId, workspaceId });
    recordAudit(tx, ctx.clock, {
      type: 'bulk_job.deleted',
      workspaceId,
      target: { type: 'bulk_job', id: jobId },
      ...auditedActor(ctx, { name: job.name, status: job.status, addresses: job.total }),
    });
  });
}

/** Retention: jobs past `expires_at` (7 days after completion or cancellation) go, items first. */
export async function purgeExpiredBulkJobs(em: EntityManager, now: Date): Promise<number> {
  const expired = await em.find(
    BulkJob,
    { expiresAt: { $lt: now }, status: { $in: ['completed', 'cancelled', 'failed'] } },
    {
      fields: ['id', 'workspaceId', 'name', 'total', 'expiresAt'],
      limit: 500,
      orderBy: { expiresAt: 'asc' },
    },
  );
  if (!expired.length) return 0;
  const ids = expired.map((job) => job.id);
  const clock = { now: () => now };
  return em.transactional(async (tx) => {
    await tx.nativeDelete(BulkJobChunk, { jobId: { $in: ids } });
    await tx.nativeDelete(BulkJobRows, { jobId: { $in: ids } });
    for (const job of expired) {
      recordAudit(tx, clock, {
        type: 'bulk_job.purged',
        actorId: null,
        workspaceId: job.workspaceId,
        target: { type: 'bulk_job', id: job.id },
        meta: NO_REQUEST_META,
        metadata: {
          name: job.name ?? null,
          addresses: job.total,
          expiredAt: job.expiresAt?.toISOString() ?? null,
        },
      });
    }
    return tx.nativeDelete(BulkJob, { id: { $in: ids } });
  });
}
