// Uploads in progress (staging). While a client sends a file, its chunks are written to bulk_job_chunk
// under the future job's id, each batch in one short statement: no connection or transaction is held
// while we wait for the client's bytes. A `bulk_upload` row marks the upload as alive (a heartbeat
// moves `touched_at`); the job is created from it in one short transaction at the end (creation.ts).
// An upload that fails is removed at once; one whose process died is removed by the sweeper.
import { BulkJob, BulkUpload, type EntityManager } from '@postern/db';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { StagedRowBlock } from './rows.ts';

/** How often a live upload moves its `touched_at`. */
export const STAGING_HEARTBEAT_MS = 30_000;
/** An upload untouched this long is dead (its process stopped): the sweeper removes it. */
export const STAGING_STALE_MS = 120_000;
/** How often a request waits for another upload with the same Idempotency-Key. */
const IDEMPOTENT_WAIT_MS = 100;

export type OpenedUpload = { kind: 'opened'; id: string } | { kind: 'busy' };

/**
 * Opens an upload for `workspaceId` in one short transaction, serialised per workspace (advisory lock):
 * 'busy' when a live upload or a job with the same Idempotency-Key exists (the caller waits for its job);
 * RATE_LIMITED when the workspace already has `maxConcurrent` uploads in progress.
 */
export async function openUpload(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  input: { id: string; workspaceId: string; idempotencyKey: string | null; maxConcurrent: number },
): Promise<OpenedUpload> {
  return ctx.em.transactional(async (tx) => {
    const conn = tx.getConnection();
    const tctx = tx.getTransactionContext();
    const now = ctx.clock.now();
    const liveAfter = new Date(now.getTime() - STAGING_STALE_MS);
    await conn.execute(
      `select pg_advisory_xact_lock(hashtextextended('bulk_upload:' || ?, 0))`,
      [input.workspaceId],
      'all',
      tctx,
    );
    if (input.idempotencyKey) {
      const key = { workspaceId: input.workspaceId, idempotencyKey: input.idempotencyKey };
      // The upload with this key may have become its job since the caller looked (the promotion
      // removes the upload and inserts the job at once): 'busy' sends the caller to that job, rather
      // than reading its source for a job that would be refused as a duplicate.
      if ((await tx.count(BulkJob, key)) > 0) return { kind: 'busy' } as const;
      const same = await tx.findOne(
        BulkUpload,
        { workspaceId: input.workspaceId, idempotencyKey: input.idempotencyKey },
        { refresh: true },
      );
      if (same && same.touchedAt > liveAfter) return { kind: 'busy' } as const;
      // A dead upload with this key (its process stopped) gives way at once.
      if (same) await removeUploads(tx, [same.id]);
    }
    const live = await tx.count(BulkUpload, {
      workspaceId: input.workspaceId,
      touchedAt: { $gt: liveAfter },
    });
    if (live >= input.maxConcurrent) {
      throw new DomainError(
        'RATE_LIMITED',
        `This workspace already has ${live} uploads in progress (at most ${input.maxConcurrent} at a time); retry when one has finished`,
        { retryAfterSeconds: 5, maxConcurrentUploads: input.maxConcurrent },
      );
    }
    await tx.insert(BulkUpload, {
      id: input.id,
      workspaceId: input.workspaceId,
      idempotencyKey: input.idempotencyKey,
      createdAt: now,
      touchedAt: now,
    });
    return { kind: 'opened', id: input.id } as const;
  });
}

/** Waits (without holding a connection) before asking again about a busy Idempotency-Key. */
export const waitForOtherUpload = () => new Promise((resolve) => setTimeout(resolve, IDEMPOTENT_WAIT_MS));

export interface StagedChunk {
  id: string;
  seq: number;
  from_seq: number;
  size: number;
  addresses: string;
}

/**
 * Writes a batch of sealed chunks and row blocks of a staged upload in one statement; refused once
 * the upload was removed.
 */
export async function writeStagedChunks(
  ctx: Pick<CoreContext, 'em'>,
  uploadId: string,
  chunks: StagedChunk[],
  blocks: StagedRowBlock[] = [],
): Promise<void> {
  // FOR KEY SHARE: the sweeper's delete of the upload row waits for this insert, then removes its chunks.
  const inserted = (await ctx.em.getConnection().execute(
    `with c as (
       insert into bulk_job_chunk (id, job_id, seq, from_seq, size, addresses, status)
         select r.id, ?, r.seq, r.from_seq, r.size, r.addresses, 'pending'
           from json_to_recordset(cast(? as json))
             as r(id uuid, seq int, from_seq int, size int, addresses text)
          where exists (select 1 from bulk_upload u where u.id = ? for key share)
       returning 1),
     b as (
       insert into bulk_job_rows (id, job_id, seq, from_row, to_row, from_seq, size, rows)
         select r.id, ?, r.seq, r.from_row, r.to_row, r.from_seq, r.size, r.rows
           from json_to_recordset(cast(? as json))
             as r(id uuid, seq int, from_row int, to_row int, from_seq int, size int, rows text)
          where exists (select 1 from bulk_upload u where u.id = ? for key share)
       returning 1)
     select (select count(*) from c)::int as chunks, (select count(*) from b)::int as blocks`,
    [uploadId, JSON.stringify(chunks), uploadId, uploadId, JSON.stringify(blocks), uploadId],
    'all',
  )) as { chunks: number; blocks: number }[];
  const written = inserted[0];
  if (written?.chunks !== chunks.length || written.blocks !== blocks.length) throw uploadGone();
}

export const uploadGone = () =>
  new DomainError('BAD_REQUEST', 'The upload stalled and was discarded; upload the file again');

/** Moves a live upload's `touched_at` forward. */
export async function touchUpload(ctx: Pick<CoreContext, 'em' | 'clock'>, uploadId: string): Promise<void> {
  await ctx.em.nativeUpdate(BulkUpload, { id: uploadId }, { touchedAt: ctx.clock.now() });
}

/** Removes uploads and their staged chunks and row blocks (never those of a job that exists). */
export async function removeUploads(em: EntityManager, ids: readonly string[]): Promise<number> {
  if (!ids.length) return 0;
  const conn = em.getConnection();
  const tctx = em.getTransactionContext();
  const gone = (await conn.execute(
    'delete from bulk_upload where id = any(cast(? as uuid[])) returning id',
    [`{${ids.join(',')}}`],
    'all',
    tctx,
  )) as unknown[];
  for (const table of ['bulk_job_chunk', 'bulk_job_rows']) {
    await conn.execute(
      `delete from ${table} c where c.job_id = any(cast(? as uuid[]))
          and not exists (select 1 from bulk_job j where j.id = c.job_id)`,
      [`{${ids.join(',')}}`],
      'run',
      tctx,
    );
  }
  return gone.length;
}

/** Removes an upload that failed or was abandoned, at once (its own short transaction). */
export async function discardUpload(ctx: Pick<CoreContext, 'em'>, uploadId: string): Promise<void> {
  await ctx.em.transactional((tx) => removeUploads(tx, [uploadId]));
}

/** The sweeper (retention table, every 5 minutes): removes uploads whose process stopped. */
export async function purgeAbandonedUploads(em: EntityManager, now: Date): Promise<number> {
  const stale = await em.find(
    BulkUpload,
    { touchedAt: { $lt: new Date(now.getTime() - STAGING_STALE_MS) } },
    { fields: ['id'], limit: 1000 },
  );
  if (!stale.length) return 0;
  return em.transactional((tx) =>
    removeUploads(
      tx,
      stale.map((u) => u.id),
    ),
  );
}
