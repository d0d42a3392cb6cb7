// The benchmark's figures: rates and times from the job and its progress, the worker's chunk timings
// from its log, CPU per phase, RSS, and the goals. The last stdout line is this object as JSON.
import { availableParallelism } from 'node:os';
import type { SpawnedApp } from '@postern/runtime/testing';
import type { TestDnsServer } from '../../packages/validator/test/support/dns-server.ts';
import { round, rssMb } from '../lib.ts';
import { cores, type Pids } from './proc.ts';
import type { JobRun, RssSampler } from './run.ts';

const GOAL_SECONDS = 60;
const GOAL_WORKER_RSS_MB = 512;
/**
 * "API RSS flat while the upload streams", measured on an API that has served an upload before (the
 * bench warms it with one: a cold process first grows its V8 heap and code, ~110-150 MB here). What
 * may still come and go: the de-duplication table (16 MiB a million, 24 MiB while it doubles) and the
 * upload's own chunks and buffers waiting for a major GC — V8 lets external (Buffer) memory grow by
 * 64 MiB before it forces one. Measured in-process, the live heap after a GC is back where it was
 * after each 1M-row upload. Bounded, whatever the file size: that a 64 MB upload is never buffered
 * is proven by apps/api/test/bulk-memory.int.test.ts (a warmed API grows ~4 MB).
 */
const GOAL_API_RSS_GROWTH_MB = 96;

const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * Chunk jobs as the worker logged them: how long each took (each worker runs
 * QUEUES.bulkChunk.policy.concurrency = 2 chunks at a time; a slot that finishes a chunk waits out the
 * rest of WORKER_POLL_SECONDS before it fetches the next).
 */
function chunkTimes(workers: readonly SpawnedApp[]): number[] {
  return workers
    .flatMap((w) => w.lines)
    .map((line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; queue?: string; ms?: number };
        return entry.msg === 'job completed' && entry.queue === 'bulk.chunk' ? (entry.ms ?? null) : null;
      } catch {
        return null;
      }
    })
    .filter((ms): ms is number => ms !== null)
    .sort((a, b) => a - b);
}

/** Processing rate from the job's own timestamps, and over the middle of the run (10 %–90 %). */
function rates(run: JobRun) {
  const { done, progress } = run;
  const processingS =
    done.startedAt && done.completedAt
      ? (Date.parse(done.completedAt) - Date.parse(done.startedAt)) / 1000
      : NaN;
  const at = (share: number) => progress.find((p) => p.processed >= share * done.total);
  const p10 = at(0.1);
  const p90 = at(0.9);
  const middleRate =
    p10 && p90 && p90.at > p10.at ? (p90.processed - p10.processed) / ((p90.at - p10.at) / 1000) : NaN;
  return { processingS, middleRate };
}

export interface BenchRun {
  rows: number;
  workerCount: number;
  list: { bytes: number };
  loadBefore: number;
  pids: Pids;
  workers: readonly SpawnedApp[];
  dns: TestDnsServer;
  sampler: RssSampler;
  coldGrowth: number;
  run: JobRun;
  download: { ms: number; bytes: number };
}

/** Times, rates, work done and the goals. */
function timings(b: BenchRun) {
  const { run, download } = b;
  const { done, createdMs, totalMs } = run;
  const { processingS, middleRate } = rates(run);
  const chunkMs = chunkTimes(b.workers);
  const dnsByType: Record<string, number> = {};
  for (const q of b.dns.log) dnsByType[q.type] = (dnsByType[q.type] ?? 0) + 1;
  return {
    bench: 'bulk',
    rows: b.rows,
    file_mb: round(b.list.bytes / 1024 / 1024, 1),
    addresses: done.total,
    cores: availableParallelism(),
    load_before: b.loadBefore,
    upload_to_created_s: round(createdMs / 1000, 2),
    upload_read_by_api_s:
      b.sampler.uploadReadAt === undefined ? null : round((b.sampler.uploadReadAt - run.t) / 1000, 2),
    extraction_rows_per_s: Math.round(b.rows / (createdMs / 1000)),
    created_to_first_progress_s:
      run.firstProgressAt === undefined ? null : round((run.firstProgressAt - run.t - createdMs) / 1000, 2),
    processing_s: round(processingS, 2),
    processing_per_s: Math.round(done.total / processingS),
    processing_middle_per_s: Math.round(middleRate),
    end_to_end_s: round(totalMs / 1000, 2),
    download_csv_s: round(download.ms / 1000, 2),
    download_csv_rows_per_s: Math.round(done.total / (download.ms / 1000)),
    download_csv_mb: round(download.bytes / 1024 / 1024, 1),
    workers: b.workerCount,
    chunk_jobs: chunkMs.length,
    chunk_ms_p50: chunkMs[Math.floor(chunkMs.length / 2)] ?? null,
    chunk_ms_p90: chunkMs[Math.floor(chunkMs.length * 0.9)] ?? null,
    worker_slots_busy_pct: round(
      (chunkMs.reduce((a, c) => a + c, 0) / (b.workerCount * 2 * processingS * 1000)) * 100,
      0,
    ),
    counts: done.counts,
    dns_queries: b.dns.log.length,
    dns_queries_by_type: dnsByType,
  };
}

/** CPU per phase and memory, with the goals they are held to. */
function resources(b: BenchRun) {
  const { run, sampler, pids } = b;
  const { apiRss } = sampler;
  const workerPeak = Math.max(...pids.workers.map((pid) => rssMb(pid, 'VmHWM')));
  const uploadGrowth = max(apiRss.upload) - median(apiRss.before);
  return {
    cpu_upload: cores(run.m0, run.m1),
    cpu_processing: cores(run.firstMark ?? run.m1, run.m2),
    worker_rss_before_mb: median(sampler.workerRssBefore),
    worker_peak_rss_mb: workerPeak,
    worker_rss_max_sampled_mb: max(sampler.workerRss),
    api_peak_rss_mb: rssMb(pids.api, 'VmHWM'),
    api_rss_before_mb: median(apiRss.before),
    api_rss_upload_max_mb: max(apiRss.upload),
    api_rss_upload_growth_mb: uploadGrowth,
    // The largest RSS in each quarter of the upload: growth that goes on quarter after quarter is a
    // leak or a buffer; a step in the first quarter is the process warming up.
    api_rss_upload_quarters_max_mb: [0, 1, 2, 3].map((q) =>
      max(
        apiRss.upload.slice(
          Math.floor((apiRss.upload.length * q) / 4),
          Math.floor((apiRss.upload.length * (q + 1)) / 4),
        ),
      ),
    ),
    api_rss_cold_upload_growth_mb: b.coldGrowth,
    api_rss_processing_max_mb: max(apiRss.processing),
    goals: {
      end_to_end_s: GOAL_SECONDS,
      worker_rss_mb: GOAL_WORKER_RSS_MB,
      api_rss_upload_growth_mb: GOAL_API_RSS_GROWTH_MB,
    },
    goal_time_met: run.totalMs / 1000 <= GOAL_SECONDS,
    goal_worker_rss_met: workerPeak <= GOAL_WORKER_RSS_MB,
    goal_api_rss_flat_met: uploadGrowth <= GOAL_API_RSS_GROWTH_MB,
  };
}

/** The figures, in the order the bench has always printed them. */
export function figuresOf(b: BenchRun) {
  return { ...timings(b), ...resources(b) };
}
