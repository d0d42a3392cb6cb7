// The worker's side of an import (queue `contacts.import`): the staged chunks in order, each judged in
// Node (rows.ts), optionally verified by the engine under the workspace's validation policy (outside
// any transaction: verification waits on the network), then written in its own short transaction
// (chunk.ts) on a dedicated pg client. Progress moves per chunk; cancellation is seen at the next chunk;
// a crash resumes at the first chunk not yet committed. Audited when it ends.
import type { ContactImportReportReason, ImportBasis, Policy } from '@postern/contracts';
import { execute, pgSslOptions } from '@postern/db';
import pg from 'pg';
import { auditLabel } from '../../audit/labels.ts';
import { recordAudit } from '../../audit/record.ts';
import type { CoreContext } from '../../context.ts';
import { DomainError } from '../../errors.ts';
import type { BulkEngine } from '../../validation/engine.ts';
import { cachedPolicy } from '../../validation/policy.ts';
import { loadSuppressionKeys } from '../suppression-keys.ts';
import { type ImportJobState, suppressedAmong, writeChunk } from './chunk.ts';
import { chunkContext } from './create.ts';
import { presealCandidates } from './prepare.ts';
import type { ImportRow } from './reader.ts';
import { type Candidate, judgeRows, type ReportEntry, reportEmail } from './rows.ts';
import { verifyCandidates } from './verify.ts';

export interface RunImportOptions {
  /** The verification engine (needed when the import asks for verification). */
  engine?: BulkEngine | (() => BulkEngine);
  signal?: AbortSignal;
}

interface ImportRowRecord {
  id: string;
  workspace_id: string;
  list_id: string;
  status: string;
  basis: ImportBasis;
  express: boolean;
  verify: boolean;
  source: string | null;
  options: { attributeKeys?: string[] } | null;
  processed: number;
  imported: number;
  skipped: number;
  rejected: number;
  by_reason: Partial<Record<ContactImportReportReason, number>> | null;
  created_by: string | null;
  api_key_id: string | null;
}

const UNIQUE_VIOLATION = '23505';
const ATTEMPTS = 3;

async function claim(ctx: Pick<CoreContext, 'em' | 'clock'>, importId: string) {
  const [row] = await execute<ImportRowRecord[]>(
    ctx.em,
    `update contact_import set status = 'running', started_at = coalesce(started_at, ?), touched_at = ?
      where id = ? and status in ('queued', 'running') returning *`,
    [ctx.clock.now(), ctx.clock.now(), importId],
  );
  return row ?? null;
}

async function finish(
  ctx: CoreContext,
  job: ImportRowRecord,
  outcome: { status: 'completed' | 'failed'; error?: string },
) {
  await ctx.em.transactional(async (tx) => {
    const [row] = await execute<ImportRowRecord[]>(
      tx,
      `update contact_import set status = ?, error = ?, finished_at = ?, touched_at = ?
        where id = ? and status = 'running' returning *`,
      [outcome.status, outcome.error ?? null, ctx.clock.now(), ctx.clock.now(), job.id],
    );
    if (!row) return;
    const [list] = await execute<{ name: string }[]>(tx, 'select name from contact_list where id = ?', [
      job.list_id,
    ]);
    recordAudit(tx, ctx.clock, {
      type: 'contact.imported',
      actorId: job.created_by,
      workspaceId: job.workspace_id,
      target: {
        type: 'contact_list',
        id: job.list_id,
        label: auditLabel('contact_list', job.list_id, list?.name),
      },
      meta: ctx.meta,
      metadata: {
        phase: outcome.status,
        importId: job.id,
        imported: row.imported,
        skipped: row.skipped,
        rejected: row.rejected,
        basis: job.basis,
      },
    });
  });
}

/** Runs (or resumes) an import; returns its final status, or null when there was nothing to run. */
export async function runContactImport(
  ctx: CoreContext,
  importId: string,
  options: RunImportOptions = {},
): Promise<string | null> {
  const job = await claim(ctx, importId);
  if (!job) return null;
  const [list] = await execute<{ consent_text_version_id: string | null }[]>(
    ctx.em,
    'select consent_text_version_id from contact_list where id = ?',
    [job.list_id],
  );
  const state: ImportJobState = {
    importId,
    workspaceId: job.workspace_id,
    listId: job.list_id,
    consentTextVersionId: list?.consent_text_version_id ?? null,
    basis: job.basis,
    express: job.express,
    source: job.source,
    actorType: job.created_by ? 'user' : job.api_key_id ? 'api_key' : null,
    actorId: job.created_by ?? job.api_key_id,
    keyring: ctx.keyring,
    suppressionKeys: await loadSuppressionKeys(ctx.em, ctx.keyring),
  };
  const db = new pg.Client({
    connectionString: ctx.config.databaseUrl,
    ssl: pgSslOptions(ctx.config.databaseSsl),
  });
  await db.connect();
  try {
    const status = await runChunks(ctx, db, job, state, options);
    if (status === 'completed') await finish(ctx, job, { status: 'completed' });
    return status;
  } catch (error) {
    if (error instanceof DomainError) {
      await finish(ctx, job, { status: 'failed', error: error.message });
      return 'failed';
    }
    throw error;
  } finally {
    await db.end().catch(() => undefined);
  }
}

interface Prepared {
  chunkId: string;
  candidates: Candidate[];
  report: ReportEntry[];
}

/** The next staged chunk after `afterSeq`, judged, verified when asked, presealed; null at the end. */
async function prepareNext(
  ctx: CoreContext,
  db: pg.Client,
  job: ImportRowRecord,
  state: ImportJobState,
  p: { afterSeq: number; seen: Map<string, number>; engine: BulkEngine | undefined; policy: Policy | null },
): Promise<(Prepared & { seq: number }) | null> {
  const [chunk] = await execute<{ id: string; seq: number; data: string }[]>(
    ctx.em,
    'select id, seq, data from contact_import_chunk where import_id = ? and seq > ? order by seq limit 1',
    [job.id, p.afterSeq],
  );
  if (!chunk) return null;
  let staged: ImportRow[];
  try {
    staged = JSON.parse(ctx.keyring.decryptString(chunk.data, chunkContext(chunk.id))) as ImportRow[];
  } catch {
    throw new DomainError(
      'INTERNAL',
      'The staged rows of this import cannot be read (the encryption keys changed since the upload?): upload the file again',
    );
  }
  const { candidates, report } = judgeRows(staged, job.options?.attributeKeys ?? [], p.seen);
  let accepted = candidates;
  if (p.engine && p.policy) {
    // Suppressed addresses are never sent to the engine: the ledger is checked first.
    const suppressed = await suppressedAmong(db, state, candidates);
    const verdicts = await verifyCandidates(
      p.engine,
      p.policy,
      ctx.clock,
      candidates.filter((c) => !suppressed.has(c.normalized)),
    );
    accepted = candidates.filter((c) => {
      const rejected = verdicts.get(c.normalized);
      if (!rejected) return true;
      report.push({
        row: c.row,
        email: reportEmail(c.email),
        reason: 'rejected_by_verification',
        detail: rejected,
      });
      return false;
    });
  }
  await presealCandidates(accepted, ctx.keyring, state.source);
  return { chunkId: chunk.id, seq: chunk.seq, candidates: accepted, report };
}

/**
 * The chunks in order, two at a time: chunk N+1 is prepared in Node while chunk N's transaction runs in
 * the database; a transaction starts only after the previous one committed.
 */
async function runChunks(
  ctx: CoreContext,
  db: pg.Client,
  job: ImportRowRecord,
  state: ImportJobState,
  options: RunImportOptions,
): Promise<string> {
  const engine = job.verify
    ? typeof options.engine === 'function'
      ? options.engine()
      : options.engine
    : undefined;
  const policy = job.verify ? await cachedPolicy(ctx, job.workspace_id) : null;
  if (job.verify && !engine) throw new Error('this import asks for verification: the worker needs an engine');
  const p = { afterSeq: 0, seen: new Map<string, number>(), engine, policy };
  let running: Promise<string | null> | null = null;
  for (;;) {
    if (options.signal?.aborted) throw new Error('the import job was aborted');
    const next = await prepareNext(ctx, db, job, state, p).catch(async (error) => {
      await running?.catch(() => undefined);
      throw error;
    });
    const ended = running ? await running : null;
    if (ended) return ended;
    if (!next) return 'completed';
    p.afterSeq = next.seq;
    running = commitChunk(ctx, db, job, state, next);
    // An unhandled rejection is avoided: the promise is awaited at the next turn (or above).
    running.catch(() => undefined);
  }
}

/** One chunk's transaction, retried when a concurrent writer created one of its contacts first. */
async function commitChunk(
  ctx: CoreContext,
  db: pg.Client,
  job: ImportRowRecord,
  state: ImportJobState,
  prepared: Prepared,
): Promise<string | null> {
  const { chunkId, candidates, report } = prepared;
  for (let attempt = 1; ; attempt++) {
    await db.query('begin');
    try {
      const { rows } = await db.query<{ status: string }>(
        'select status from contact_import where id = $1 for update',
        [job.id],
      );
      const status = rows[0]?.status;
      if (status !== 'running') {
        await db.query('rollback');
        return status ?? 'cancelled';
      }
      await db.query('select pg_advisory_xact_lock_shared(hashtextextended($1, 0))', [
        `audience:${job.workspace_id}`,
      ]);
      // Lookups by address and contact id use their unique indexes whatever the table's statistics say
      // (right after a large import they describe an almost empty table until the next ANALYZE).
      await db.query(
        'set local enable_seqscan = off; set local enable_bitmapscan = off; set local enable_hashjoin = off',
      );
      // The chunk goes with this commit; already gone means another run committed it: nothing to do.
      const claimed = await db.query('delete from contact_import_chunk where id = $1', [chunkId]);
      if (claimed.rowCount !== 1) {
        await db.query('rollback');
        return null;
      }
      const counts = await writeChunk(db, state, candidates, [...report], ctx.clock.now());
      const skipped = Object.values(counts.byReason).reduce((a, b) => a + (b ?? 0), 0);
      const byReason = { ...(job.by_reason ?? {}) };
      for (const [reason, n] of Object.entries(counts.byReason))
        byReason[reason as ContactImportReportReason] =
          (byReason[reason as ContactImportReportReason] ?? 0) + (n ?? 0);
      const rejected = counts.byReason.rejected_by_verification ?? 0;
      await db.query(
        `update contact_import set processed = processed + $1, imported = imported + $2, skipped = skipped + $3,
                rejected = rejected + $4, by_reason = $5::jsonb, touched_at = $6 where id = $7`,
        [
          counts.processed,
          counts.imported,
          skipped,
          rejected,
          JSON.stringify(byReason),
          ctx.clock.now(),
          job.id,
        ],
      );
      await db.query('commit');
      job.by_reason = byReason;
      return null;
    } catch (error) {
      await db.query('rollback').catch(() => undefined);
      if ((error as { code?: string }).code === UNIQUE_VIOLATION && attempt < ATTEMPTS) continue;
      throw error;
    }
  }
}

/** The last attempt of an import's job failed on something unexpected: the import fails (what was imported stays). */
export async function failContactImport(ctx: CoreContext, importId: string, message: string): Promise<void> {
  const [job] = await execute<ImportRowRecord[]>(
    ctx.em,
    `select * from contact_import where id = ? and status in ('queued', 'running')`,
    [importId],
  );
  if (!job) return;
  await execute(ctx.em, `update contact_import set status = 'running' where id = ?`, [importId], 'run');
  await finish(ctx, job, { status: 'failed', error: message });
}
