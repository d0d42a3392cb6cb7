// Bulk job creation: extraction -> encrypted chunks (and row blocks, rows.ts) staged batch by batch
// (each batch one short statement: nothing is held while the client sends its file), then one short
// transaction that turns the staged upload into the job — job row, chunk jobs (pg-boss writes through
// it) and audit entry. A failure at any point removes what was staged before the error propagates.
import { randomUUID } from 'node:crypto';
import { BULK_CHUNK_SIZE, type BulkMetadata, type Depth } from '@postern/contracts';
import { BulkJob, BulkUpload } from '@postern/db';
import { auditLabel } from '../audit/labels.ts';
import { recordAudit } from '../audit/record.ts';
import { actorUserId, type CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import {
  type ExtractedAddress,
  type ExtractionSummary,
  type ExtractOptions,
  extractAddresses,
  extractFromArray,
  type SkippedRow,
  type UploadSource,
} from '../ingest/index.ts';
import { requestWebhookDispatch } from '../webhooks/dispatch.ts';
import { checkAccountBulkCap } from './account-cap.ts';
import { actingApiKeyId, auditedActor } from './acting.ts';
import { type ChunkQueue, enqueueChunks, ranges } from './chunk-queue.ts';
import { sealAddresses } from './chunks.ts';
import { recordJobEnded, resultsExpireAt } from './job-ended.ts';
import { type BulkJobView, bulkJobView, findJobByIdempotencyKey } from './read.ts';
import { RowBlockBuilder, type StagedRowBlock } from './rows.ts';
import {
  discardUpload,
  openUpload,
  STAGING_HEARTBEAT_MS,
  type StagedChunk,
  touchUpload,
  uploadGone,
  waitForOtherUpload,
  writeStagedChunks,
} from './staging.ts';

/** What creating a job uses of the core context (who acts and the request's metadata included). */
type CreateContext = Pick<CoreContext, 'em' | 'clock' | 'keyring' | 'actor' | 'meta'> & { queue: ChunkQueue };

/** Addresses (in whole chunks) per insert while extracting. */
export const BULK_INSERT_BATCH = 5000;
/** Uploads in progress per workspace when the caller sets no limit. */
const DEFAULT_MAX_CONCURRENT_UPLOADS = 4;

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
  /**
   * The creating request's fingerprint (stored with the job; see idempotency.ts), read when the job is
   * written — after the source was consumed, so an upload's digest is complete.
   */
  idempotencyFingerprint?: (() => string) | null;
  /** Told when the job returned is an earlier one of the same key (a replay), not one made now. */
  onExisting?: () => void;
  /** Uploads in progress at once per workspace (BULK_MAX_CONCURRENT_UPLOADS); more → RATE_LIMITED. */
  maxConcurrentUploads?: number;
  /** Addresses an account may have waiting in queued and running jobs across its workspaces. */
  maxPendingAddressesPerAccount?: number;
  /** The longest an upload may take (the request timeout): the heartbeat stops after it. */
  maxUploadMs?: number;
  /** Told when creation waits for another upload with the same key (the source is not read meanwhile). */
  onWaiting?: (waiting: boolean) => void;
}

/**
 * Creates a job from an upload or an array. A repeated Idempotency-Key returns the first job without
 * reading the source (also while the first is still uploading: this one waits for it). A job without
 * any address is completed at once.
 */
export async function createBulkJob(
  ctx: CreateContext,
  workspaceId: string,
  input: CreateBulkJobInput,
): Promise<BulkJobView> {
  const chunkSize = input.chunkSize ?? BULK_CHUNK_SIZE;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1)
    throw new DomainError('BAD_REQUEST', 'chunkSize must be a positive integer', { option: 'chunkSize' });
  const key = input.idempotencyKey ?? null;
  const jobId = randomUUID();

  // Open the staged upload; with a key another upload is still sending, wait for its job.
  for (let waiting = false; ; ) {
    if (key) {
      const existing = await findJobByIdempotencyKey(ctx, workspaceId, key);
      if (existing) {
        if (waiting) input.onWaiting?.(false);
        input.onExisting?.();
        return existing;
      }
    }
    const opened = await openUpload(ctx, {
      id: jobId,
      workspaceId,
      idempotencyKey: key,
      maxConcurrent: input.maxConcurrentUploads ?? DEFAULT_MAX_CONCURRENT_UPLOADS,
    });
    if (opened.kind === 'opened') {
      if (waiting) input.onWaiting?.(false);
      break;
    }
    if (!waiting) input.onWaiting?.(true);
    waiting = true;
    await waitForOtherUpload();
  }

  // A live upload keeps its staging row fresh; one stuck past its longest possible life stops doing
  // so, and the sweeper removes it.
  const openedAt = Date.now();
  const heartbeat = setInterval(() => {
    if (input.maxUploadMs !== undefined && Date.now() - openedAt > input.maxUploadMs)
      return clearInterval(heartbeat);
    touchUpload(ctx, jobId).catch(() => {});
  }, STAGING_HEARTBEAT_MS);
  heartbeat.unref();
  let job: BulkJob;
  try {
    const { total, summary } = await stageAddresses(ctx, jobId, chunkSize, input);
    job = await promote(ctx, { jobId, workspaceId, chunkSize, total, summary, input });
  } catch (error) {
    clearInterval(heartbeat);
    await discardUpload(ctx, jobId);
    // Two requests with one Idempotency-Key whose uploads did not overlap: return the first job.
    if (key && isUniqueViolation(error)) {
      const existing = await findJobByIdempotencyKey(ctx, workspaceId, key);
      if (existing) {
        input.onExisting?.();
        return existing;
      }
    }
    throw error;
  }
  clearInterval(heartbeat);
  // A job without any address ended in its creating transaction (bulk_job.completed written).
  if (job.total === 0) await requestWebhookDispatch(ctx.queue, 'bulk_job');
  return bulkJobView(job);
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; name?: string } | null;
  return e?.code === '23505' || e?.name === 'UniqueConstraintViolationException';
}

/**
 * Extraction into sealed chunks of `chunkSize`, written a batch at a time as one JSON parameter (the
 * ORM's multi-row insert formats every value into the SQL text, which cost more than the insert).
 */
async function stageAddresses(
  ctx: CreateContext,
  jobId: string,
  chunkSize: number,
  input: CreateBulkJobInput,
): Promise<{ total: number; summary: ExtractionSummary }> {
  let seq = 0;
  let chunkSeq = 0;
  let pending: string[] = [];
  let batch: StagedChunk[] = [];
  let blocks: StagedRowBlock[] = [];
  let batchAddresses = 0;
  const rows = new RowBlockBuilder(ctx.keyring);
  const writeBatch = async () => {
    if (!batch.length && !blocks.length) return;
    const chunks = batch;
    const rowBlocks = blocks;
    batch = [];
    blocks = [];
    batchAddresses = 0;
    await writeStagedChunks(ctx, jobId, chunks, rowBlocks);
  };
  const closeChunk = async () => {
    if (!pending.length) return;
    const id = randomUUID();
    chunkSeq += 1;
    batch.push({
      id,
      seq: chunkSeq,
      from_seq: seq - pending.length + 1,
      size: pending.length,
      addresses: sealAddresses(ctx.keyring, id, pending),
    });
    batchAddresses += pending.length;
    pending = [];
    if (batchAddresses >= BULK_INSERT_BATCH || batch.length >= 100) await writeBatch();
  };
  // A full block of rows waits for the next batch, unless rows alone pile up (a file of refused rows).
  const addBlock = (block: StagedRowBlock | null) => {
    if (!block) return;
    blocks.push(block);
    if (blocks.length >= 10) return writeBatch();
  };
  const onAddress = (address: ExtractedAddress) => {
    seq += 1;
    pending.push(address.ascii);
    const written = addBlock(rows.verified(address, seq));
    if (pending.length >= chunkSize) return written ? written.then(closeChunk) : closeChunk();
    return written;
  };
  const onSkipped = (row: SkippedRow) => addBlock(rows.skipped(row, seq + 1));
  const common = {
    onAddress,
    onSkipped,
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
  await closeChunk();
  await addBlock(rows.close());
  await writeBatch();
  return { total: seq, summary };
}

/** Staged upload → job, chunk jobs and audit entry, atomically (a short transaction: no client read). */
async function promote(
  ctx: CreateContext,
  p: {
    jobId: string;
    workspaceId: string;
    chunkSize: number;
    total: number;
    summary: ExtractionSummary;
    input: CreateBulkJobInput;
  },
): Promise<BulkJob> {
  const { jobId, workspaceId, input, total, summary } = p;
  return ctx.em.transactional(async (tx) => {
    // The upload row goes with the promotion; gone already means the sweeper judged it dead.
    if ((await tx.nativeDelete(BulkUpload, { id: jobId })) !== 1) throw uploadGone();
    if (input.maxPendingAddressesPerAccount !== undefined)
      await checkAccountBulkCap(tx, workspaceId, total, input.maxPendingAddressesPerAccount);
    const empty = total === 0;
    const done = ctx.clock.now();
    await tx.insert(BulkJob, {
      id: jobId,
      workspaceId,
      createdBy: actorUserId(ctx),
      apiKeyId: actingApiKeyId(ctx),
      name: input.name ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      idempotencyFingerprint: input.idempotencyKey ? (input.idempotencyFingerprint?.() ?? null) : null,
      metadata: input.metadata ?? null,
      status: empty ? 'completed' : 'queued',
      depth: input.depth,
      chunkSize: p.chunkSize,
      total,
      summary: summary as unknown as Record<string, unknown>,
      createdAt: done,
      ...(empty
        ? {
            startedAt: done,
            completedAt: done,
            expiresAt: resultsExpireAt(done),
          }
        : {}),
    });
    recordAudit(tx, ctx.clock, {
      type: 'bulk_job.created',
      workspaceId,
      target: { type: 'bulk_job', id: jobId, label: auditLabel('bulk_job', jobId, input.name) },
      ...auditedActor(ctx, { addresses: total, rows: summary.rowsRead, depth: input.depth }),
    });
    if (empty) await recordJobEnded(tx, ctx.clock, jobId);
    // The chunk jobs commit with the job: no job without its chunks, no chunks without a job.
    else await enqueueChunks(tx, ctx.queue, jobId, ranges(1, total, p.chunkSize), input.chunkExpireInSeconds);
    return tx.findOneOrFail(BulkJob, { id: jobId }, { refresh: true });
  });
}
