// The measured run, phase by phase: warming the API, sampling RSS, the upload and the job's progress
// up to its end, and the download of every result.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { createClient } from '../../packages/sdk/src/index.ts';
import { round, rssMb } from '../lib.ts';
import { writeList } from './list.ts';
import { bytesRead, type CpuMark, mark, type Pids } from './proc.ts';

export type Client = ReturnType<typeof createClient>;
export type Job = Awaited<ReturnType<Client['jobs']['wait']>>;

export const log = (line: string) => process.stderr.write(`bulk: ${line}\n`);

/**
 * Warms the API as a process that has served uploads before (a cold one first grows its heap and
 * code by ~100-150 MB, whatever the upload): a fifth-size list at other domains (nothing the measured
 * list will look up), cancelled and deleted as soon as it is created. Returns the cold API's growth.
 */
export async function warmUp(client: Client, pids: Pids, dir: string, rows: number): Promise<number> {
  // Warm the key cache and the API's code paths with one tiny job.
  await client.jobs.wait((await client.jobs.create({ emails: ['warm@gmail.com'] })).id, {
    timeoutMs: 30_000,
  });
  const warmPath = join(dir, 'warm.csv');
  await writeList(warmPath, Math.max(100, Math.floor(rows / 5)), '.warmup.example');
  const coldBefore = rssMb(pids.api, 'VmRSS');
  const warm = await client.jobs.create({ file: warmPath, depth: 'standard' });
  const coldGrowth = rssMb(pids.api, 'VmHWM') - coldBefore;
  await client.jobs.cancel(warm.id);
  await client.jobs.delete(warm.id);
  await rm(warmPath, { force: true });
  log(
    `warm-up upload of ${warm.total.toLocaleString('en-US')} addresses grew the cold API by ${coldGrowth} MB`,
  );
  return coldGrowth;
}

export type Phase = 'before' | 'upload' | 'processing' | 'after';

/** RSS samples, every 100 ms, by phase; and when the API had read (nearly) the whole upload. */
export class RssSampler {
  phase: Phase = 'before';
  readonly apiRss: Record<Phase, number[]> = { before: [], upload: [], processing: [], after: [] };
  readonly workerRss: number[] = [];
  readonly workerRssBefore: number[] = [];
  /** Long before the job exists, this would mean the body was buffered rather than read as extracted. */
  uploadReadAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly pids: Pids;
  private readonly listBytes: number;
  private readonly apiReadBase: number;

  constructor(pids: Pids, listBytes: number) {
    this.pids = pids;
    this.listBytes = listBytes;
    this.apiReadBase = bytesRead(pids.api);
  }

  private sample() {
    const { pids } = this;
    this.apiRss[this.phase].push(rssMb(pids.api, 'VmRSS'));
    const rss = Math.max(...pids.workers.map((pid) => rssMb(pid, 'VmRSS')));
    (this.phase === 'before' ? this.workerRssBefore : this.workerRss).push(rss);
    if (
      this.phase === 'upload' &&
      this.uploadReadAt === undefined &&
      bytesRead(pids.api) - this.apiReadBase >= this.listBytes * 0.98
    ) {
      this.uploadReadAt = performance.now();
    }
  }

  /** Five samples at rest, then one every 100 ms until stop(). */
  async start() {
    for (let i = 0; i < 5; i++) {
      this.sample();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    this.timer = setInterval(() => this.sample(), 100);
  }

  stop() {
    clearInterval(this.timer);
  }
}

export interface JobRun {
  /** When the upload started (performance.now()). */
  t: number;
  createdMs: number;
  totalMs: number;
  done: Job;
  progress: { at: number; processed: number }[];
  firstProgressAt: number | undefined;
  m0: CpuMark;
  m1: CpuMark;
  m2: CpuMark;
  firstMark: CpuMark | undefined;
}

/** Uploads the list and follows the job's event stream to its end, marking CPU at each phase. */
export async function runJob(client: Client, file: string, pids: Pids, sampler: RssSampler): Promise<JobRun> {
  const m0 = mark(pids);
  const t = performance.now();
  sampler.phase = 'upload';
  const job = await client.jobs.create({ file, depth: 'standard' });
  const createdMs = performance.now() - t;
  const m1 = mark(pids);
  sampler.phase = 'processing';
  log(
    `created job ${job.id} in ${round(createdMs / 1000, 2)} s: ${job.total.toLocaleString('en-US')} addresses, ` +
      `summary ${JSON.stringify({ rowsRead: job.summary?.rowsRead, duplicates: job.summary?.duplicates, rejected: job.summary?.rejected })}`,
  );
  const progress: { at: number; processed: number }[] = [];
  let lastLog = 0;
  let firstProgressAt: number | undefined;
  let firstMark: CpuMark | undefined;
  const done = await client.jobs.wait(job.id, {
    timeoutMs: 3_600_000,
    onProgress: (p) => {
      const at = performance.now();
      progress.push({ at, processed: p.processed });
      if (p.processed > 0 && firstProgressAt === undefined) {
        firstProgressAt = at;
        firstMark = mark(pids);
      }
      if (at - lastLog > 5000) {
        lastLog = at;
        log(
          `${p.percent.toFixed(1)}% ${p.processed.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')}`,
        );
      }
    },
  });
  const totalMs = performance.now() - t;
  const m2 = mark(pids);
  sampler.phase = 'after';
  await new Promise((resolve) => setTimeout(resolve, 500));
  sampler.stop();
  log(`job ${done.status} after ${round(totalMs / 1000, 1)} s: ${JSON.stringify(done.counts)}`);
  if (done.status !== 'completed') throw new Error(`the job ended ${done.status}: ${done.error}`);
  return { t, createdMs, totalMs, done, progress, firstProgressAt, m0, m1, m2, firstMark };
}

/** Every result downloaded as CSV (streamed page by page from the encrypted chunks). */
export async function downloadAll(client: Client, done: Job) {
  const started = performance.now();
  const body = await client.jobs.download(done.id, { format: 'csv' });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines++;
  }
  const ms = performance.now() - started;
  // One line per data row of the file (refused and duplicate rows included) and the header (a quoted
  // cell never holds a line break here).
  const rows = done.summary?.rowsRead ?? done.total;
  if (lines !== rows + 1) throw new Error(`the download had ${lines} lines for ${rows} rows`);
  log(
    `downloaded ${lines - 1} rows as CSV (${round(bytes / 1024 / 1024, 1)} MB) in ${round(ms / 1000, 1)} s`,
  );
  return { ms, bytes, lines };
}
