// What leaves the bulk store for clients: a job's progress from one cheap row read (event streams poll
// it), a stored result as every surface shows it, and whole downloads (CSV with formula-neutralised
// cells, a JSON array or NDJSON) read a page at a time so memory stays flat whatever the job's size.
import type {
  BulkDownloadFormat,
  BulkJobStatus,
  BulkProgressEvent,
  BulkResultFilter,
  BulkResultItem,
} from '@postern/contracts';
import { stringify } from 'csv-stringify/sync';
import type { CoreContext } from '../context.ts';
import { type BulkResultRow, bulkProgress, readBulkResults } from './read.ts';

/** Rows per page of a download. */
export const DOWNLOAD_PAGE = 1000;

export const CSV_COLUMNS = [
  'email',
  'status',
  'reason',
  'action',
  'suggestion',
  'free_provider',
  'role_account',
  'disposable',
  'catch_all',
  'has_mx',
  'mx_host',
  'smtp_reply_code',
  'checked_at',
] as const;

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR, and their full-width forms) gets a
 * leading apostrophe, as OWASP advises: addresses and suggestions come from the uploader.
 */
const CSV_OPTIONS = { escape_formulas: true } as const;

export const DOWNLOAD_CONTENT_TYPES: Record<BulkDownloadFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/** A stored result row as every surface shows it (REST results and downloads, tRPC results). */
export function bulkResultItem(row: BulkResultRow): BulkResultItem {
  return { seq: row.seq, email: row.email, status: row.result?.status ?? 'pending', result: row.result };
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

/** One result as a CSV row's cells (neutralised when written: see CSV_OPTIONS). */
export function csvCells(item: BulkResultItem): string[] {
  const r = item.result;
  const flag = (value: boolean | undefined) => (value === undefined ? '' : String(value));
  const cells = [
    item.email,
    item.status,
    r?.reason ?? '',
    r?.action ?? '',
    r?.suggestion ?? '',
    flag(r?.flags.free_provider),
    flag(r?.flags.role_account),
    flag(r?.flags.disposable),
    flag(r?.flags.catch_all),
    flag(r?.flags.has_mx),
    r?.checks.smtp?.mx_host ?? r?.checks.dns?.mx_hosts[0]?.host ?? '',
    r?.checks.smtp?.reply_code == null ? '' : String(r.checks.smtp.reply_code),
    r?.checked_at ?? '',
  ];
  return cells;
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
 * Every result of a job (the caller has checked it exists in the workspace) in `format`, as text
 * pieces; each page is read through a fresh fork of `ctx.em` so the identity map never grows past one
 * page.
 */
export async function* bulkDownload(
  ctx: Pick<CoreContext, 'em' | 'keyring'>,
  workspaceId: string,
  jobId: string,
  options: { format: BulkDownloadFormat; status?: BulkResultFilter | undefined },
): AsyncGenerator<string> {
  const { format, status } = options;
  async function* pages(): AsyncGenerator<BulkResultItem[]> {
    let after = 0;
    for (;;) {
      const page = await readBulkResults({ em: ctx.em.fork(), keyring: ctx.keyring }, workspaceId, jobId, {
        afterSeq: after,
        limit: DOWNLOAD_PAGE,
        ...(status ? { status } : {}),
      });
      yield page.items.map(bulkResultItem);
      if (page.nextAfterSeq === null) return;
      after = page.nextAfterSeq;
    }
  }
  if (format === 'csv') {
    yield stringify([[...CSV_COLUMNS]], CSV_OPTIONS);
    for await (const items of pages()) if (items.length) yield stringify(items.map(csvCells), CSV_OPTIONS);
  } else if (format === 'ndjson') {
    for await (const items of pages()) {
      if (items.length) yield `${items.map((item) => JSON.stringify(item)).join('\n')}\n`;
    }
  } else {
    let first = true;
    yield '[';
    for await (const items of pages()) {
      if (!items.length) continue;
      yield `${first ? '\n' : ',\n'}${items.map((item) => JSON.stringify(item)).join(',\n')}`;
      first = false;
    }
    yield '\n]\n';
  }
}
