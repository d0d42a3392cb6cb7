// Reading bulk jobs: the view of a job (and its public DTO and progress), the workspace's list, and a
// job's addresses with their results, decrypted page by page.
import type {
  BulkItemStatus,
  BulkJobDto,
  BulkJobStatus,
  BulkJobSummaryView,
  BulkMetadata,
  BulkProgressEvent,
  Depth,
  ValidationResult,
} from '@postern/contracts';
import { BulkJob } from '@postern/db';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { afterCursor, keysetOrder, keysetPage } from '../pagination.ts';
import {
  CHUNK_COLUMNS,
  type ChunkRow,
  openAddresses,
  openResults,
  STATUS_COLUMNS,
  type VerdictStatus,
} from './chunks.ts';

export interface BulkJobView {
  id: string;
  workspaceId: string;
  name: string | null;
  createdBy: string | null;
  metadata: BulkMetadata | null;
  summary: BulkJobSummaryView | null;
  retries: number;
  status: BulkJobStatus;
  depth: Depth;
  total: number;
  processed: number;
  counts: Record<VerdictStatus, number>;
  chunkSize: number;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  expiresAt: Date | null;
  error: string | null;
}

export function bulkJobView(job: BulkJob): BulkJobView {
  return {
    id: job.id,
    workspaceId: job.workspaceId,
    name: job.name ?? null,
    createdBy: job.createdBy ?? null,
    metadata: (job.metadata as BulkMetadata | null) ?? null,
    summary: (job.summary as unknown as BulkJobSummaryView | null) ?? null,
    retries: job.retries,
    status: job.status as BulkJobStatus,
    depth: job.depth as Depth,
    total: job.total,
    processed: job.processed,
    counts: {
      deliverable: job.deliverable,
      undeliverable: job.undeliverable,
      catch_all: job.catchAll,
      risky: job.risky,
      do_not_mail: job.doNotMail,
      unknown: job.unknown,
    },
    chunkSize: job.chunkSize,
    createdAt: job.createdAt,
    startedAt: job.startedAt ?? null,
    completedAt: job.completedAt ?? null,
    expiresAt: job.expiresAt ?? null,
    error: job.error ?? null,
  };
}

/** A job's progress as the event stream sends it: counts, a percentage and an ETA from the rate so far. */
export function bulkProgress(
  job: Pick<BulkJobView, 'id' | 'status' | 'total' | 'processed' | 'counts' | 'startedAt'>,
  now: Date,
): BulkProgressEvent {
  const percent = job.total === 0 ? 100 : Math.floor((job.processed / job.total) * 1000) / 10;
  let etaSeconds: number | null = null;
  const active = job.status === 'queued' || job.status === 'running';
  if (active && job.startedAt && job.processed > 0) {
    const elapsed = (now.getTime() - job.startedAt.getTime()) / 1000;
    const rate = job.processed / Math.max(elapsed, 0.001);
    etaSeconds = Math.max(0, Math.ceil((job.total - job.processed) / rate));
  }
  return {
    id: job.id,
    status: job.status,
    total: job.total,
    processed: job.processed,
    percent,
    counts: job.counts,
    etaSeconds,
  };
}

/** The public shape of a job (REST, tRPC, SDK): ISO dates, a percentage and an ETA from the rate so far. */
export function bulkJobDto(view: BulkJobView, now: Date): BulkJobDto {
  const { percent, etaSeconds } = bulkProgress(view, now);
  return {
    id: view.id,
    name: view.name,
    status: view.status,
    depth: view.depth,
    total: view.total,
    processed: view.processed,
    percent,
    counts: view.counts,
    summary: view.summary,
    metadata: view.metadata,
    retries: view.retries,
    createdAt: view.createdAt.toISOString(),
    startedAt: view.startedAt?.toISOString() ?? null,
    completedAt: view.completedAt?.toISOString() ?? null,
    expiresAt: view.expiresAt?.toISOString() ?? null,
    etaSeconds,
    error: view.error,
  };
}

/** The job created earlier with this Idempotency-Key in the workspace, if any. */
export async function findJobByIdempotencyKey(
  ctx: Pick<CoreContext, 'em'>,
  workspaceId: string,
  key: string,
): Promise<BulkJobView | null> {
  const job = await ctx.em.findOne(BulkJob, { workspaceId, idempotencyKey: key }, { refresh: true });
  return job ? bulkJobView(job) : null;
}

/** A page of the workspace's jobs, newest first. The cursor is opaque (created_at + id). */
export async function listBulkJobs(
  ctx: Pick<CoreContext, 'em'>,
  workspaceId: string,
  options: { cursor?: string; limit: number },
): Promise<{ jobs: BulkJobView[]; nextCursor: string | null }> {
  const limit = Math.max(1, Math.min(100, Math.floor(options.limit)));
  const after = afterCursor(options.cursor);
  const where = { workspaceId, ...(after ? { $and: [after] } : {}) };
  const rows = await ctx.em.find(BulkJob, where, keysetOrder(limit));
  const { page, nextCursor } = keysetPage(rows, limit);
  return { jobs: page.map(bulkJobView), nextCursor };
}

export async function getBulkJob(
  ctx: Pick<CoreContext, 'em'>,
  workspaceId: string,
  jobId: string,
): Promise<BulkJobView> {
  const job = await ctx.em.findOne(BulkJob, { id: jobId, workspaceId }, { refresh: true });
  if (!job) throw new DomainError('NOT_FOUND', 'No such bulk job');
  return bulkJobView(job);
}

export interface BulkResultRow {
  seq: number;
  email: string;
  status: BulkItemStatus;
  result: ValidationResult | null;
}

/** One page of a job's addresses and results, decrypted, in sequence order after `afterSeq`. */
export async function readBulkResults(
  ctx: Pick<CoreContext, 'em' | 'keyring'>,
  workspaceId: string,
  jobId: string,
  options: { status?: VerdictStatus | BulkItemStatus; afterSeq?: number; limit: number },
): Promise<{ items: BulkResultRow[]; nextAfterSeq: number | null }> {
  const { em, keyring } = ctx;
  const job = await getBulkJob(ctx, workspaceId, jobId);
  const limit = Math.max(1, Math.min(10_000, Math.floor(options.limit)));
  const afterSeq = Math.max(0, Math.floor(options.afterSeq ?? 0));
  const status = options.status;
  // Chunks without a match for the filter are skipped on their clear counters.
  const filter =
    status === undefined
      ? ''
      : status === 'pending'
        ? ' and processed < size'
        : status === 'done'
          ? ' and processed > 0'
          : ` and "${STATUS_COLUMNS[status]}" > 0`;
  const conn = em.getConnection();
  const items: BulkResultRow[] = [];
  // Enough chunks for a page when every address matches; more are read while the page is not full.
  const perRead = Math.max(1, Math.ceil(limit / Math.max(1, job.chunkSize)) + 1);
  let lastSeq = 0;
  for (;;) {
    const chunks = (await conn.execute(
      `select ${CHUNK_COLUMNS} from bulk_job_chunk
         where job_id = ? and from_seq + size - 1 > ? and seq > ?${filter} order by seq limit ?`,
      [jobId, afterSeq, lastSeq, perRead],
      'all',
    )) as ChunkRow[];
    for (const chunk of chunks) {
      const addresses = openAddresses(keyring, chunk.id, chunk.addresses, chunk.size);
      const results = openResults(keyring, chunk.id, chunk.results, chunk.size);
      for (let i = 0; i < chunk.size; i++) {
        const seq = chunk.from_seq + i;
        if (seq <= afterSeq) continue;
        const result = results[i] ?? null;
        const itemStatus: BulkItemStatus = result ? 'done' : 'pending';
        if (status !== undefined && status !== itemStatus && status !== result?.status) continue;
        items.push({ seq, email: addresses[i] as string, status: itemStatus, result });
        if (items.length === limit) return { items, nextAfterSeq: seq };
      }
    }
    if (chunks.length < perRead) return { items, nextAfterSeq: null };
    lastSeq = (chunks.at(-1) as ChunkRow).seq;
  }
}
