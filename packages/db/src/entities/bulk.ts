// Bulk verification jobs and their chunks. Addresses and results are keyring ciphertexts, one of each
// per chunk, bound to (bulk_job_chunk, id, addresses|results); only counts are kept in clear.
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

/** One counter per verdict status (the same columns on a job and on each of its chunks). */
const verdictCounters = () => ({
  deliverable: p.integer().default(0),
  undeliverable: p.integer().default(0),
  catchAll: p.integer().default(0),
  risky: p.integer().default(0),
  doNotMail: p.integer().default(0),
  unknown: p.integer().default(0),
});

export const BulkJobSchema = defineEntity({
  name: 'BulkJob',
  tableName: 'bulk_job',
  uniques: [{ properties: ['workspaceId', 'idempotencyKey'] }],
  indexes: [{ properties: ['workspaceId', 'createdAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    workspaceId: p.uuid().index(),
    createdBy: p.uuid().nullable(),
    /** Created with an API key (its id) rather than by a signed-in member. */
    apiKeyId: p.uuid().nullable(),
    /** Display name: the uploaded file's name or the one given. */
    name: p.string().length(200).nullable(),
    /** Idempotency-Key of the creating request: a repeat returns this job instead of a new one. */
    idempotencyKey: p.string().length(255).nullable(),
    /**
     * SHA-256 (hex) of the creating request's method, path and body digest: a repeat of the key with a
     * different request is refused (422 IDEMPOTENCY_KEY_REUSED). Null for jobs created without a key.
     */
    idempotencyFingerprint: p.string().length(64).nullable(),
    /** The caller's metadata (ZBulkMetadata), returned as given and in events. */
    metadata: p.json<Record<string, unknown>>().nullable(),
    /** Rounds of "retry unknown results". */
    retries: p.integer().default(0),
    /** queued | running | completed | failed | cancelled */
    status: p.string().length(16),
    depth: p.string().length(16),
    total: p.integer().default(0),
    processed: p.integer().default(0),
    ...verdictCounters(),
    chunkSize: p.integer(),
    /** The extraction summary (format, column, rejected rows by reason): no address in it. */
    summary: p.json<Record<string, unknown>>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    startedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
    /** completed_at + 7 days: the retention purge removes the job and its items after it. */
    expiresAt: p.datetime().nullable().index(),
    error: p.text().nullable(),
  },
});
export class BulkJob extends BulkJobSchema.class {}
BulkJobSchema.setClass(BulkJob);

/**
 * One chunk of a job: up to `chunk_size` consecutive addresses, stored, processed and written as a
 * unit. Addresses and results are two keyring ciphertexts per chunk (not per address): the addresses
 * newline-joined (context bulk_job_chunk:id:addresses), the results a deflated JSON array aligned with
 * them, null where an address has no result yet (context bulk_job_chunk:id:results). Per-status counts
 * are kept in clear so a filtered read skips chunks without a match; no address or result is.
 */
export const BulkJobChunkSchema = defineEntity({
  name: 'BulkJobChunk',
  tableName: 'bulk_job_chunk',
  uniques: [{ properties: ['jobId', 'seq'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    jobId: p.uuid(),
    /** Chunk number within the job, from 1. */
    seq: p.integer(),
    /** Sequence number (within the job, from 1) of the chunk's first address. */
    fromSeq: p.integer(),
    /** Addresses in the chunk. */
    size: p.integer(),
    addresses: p.text(),
    /** Null until a first result is written. */
    results: p.text().nullable(),
    /** pending (some address without a result) | done */
    status: p.string().length(8).default('pending'),
    /** Addresses with a result. */
    processed: p.integer().default(0),
    ...verdictCounters(),
    /** Bumped by every write of results: the compare-and-set that keeps a duplicated run from counting twice. */
    version: p.integer().default(0),
    processedBy: p.string().length(120).nullable(),
    processedAt: p.datetime().nullable(),
  },
});
export class BulkJobChunk extends BulkJobChunkSchema.class {}
BulkJobChunkSchema.setClass(BulkJobChunk);

/**
 * What the downloads need of the rows of an uploaded file, in file order: one block of up to 2,000
 * consecutive rows (`from_row`..`to_row`, rows of the file) as a keyring ciphertext of a raw-deflated
 * JSON array (context bulk_job_rows:id:rows): for each data row, whether its address is verified
 * (the next sequence number from `from_seq`, with the address as uploaded when it differs from the
 * stored form), refused (reason and the cell, cut to 320 characters) or a duplicate (the row it
 * repeats). Nothing else of the file is kept. Written with the chunks while the upload streams,
 * removed with them.
 */
export const BulkJobRowsSchema = defineEntity({
  name: 'BulkJobRows',
  tableName: 'bulk_job_rows',
  uniques: [{ properties: ['jobId', 'seq'] }],
  properties: {
    id: p.uuid().primary(),
    jobId: p.uuid(),
    /** Block number within the job, from 1. */
    seq: p.integer(),
    /** The first and last rows of the file the block describes (blank lines fall in between). */
    fromRow: p.integer(),
    toRow: p.integer(),
    /** Sequence number of the block's first verified address (the next one when it has none). */
    fromSeq: p.integer(),
    /** Data rows described. */
    size: p.integer(),
    rows: p.text(),
  },
});
export class BulkJobRows extends BulkJobRowsSchema.class {}
BulkJobRowsSchema.setClass(BulkJobRows);

/**
 * An upload in progress (staging): its chunks are written to bulk_job_chunk under this id — the
 * future job's id — in short statements while the client sends the file, and promoted to a job
 * (this row deleted, the bulk_job row inserted) in one short transaction at the end. Nothing of an
 * address is here; a row untouched for minutes belongs to a dead upload and the sweeper removes it
 * with its chunks.
 */
export const BulkUploadSchema = defineEntity({
  name: 'BulkUpload',
  tableName: 'bulk_upload',
  uniques: [{ properties: ['workspaceId', 'idempotencyKey'] }],
  properties: {
    id: p.uuid().primary(),
    workspaceId: p.uuid().index(),
    /** The creating request's Idempotency-Key: a repeat waits for this upload instead of racing it. */
    idempotencyKey: p.string().length(255).nullable(),
    createdAt: p.datetime(),
    /** Moved forward while the upload is alive (heartbeat); the sweeper goes by it. */
    touchedAt: p.datetime().index(),
  },
});
export class BulkUpload extends BulkUploadSchema.class {}
BulkUploadSchema.setClass(BulkUpload);
