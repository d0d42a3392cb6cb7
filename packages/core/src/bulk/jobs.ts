// Bulk verification jobs: creation (extraction -> encrypted items, written in batches, then chunk jobs
// enqueued), chunk processing (crash-safe: an item is written at most once, counters move in the same
// transaction as the items), cancel, paged results, delete and the retention purge.
//
// Addresses and results are stored only as keyring ciphertexts bound to (bulk_job_item, id, field).
import { randomUUID } from 'node:crypto';
import {
  BULK_CHUNK_SIZE,
  BULK_RESULT_RETENTION_DAYS,
  type BulkItemStatus,
  type BulkJobDto,
  type BulkJobEventData,
  type BulkJobStatus,
  type BulkJobSummaryView,
  type BulkMetadata,
  type BulkProgressEvent,
  type Depth,
  QUEUES,
  type ValidationResult,
} from '@postern/contracts';
import { BulkJob, BulkJobItem, type EntityManager, transactionSql } from '@postern/db';
import type { PgBoss } from '@postern/runtime';
import { type RequestMeta, recordAudit } from '../audit/record.ts';
import type { Clock } from '../clock.ts';
import { encryptionContext, type Keyring } from '../crypto/index.ts';
import { DomainError } from '../errors.ts';
import { notifyUsers, recordEvent } from '../events/outbox.ts';
import { afterCursor, keysetOrder, keysetPage } from '../pagination.ts';
import { shapeValidationResult } from '../validation/single-check.ts';
import { requestWebhookDispatch } from '../webhooks/dispatch.ts';
import type { UploadSource } from './decode.ts';
import type { BulkEngine } from './engine.ts';
import { extractAddresses, extractFromArray } from './extract.ts';
import type { ExtractedAddress, ExtractionSummary, ExtractOptions } from './types.ts';

const DAY = 86_400_000;
/** Items per insert while extracting. */
export const BULK_INSERT_BATCH = 1000;
/** Addresses validated at the same time within one chunk. */
export const BULK_VALIDATE_CONCURRENCY = 20;

const addressContext = (itemId: string) => encryptionContext('bulk_job_item', itemId, 'address');
const resultContext = (itemId: string) => encryptionContext('bulk_job_item', itemId, 'result');

/** Per-status counter columns of bulk_job, keyed by verdict status. */
const STATUS_COLUMNS = {
  deliverable: 'deliverable',
  undeliverable: 'undeliverable',
  catch_all: 'catch_all',
  risky: 'risky',
  do_not_mail: 'do_not_mail',
  unknown: 'unknown',
} as const;
type VerdictStatus = keyof typeof STATUS_COLUMNS;

export interface BulkContext {
  em: EntityManager;
  keyring: Keyring;
  clock: Clock;
  boss: Pick<PgBoss, 'insert'>;
}

export interface CreateBulkJobInput
  extends Pick<
    ExtractOptions,
    | 'column'
    | 'format'
    | 'encoding'
    | 'maxBytes'
    | 'maxRows'
    | 'maxColumns'
    | 'maxFieldLength'
    | 'maxRowBytes'
    | 'dedupe'
  > {
  /** An upload (streamed) or a JSON array of addresses. */
  source: UploadSource | readonly unknown[];
  depth: Depth;
  /** Items per chunk job. Default 500. */
  chunkSize?: number;
  /** Per-chunk-job expiry override (the queue's policy otherwise). */
  chunkExpireInSeconds?: number;
  name?: string | null;
  metadata?: BulkMetadata | null;
  /** A repeat of the same key in the workspace returns the first job (see findJobByIdempotencyKey). */
  idempotencyKey?: string | null;
  /** Set when an API key created the job (actorId is then null). */
  apiKeyId?: string | null;
  /** Request metadata for the audit entry. */
  meta?: RequestMeta;
}

const NO_META: RequestMeta = { ip: null, userAgent: null };

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
async function recordJobEnded(tx: EntityManager, clock: Clock, jobId: string): Promise<void> {
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

/** The job created earlier with this Idempotency-Key in the workspace, if any. */
export async function findJobByIdempotencyKey(
  em: EntityManager,
  workspaceId: string,
  key: string,
): Promise<BulkJobView | null> {
  const job = await em.findOne(BulkJob, { workspaceId, idempotencyKey: key }, { refresh: true });
  return job ? bulkJobView(job) : null;
}

/** A page of the workspace's jobs, newest first. The cursor is opaque (created_at + id). */
export async function listBulkJobs(
  em: EntityManager,
  workspaceId: string,
  options: { cursor?: string; limit: number },
): Promise<{ jobs: BulkJobView[]; nextCursor: string | null }> {
  const limit = Math.max(1, Math.min(100, Math.floor(options.limit)));
  const after = afterCursor(options.cursor);
  const where = { workspaceId, ...(after ? { $and: [after] } : {}) };
  const rows = await em.find(BulkJob, where, keysetOrder(limit));
  const { page, nextCursor } = keysetPage(rows, limit);
  return { jobs: page.map(bulkJobView), nextCursor };
}

/**
 * Extracts the addresses into encrypted items (1,000 per insert) and queues its chunk jobs, all in one
 * transaction (pg-boss writes through it). An extraction failure rolls everything back and the DomainError
 * propagates. A job without any address is completed at once.
 */
export async function createBulkJob(
  ctx: BulkContext,
  workspaceId: string,
  actorId: string | null,
  input: CreateBulkJobInput,
): Promise<BulkJobView> {
  const chunkSize = input.chunkSize ?? BULK_CHUNK_SIZE;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1)
    throw new DomainError('BAD_REQUEST', 'chunkSize must be a positive integer', { option: 'chunkSize' });
  const jobId = randomUUID();
  const now = ctx.clock.now();

  if (input.idempotencyKey) {
    const existing = await findJobByIdempotencyKey(ctx.em, workspaceId, input.idempotencyKey);
    if (existing) return existing;
  }

  let job: BulkJob;
  try {
    job = await ctx.em.transactional(async (tx) => {
      await tx.insert(BulkJob, {
        id: jobId,
        workspaceId,
        createdBy: actorId,
        apiKeyId: input.apiKeyId ?? null,
        name: input.name ?? null,
        idempotencyKey: input.idempotencyKey ?? null,
        metadata: input.metadata ?? null,
        status: 'queued',
        depth: input.depth,
        chunkSize,
        createdAt: now,
      });
      let seq = 0;
      let batch: { id: string; seq: number; address: string }[] = [];
      const tconn = tx.getConnection();
      const tctx = tx.getTransactionContext();
      // One statement per batch whose rows travel as one JSON parameter: the ORM's multi-row insert
      // formats every value into the SQL text, which cost more than the rest of the insert.
      const writeBatch = async () => {
        if (!batch.length) return;
        const rows = batch;
        batch = [];
        await tconn.execute(
          `insert into bulk_job_item (id, job_id, seq, address, status, attempts)
             select r.id, ?, r.seq, r.address, 'pending', 0
               from json_to_recordset(cast(? as json)) as r(id uuid, seq int, address text)`,
          [jobId, JSON.stringify(rows)],
          'run',
          tctx,
        );
      };
      const onAddress = async (address: ExtractedAddress) => {
        seq += 1;
        const id = randomUUID();
        batch.push({ id, seq, address: ctx.keyring.encrypt(address.ascii, addressContext(id)) });
        if (batch.length >= BULK_INSERT_BATCH) await writeBatch();
      };
      const common = {
        onAddress,
        ...(input.maxRows !== undefined ? { maxRows: input.maxRows } : {}),
        ...(input.maxFieldLength !== undefined ? { maxFieldLength: input.maxFieldLength } : {}),
        ...(input.dedupe !== undefined ? { dedupe: input.dedupe } : {}),
      };
      let summary: ExtractionSummary;
      if (Array.isArray(input.source)) {
        summary = await extractFromArray(input.source, common);
      } else {
        summary = await extractAddresses(input.source as UploadSource, {
          ...common,
          ...(input.column !== undefined ? { column: input.column } : {}),
          ...(input.format !== undefined ? { format: input.format } : {}),
          ...(input.encoding !== undefined ? { encoding: input.encoding } : {}),
          ...(input.maxBytes !== undefined ? { maxBytes: input.maxBytes } : {}),
          ...(input.maxColumns !== undefined ? { maxColumns: input.maxColumns } : {}),
          ...(input.maxRowBytes !== undefined ? { maxRowBytes: input.maxRowBytes } : {}),
        });
      }
      await writeBatch();
      const empty = seq === 0;
      const done = ctx.clock.now();
      await tx.nativeUpdate(
        BulkJob,
        { id: jobId },
        {
          total: seq,
          summary: summary as unknown as Record<string, unknown>,
          ...(empty
            ? {
                status: 'completed',
                startedAt: done,
                completedAt: done,
                expiresAt: new Date(done.getTime() + BULK_RESULT_RETENTION_DAYS * DAY),
              }
            : {}),
        },
      );
      recordAudit(tx, ctx.clock, {
        type: 'bulk_job.created',
        actorId,
        workspaceId,
        target: { type: 'bulk_job', id: jobId },
        meta: input.meta ?? NO_META,
        metadata: {
          addresses: seq,
          rows: summary.rowsRead,
          depth: input.depth,
          ...(input.apiKeyId ? { apiKeyId: input.apiKeyId } : {}),
        },
      });
      if (empty) await recordJobEnded(tx, ctx.clock, jobId);
      // The chunk jobs commit with the job: no job without its chunks, no chunks without a job.
      else await enqueueChunks(tx, ctx.boss, jobId, ranges(1, seq, chunkSize), input.chunkExpireInSeconds);
      return tx.findOneOrFail(BulkJob, { id: jobId }, { refresh: true });
    });
  } catch (error) {
    // Two requests with one Idempotency-Key: the loser's transaction is rolled back; return the winner's job.
    if (input.idempotencyKey && isUniqueViolation(error)) {
      const existing = await findJobByIdempotencyKey(ctx.em, workspaceId, input.idempotencyKey);
      if (existing) return existing;
    }
    throw error;
  }
  // A job without any address ended in its creating transaction (bulk_job.completed written).
  if (job.total === 0) await requestWebhookDispatch(ctx.boss, 'bulk_job');
  return bulkJobView(job);
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; name?: string } | null;
  return e?.code === '23505' || e?.name === 'UniqueConstraintViolationException';
}

/** Contiguous ranges of at most `size` sequence numbers covering from..to. */
function ranges(from: number, to: number, size: number): { fromSeq: number; toSeq: number }[] {
  const out = [];
  for (let a = from; a <= to; a += size) out.push({ fromSeq: a, toSeq: Math.min(to, a + size - 1) });
  return out;
}

/** Inserts the chunk jobs (1,000 per call) on `tx`'s transaction. */
async function enqueueChunks(
  tx: EntityManager,
  boss: BulkContext['boss'],
  jobId: string,
  chunkRanges: { fromSeq: number; toSeq: number }[],
  expireInSeconds?: number,
): Promise<void> {
  const policy = QUEUES.bulkChunk.policy;
  const chunks = chunkRanges.map((range) => ({
    data: { jobId, ...range },
    retryLimit: policy.retryLimit,
    retryDelay: policy.retryDelaySeconds,
    retryBackoff: policy.retryBackoff,
    expireInSeconds: expireInSeconds ?? policy.expireInSeconds,
  }));
  const db = transactionSql(tx);
  for (let i = 0; i < chunks.length; i += 1000)
    await boss.insert(QUEUES.bulkChunk.name, chunks.slice(i, i + 1000), { db });
}

/**
 * Marks a queued or running job failed (results so far are kept; it expires like a completed one) and
 * records bulk_job.failed with it. Returns false when the job had already ended.
 */
export async function failBulkJob(
  ctx: { em: EntityManager; clock: Clock },
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
        expiresAt: new Date(now.getTime() + BULK_RESULT_RETENTION_DAYS * DAY),
      },
    );
    if (changed !== 1) return false;
    await recordJobEnded(tx, ctx.clock, jobId);
    return true;
  });
}

export async function getBulkJob(
  em: EntityManager,
  workspaceId: string,
  jobId: string,
): Promise<BulkJobView> {
  const job = await em.findOne(BulkJob, { id: jobId, workspaceId }, { refresh: true });
  if (!job) throw new DomainError('NOT_FOUND', 'No such bulk job');
  return bulkJobView(job);
}

/** Marks a queued or running job cancelled; chunk handlers stop at their next check. Results so far are kept. */
export async function cancelBulkJob(
  ctx: { em: EntityManager; clock: Clock; boss?: BulkContext['boss'] },
  workspaceId: string,
  jobId: string,
  actor: { actorId: string | null; apiKeyId?: string | null; meta?: RequestMeta } = { actorId: null },
): Promise<BulkJobView> {
  const job = await getBulkJob(ctx.em, workspaceId, jobId);
  if (job.status === 'queued' || job.status === 'running') {
    const ended = await ctx.em.transactional(async (tx) => {
      const now = ctx.clock.now();
      const changed = await tx.nativeUpdate(
        BulkJob,
        { id: jobId, workspaceId, status: { $in: ['queued', 'running'] } },
        {
          status: 'cancelled',
          completedAt: now,
          expiresAt: new Date(now.getTime() + BULK_RESULT_RETENTION_DAYS * DAY),
        },
      );
      if (changed !== 1) return false;
      recordAudit(tx, ctx.clock, {
        type: 'bulk_job.cancelled',
        actorId: actor.actorId,
        workspaceId,
        target: { type: 'bulk_job', id: jobId },
        meta: actor.meta ?? NO_META,
        ...(actor.apiKeyId ? { metadata: { apiKeyId: actor.apiKeyId } } : {}),
      });
      await recordJobEnded(tx, ctx.clock, jobId);
      return true;
    });
    // The cancellation wrote bulk_job.completed: have a worker deliver it now, not at its next poll.
    if (ended) await requestWebhookDispatch(ctx.boss, 'bulk_job');
  }
  return getBulkJob(ctx.em, workspaceId, jobId);
}

/**
 * Puts every `unknown` result of an ended job back to pending and queues it again (a "retry later"
 * verdict: greylisting, timeouts). Counters move back in the same transaction; the job runs again and
 * completes (with a new event) when they are done. Nothing to retry -> BAD_REQUEST.
 */
export async function retryUnknownResults(
  ctx: BulkContext,
  workspaceId: string,
  jobId: string,
  actor: { actorId: string | null; apiKeyId?: string | null; meta?: RequestMeta } = { actorId: null },
  options: { chunkExpireInSeconds?: number } = {},
): Promise<BulkJobView> {
  const before = await getBulkJob(ctx.em, workspaceId, jobId);
  if (before.status === 'queued' || before.status === 'running')
    throw new DomainError(
      'CONFLICT',
      'The job is still running; retry its unknown results once it has finished',
    );
  if (before.counts.unknown === 0)
    throw new DomainError('BAD_REQUEST', 'The job has no unknown results to retry');
  await ctx.em.transactional(async (tx) => {
    const conn = tx.getConnection();
    const tctx = tx.getTransactionContext();
    const reset = (await conn.execute(
      `update bulk_job_item set status = 'pending', result = null, result_status = null
         where job_id = ? and status = 'done' and result_status = 'unknown' returning seq`,
      [jobId],
      'all',
      tctx,
    )) as { seq: number }[];
    const n = reset.length;
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
      actorId: actor.actorId,
      workspaceId,
      target: { type: 'bulk_job', id: jobId },
      meta: actor.meta ?? NO_META,
      metadata: { addresses: n, ...(actor.apiKeyId ? { apiKeyId: actor.apiKeyId } : {}) },
    });
    // One chunk job per `chunkSize` retried items, spanning their sequence numbers (done items between
    // are skipped), queued in this transaction.
    const seqs = reset.map((r) => r.seq).sort((a, b) => a - b);
    const chunkRanges: { fromSeq: number; toSeq: number }[] = [];
    for (let k = 0; k < seqs.length; k += before.chunkSize) {
      const part = seqs.slice(k, k + before.chunkSize);
      chunkRanges.push({ fromSeq: part[0] as number, toSeq: part.at(-1) as number });
    }
    await enqueueChunks(tx, ctx.boss, jobId, chunkRanges, options.chunkExpireInSeconds);
  });
  return getBulkJob(ctx.em, workspaceId, jobId);
}

/** Deletes the job and every item of it (audited). A running job stops at its chunks' next check. */
export async function deleteBulkJob(
  ctx: { em: EntityManager; clock: Clock },
  workspaceId: string,
  jobId: string,
  actor: { actorId: string | null; apiKeyId?: string | null; meta?: RequestMeta } = { actorId: null },
): Promise<void> {
  const job = await getBulkJob(ctx.em, workspaceId, jobId);
  await ctx.em.transactional(async (tx) => {
    await tx.nativeDelete(BulkJobItem, { jobId });
    await tx.nativeDelete(BulkJob, { id: jobId, workspaceId });
    recordAudit(tx, ctx.clock, {
      type: 'bulk_job.deleted',
      actorId: actor.actorId,
      workspaceId,
      target: { type: 'bulk_job', id: jobId },
      meta: actor.meta ?? NO_META,
      metadata: {
        name: job.name,
        status: job.status,
        addresses: job.total,
        ...(actor.apiKeyId ? { apiKeyId: actor.apiKeyId } : {}),
      },
    });
  });
}

export interface BulkResultRow {
  seq: number;
  email: string;
  status: BulkItemStatus;
  result: ValidationResult | null;
}

/** One page of a job's items, decrypted, in sequence order after `afterSeq`. */
export async function readBulkResults(
  em: EntityManager,
  keyring: Keyring,
  workspaceId: string,
  jobId: string,
  options: { status?: VerdictStatus | BulkItemStatus; afterSeq?: number; limit: number },
): Promise<{ items: BulkResultRow[]; nextAfterSeq: number | null }> {
  await getBulkJob(em, workspaceId, jobId);
  const limit = Math.max(1, Math.min(10_000, Math.floor(options.limit)));
  const where: Record<string, unknown> = { jobId, seq: { $gt: options.afterSeq ?? 0 } };
  if (options.status === 'pending' || options.status === 'done') where.status = options.status;
  else if (options.status) where.resultStatus = options.status;
  const rows = await em.find(BulkJobItem, where, { orderBy: { seq: 'asc' }, limit });
  const items = rows.map(
    (row): BulkResultRow => ({
      seq: row.seq,
      email: keyring.decryptString(row.address, addressContext(row.id)),
      status: row.status as BulkItemStatus,
      result: row.result
        ? (JSON.parse(keyring.decryptString(row.result, resultContext(row.id))) as ValidationResult)
        : null,
    }),
  );
  const last = rows.at(-1);
  return { items, nextAfterSeq: rows.length === limit && last ? last.seq : null };
}

export interface ChunkDeps {
  em: EntityManager;
  keyring: Keyring;
  clock: Clock;
  engine: BulkEngine;
  /** Recorded on each item written (which worker process wrote it). */
  workerId?: string;
  signal?: AbortSignal;
  concurrency?: number;
  /** Results written per transaction (at most; also written after FLUSH_MS). Default 250. */
  writeBatch?: number;
}

export interface ChunkOutcome {
  /** Items written by this run. */
  written: number;
  /** Items of the range already done (a retry after a crash). */
  skipped: number;
  stopped: 'cancelled' | 'missing' | 'aborted' | null;
  completedJob: boolean;
}

/** Results written per transaction while a chunk runs. */
export const BULK_WRITE_BATCH = 250;
/** Results waiting longer than this are written even if fewer than a batch (progress stays live). */
const FLUSH_MS = 1000;

interface ChunkResult {
  id: string;
  status: VerdictStatus;
  result: ValidationResult;
}

/**
 * Processes one range of a job: pending items only, validated `concurrency` at a time. Results are
 * written `writeBatch` at a time (or after a second): the items' results and `done` mark and the
 * job counters move in one transaction, an item is only written while still pending (compare-and-
 * set), so a retried or duplicated chunk never counts an item twice. Writing a batch overlaps
 * validating the next. Cancellation (or deletion) is checked before each validation round; results
 * already validated are still written. The transaction that brings `processed` to `total` completes
 * the job, exactly once.
 */
export async function processBulkChunk(
  deps: ChunkDeps,
  payload: { jobId: string; fromSeq: number; toSeq: number },
): Promise<ChunkOutcome> {
  const { em, keyring, clock, engine } = deps;
  const concurrency = deps.concurrency ?? BULK_VALIDATE_CONCURRENCY;
  const writeBatch = deps.writeBatch ?? BULK_WRITE_BATCH;
  const conn = em.getConnection();
  const outcome: ChunkOutcome = { written: 0, skipped: 0, stopped: null, completedJob: false };

  const job = await em.findOne(BulkJob, { id: payload.jobId }, { refresh: true });
  if (!job) return { ...outcome, stopped: 'missing' };
  if (job.status === 'cancelled' || job.status === 'completed' || job.status === 'failed')
    return { ...outcome, stopped: job.status === 'cancelled' ? 'cancelled' : null };
  if (job.status === 'queued') {
    await conn.execute(
      "update bulk_job set status = 'running', started_at = ? where id = ? and status = 'queued'",
      [clock.now(), job.id],
      'run',
    );
  }
  const depth = job.depth as Depth;

  // Plain rows, not entities: nothing for the unit of work to track (or scan at each transaction).
  const pending = (await conn.execute(
    `select id, address from bulk_job_item
       where job_id = ? and seq >= ? and seq <= ? and status = 'pending' order by seq`,
    [job.id, payload.fromSeq, payload.toSeq],
    'all',
  )) as { id: string; address: string }[];
  outcome.skipped = payload.toSeq - payload.fromSeq + 1 - pending.length;

  let buffer: ChunkResult[] = [];
  let lastWrite = performance.now();
  let writing: Promise<void> = Promise.resolve();
  let writeError: unknown;
  const write = (results: ChunkResult[]) => {
    lastWrite = performance.now();
    // One write at a time, in order; the next round validates meanwhile.
    writing = writing.then(async () => {
      if (writeError) return;
      try {
        const written = await writeResults(deps, job.id, results, outcome);
        outcome.written += written;
        outcome.skipped += results.length - written;
      } catch (error) {
        writeError = error;
      }
    });
  };
  const flush = async () => {
    if (buffer.length) write(buffer);
    buffer = [];
    await writing;
    if (writeError) throw writeError;
  };

  for (let i = 0; i < pending.length; i += concurrency) {
    if (deps.signal?.aborted) {
      await flush();
      return { ...outcome, stopped: 'aborted' };
    }
    // Cancellation (or deletion) is checked between rounds: what was validated is still written.
    const state = (await conn.execute('select status from bulk_job where id = ?', [job.id], 'all')) as {
      status: string;
    }[];
    if (!state[0]) {
      // Deleted: its items are gone, nothing to write (a write under way finds nothing to update).
      await writing;
      return { ...outcome, stopped: 'missing' };
    }
    if (state[0].status === 'cancelled') {
      await flush();
      return { ...outcome, stopped: 'cancelled' };
    }
    if (writeError) throw writeError;

    const round = pending.slice(i, i + concurrency);
    const results = await Promise.all(
      round.map(async (item): Promise<ChunkResult> => {
        const email = keyring.decryptString(item.address, addressContext(item.id));
        const result = shapeValidationResult(await engine.validate(email, { depth }), clock);
        return { id: item.id, status: result.status as VerdictStatus, result };
      }),
    );
    buffer.push(...results);
    if (buffer.length >= writeBatch || performance.now() - lastWrite >= FLUSH_MS) {
      write(buffer);
      buffer = [];
    }
  }
  await flush();
  return outcome;
}

/**
 * Writes validated results in one transaction: the pending items among them become done (one
 * statement), the job's counters move by what was written, and the job completes when `processed`
 * reaches `total`. Returns the number of items written.
 */
async function writeResults(
  deps: Pick<ChunkDeps, 'em' | 'keyring' | 'clock' | 'workerId'>,
  jobId: string,
  results: ChunkResult[],
  outcome: ChunkOutcome,
): Promise<number> {
  const { keyring, clock } = deps;
  const rows = results.map((r) => ({
    id: r.id,
    result: keyring.encrypt(JSON.stringify(r.result), resultContext(r.id)),
    status: r.status,
  }));
  // A fork without managed entities: the transaction has nothing to flush.
  return deps.em.fork().transactional(async (tx) => {
    const tconn = tx.getConnection();
    const tctx = tx.getTransactionContext();
    const now = clock.now();
    const updated = (await tconn.execute(
      `update bulk_job_item i set status = 'done', result = r.result, result_status = r.status,
         attempts = i.attempts + 1, processed_by = ?, processed_at = ?
         from json_to_recordset(cast(? as json)) as r(id uuid, result text, status text)
         where i.id = r.id and i.status = 'pending'
         returning r.status`,
      [deps.workerId ?? null, now, JSON.stringify(rows)],
      'all',
      tctx,
    )) as { status: VerdictStatus }[];
    const n = updated.length;
    if (n === 0) return 0;
    const counts = new Map<VerdictStatus, number>();
    for (const { status } of updated) counts.set(status, (counts.get(status) ?? 0) + 1);
    const sets = ['processed = processed + ?'];
    const values: unknown[] = [n];
    for (const [status, count] of counts) {
      const column = STATUS_COLUMNS[status];
      sets.push(`"${column}" = "${column}" + ?`);
      values.push(count);
    }
    const job = (await tconn.execute(
      `update bulk_job set ${sets.join(', ')} where id = ? returning processed, total, status`,
      [...values, jobId],
      'all',
      tctx,
    )) as { processed: number; total: number; status: string }[];
    const row = job[0];
    if (row && row.processed >= row.total) {
      const done = (await tconn.execute(
        `update bulk_job set status = 'completed', completed_at = ?, expires_at = ?
           where id = ? and status in ('queued', 'running')`,
        [now, new Date(now.getTime() + BULK_RESULT_RETENTION_DAYS * DAY), jobId],
        'run',
        tctx,
      )) as { affectedRows: number };
      if (done.affectedRows === 1) {
        outcome.completedJob = true;
        await recordJobEnded(tx, clock, jobId);
      }
    }
    return n;
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
    await tx.nativeDelete(BulkJobItem, { jobId: { $in: ids } });
    for (const job of expired) {
      recordAudit(tx, clock, {
        type: 'bulk_job.purged',
        actorId: null,
        workspaceId: job.workspaceId,
        target: { type: 'bulk_job', id: job.id },
        meta: NO_META,
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
