// Bulk verification benchmark: one upload of a realistic list, end to end, through the real API and
// worker processes on a fresh test database, the worker resolving through a local DNS server.
//
//   pnpm bench bulk              1,000,000 addresses
//   pnpm bench bulk --rows 20000 a quick run
//
// The list (a CSV streamed to a temporary file, deleted afterwards): 60 % of the addresses at 20
// big providers, 37 % across 50,000 other domains of which 5 % of all addresses are at domains that
// do not exist (NXDOMAIN), and 3 % bad syntax. Every address is unique. It is uploaded with the SDK
// (`jobs.create({ file })`, multipart streamed from disk) and followed with `jobs.wait` (the job's
// event stream) at standard depth; then every result is downloaded as CSV.
//
// Figures: upload -> created (extraction + encrypted inserts, inside the request), created -> first
// chunk, chunk processing, and upload -> results ready (job completed); the processes' CPU per phase
// (API, worker, the database's backends, this process, which also runs the DNS server) from /proc;
// the worker's and API's peak RSS (VmHWM) and the API's RSS before, during and after the upload
// (sampled every 100 ms from VmRSS). Goals: <= 60 s end to end on 2 cores, worker RSS <= 512 MB, API
// RSS flat while the upload streams (on a warmed API, see GOAL_API_RSS_GROWTH_MB). Progress on
// stderr; the last stdout line is one JSON object.
// BENCH_API_NODE_OPTIONS and BENCH_WORKER_NODE_OPTIONS, when set, are passed to the API and the
// worker as NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them);
// BENCH_KEEP_DB=1 keeps the database afterwards.
//
// The list and its DNS zones are list.ts; /proc readings proc.ts; the account account.ts; the run's
// phases run.ts; the figures figures.ts.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type SpawnedApp, spawnApp, waitForHttp } from '@postern/runtime/testing';
// The root package depends on @postern/runtime only; the others are reached by path.
import { createTestDatabase, type TestDatabase } from '../../packages/db/src/testing.ts';
import { createClient } from '../../packages/sdk/src/index.ts';
import { startDnsServer, type TestDnsServer } from '../../packages/validator/test/support/dns-server.ts';
import { apiKeyFor } from '../account.ts';
import { round } from '../lib.ts';
import { figuresOf } from './figures.ts';
import { writeList, zones } from './list.ts';
import type { Pids } from './proc.ts';
import { downloadAll, log, RssSampler, runJob, warmUp } from './run.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, workers: { type: 'string', default: '1' } },
  allowPositionals: false,
});
const ROWS = Number(values.rows);
const WORKERS = Number(values.workers);
if (
  !Number.isInteger(ROWS) ||
  ROWS < 100 ||
  ROWS > 5_000_000 ||
  !Number.isInteger(WORKERS) ||
  WORKERS < 1 ||
  WORKERS > 8
) {
  process.stderr.write(
    'usage: pnpm bench bulk [--rows N] [--workers W]   (N 100 to 5,000,000, default 1,000,000; W worker processes 1 to 8, default 1)\n',
  );
  process.exit(2);
}

const agent = new http.Agent({ keepAlive: true });

/** What was started, for the cleanup (also after a failure half-way). */
const started: {
  db?: TestDatabase;
  dns?: TestDnsServer;
  api?: SpawnedApp;
  workers: SpawnedApp[];
  dir?: string;
} = { workers: [] };

/** The API and WORKERS worker processes on a fresh database, resolving through the local DNS server. */
async function startProcesses(listBytes: number): Promise<Pids> {
  const [db, dns] = await Promise.all([createTestDatabase(), startDnsServer(zones(), { negativeTtl: 3600 })]);
  started.db = db;
  started.dns = dns;
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: 'redis://127.0.0.1:6379/0',
    DNS_SERVERS: dns.address,
    DNS_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MULTIPLIER: '1000',
    BULK_MAX_ROWS: String(ROWS + 10),
    BULK_MAX_UPLOAD_BYTES: String(Math.max(100 * 1024 * 1024, listBytes * 2)),
    WEB_DIST: '/nonexistent',
  };
  const nodeOptions = (name: string): Record<string, string> => {
    const value = process.env[name];
    return value ? { NODE_OPTIONS: value } : {};
  };
  const api = await spawnApp('api', { ...env, ...nodeOptions('BENCH_API_NODE_OPTIONS') });
  started.api = api;
  for (let i = 0; i < WORKERS; i++) {
    started.workers.push(
      await spawnApp('worker', {
        ...env,
        LOG_LEVEL: 'info',
        // The lowest setting (the default is 1 s): a worker slot waits this long after each chunk.
        WORKER_POLL_SECONDS: '0.5',
        ...nodeOptions('BENCH_WORKER_NODE_OPTIONS'),
      }),
    );
  }
  const { workers } = started;
  await Promise.all([
    waitForHttp(`${api.url}/healthz`, { timeoutMs: 30_000 }),
    ...workers.map((w) => w.waitForLine(/worker started/, 30_000)),
  ]);
  const pids: Pids = {
    api: api.proc.pid ?? 0,
    workers: workers.map((w) => w.proc.pid ?? 0),
    dbName: db.name,
  };
  log(
    `api ${api.url} (pid ${pids.api}), worker pids ${pids.workers.join(', ')}, database ${db.name}, DNS ${dns.address}`,
  );
  return pids;
}

async function main() {
  const loadBefore = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  const dir = await mkdtemp(join(tmpdir(), 'postern-bench-bulk-'));
  started.dir = dir;
  const file = join(dir, 'list.csv');
  const t = performance.now();
  const list = await writeList(file, ROWS);
  log(
    `${ROWS.toLocaleString('en-US')} rows, ${(list.bytes / 1024 / 1024).toFixed(1)} MB written in ${round((performance.now() - t) / 1000, 1)} s: ` +
      `${list.mix.providers} at providers, ${list.mix.other} at other domains, ${list.mix.dead} at dead domains, ${list.mix.bad} bad syntax`,
  );
  const pids = await startProcesses(list.bytes);
  const api = started.api as SpawnedApp;
  const dns = started.dns as TestDnsServer;
  const client = createClient({
    baseUrl: api.url,
    apiKey: await apiKeyFor(agent, api.url, { bench: 'bulk' }),
  });
  const coldGrowth = await warmUp(client, pids, dir, ROWS);
  dns.resetCounts();

  const sampler = new RssSampler(pids, list.bytes);
  await sampler.start();
  const run = await runJob(client, file, pids, sampler);
  const download = await downloadAll(client, run.done);
  const figures = figuresOf({
    rows: ROWS,
    workerCount: WORKERS,
    list,
    loadBefore,
    pids,
    workers: started.workers,
    dns,
    sampler,
    coldGrowth,
    run,
    download,
  });
  log(`cpu while uploading: ${JSON.stringify(figures.cpu_upload)}`);
  log(`cpu while processing: ${JSON.stringify(figures.cpu_processing)}`);
  console.log(JSON.stringify(figures));
}

try {
  await main();
} finally {
  const { api, workers, dns, db, dir } = started;
  const stopping = performance.now();
  const codes = await Promise.all([api?.stop(), ...workers.map((w) => w.stop())]);
  log(
    `stopped api and worker (exit codes ${codes.join(', ')}) in ${Math.round(performance.now() - stopping)} ms`,
  );
  await dns?.close();
  // BENCH_KEEP_DB=1 keeps the database to look into afterwards.
  if (process.env.BENCH_KEEP_DB) log(`kept database ${db?.url}`);
  else await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
  agent.destroy();
}
process.exit(0);
