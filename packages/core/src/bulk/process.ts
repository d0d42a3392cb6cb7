// Processing a bulk job's chunks (the chunk queue's handler calls it): claiming the range's pending
// chunks, verifying their addresses, and writing the results crash-safely — a result is written at most
// once, counters move in the same transaction as the results, and the write that brings `processed` to
// `total` completes the job, exactly once.
import type { Depth, ValidationResult } from '@postern/contracts';
import { BulkJob } from '@postern/db';
import { verifyManyWith } from '@postern/validator';
import type { Clock } from '../clock.ts';
import type { CoreContext } from '../context.ts';
import type { BulkEngine } from '../validation/engine.ts';
import { shapeValidationResult } from '../validation/single-check.ts';
import { chunkWriter } from './chunk-write.ts';
import { CHUNK_COLUMNS, type ChunkRow, openAddresses, openResults } from './chunks.ts';

/** Addresses validated at the same time within one chunk. */
export const BULK_VALIDATE_CONCURRENCY = 20;

/** How a chunk is processed (the worker's settings; the core context brings em, keyring and clock). */
export interface ChunkOptions {
  engine: BulkEngine;
  /** Recorded on each chunk written (which worker process wrote it). */
  workerId?: string;
  signal?: AbortSignal;
  concurrency?: number;
  /** A chunk's results so far are written after this many milliseconds (progress stays live). Default 1,000. */
  flushMs?: number;
  /** How often (milliseconds) cancellation and deletion are checked while validating. Default 250. */
  checkMs?: number;
  /**
   * The longest a chunk waits for an unhealthy resolver before it stops with `paused` (what it
   * validated is written; the worker queues the chunk again for later). Default 4 minutes: well
   * inside the chunk job's expiry, so a long resolver outage uses up no retry.
   */
  maxPauseMs?: number;
}

export interface ChunkOutcome {
  /** Results written by this run. */
  written: number;
  /** Addresses of the range that already had a result (a retry after a crash), or that another run wrote. */
  skipped: number;
  /** `paused`: the resolver stayed unhealthy for `maxPauseMs`; the rest waits for a later run. */
  stopped: ChunkStop | null;
  completedJob: boolean;
}

/** A chunk's results are written at the latest after this long, even before it is finished. */
const FLUSH_MS = 1000;
/** Cancellation and deletion are checked this often while a chunk is validated. */
const CHECK_MS = 250;
/** While the DNS resolver is unhealthy (canaries failing), runners look at its health this often. */
const RESOLVER_PAUSE_POLL_MS = 500;
/** See ChunkOptions.maxPauseMs. */
export const RESOLVER_MAX_PAUSE_MS = 4 * 60_000;
/** A chunk handed back while the resolver is unhealthy runs again after this long. */
export const RESOLVER_RETRY_DELAY_SECONDS = 60;

type ChunkStop = 'cancelled' | 'missing' | 'aborted' | 'paused';

/**
 * Processes the chunks of one range of a job (normally exactly one chunk): the addresses without a
 * result, validated `concurrency` at a time. A chunk's results are written when it is finished (and,
 * on a slow chunk, every `flushMs` meanwhile) in one transaction with the job's counters, under a
 * compare-and-set on the chunk's version: a duplicated or retried run never counts a result twice,
 * and a run that finds the chunk written by another stops. Writing overlaps validating. Cancellation
 * (or deletion) is checked every `checkMs`; results already validated are still written. The
 * transaction that brings `processed` to `total` completes the job, exactly once.
 */
export async function processBulkChunk(
  ctx: Pick<CoreContext, 'em' | 'keyring' | 'clock'>,
  options: ChunkOptions,
  payload: { jobId: string; fromSeq: number; toSeq: number },
): Promise<ChunkOutcome> {
  const { em, clock } = ctx;
  const concurrency = options.concurrency ?? BULK_VALIDATE_CONCURRENCY;
  const flushMs = options.flushMs ?? FLUSH_MS;
  const checkMs = options.checkMs ?? CHECK_MS;
  const conn = em.getConnection();
  const outcome: ChunkOutcome = { written: 0, skipped: 0, stopped: null, completedJob: false };

  const job = await em.findOne(BulkJob, { id: payload.jobId }, { refresh: true });
  if (!job) return { ...outcome, stopped: 'missing' };
  if (job.status === 'cancelled' || job.status === 'completed' || job.status === 'failed')
    return { ...outcome, stopped: job.status === 'cancelled' ? 'cancelled' : null };
  if (job.status === 'queued') {
    await conn.execute(
      "update bulk_job set status = 'running', started_at = ? where id = ? and status = 'queued'",
      [clock.now(), job.id],
      'run',
    );
  }
  const depth = job.depth as Depth;

  // Plain rows, not entities: nothing for the unit of work to track (or scan at each transaction).
  const chunks = (await conn.execute(
    `select ${CHUNK_COLUMNS} from bulk_job_chunk
       where job_id = ? and from_seq <= ? and from_seq + size - 1 >= ? order by seq`,
    [job.id, payload.toSeq, payload.fromSeq],
    'all',
  )) as ChunkRow[];

  // Cancellation and deletion, looked at no more often than every `checkMs`.
  let lastCheck = performance.now();
  let state: 'running' | 'cancelled' | 'missing' = 'running';
  const check = async () => {
    if (performance.now() - lastCheck < checkMs) return state;
    lastCheck = performance.now();
    const rows = (await conn.execute('select status from bulk_job where id = ?', [job.id], 'all')) as {
      status: string;
    }[];
    state = !rows[0] ? 'missing' : rows[0].status === 'cancelled' ? 'cancelled' : 'running';
    return state;
  };

  for (const chunk of chunks) {
    if (chunk.status !== 'pending') {
      outcome.skipped += chunk.size;
      continue;
    }
    const stopped = await processChunk(
      ctx,
      options,
      { jobId: job.id, depth, concurrency, flushMs, check, outcome },
      chunk,
    );
    if (stopped) return { ...outcome, stopped };
  }
  return outcome;
}

/** The job's state, as the runners look at it (deletion shows as `missing`). */
type JobState = 'running' | 'cancelled' | 'missing';

/** One chunk's run: the range's job and what processBulkChunk settled for all its chunks. */
interface ChunkRun {
  jobId: string;
  depth: Depth;
  concurrency: number;
  flushMs: number;
  /** The job's state, queried at most every `checkMs`. */
  check: () => Promise<JobState>;
  outcome: ChunkOutcome;
}

/** Validates one chunk's addresses without a result and writes them; returns why it stopped early, if it did. */
async function processChunk(
  ctx: Pick<CoreContext, 'em' | 'keyring' | 'clock'>,
  options: ChunkOptions,
  run: ChunkRun,
  chunk: ChunkRow,
): Promise<ChunkOutcome['stopped']> {
  const { keyring } = ctx;
  const addresses = openAddresses(keyring, chunk.id, chunk.addresses, chunk.size);
  const results = openResults(keyring, chunk.id, chunk.results, chunk.size);
  const todo: number[] = [];
  for (let i = 0; i < results.length; i++) if (results[i] === null) todo.push(i);
  run.outcome.skipped += chunk.size - todo.length;

  const writer = chunkWriter(ctx, { ...run, workerId: options.workerId }, chunk, results);
  const stop = await verifyAddresses({
    engine: options.engine,
    clock: ctx.clock,
    depth: run.depth,
    concurrency: run.concurrency,
    maxPauseMs: options.maxPauseMs ?? RESOLVER_MAX_PAUSE_MS,
    signal: options.signal,
    addresses,
    todo,
    check: run.check,
    record: writer.record,
    halted: writer.halted,
  });
  if (stop === 'missing') {
    // Deleted: its chunks are gone, nothing to write (a write under way finds nothing to update).
    await writer.abandon();
    return 'missing';
  }
  await writer.finish();
  return stop;
}

/** What the verification loop works with: a chunk's addresses, those still without a result, and where results go. */
interface AddressVerification {
  engine: BulkEngine;
  clock: Clock;
  depth: Depth;
  concurrency: number;
  /** See ChunkOptions.maxPauseMs. */
  maxPauseMs: number;
  signal: AbortSignal | undefined;
  /** The chunk's addresses (ASCII form). */
  addresses: readonly string[];
  /** Indexes into `addresses` of those without a result, in order. */
  todo: readonly number[];
  /** The job's state, queried at most every `checkMs`. */
  check: () => Promise<JobState>;
  /** Hands over the result of `addresses[index]`; `more` when addresses are still to be verified. */
  record: (index: number, result: ValidationResult, more: boolean) => void;
  /** True once nothing more can be written (another run wrote the chunk, or a write failed). */
  halted: () => boolean;
}

/**
 * At depth `enhanced`, addresses of one chunk in flight at once: they wait in their MX host's queue
 * and share its sessions (several RCPTs per transaction), so more in flight means fuller sessions.
 */
const BULK_SMTP_IN_FLIGHT = 500;

/**
 * The chunk-verification loop: the addresses without a result go through the engine's batched
 * verifyMany (`concurrency` in flight; at depth `enhanced` a whole chunk, so SMTP probes share
 * sessions per MX host), until all are done or the job is cancelled or deleted, the run is aborted,
 * or the resolver stays unhealthy for `maxPauseMs`. Returns why it stopped early, if it did.
 */
async function verifyAddresses(v: AddressVerification): Promise<ChunkStop | null> {
  const { engine, clock, depth, addresses, todo, check } = v;
  let stop: ChunkStop | null = null;
  // A lying resolver (its canary domains fail) would turn addresses into unknown/dns_error: the chunk
  // pauses instead, still watching cancellation and the abort signal, and resumes on recovery.
  const health = engine.resolverHealth ?? null;
  let pausedSince: number | null = null;
  const pause = async (): Promise<ChunkStop | null> => {
    while (health?.status().healthy === false) {
      if (v.signal?.aborted) return 'aborted';
      pausedSince ??= Date.now();
      if (Date.now() - pausedSince >= v.maxPauseMs) return 'paused';
      const state = await check();
      if (state !== 'running') return state;
      await new Promise((resolve) => setTimeout(resolve, RESOLVER_PAUSE_POLL_MS));
    }
    return null;
  };
  // Before each address is handed to the engine: the abort signal, the job's state, the resolver.
  async function* input(): AsyncGenerator<string> {
    for (const i of todo) {
      if (stop || v.halted()) return;
      if (v.signal?.aborted) stop ??= 'aborted';
      const state = stop ? null : await check();
      if (state && state !== 'running') stop ??= state;
      if (!stop) stop = await pause();
      if (stop) return;
      yield addresses[i] as string;
    }
  }
  const concurrency = depth === 'enhanced' ? Math.max(v.concurrency, BULK_SMTP_IN_FLIGHT) : v.concurrency;
  let recorded = 0;
  for await (const found of verifyManyWith(engine, input(), { depth, concurrency })) {
    const i = todo[found.index] as number;
    let checked = found.result;
    // The resolver turned unhealthy during this check: wait, then check the address again (a stop
    // leaves it without a result, for the next run).
    let interrupted: ChunkStop | null = null;
    while (checked.resolverHealthy === false && !interrupted) {
      interrupted = await pause();
      if (!interrupted) checked = await engine.validate(addresses[i] as string, { depth });
    }
    if (interrupted) {
      stop ??= interrupted;
      break;
    }
    recorded++;
    v.record(i, shapeValidationResult(checked, clock), recorded < todo.length && !stop);
    if (v.halted()) break;
  }
  return stop;
}
