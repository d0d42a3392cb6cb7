// Bulk verification jobs and their items. Addresses and results are keyring ciphertexts bound to
// (bulk_job_item, id, address|result); only the verdict status is kept in clear, for filtering.
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

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
    /** The caller's metadata (ZBulkMetadata), returned as given and in events. */
    metadata: p.json<Record<string, unknown>>().nullable(),
    /** Rounds of "retry unknown results". */
    retries: p.integer().default(0),
    /** queued | running | completed | failed | cancelled */
    status: p.string().length(16),
    depth: p.string().length(16),
    total: p.integer().default(0),
    processed: p.integer().default(0),
    deliverable: p.integer().default(0),
    undeliverable: p.integer().default(0),
    catchAll: p.integer().default(0),
    risky: p.integer().default(0),
    doNotMail: p.integer().default(0),
    unknown: p.integer().default(0),
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

export const BulkJobItemSchema = defineEntity({
  name: 'BulkJobItem',
  tableName: 'bulk_job_item',
  uniques: [{ properties: ['jobId', 'seq'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    jobId: p.uuid(),
    seq: p.integer(),
    /** Ciphertext of the address (context bulk_job_item:id:address). */
    address: p.text(),
    /** Ciphertext of the shaped result JSON (context bulk_job_item:id:result), once done. */
    result: p.text().nullable(),
    /** pending | done */
    status: p.string().length(8).default('pending'),
    /** The verdict status (deliverable, undeliverable, ...), once done. */
    resultStatus: p.string().length(16).nullable(),
    /** How many times a result was written (must stay 1: a retried chunk skips done items). */
    attempts: p.integer().default(0),
    processedBy: p.string().length(120).nullable(),
    processedAt: p.datetime().nullable(),
  },
});
export class BulkJobItem extends BulkJobItemSchema.class {}
BulkJobItemSchema.setClass(BulkJobItem);
