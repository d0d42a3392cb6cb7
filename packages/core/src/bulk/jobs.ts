// Bulk verification jobs (creation: creation.ts and staging.ts): chunk processing (crash-safe: a
// result is written at most once, counters move in the same transaction as the results), cancel,
// retry of unknown results, paged results, delete and the retention purge.
//
// Addresses and results are stored only as keyring ciphertexts, one of each per chunk (chunks.ts).
import {
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
import { BulkJob, BulkJobChunk, type EntityManager, transactionSql } from '@postern/db';
import type { PgBoss } from '@postern/runtime';
import { type RequestMeta, recordAudit } from '../audit/record.ts';
import type { Clock } from '../clock.ts';
import type { Keyring } from '../crypto/index.ts';
import { DomainError } from '../errors.ts';
import { notifyUsers, recordEvent } from '../events/outbox.ts';
import { afterCursor, keysetOrder, keysetPage } from '../pagination.ts';
import { shapeValidationResult } from '../validation/single-check.ts';
import { requestWebhookDispatch } from '../webhooks/dispatch.ts';
import { openAddresses, openResults, sealResults } from './chunks.ts';
import type { BulkEngine } from './engine.ts';

export const DAY = 86_400_000;
/** Chunks whose results are rewritten per statement when unknown results are retried. */
const RETRY_BATCH = 100;
/** Addresses validated at the same time within one chunk. */
export const BULK_VALIDATE_CONCURRENCY = 20;

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

export const NO_META: RequestMeta = { ip: null, userAgent: null };

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

export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; name?: string } | null;
  return e?.code === '23505' || e?.name === 'UniqueConstraintViolationException';
}

/** Contiguous ranges of at most `size` sequence numbers covering from..to. */
export function ranges(from: number, to: number, size: number): { fromSeq: number; toSeq: number }[] {
  const out = [];
  for (let a = from; a <= to; a += size) out.push({ fromSeq: a, toSeq: Math.min(to, a + size - 1) });
  return out;
}

/** Inserts the chunk jobs (1,000 per call) on `tx`'s transaction. */
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
  boss: Pick<PgBoss, 'send'>,
  range: { jobId: string; fromSeq: number; toSeq: number },
  delaySeconds: number,
): Promise<void> {
  await boss.send(QUEUES.bulkChunk.name, range, { ...chunkJobOptions(), startAfter: delaySeconds });
}

export async function enqueueChunks(
  tx: EntityManager,
  boss: BulkContext['boss'],
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
  // A job that ended before checking everything (cancelled, failed) would never reach its total again.
  if (before.processed < before.total)
    throw new DomainError(
      'CONFLICT',
      `The job ended with ${(before.total - before.processed).toLocaleString('en-US')} addresses unchecked; only a job that checked every address can retry its unknown results`,
    );
  await ctx.em.transactional(async (tx) => {
    const conn = tx.getConnection();
    const tctx = tx.getTransactionContext();
    // The chunks holding unknown results, locked against a concurrent retry; in each, the unknown
    // results become null again (pending) and the chunk's counters move back with them. Their
    // results are read and rewritten 100 chunks at a time (a million results are ~100 MB).
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
        const results = openResults(ctx.keyring, chunk.id, chunk.results, chunk.size);
        let cleared = 0;
        for (let k = 0; k < results.length; k++) {
          if (results[k]?.status === 'unknown') {
            results[k] = null;
            cleared++;
          }
        }
        n += cleared;
        return { id: chunk.id, results: sealResults(ctx.keyring, chunk.id, results), cleared };
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
    // One chunk job per chunk with a retried result, queued in this transaction.
    const chunkRanges = chunks.map((c) => ({ fromSeq: c.from_seq, toSeq: c.from_seq + c.size - 1 }));
    await enqueueChunks(tx, ctx.boss, jobId, chunkRanges, options.chunkExpireInSeconds);
  });
  return getBulkJob(ctx.em, workspaceId, jobId);
}

/** Deletes the job and every chunk of it (audited). A running job stops at its chunks' next check. */
export async function deleteBulkJob(
  ctx: { em: EntityManager; clock: Clock },
  workspaceId: string,
  jobId: string,
  actor: { actorId: string | null; apiKeyId?: string | null; meta?: RequestMeta } = { actorId: null },
): Promise<void> {
  const job = await getBulkJob(ctx.em, workspaceId, jobId);
  await ctx.em.transactional(async (tx) => {
    await tx.nativeDelete(BulkJobChunk, { jobId });
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

const CHUNK_COLUMNS = `id, seq, from_seq, size, addresses, results, status, version`;
interface ChunkRow {
  id: string;
  seq: number;
  from_seq: number;
  size: number;
  addresses: string;
  results: string | null;
  status: string;
  version: number;
}

/** One page of a job's addresses and results, decrypted, in sequence order after `afterSeq`. */
export async function readBulkResults(
  em: EntityManager,
  keyring: Keyring,
  workspaceId: string,
  jobId: string,
  options: { status?: VerdictStatus | BulkItemStatus; afterSeq?: number; limit: number },
): Promise<{ items: BulkResultRow[]; nextAfterSeq: number | null }> {
  const job = await getBulkJob(em, workspaceId, jobId);
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

export interface ChunkDeps {
  em: EntityManager;
  keyring: Keyring;
  clock: Clock;
  engine: BulkEngine;
  /** Recorded on each chunk written (which worker process wrote it). */
  workerId?: string;
  signal?: AbortSignal;
  concurrency?: number;
  /** A chunk's results so far are written after this many milliseconds (progress stays live). Default 1,000. */
  flushMs?: number;
  /** How often (milliseconds) cancellation and deletion are checked while validating. Default 250. */
  checkMs?: number;
  /**
   * The longest a chunk waits for an unhealthy resolver before it stops with `paused` (what it
   * validated is written; the worker queues the chunk again for later). Default 4 minutes: well
   * inside the chunk job's expiry, so a long resolver outage uses up no retry.
   */
  maxPauseMs?: number;
}

export interface ChunkOutcome {
  /** Results written by this run. */
  written: number;
  /** Addresses of the range that already had a result (a retry after a crash), or that another run wrote. */
  skipped: number;
  /** `paused`: the resolver stayed unhealthy for `maxPauseMs`; the rest waits for a later run. */
  stopped: ChunkStop | null;
  completedJob: boolean;
}

/** A chunk's results are written at the latest after this long, even before it is finished. */
const FLUSH_MS = 1000;
/** Cancellation and deletion are checked this often while a chunk is validated. */
const CHECK_MS = 250;
/** While the DNS resolver is unhealthy (canaries failing), runners look at its health this often. */
const RESOLVER_PAUSE_POLL_MS = 500;
/** See ChunkDeps.maxPauseMs. */
export const RESOLVER_MAX_PAUSE_MS = 4 * 60_000;
/** A chunk handed back while the resolver is unhealthy runs again after this long. */
export const RESOLVER_RETRY_DELAY_SECONDS = 60;

type ChunkStop = 'cancelled' | 'missing' | 'aborted' | 'paused';

/**
 * Processes the chunks of one range of a job (normally exactly one chunk): the addresses without a
 * result, validated `concurrency` at a time. A chunk's results are written when it is finished (and,
 * on a slow chunk, every `flushMs` meanwhile) in one transaction with the job's counters, under a
 * compare-and-set on the chunk's version: a duplicated or retried run never counts a result twice,
 * and a run that finds the chunk written by another stops. Writing overlaps validating. Cancellation
 * (or deletion) is checked every `checkMs`; results already validated are still written. The
 * transaction that brings `processed` to `total` completes the job, exactly once.
 */
export async function processBulkChunk(
  deps: ChunkDeps,
  payload: { jobId: string; fromSeq: number; toSeq: number },
): Promise<ChunkOutcome> {
  const { em, clock } = deps;
  const concurrency = deps.concurrency ?? BULK_VALIDATE_CONCURRENCY;
  const flushMs = deps.flushMs ?? FLUSH_MS;
  const checkMs = deps.checkMs ?? CHECK_MS;
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
  const chunks = (await conn.execute(
    `select ${CHUNK_COLUMNS} from bulk_job_chunk
       where job_id = ? and from_seq <= ? and from_seq + size - 1 >= ? order by seq`,
    [job.id, payload.toSeq, payload.fromSeq],
    'all',
  )) as ChunkRow[];

  // Cancellation and deletion, looked at no more often than every `checkMs`.
  let lastCheck = performance.now();
  let state: 'running' | 'cancelled' | 'missing' = 'running';
  const check = async () => {
    if (performance.now() - lastCheck < checkMs) return state;
    lastCheck = performance.now();
    const rows = (await conn.execute('select status from bulk_job where id = ?', [job.id], 'all')) as {
      status: string;
    }[];
    state = !rows[0] ? 'missing' : rows[0].status === 'cancelled' ? 'cancelled' : 'running';
    return state;
  };

  for (const chunk of chunks) {
    if (chunk.status !== 'pending') {
      outcome.skipped += chunk.size;
      continue;
    }
    const stopped = await processChunk(
      deps,
      { jobId: job.id, depth, concurrency, flushMs, check, outcome },
      chunk,
    );
    if (stopped) return { ...outcome, stopped };
  }
  return outcome;
}

/** Validates one chunk's addresses without a result and writes them; returns why it stopped early, if it did. */
interface ChunkRun {
  jobId: string;
  depth: Depth;
  concurrency: number;
  flushMs: number;
  /** The job's state, queried at most every `checkMs`. */
  check: () => Promise<'running' | 'cancelled' | 'missing'>;
  outcome: ChunkOutcome;
}

async function processChunk(
  deps: ChunkDeps,
  run: ChunkRun,
  chunk: ChunkRow,
): Promise<ChunkOutcome['stopped']> {
  const { keyring, clock, engine } = deps;
  const { jobId, depth, concurrency, flushMs, check, outcome } = run;
  const addresses = openAddresses(keyring, chunk.id, chunk.addresses, chunk.size);
  const results = openResults(keyring, chunk.id, chunk.results, chunk.size);
  const todo: number[] = [];
  for (let i = 0; i < results.length; i++) if (results[i] === null) todo.push(i);
  outcome.skipped += chunk.size - todo.length;

  let version = chunk.version;
  // Results validated since the last write was started: what the next write adds to the counters.
  let fresh: VerdictStatus[] = [];
  let lastWrite = performance.now();
  let writing: Promise<void> = Promise.resolve();
  let writeError: unknown;
  let lost = false;
  const write = () => {
    lastWrite = performance.now();
    const added = fresh;
    fresh = [];
    // The snapshot is taken now; writes go one at a time, in order, while validation goes on.
    const sealed = sealResults(keyring, chunk.id, results);
    const done = results.every((r) => r !== null);
    writing = writing.then(async () => {
      if (writeError || lost) return;
      try {
        const ok = await writeChunk(deps, jobId, chunk.id, version, sealed, done, added, outcome);
        if (ok) {
          version += 1;
          outcome.written += added.length;
        } else {
          // Another run wrote this chunk first: its view wins, this run's results are dropped.
          lost = true;
          outcome.skipped += added.length;
        }
      } catch (error) {
        writeError = error;
      }
    });
  };
  const settle = async () => {
    await writing;
    if (writeError) throw writeError;
  };

  let next = 0;
  let stop: ChunkStop | null = null;
  // A lying resolver (its canary domains fail) would turn addresses into unknown/dns_error: the chunk
  // pauses instead, still watching cancellation and the abort signal, and resumes on recovery.
  const health = engine.resolverHealth ?? null;
  const maxPauseMs = deps.maxPauseMs ?? RESOLVER_MAX_PAUSE_MS;
  let pausedSince: number | null = null;
  const pause = async (): Promise<ChunkStop | null> => {
    while (health?.status().healthy === false) {
      if (deps.signal?.aborted) return 'aborted';
      pausedSince ??= Date.now();
      if (Date.now() - pausedSince >= maxPauseMs) return 'paused';
      const state = await check();
      if (state !== 'running') return state;
      await new Promise((resolve) => setTimeout(resolve, RESOLVER_PAUSE_POLL_MS));
    }
    return null;
  };
  const runner = async () => {
    while (next < todo.length && !stop && !lost && !writeError) {
      if (deps.signal?.aborted) {
        stop = 'aborted';
        break;
      }
      const state = await check();
      if (state !== 'running') {
        stop ??= state;
        break;
      }
      const paused = await pause();
      if (paused) {
        stop ??= paused;
        break;
      }
      // Other runners may have taken the last addresses while this one awaited the check.
      if (next >= todo.length) break;
      const i = todo[next++] as number;
      let checked = await engine.validate(addresses[i] as string, { depth });
      // The resolver turned unhealthy during this check: wait, then check the address again (a stop
      // leaves it without a result, for the next run).
      let interrupted: ChunkStop | null = null;
      while (checked.resolverHealthy === false && !interrupted) {
        interrupted = await pause();
        if (!interrupted) checked = await engine.validate(addresses[i] as string, { depth });
      }
      if (interrupted) {
        stop ??= interrupted;
        break;
      }
      const result = shapeValidationResult(checked, clock);
      results[i] = result;
      fresh.push(result.status as VerdictStatus);
      if (fresh.length && performance.now() - lastWrite >= flushMs && next < todo.length) write();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, runner));

  if (stop === 'missing') {
    // Deleted: its chunks are gone, nothing to write (a write under way finds nothing to update).
    await writing;
    return 'missing';
  }
  if (fresh.length) write();
  await settle();
  return stop;
}

/**
 * Writes a chunk's results in one transaction, if the chunk is still at `version`: the results, its
 * status and counters, and the job's counters moved by `added`; the job completes when `processed`
 * reaches `total`. False when another run had written the chunk meanwhile (nothing is written).
 */
async function writeChunk(
  deps: Pick<ChunkDeps, 'em' | 'clock' | 'workerId'>,
  jobId: string,
  chunkId: string,
  version: number,
  sealed: string,
  done: boolean,
  added: VerdictStatus[],
  outcome: ChunkOutcome,
): Promise<boolean> {
  const { clock } = deps;
  const counts = new Map<VerdictStatus, number>();
  for (const status of added) counts.set(status, (counts.get(status) ?? 0) + 1);
  const sets = ['processed = processed + ?'];
  const values: unknown[] = [added.length];
  for (const [status, count] of counts) {
    const column = STATUS_COLUMNS[status];
    sets.push(`"${column}" = "${column}" + ?`);
    values.push(count);
  }
  // A fork without managed entities: the transaction has nothing to flush.
  return deps.em.fork().transactional(async (tx) => {
    const tconn = tx.getConnection();
    const tctx = tx.getTransactionContext();
    const now = clock.now();
    const chunk = (await tconn.execute(
      `update bulk_job_chunk set ${sets.join(', ')}, results = ?, status = ?, version = version + 1,
         processed_by = ?, processed_at = ?
         where id = ? and version = ?`,
      [...values, sealed, done ? 'done' : 'pending', deps.workerId ?? null, now, chunkId, version],
      'run',
      tctx,
    )) as { affectedRows: number };
    if (chunk.affectedRows !== 1) return false;
    if (added.length === 0) return true;
    const job = (await tconn.execute(
      `update bulk_job set ${sets.join(', ')} where id = ? returning processed, total, status`,
      [...values, jobId],
      'all',
      tctx,
    )) as { processed: number; total: number; status: string }[];
    const row = job[0];
    if (row && row.processed >= row.total) {
      const ended = (await tconn.execute(
        `update bulk_job set status = 'completed', completed_at = ?, expires_at = ?
           where id = ? and status in ('queued', 'running')`,
        [now, new Date(now.getTime() + BULK_RESULT_RETENTION_DAYS * DAY), jobId],
        'run',
        tctx,
      )) as { affectedRows: number };
      if (ended.affectedRows === 1) {
        outcome.completedJob = true;
        await recordJobEnded(tx, clock, jobId);
      }
    }
    return true;
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
