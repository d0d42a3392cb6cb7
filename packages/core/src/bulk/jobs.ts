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
  type BulkJobStatus,
  type Depth,
  QUEUES,
  type ValidationResult,
} from '@postern/contracts';
import { BulkJob, BulkJobItem, type EntityManager } from '@postern/db';
import type { PgBoss } from '@postern/runtime';
import type { Clock } from '../clock.ts';
import { encryptionContext, type Keyring } from '../crypto/index.ts';
import { DomainError } from '../errors.ts';
import { shapeValidationResult } from '../validation/single-check.ts';
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
}

export interface BulkJobView {
  id: string;
  workspaceId: string;
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

/**
 * Extracts the addresses into encrypted items (1,000 per insert) inside one transaction, marks the job
 * queued and enqueues its chunk jobs. An extraction failure rolls everything back and the DomainError
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

  const job = await ctx.em.transactional(async (tx) => {
    tx.insert(BulkJob, {
      id: jobId,
      workspaceId,
      createdBy: actorId,
      status: 'queued',
      depth: input.depth,
      chunkSize,
      createdAt: now,
    });
    await tx.flush();
    let seq = 0;
    let batch: Partial<BulkJobItem>[] = [];
    const writeBatch = async () => {
      if (!batch.length) return;
      const rows = batch;
      batch = [];
      await tx.insertMany(BulkJobItem, rows as BulkJobItem[]);
    };
    const onAddress = async (address: ExtractedAddress) => {
      seq += 1;
      const id = randomUUID();
      batch.push({
        id,
        jobId,
        seq,
        address: ctx.keyring.encrypt(address.ascii, addressContext(id)),
        status: 'pending',
        attempts: 0,
      });
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
    return tx.findOneOrFail(BulkJob, { id: jobId }, { refresh: true });
  });

  if (job.total > 0) {
    const policy = QUEUES.bulkChunk.policy;
    const chunks = [];
    for (let from = 1; from <= job.total; from += chunkSize) {
      chunks.push({
        data: { jobId, fromSeq: from, toSeq: Math.min(job.total, from + chunkSize - 1) },
        retryLimit: policy.retryLimit,
        retryDelay: policy.retryDelaySeconds,
        retryBackoff: policy.retryBackoff,
        expireInSeconds: input.chunkExpireInSeconds ?? policy.expireInSeconds,
      });
    }
    try {
      for (let i = 0; i < chunks.length; i += 1000)
        await ctx.boss.insert(QUEUES.bulkChunk.name, chunks.slice(i, i + 1000));
    } catch (error) {
      await ctx.em.nativeUpdate(
        BulkJob,
        { id: jobId },
        { status: 'failed', error: 'the job could not be queued', completedAt: ctx.clock.now() },
      );
      throw error;
    }
  }
  return bulkJobView(job);
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
  ctx: { em: EntityManager; clock: Clock },
  workspaceId: string,
  jobId: string,
): Promise<BulkJobView> {
  const job = await getBulkJob(ctx.em, workspaceId, jobId);
  if (job.status === 'queued' || job.status === 'running') {
    const now = ctx.clock.now();
    await ctx.em.nativeUpdate(
      BulkJob,
      { id: jobId, workspaceId, status: { $in: ['queued', 'running'] } },
      {
        status: 'cancelled',
        completedAt: now,
        expiresAt: new Date(now.getTime() + BULK_RESULT_RETENTION_DAYS * DAY),
      },
    );
  }
  return getBulkJob(ctx.em, workspaceId, jobId);
}

/** Deletes the job and every item of it. */
export async function deleteBulkJob(em: EntityManager, workspaceId: string, jobId: string): Promise<void> {
  await getBulkJob(em, workspaceId, jobId);
  await em.transactional(async (tx) => {
    await tx.nativeDelete(BulkJobItem, { jobId });
    await tx.nativeDelete(BulkJob, { id: jobId, workspaceId });
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
}

export interface ChunkOutcome {
  /** Items written by this run. */
  written: number;
  /** Items of the range already done (a retry after a crash). */
  skipped: number;
  stopped: 'cancelled' | 'missing' | 'aborted' | null;
  completedJob: boolean;
}

/**
 * Processes one range of a job: pending items only, `concurrency` at a time. Each batch's results,
 * the items' `done` mark and the job counters are written in one transaction, and an item is only
 * written while still pending (compare-and-set), so a retried or duplicated chunk never counts an
 * item twice. The transaction that brings `processed` to `total` completes the job, exactly once.
 */
export async function processBulkChunk(
  deps: ChunkDeps,
  payload: { jobId: string; fromSeq: number; toSeq: number },
): Promise<ChunkOutcome> {
  const { em, keyring, clock, engine } = deps;
  const concurrency = deps.concurrency ?? BULK_VALIDATE_CONCURRENCY;
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

  const pending = await em.find(
    BulkJobItem,
    { jobId: job.id, seq: { $gte: payload.fromSeq, $lte: payload.toSeq }, status: 'pending' },
    { orderBy: { seq: 'asc' }, fields: ['id', 'seq', 'address'] },
  );
  outcome.skipped = payload.toSeq - payload.fromSeq + 1 - pending.length;

  for (let i = 0; i < pending.length; i += concurrency) {
    if (deps.signal?.aborted) return { ...outcome, stopped: 'aborted' };
    // Cancellation (or deletion) is checked between batches: what was written stays.
    const state = (await conn.execute('select status from bulk_job where id = ?', [job.id], 'all')) as {
      status: string;
    }[];
    if (!state[0]) return { ...outcome, stopped: 'missing' };
    if (state[0].status === 'cancelled') return { ...outcome, stopped: 'cancelled' };

    const batch = pending.slice(i, i + concurrency);
    const results = await Promise.all(
      batch.map(async (item) => {
        const email = keyring.decryptString(item.address, addressContext(item.id));
        const result = shapeValidationResult(await engine.validate(email, { depth }), clock);
        return { item, result };
      }),
    );

    const written = await em.transactional(async (tx) => {
      const tconn = tx.getConnection();
      const tctx = tx.getTransactionContext();
      const counts = new Map<VerdictStatus, number>();
      let n = 0;
      const now = clock.now();
      for (const { item, result } of results) {
        const sealed = keyring.encrypt(JSON.stringify(result), resultContext(item.id));
        const res = (await tconn.execute(
          `update bulk_job_item set status = 'done', result = ?, result_status = ?, attempts = attempts + 1,
             processed_by = ?, processed_at = ? where id = ? and status = 'pending'`,
          [sealed, result.status, deps.workerId ?? null, now, item.id],
          'run',
          tctx,
        )) as { affectedRows: number };
        if (res.affectedRows === 1) {
          n += 1;
          const status = result.status as VerdictStatus;
          counts.set(status, (counts.get(status) ?? 0) + 1);
        }
      }
      if (n === 0) return 0;
      const sets = ['processed = processed + ?'];
      const values: unknown[] = [n];
      for (const [status, count] of counts) {
        const column = STATUS_COLUMNS[status];
        sets.push(`"${column}" = "${column}" + ?`);
        values.push(count);
      }
      const rows = (await tconn.execute(
        `update bulk_job set ${sets.join(', ')} where id = ? returning processed, total, status`,
        [...values, job.id],
        'all',
        tctx,
      )) as { processed: number; total: number; status: string }[];
      const row = rows[0];
      if (row && row.processed >= row.total) {
        const done = (await tconn.execute(
          `update bulk_job set status = 'completed', completed_at = ?, expires_at = ?
             where id = ? and status in ('queued', 'running')`,
          [now, new Date(now.getTime() + BULK_RESULT_RETENTION_DAYS * DAY), job.id],
          'run',
          tctx,
        )) as { affectedRows: number };
        if (done.affectedRows === 1) outcome.completedJob = true;
      }
      return n;
    });
    outcome.written += written;
    outcome.skipped += batch.length - written;
  }
  return outcome;
}

/** Retention: jobs past `expires_at` (7 days after completion or cancellation) go, items first. */
export async function purgeExpiredBulkJobs(em: EntityManager, now: Date): Promise<number> {
  const expired = await em.find(
    BulkJob,
    { expiresAt: { $lt: now } },
    { fields: ['id'], limit: 500, orderBy: { expiresAt: 'asc' } },
  );
  if (!expired.length) return 0;
  const ids = expired.map((job) => job.id);
  return em.transactional(async (tx) => {
    await tx.nativeDelete(BulkJobItem, { jobId: { $in: ids } });
    return tx.nativeDelete(BulkJob, { id: { $in: ids } });
  });
}
