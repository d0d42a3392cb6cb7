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
import { SeenAddresses } from './seen.ts';
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
/** Chunk transactions at once, each on its own connection. */
const WRITERS = 2;

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
  const clients = Array.from(
    { length: WRITERS },
    () =>
      new pg.Client({ connectionString: ctx.config.databaseUrl, ssl: pgSslOptions(ctx.config.databaseSsl) }),
  );
  try {
    await Promise.all(clients.map((c) => c.connect()));
    const status = await runChunks(ctx, clients, job, state, options);
    if (status === 'completed') await finish(ctx, job, { status: 'completed' });
    return status;
  } catch (error) {
    if (error instanceof DomainError) {
      await finish(ctx, job, { status: 'failed', error: error.message });
      return 'failed';
    }
    throw error;
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
}

interface Prepared {
  chunkId: string;
  candidates: Candidate[];
  report: ReportEntry[];
}

const SLICE = 1000;
const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * judgeRows a slice at a time, yielding to the event loop in between: the running chunk's transaction
 * waits on this process for each of its statements, so no piece of preparation may hold it for long.
 */
async function judgeInSlices(rows: readonly ImportRow[], keys: readonly string[], seen: SeenAddresses) {
  const out: { candidates: Candidate[]; report: ReportEntry[] } = { candidates: [], report: [] };
  for (let from = 0; from < rows.length; from += SLICE) {
    const { candidates, report } = judgeRows(rows.slice(from, from + SLICE), keys, seen);
    for (const c of candidates) out.candidates.push(c);
    for (const r of report) out.report.push(r);
    await pause();
  }
  return out;
}

/** The next staged chunk after `afterSeq`, judged, verified when asked, presealed; null at the end. */
async function prepareNext(
  ctx: CoreContext,
  db: pg.Client,
  job: ImportRowRecord,
  state: ImportJobState,
  p: { afterSeq: number; seen: SeenAddresses; engine: BulkEngine | undefined; policy: Policy | null },
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
  await pause();
  const { candidates, report } = await judgeInSlices(staged, job.options?.attributeKeys ?? [], p.seen);
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

/** Waits for every transaction still running, whatever its outcome. */
const settle = (running: (Promise<unknown> | null)[]) =>
  Promise.all(running.map((r) => r?.catch(() => undefined)));

/**
 * The chunks in order of preparation, on two connections: chunk N+1 is prepared in Node while chunks N
 * and N−1 are written by two database backends at once (the database's work — index entries and
 * foreign-key checks for every row — is the larger part, and one backend uses one core). Chunks hold
 * distinct addresses (`seen`), so the two transactions never wait on each other's rows; each commits on
 * its own, and a resumed job writes the chunks still staged whatever their order.
 */
async function runChunks(
  ctx: CoreContext,
  clients: pg.Client[],
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
  const p = { afterSeq: 0, seen: new SeenAddresses(), engine, policy };
  const running: (Promise<string | null> | null)[] = clients.map(() => null);
  const fail = async (error: unknown): Promise<never> => {
    await settle(running);
    throw error;
  };
  for (let turn = 0; ; turn++) {
    if (options.signal?.aborted) await fail(new Error('the import job was aborted'));
    const next = await prepareNext(ctx, clients[0] as pg.Client, job, state, p).catch(fail);
    const slot = turn % clients.length;
    const ended = await (running[slot] ?? Promise.resolve(null)).catch(fail);
    running[slot] = null;
    if (ended) {
      await settle(running);
      return ended;
    }
    if (!next) {
      for (const [i, r] of running.entries()) {
        const last = await (r ?? Promise.resolve(null)).catch(fail);
        running[i] = null;
        if (last) {
          await settle(running);
          return last;
        }
      }
      return 'completed';
    }
    p.afterSeq = next.seq;
    const commit = commitChunk(ctx, clients[slot] as pg.Client, job, state, next);
    // An unhandled rejection is avoided: the promise is awaited at this slot's next turn (or above).
    commit.catch(() => undefined);
    running[slot] = commit;
  }
}

/** by_reason plus this chunk's counts, added in the database (two transactions move it in turn). */
const ADD_REASONS = `(select coalesce(jsonb_object_agg(k.key, coalesce((by_reason ->> k.key)::int, 0) + k.value::int), '{}')
    from jsonb_each_text($5::jsonb) k) || (select coalesce(jsonb_object_agg(o.key, o.value), '{}')
    from jsonb_each(coalesce(by_reason, '{}')) o where not ($5::jsonb ? o.key))`;

/**
 * A chunk transaction's settings: its lookups by address and contact id use their unique indexes
 * whatever the table's statistics say (right after a large import they describe an almost empty
 * table until the next ANALYZE), and its commit does not wait for the disk (see commitChunk).
 */
export const CHUNK_SETTINGS =
  'set local synchronous_commit = off; set local enable_seqscan = off; set local enable_bitmapscan = off; set local enable_hashjoin = off; set local enable_mergejoin = off';

/**
 * One chunk's transaction, retried when a concurrent writer created one of its contacts first. The
 * import's row is read without a lock at the start (cancelled → nothing written) and locked only by
 * the counters' update at the end, which finds no row when the import was cancelled meanwhile: then
 * the chunk is rolled back.
 */
async function commitChunk(
  ctx: CoreContext,
  db: pg.Client,
  job: ImportRowRecord,
  state: ImportJobState,
  prepared: Prepared,
): Promise<string | null> {
  const { chunkId, candidates, report } = prepared;
  // Rolled back: the import ended meanwhile (its status returned, this chunk removed) or another run
  // committed the chunk (null: go on).
  const stop = async (): Promise<string | null> => {
    await db.query('rollback');
    const { rows } = await db.query<{ status: string }>('select status from contact_import where id = $1', [
      job.id,
    ]);
    const status = rows[0]?.status ?? 'cancelled';
    if (status === 'running') return null;
    await db.query('delete from contact_import_chunk where id = $1', [chunkId]);
    return status;
  };
  for (let attempt = 1; ; attempt++) {
    // The commit does not wait for the disk: a crash loses at most the last chunks committed, whose
    // rows in contact_import_chunk come back with them, so the resumed job writes them again.
    await db.query(`begin; ${CHUNK_SETTINGS}`);
    try {
      const { rows } = await db.query<{ status: string }>('select status from contact_import where id = $1', [
        job.id,
      ]);
      if (rows[0]?.status !== 'running') return await stop();
      await db.query('select pg_advisory_xact_lock_shared(hashtextextended($1, 0))', [
        `audience:${job.workspace_id}`,
      ]);
      // The chunk goes with this commit; already gone means another run committed it (go on) or the
      // import was cancelled.
      const claimed = await db.query('delete from contact_import_chunk where id = $1', [chunkId]);
      if (claimed.rowCount !== 1) return await stop();
      const counts = await writeChunk(db, state, candidates, [...report], ctx.clock.now());
      const skipped = Object.values(counts.byReason).reduce((a, b) => a + (b ?? 0), 0);
      const rejected = counts.byReason.rejected_by_verification ?? 0;
      const moved = await db.query(
        `update contact_import set processed = processed + $1, imported = imported + $2, skipped = skipped + $3,
                rejected = rejected + $4, by_reason = ${ADD_REASONS}, touched_at = $6
          where id = $7 and status = 'running'`,
        [
          counts.processed,
          counts.imported,
          skipped,
          rejected,
          JSON.stringify(counts.byReason),
          ctx.clock.now(),
          job.id,
        ],
      );
      if (moved.rowCount !== 1) return await stop();
      await db.query('commit');
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
