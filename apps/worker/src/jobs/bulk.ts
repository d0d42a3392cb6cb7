// Processes one range of a bulk verification job (see core/bulk/process.ts): pending items only, results
// encrypted, counters atomic, the job completed exactly once. One engine per worker process serves
// every chunk, so each domain is looked up once (DNS stage cache and request coalescing).
import { QUEUES } from '@postern/contracts';
import {
  type BulkEngine,
  failBulkJob,
  type Keyring,
  processBulkChunk,
  RESOLVER_RETRY_DELAY_SECONDS,
  requeueChunkLater,
} from '@postern/core';
import type { PgBoss } from '@postern/runtime';
import { defineJob, type JobHandler } from '../job.ts';

export interface BulkJobDeps {
  keyring: Keyring;
  /** Called once, at the first chunk: the process-wide engine. */
  engine: () => BulkEngine;
  /** The chunk queue's retry limit (the last attempt failing fails the job); the queue policy's by default. */
  retryLimit?: number;
  /** Queues a chunk handed back during a resolver outage again (without it, the run throws and retries). */
  boss?: Pick<PgBoss, 'send'>;
  /** How long a chunk waits for an unhealthy resolver before it is handed back (core's default). */
  maxPauseMs?: number;
}

export function createBulkChunkJob(deps: BulkJobDeps): JobHandler<typeof QUEUES.bulkChunk> {
  return defineJob(QUEUES.bulkChunk, async (payload, ctx) => {
    try {
      // The job's core context; runners started without services (tests) get its part from the job.
      const outcome = await processBulkChunk(
        ctx.core ?? { em: ctx.em, keyring: deps.keyring, clock: ctx.clock },
        {
          engine: deps.engine(),
          workerId: ctx.worker.workerId,
          signal: ctx.signal,
          ...(deps.maxPauseMs !== undefined ? { maxPauseMs: deps.maxPauseMs } : {}),
        },
        payload,
      );
      // The resolver stayed unhealthy: what was validated is written; the rest runs again later as a
      // new chunk job, so a long DNS outage uses up none of this chunk's retries (nor fails the job).
      if (outcome.stopped === 'paused') {
        if (!deps.boss) throw new Error('bulk chunk paused on an unhealthy DNS resolver');
        await requeueChunkLater({ queue: deps.boss }, payload, RESOLVER_RETRY_DELAY_SECONDS);
        ctx.logger.warn(
          { jobId: payload.jobId, fromSeq: payload.fromSeq, retryInSeconds: RESOLVER_RETRY_DELAY_SECONDS },
          'bulk chunk handed back: the DNS resolver is unhealthy',
        );
        return outcome;
      }
      // Aborted: the chunk expired, or pg-boss found its claim gone (its heartbeat went stale and the
      // monitor handed it to another worker). What was written stays; the retry starts from there.
      if (outcome.stopped === 'aborted')
        throw new Error('bulk chunk expired or lost its claim before it finished');
      return outcome;
    } catch (error) {
      // The last attempt of a chunk failing fails the job (bulk_job.failed); results so far are kept.
      if (ctx.attempt >= (deps.retryLimit ?? QUEUES.bulkChunk.policy.retryLimit)) {
        const failed = await failBulkJob(
          { em: ctx.em.fork(), clock: ctx.clock },
          payload.jobId,
          `addresses ${payload.fromSeq}–${payload.toSeq} could not be checked after ${ctx.attempt + 1} attempts`,
        );
        if (failed)
          ctx.logger.error(
            { jobId: payload.jobId, err: error },
            'bulk job failed: a chunk exhausted its retries',
          );
      }
      throw error;
    }
  });
}
