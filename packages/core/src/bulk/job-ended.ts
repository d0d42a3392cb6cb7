// What a bulk job reaching an end state (completed, cancelled, failed) causes, whichever phase ends it:
// the outbox event, a notification for its creator, and when its results expire.
import { BULK_RESULT_RETENTION_DAYS, type BulkJobEventData } from '@postern/contracts';
import { BulkJob, type EntityManager } from '@postern/db';
import type { Clock } from '../clock.ts';
import { notifyUsers, recordEvent } from '../events/outbox.ts';
import { bulkJobView } from './read.ts';

const DAY = 86_400_000;

/** When the results of a job that ends at `now` are purged. */
export const resultsExpireAt = (now: Date): Date =>
  new Date(now.getTime() + BULK_RESULT_RETENTION_DAYS * DAY);

function eventData(job: BulkJob): BulkJobEventData {
  const view = bulkJobView(job);
  return {
    job_id: view.id,
    name: view.name,
    status: view.status,
    total: view.total,
    processed: view.processed,
    counts: view.counts,
    metadata: view.metadata,
    completed_at: view.completedAt?.toISOString() ?? null,
    expires_at: view.expiresAt?.toISOString() ?? null,
    error: view.error,
  };
}

const STATUS_TITLE: Record<string, string> = {
  completed: 'finished',
  cancelled: 'was cancelled',
  failed: 'failed',
};

/**
 * Writes, on `tx`'s transaction, what a job reaching an end state causes: the outbox event
 * (bulk_job.completed — also for a cancellation — or bulk_job.failed) and a notification for its creator.
 */
export async function recordJobEnded(tx: EntityManager, clock: Clock, jobId: string): Promise<void> {
  const job = await tx.findOneOrFail(BulkJob, { id: jobId }, { refresh: true });
  const data = eventData(job);
  await recordEvent(
    tx,
    clock,
    job.workspaceId,
    job.status === 'failed' ? 'bulk_job.failed' : 'bulk_job.completed',
    data,
  );
  if (job.createdBy) {
    const label = job.name ?? 'Bulk job';
    await notifyUsers(tx, clock, {
      userIds: [job.createdBy],
      workspaceId: job.workspaceId,
      kind: job.status === 'failed' ? 'bulk_job.failed' : 'bulk_job.completed',
      title: `${label} ${STATUS_TITLE[job.status] ?? job.status}`,
      body:
        job.status === 'failed'
          ? `${job.processed.toLocaleString('en-US')} of ${job.total.toLocaleString('en-US')} addresses were checked before it failed: ${job.error ?? 'unknown error'}.`
          : `${job.processed.toLocaleString('en-US')} of ${job.total.toLocaleString('en-US')} addresses checked: ${job.deliverable.toLocaleString('en-US')} deliverable, ${job.undeliverable.toLocaleString('en-US')} undeliverable.`,
      link: `/w/${job.workspaceId}/jobs/${job.id}`,
    });
  }
}
