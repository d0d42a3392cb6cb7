// Processes one range of a bulk verification job (see core/bulk/jobs.ts): pending items only, results
// encrypted, counters atomic, the job completed exactly once. One engine per worker process serves
// every chunk, so each domain is looked up once (DNS stage cache and request coalescing).
import { QUEUES } from '@postern/contracts';
import { type BulkEngine, type Keyring, processBulkChunk } from '@postern/core';
import { defineJob, type JobHandler } from '../job.ts';

export interface BulkJobDeps {
  keyring: Keyring;
  /** Called once, at the first chunk: the process-wide engine. */
  engine: () => BulkEngine;
}

export function createBulkChunkJob(deps: BulkJobDeps): JobHandler<typeof QUEUES.bulkChunk> {
  return defineJob(QUEUES.bulkChunk, async (payload, ctx) => {
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
    if (outcome.stopped === 'aborted') throw new Error('bulk chunk expired before it finished');
    return outcome;
  });
}
