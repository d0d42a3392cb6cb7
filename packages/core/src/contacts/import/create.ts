// Creating a contact import from an upload: the import row (`uploading`) in one short transaction, the
// file read by the shared ingest code (reader.ts) and staged in keyring-sealed chunks of rows, each
// chunk one short statement (no connection is held while the client sends), then one short
// transaction that queues it (status, audit entry and the worker's job commit together). A failure at
// any point removes what was staged before the error propagates.
import { randomUUID } from 'node:crypto';
import { type ContactImportOptions, QUEUES } from '@postern/contracts';
import { type ContactList, execute, executeBound, transactionSql } from '@postern/db';
import { auditLabel } from '../../audit/labels.ts';
import { recordAudit } from '../../audit/record.ts';
import type { CoreContext } from '../../context.ts';
import { encryptionContext } from '../../crypto/types.ts';
import { DomainError } from '../../errors.ts';
import type { UploadSource } from '../../ingest/decode.ts';
import { findList } from '../lists.ts';
import { auditActor } from '../shared.ts';
import { type ImportRow, type ReadSummary, readImportRows } from './reader.ts';

/** Rows per staged chunk, and per worker transaction. */
export const IMPORT_CHUNK_ROWS = 10_000;
/** How often a live upload moves its `touched_at`; one untouched for IMPORT_UPLOAD_STALE_MS is abandoned. */
const HEARTBEAT_MS = 30_000;
export const IMPORT_UPLOAD_STALE_MS = 120_000;

export type ImportContext = Pick<CoreContext, 'em' | 'clock' | 'keyring' | 'actor' | 'meta' | 'queue'>;

export interface CreateContactImportInput {
  source: UploadSource;
  options: ContactImportOptions;
  /** The uploaded file's name (the source when none is declared). */
  fileName?: string | null | undefined;
  maxBytes: number;
  maxRows: number;
  /** Imports uploading at once per workspace; more → RATE_LIMITED. */
  maxConcurrentUploads?: number;
  /** Rows per staged chunk (tests use small ones). */
  chunkRows?: number;
}

export const chunkContext = (chunkId: string) => encryptionContext('contact_import_chunk', chunkId, 'data');

const gone = () =>
  new DomainError('CONFLICT', 'The import was cancelled or abandoned while it uploaded; upload it again');

async function openImport(
  ctx: ImportContext,
  workspaceId: string,
  id: string,
  input: CreateContactImportInput,
) {
  const { options } = input;
  const source = options.source ?? input.fileName?.trim().slice(0, 200) ?? null;
  return ctx.em.transactional(async (tx) => {
    const list = await findList(tx, workspaceId, options.listId);
    await execute(tx, `select pg_advisory_xact_lock(hashtextextended('contact_import:' || ?, 0))`, [
      workspaceId,
    ]);
    const now = ctx.clock.now();
    const [live] = await execute<{ n: number }[]>(
      tx,
      `select count(*)::int as n from contact_import
        where workspace_id = ? and status = 'uploading' and touched_at > ?`,
      [workspaceId, new Date(now.getTime() - IMPORT_UPLOAD_STALE_MS)],
    );
    const max = input.maxConcurrentUploads ?? 4;
    if ((live?.n ?? 0) >= max)
      throw new DomainError(
        'RATE_LIMITED',
        `This workspace already has ${live?.n} imports uploading (at most ${max} at a time); retry when one has finished`,
        { retryAfterSeconds: 5 },
      );
    const mapping = {
      emailColumn: options.emailColumn,
      nameColumn: options.nameColumn ?? null,
      attributeColumns: options.attributeColumns ?? {},
    };
    await execute(
      tx,
      `insert into contact_import (id, workspace_id, list_id, status, basis, express, verify, source, mapping,
           created_by, api_key_id, created_at, touched_at)
         values (?, ?, ?, 'uploading', ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)`,
      [
        id,
        workspaceId,
        list.id,
        options.basis,
        options.express,
        options.verify,
        source,
        JSON.stringify(mapping),
        ctx.actor?.kind === 'user' ? ctx.actor.userId : null,
        ctx.actor?.kind === 'api_key' ? ctx.actor.keyId : null,
        now,
        now,
      ],
      'run',
    );
    return list;
  });
}

async function writeChunk(ctx: ImportContext, importId: string, seq: number, rows: ImportRow[]) {
  const id = randomUUID();
  const data = ctx.keyring.encrypt(JSON.stringify(rows), chunkContext(id));
  // Bound parameters: the sealed chunk (megabytes) is sent as is, not escaped into the SQL text.
  const result = await executeBound(
    ctx.em,
    `insert into contact_import_chunk (id, import_id, seq, size, data)
       select $1, $2, $3, $4, $5 where exists (select 1 from contact_import where id = $2 and status = 'uploading')`,
    [id, importId, seq, rows.length, data],
  );
  if (result.affectedRows !== 1) throw gone();
  await execute(
    ctx.em,
    'update contact_import set touched_at = ?, chunks = ? where id = ?',
    [ctx.clock.now(), seq, importId],
    'run',
  );
}

/**
 * Removes an import whose upload failed (its chunks go with it). One cancelled meanwhile stays, as
 * cancelled, without chunks: a chunk whose insert was under way when the cancel committed (the cancel
 * cannot see it) is removed here.
 */
async function discardImport(ctx: ImportContext, importId: string) {
  await execute(
    ctx.em,
    `delete from contact_import where id = ? and status = 'uploading'`,
    [importId],
    'run',
  ).catch(() => undefined);
  await execute(ctx.em, 'delete from contact_import_chunk where import_id = ?', [importId], 'run').catch(
    () => undefined,
  );
}

/** The staged upload → `queued`, its audit entry and the worker's job, in one short transaction. */
async function queueImport(
  ctx: ImportContext,
  workspaceId: string,
  importId: string,
  list: ContactList,
  input: CreateContactImportInput,
  summary: ReadSummary,
  seq: number,
) {
  await ctx.em.transactional(async (tx) => {
    const queued = await execute<{ affectedRows: number }>(
      tx,
      `update contact_import set status = 'queued', rows = ?, chunks = ?, options = ?::jsonb, touched_at = ?
        where id = ? and status = 'uploading'`,
      [
        summary.rows,
        seq,
        JSON.stringify({
          format: summary.format,
          delimiter: summary.delimiter,
          encoding: input.options.encoding,
          header: summary.header !== null,
          attributeKeys: summary.attributeKeys,
          bytes: summary.bytes,
        }),
        ctx.clock.now(),
        importId,
      ],
      'run',
    );
    if (queued.affectedRows !== 1) throw gone();
    recordAudit(tx, ctx.clock, {
      type: 'contact.imported',
      ...auditActor(ctx),
      workspaceId,
      target: { type: 'contact_list', id: list.id, label: auditLabel('contact_list', list.id, list.name) },
      meta: ctx.meta,
      metadata: {
        phase: 'started',
        importId,
        rows: summary.rows,
        basis: input.options.basis,
        verify: input.options.verify,
      },
    });
    const policy = QUEUES.contactImport.policy;
    await ctx.queue.insert(
      QUEUES.contactImport.name,
      [
        {
          data: { importId, workspaceId },
          retryLimit: policy.retryLimit,
          retryDelay: policy.retryDelaySeconds,
          retryBackoff: policy.retryBackoff,
          expireInSeconds: policy.expireInSeconds,
          heartbeatSeconds: policy.heartbeatSeconds,
        },
      ],
      { db: transactionSql(tx) },
    );
  });
}

/**
 * Reads the upload into a new import and queues it. Returns its id. Errors are the ingest code's
 * (BAD_REQUEST, PAYLOAD_TOO_LARGE, VALIDATION_FAILED), NOT_FOUND for a list of another workspace,
 * RATE_LIMITED for too many uploads at once; nothing stays behind after any of them.
 */
export async function createContactImport(
  ctx: ImportContext,
  workspaceId: string,
  input: CreateContactImportInput,
): Promise<{ importId: string }> {
  const importId = randomUUID();
  const list = await openImport(ctx, workspaceId, importId, input);
  const chunkRows = input.chunkRows ?? IMPORT_CHUNK_ROWS;
  const heartbeat = setInterval(() => {
    execute(
      ctx.em,
      'update contact_import set touched_at = ? where id = ?',
      [ctx.clock.now(), importId],
      'run',
    ).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  // One chunk is written while the next is read: the read waits only when a second one is ready.
  let writing: Promise<void> | null = null;
  const settleWrite = async () => {
    const w = writing;
    writing = null;
    if (w) await w;
  };
  try {
    let seq = 0;
    let pending: ImportRow[] = [];
    const summary = await readImportRows(
      input.source,
      {
        mapping: input.options,
        format: input.options.format,
        encoding: input.options.encoding,
        hasHeader: input.options.hasHeader,
        maxBytes: input.maxBytes,
        maxRows: input.maxRows,
      },
      (row) => {
        pending.push(row);
        if (pending.length < chunkRows) return;
        const rows = pending;
        pending = [];
        seq += 1;
        const n = seq;
        return settleWrite().then(() => {
          writing = writeChunk(ctx, importId, n, rows);
          // Awaited by the next chunk or after the read; a failure meanwhile is not unhandled.
          writing.catch(() => undefined);
        });
      },
    );
    await settleWrite();
    if (pending.length) {
      seq += 1;
      await writeChunk(ctx, importId, seq, pending);
    }
    await queueImport(ctx, workspaceId, importId, list, input, summary, seq);
    return { importId };
  } catch (error) {
    await (writing as Promise<void> | null)?.catch(() => undefined);
    await discardImport(ctx, importId);
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}
