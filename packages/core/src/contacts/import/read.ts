// Reading contact imports: one import (status, counts, progress), a page of the workspace's imports
// (newest first, keyset), pages of the report of rows not subscribed (by row, optionally by reason), the
// report as CSV (streamed page by page) and cancelling an import that has not ended. Every read is
// scoped by the workspace: another workspace's import is NOT_FOUND.
import type {
  ContactImportDto,
  ContactImportList,
  ContactImportReportPage,
  ContactImportReportReason,
  ContactImportReportRow,
} from '@postern/contracts';
import { execute } from '@postern/db';
import { stringify } from 'csv-stringify/sync';
import { auditLabel } from '../../audit/labels.ts';
import { recordAudit } from '../../audit/record.ts';
import type { CoreContext } from '../../context.ts';
import { DomainError } from '../../errors.ts';
import { auditActor, uuidOrNull } from '../shared.ts';

interface Row {
  id: string;
  workspace_id: string;
  list_id: string;
  status: ContactImportDto['status'];
  basis: ContactImportDto['basis'];
  express: boolean;
  verify: boolean;
  source: string | null;
  mapping: ContactImportDto['mapping'];
  rows: number;
  processed: number;
  imported: number;
  skipped: number;
  rejected: number;
  by_reason: ContactImportDto['counts']['byReason'] | null;
  error: string | null;
  created_by: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const COLUMNS = `id, workspace_id, list_id, status, basis, express, verify, source, mapping, rows, processed,
  imported, skipped, rejected, by_reason, error, created_by, created_at, started_at, finished_at`;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function contactImportDto(row: Row): ContactImportDto {
  const done = row.status === 'completed';
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    listId: row.list_id,
    status: row.status,
    basis: row.basis,
    express: row.express,
    verify: row.verify,
    source: row.source,
    mapping: {
      emailColumn: row.mapping.emailColumn,
      nameColumn: row.mapping.nameColumn ?? null,
      attributeColumns: row.mapping.attributeColumns ?? {},
    },
    counts: {
      rows: row.rows,
      processed: row.processed,
      imported: row.imported,
      skipped: row.skipped,
      rejected: row.rejected,
      byReason: row.by_reason ?? {},
    },
    percent: done ? 100 : row.rows ? Math.min(100, Math.round((row.processed / row.rows) * 1000) / 10) : 0,
    error: row.error,
    createdBy: row.created_by,
    createdAt: iso(row.created_at) as string,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

async function findImport(ctx: Pick<CoreContext, 'em'>, workspaceId: string, importId: string): Promise<Row> {
  const [row] = await execute<Row[]>(
    ctx.em,
    `select ${COLUMNS} from contact_import where id = ? and workspace_id = ?`,
    [uuidOrNull(importId), workspaceId],
  );
  if (!row) throw new DomainError('NOT_FOUND', 'No such import');
  return row;
}

export async function getContactImport(
  ctx: Pick<CoreContext, 'em'>,
  workspaceId: string,
  importId: string,
): Promise<ContactImportDto> {
  return contactImportDto(await findImport(ctx, workspaceId, importId));
}

const encodeCursor = (row: Row) =>
  Buffer.from(`${new Date(row.created_at).toISOString()}|${row.id}`).toString('base64url');

function decodeCursor(cursor: string | undefined): { at: Date; id: string } | null {
  if (!cursor) return null;
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(at ?? '');
  if (!id || Number.isNaN(date.getTime()))
    throw new DomainError('VALIDATION_FAILED', 'cursor: not a cursor of this list');
  return { at: date, id: uuidOrNull(id) };
}

/** The workspace's imports, newest first. */
export async function listContactImports(
  ctx: Pick<CoreContext, 'em'>,
  workspaceId: string,
  options: { cursor?: string | undefined; limit: number },
): Promise<ContactImportList> {
  const after = decodeCursor(options.cursor);
  const limit = Math.max(1, Math.min(100, options.limit));
  const rows = await execute<Row[]>(
    ctx.em,
    `select ${COLUMNS} from contact_import where workspace_id = ?
       ${after ? 'and (created_at, id) < (?, ?)' : ''}
      order by created_at desc, id desc limit ?`,
    after ? [workspaceId, after.at, after.id, limit + 1] : [workspaceId, limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(contactImportDto),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}

/** A page of the rows not subscribed, in file order after row `after`. */
export async function readContactImportReport(
  ctx: Pick<CoreContext, 'em'>,
  workspaceId: string,
  importId: string,
  options: { after: number; limit: number; reason?: ContactImportReportReason | undefined },
): Promise<ContactImportReportPage> {
  await findImport(ctx, workspaceId, importId);
  const limit = Math.max(1, Math.min(1000, options.limit));
  const rows = await execute<ContactImportReportRow[]>(
    ctx.em,
    `select row, email, reason, detail from contact_import_report
      where import_id = ? and row > ? ${options.reason ? 'and reason = ?' : ''}
      order by row limit ?`,
    options.reason
      ? [importId, options.after, options.reason, limit + 1]
      : [importId, options.after, limit + 1],
  );
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextAfter: rows.length > limit && last ? last.row : null };
}

/** The whole report as CSV (row,email,reason,detail), produced page by page. */
export async function* contactImportReportCsv(
  ctx: Pick<CoreContext, 'em'>,
  workspaceId: string,
  importId: string,
): AsyncGenerator<string> {
  await findImport(ctx, workspaceId, importId);
  yield 'row,email,reason,detail\n';
  for (let after = 0; ; ) {
    const page = await readContactImportReport(ctx, workspaceId, importId, { after, limit: 1000 });
    // A cell starting with = + - @ is quoted by a leading ' so a spreadsheet does not run it as a formula.
    const safe = (v: string | null) => (v && /^[=+\-@\t\r]/.test(v) ? `'${v}` : (v ?? ''));
    if (page.items.length)
      yield stringify(page.items.map((r) => [r.row, safe(r.email), r.reason, safe(r.detail)]));
    if (page.nextAfter === null) return;
    after = page.nextAfter;
  }
}

/** Cancels an import that has not ended: its staged rows go; what was imported stays. */
export async function cancelContactImport(
  ctx: Pick<CoreContext, 'em' | 'clock' | 'actor' | 'meta'>,
  workspaceId: string,
  importId: string,
): Promise<ContactImportDto> {
  await findImport(ctx, workspaceId, importId);
  return ctx.em.transactional(async (tx) => {
    const [row] = await execute<Row[]>(
      tx,
      `update contact_import set status = 'cancelled', finished_at = ?, touched_at = ?
        where id = ? and workspace_id = ? and status in ('uploading', 'queued', 'running') returning ${COLUMNS}`,
      [ctx.clock.now(), ctx.clock.now(), importId, workspaceId],
    );
    if (!row) throw new DomainError('CONFLICT', 'The import has already ended');
    // A chunk a worker's transaction is writing right now is skipped (waiting for it could deadlock on
    // the import's row, which that transaction updates last): the worker finds the import cancelled,
    // rolls back and removes that chunk itself.
    await execute(
      tx,
      `delete from contact_import_chunk where id in
         (select id from contact_import_chunk where import_id = ? for update skip locked)`,
      [importId],
      'run',
    );
    recordAudit(tx, ctx.clock, {
      type: 'contact.imported',
      ...auditActor(ctx),
      workspaceId,
      target: { type: 'contact_list', id: row.list_id, label: auditLabel('contact_list', row.list_id, null) },
      meta: ctx.meta,
      metadata: { phase: 'cancelled', importId, imported: row.imported, skipped: row.skipped },
    });
    return contactImportDto(row);
  });
}
