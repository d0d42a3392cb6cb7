// Processes one range of a bulk verification job (see core/bulk/jobs.ts): pending items only, results
// encrypted, counters atomic, the job completed exactly once. One engine per worker process serves
// every chunk, so each domain is looked up once (DNS stage cache and request coalescing).
import { QUEUES } from '@postern/contracts';
import { type BulkEngine, failBulkJob, type Keyring, processBulkChunk } from '@postern/core';
import { defineJob, type JobHandler } from '../job.ts';

export interface BulkJobDeps {
  keyring: Keyring;
  /** Called once, at the first chunk: the process-wide engine. */
  engine: () => BulkEngine;
  /** The chunk queue's retry limit (the last attempt failing fails the job); the queue policy's by default. */
  retryLimit?: number;
}

export function createBulkChunkJob(deps: BulkJobDeps): JobHandler<typeof QUEUES.bulkChunk> {
  return defineJob(QUEUES.bulkChunk, async (payload, ctx) => {
    try {
      const outcome = await processBulkChunk(
        {
          em: ctx.em,
          keyring: deps.keyring,
          clock: ctx.clock,
          engine: deps.engine(),
          workerId: ctx.worker.workerId,
          signal: ctx.signal,
        },
        payload,
      );
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
