// What leaves the bulk store for clients: a job's progress from one cheap row read (event streams poll
// it), a stored result as every surface shows it (the workspace's policy applied), and whole downloads
// — every data row of the file in file order (file-rows.ts) as CSV with formula-neutralised cells, a
// JSON array or NDJSON — read a page at a time so memory stays flat whatever the job's size.
import type {
  BulkDownloadFormat,
  BulkJobStatus,
  BulkProgressEvent,
  BulkResultFilter,
  BulkResultItem,
  BulkResultsPage,
} from '@postern/contracts';
import { BULK_ROW_COLUMNS, bulkRowCells, csvLine, type Policy } from '@postern/contracts';
import type { CoreContext } from '../context.ts';
import { loadPolicy, withPolicyAction } from '../validation/policy.ts';
import { fileRowPages } from './file-rows.ts';
import { type BulkResultRow, bulkProgress, readBulkResults } from './read.ts';

/** Rows per page of a download. */
export const DOWNLOAD_PAGE = 1000;

/** The CSV download's columns: the file's row, the address as uploaded and as verified, the verdict. */
export const CSV_COLUMNS = BULK_ROW_COLUMNS;

export const DOWNLOAD_CONTENT_TYPES: Record<BulkDownloadFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/** A stored result row as every surface shows it (REST results pages, tRPC results): the policy applied. */
export function bulkResultItem(row: BulkResultRow, policy: Policy): BulkResultItem {
  const result = row.result ? withPolicyAction(policy, row.result) : null;
  return { seq: row.seq, email: row.email, status: result?.status ?? 'pending', result };
}

/** A page of a job's results as REST and tRPC answer it: decrypted, the workspace's policy applied. */
export async function readBulkResultsPage(
  ctx: Pick<CoreContext, 'em' | 'keyring'>,
  workspaceId: string,
  jobId: string,
  options: { after: number; limit: number; status?: BulkResultFilter | undefined },
): Promise<BulkResultsPage> {
  const page = await readBulkResults(ctx, workspaceId, jobId, {
    afterSeq: options.after,
    limit: options.limit,
    ...(options.status ? { status: options.status } : {}),
  });
  const policy = await loadPolicy(ctx, workspaceId);
  return { items: page.items.map((row) => bulkResultItem(row, policy)), nextAfter: page.nextAfterSeq };
}

/**
 * A job's progress from one single-row read on `ctx.em`'s connection (no identity map, no entity), or
 * null when the job is not in the workspace.
 */
export async function readBulkProgress(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  workspaceId: string,
  jobId: string,
): Promise<BulkProgressEvent | null> {
  const rows = (await ctx.em.getConnection().execute(
    `select status, total, processed, deliverable, undeliverable, catch_all, risky, do_not_mail,
              unknown, started_at from bulk_job where id = ? and workspace_id = ?`,
    [jobId, workspaceId],
    'all',
  )) as {
    status: BulkJobStatus;
    total: number;
    processed: number;
    deliverable: number;
    undeliverable: number;
    catch_all: number;
    risky: number;
    do_not_mail: number;
    unknown: number;
    started_at: Date | string | null;
  }[];
  const row = rows[0];
  if (!row) return null;
  return bulkProgress(
    {
      id: jobId,
      status: row.status,
      total: row.total,
      processed: row.processed,
      counts: {
        deliverable: row.deliverable,
        undeliverable: row.undeliverable,
        catch_all: row.catch_all,
        risky: row.risky,
        do_not_mail: row.do_not_mail,
        unknown: row.unknown,
      },
      startedAt: row.started_at ? new Date(row.started_at) : null,
    },
    ctx.clock.now(),
  );
}

/** `attachment` with an ASCII-safe filename and the UTF-8 one (RFC 6266 / 8187). */
export function downloadDisposition(jobName: string | null, jobId: string, format: BulkDownloadFormat) {
  const base = (jobName ?? '')
    .replace(/[\p{Cc}\p{Cf}"\\/]/gu, '')
    .replace(/\.[A-Za-z0-9]{1,8}$/, '')
    .trim()
    .slice(0, 150);
  const fallback = `job-${jobId.slice(0, 8)}`;
  const ascii =
    base
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9._ -]+/g, '')
      .replace(/\s+/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 100) || fallback;
  const unicode = `${base || fallback}-results.${format}`;
  const encoded = encodeURIComponent(unicode).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}-results.${format}"; filename*=UTF-8''${encoded}`;
}

/**
 * Every data row of a job's file (the caller has checked the job exists in the workspace) in file order
 * (file-rows.ts), in `format`, as text pieces; the workspace's policy is read once. CSV cells that a
 * spreadsheet would run as formulas are neutralised (csvField).
 */
export async function* bulkDownload(
  ctx: Pick<CoreContext, 'em' | 'keyring'>,
  workspaceId: string,
  jobId: string,
  options: { format: BulkDownloadFormat; status?: BulkResultFilter | undefined },
): AsyncGenerator<string> {
  const { format, status } = options;
  const policy = await loadPolicy(ctx, workspaceId);
  const pages = () => fileRowPages(ctx, workspaceId, jobId, { status, policy });
  if (format === 'csv') {
    yield `${csvLine(CSV_COLUMNS)}\n`;
    for await (const items of pages())
      yield `${items.map((item) => csvLine(bulkRowCells(item))).join('\n')}\n`;
  } else if (format === 'ndjson') {
    for await (const items of pages()) yield `${items.map((item) => JSON.stringify(item)).join('\n')}\n`;
  } else {
    let first = true;
    yield '[';
    for await (const items of pages()) {
      yield `${first ? '\n' : ',\n'}${items.map((item) => JSON.stringify(item)).join(',\n')}`;
      first = false;
    }
    yield '\n]\n';
  }
}
