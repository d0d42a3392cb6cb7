// Bulk verification jobs: statuses, counters and the chunk job payload shared by core, worker and API.
import { z } from 'zod';

export const BULK_JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export const ZBulkJobStatus = z.enum(BULK_JOB_STATUSES);
export type BulkJobStatus = z.infer<typeof ZBulkJobStatus>;

export const BULK_ITEM_STATUSES = ['pending', 'done'] as const;
export const ZBulkItemStatus = z.enum(BULK_ITEM_STATUSES);
export type BulkItemStatus = z.infer<typeof ZBulkItemStatus>;

/** Items per `bulk.chunk` job. */
export const BULK_CHUNK_SIZE = 500;
/** Bulk job results are kept this long after the job completes. */
export const BULK_RESULT_RETENTION_DAYS = 7;

export const ZBulkChunkJob = z
  .object({
    jobId: z.uuid(),
    /** Inclusive range of item sequence numbers (1-based). */
    fromSeq: z.number().int().min(1),
    toSeq: z.number().int().min(1),
  })
  .refine((v) => v.toSeq >= v.fromSeq, { message: 'toSeq must not be below fromSeq', path: ['toSeq'] });
export type BulkChunkJob = z.infer<typeof ZBulkChunkJob>;
