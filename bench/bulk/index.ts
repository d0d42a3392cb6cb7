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
import { createWriteStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type SpawnedApp, spawnApp, waitForHttp } from '@postern/runtime/testing';
// The root package depends on @postern/runtime only; the others are reached by path.
import { AUTH_COOKIES, CSRF_HEADER } from '../../packages/contracts/src/index.ts';
import { createTestDatabase, type TestDatabase } from '../../packages/db/src/testing.ts';
import { createClient } from '../../packages/sdk/src/index.ts';
import {
  startDnsServer,
  type TestDnsServer,
  type Zones,
} from '../../packages/validator/test/support/dns-server.ts';
import { cookieValue, request, round, rssMb, ticks } from '../lib.ts';

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
const PROVIDERS = [
  'gmail.com',
  'yahoo.com',
  'outlook.com',
  'hotmail.com',
  'icloud.com',
  'aol.com',
  'gmx.de',
  'web.de',
  'yandex.ru',
  'mail.ru',
  'protonmail.com',
  'live.com',
  'msn.com',
  'orange.fr',
  'free.fr',
  'comcast.net',
  'qq.com',
  '163.com',
  'libero.it',
  'zoho.com',
];
const OTHER_DOMAINS = 50_000;
/** Of the 37 % of addresses at other domains, 5 points are at dead ones: 5/37 of those domains. */
const DEAD_DOMAINS = Math.round((OTHER_DOMAINS * 5) / 37);
const PASSWORD = 'Bench-Password-42!';
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) postern-bench/1';

const log = (line: string) => process.stderr.write(`bulk: ${line}\n`);
const otherDomain = (j: number) =>
  j < DEAD_DOMAINS ? `gone-${j}.example-dead.net` : `company-${j}.example-corp.com`;

/** A small deterministic PRNG (mulberry32): the same list on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'anna',
  'ben',
  'carla',
  'dmitri',
  'eva',
  'farid',
  'grace',
  'hugo',
  'ines',
  'jon',
  'kim',
  'lea',
];
const LAST = ['smith', 'meier', 'rossi', 'dubois', 'kowalski', 'silva', 'tanaka', 'nguyen', 'okafor', 'berg'];
const BAD = (i: number) =>
  [`user${i}.example.com`, `user${i}@@example.com`, `user ${i}@example.com`, `user${i}@`, `@x${i}.com`][
    i % 5
  ];

/** Writes the list; returns its size and the expected mix. */
async function writeList(path: string, rows: number, domainSuffix = '') {
  const random = prng(20_261_121);
  const mix = { providers: 0, other: 0, dead: 0, bad: 0 };
  const out = createWriteStream(path);
  let buffer = 'id,email,first_name,last_name,signed_up\n';
  for (let i = 0; i < rows; i++) {
    const first = FIRST[i % FIRST.length] as string;
    const last = LAST[(i >>> 3) % LAST.length] as string;
    const local = `${first}.${last}${i}`;
    const r = random();
    let email: string;
    if (r < 0.03) {
      email = BAD(i) as string;
      mix.bad++;
    } else if (r < 0.63) {
      // Skewed like real lists: the first providers far more common than the last.
      const p = Math.floor(PROVIDERS.length * random() ** 2);
      email = `${local}@${PROVIDERS[p]}${domainSuffix}`;
      mix.providers++;
    } else {
      const j = Math.floor(random() * OTHER_DOMAINS);
      email = `${local}@${otherDomain(j)}${domainSuffix}`;
      if (j < DEAD_DOMAINS) mix.dead++;
      else mix.other++;
    }
    const day = 1 + (i % 28);
    buffer += `${i + 1},${email},${first},${last},2026-0${1 + (i % 9)}-${day < 10 ? `0${day}` : day}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buffer = '';
    }
  }
  out.write(buffer);
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return { bytes: statSync(path).size, mix };
}

function zones(): Zones {
  const z: Zones = {};
  for (const provider of PROVIDERS) {
    z[provider] = {
      mx: [
        { exchange: `mx1.${provider}`, priority: 10, ttl: 3600 },
        { exchange: `mx2.${provider}`, priority: 20, ttl: 3600 },
      ],
    };
    // MX hosts need an address (an MX whose hosts have none is dangling: no_mail_host).
    z[`mx1.${provider}`] = { a: ['192.0.2.25'], ttl: 3600 };
    z[`mx2.${provider}`] = { a: ['192.0.2.26'], ttl: 3600 };
  }
  for (let j = DEAD_DOMAINS; j < OTHER_DOMAINS; j++) {
    z[otherDomain(j)] = { mx: [{ exchange: `mail.${otherDomain(j)}`, priority: 10, ttl: 3600 }] };
    z[`mail.${otherDomain(j)}`] = { a: ['192.0.2.27'], ttl: 3600 };
  }
  return z;
}

// ---------------------------------------------------------------------------------------------
// /proc readings: CPU (clock ticks of 10 ms) of a process, of the database's backends, and of the
// machine; resident memory sampled every 100 ms.

const TICK_MS = 10;

function processTicks(pid: number | undefined): number {
  try {
    return ticks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 0;
  }
}

/** CPU ticks of the PostgreSQL processes serving `dbName` (their title carries its name). */
function backendTicks(dbName: string): number {
  let sum = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dbName)) continue;
      sum += ticks(readFileSync(`/proc/${entry}/stat`, 'utf8'));
    } catch {
      // ended meanwhile
    }
  }
  return sum;
}

function machineTicks(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** Bytes a process has read through system calls (sockets included): /proc/<pid>/io rchar. */
function bytesRead(pid: number): number {
  try {
    return Number(/rchar:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

interface CpuMark {
  at: number;
  api: number;
  worker: number;
  postgres: number;
  self: number;
  machine: { busy: number; total: number };
}

interface Pids {
  api: number;
  workers: number[];
  dbName: string;
}

function mark(pids: Pids): CpuMark {
  return {
    at: performance.now(),
    api: processTicks(pids.api),
    worker: pids.workers.reduce((sum, pid) => sum + processTicks(pid), 0),
    postgres: backendTicks(pids.dbName),
    self: processTicks(process.pid),
    machine: machineTicks(),
  };
}

/** Cores used by each process between two marks (1.0 = one core busy all the time). */
function cores(from: CpuMark, to: CpuMark) {
  const wallMs = Math.max(1, to.at - from.at);
  const c = (a: number, b: number) => round(((b - a) * TICK_MS) / wallMs, 2);
  const machineTotal = Math.max(1, to.machine.total - from.machine.total);
  return {
    seconds: round(wallMs / 1000, 2),
    api_cores: c(from.api, to.api),
    worker_cores: c(from.worker, to.worker),
    postgres_cores: c(from.postgres, to.postgres),
    bench_and_dns_cores: c(from.self, to.self),
    machine_busy_pct: round(((to.machine.busy - from.machine.busy) / machineTotal) * 100, 0),
  };
}

// ---------------------------------------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true });

async function trpc<T>(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  cookies: Record<string, string>,
  input?: unknown,
): Promise<{ data: T; setCookie: string[] }> {
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    cookie: Object.entries(cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; '),
  };
  let body: string | undefined;
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    headers[CSRF_HEADER] = cookies[AUTH_COOKIES.csrf] ?? '';
    body = JSON.stringify(input ?? {});
  }
  const res = await request(agent, base, method, `/trpc/${path}`, headers, body);
  if (res.status !== 200) throw new Error(`${method} /trpc/${path}: HTTP ${res.status} ${res.body}`);
  return { data: (JSON.parse(res.body) as { result: { data: T } }).result.data, setCookie: res.setCookie };
}

/** Signs an account up over tRPC, as the dashboard does, and creates an API key of its workspace. */
async function apiKeyFor(base: string): Promise<string> {
  const first = await request(agent, base, 'GET', '/trpc/system.health', { 'user-agent': USER_AGENT });
  const csrf = cookieValue(first.setCookie, AUTH_COOKIES.csrf);
  if (!csrf) throw new Error('no CSRF cookie');
  const cookies: Record<string, string> = { [AUTH_COOKIES.csrf]: csrf };
  const email = `bench-bulk-${Date.now()}@example.test`;
  await trpc(base, 'POST', 'auth.signUp', cookies, { email, password: PASSWORD });
  // Sign-up answers "check your email"; the session (and a new CSRF token) come with sign-in.
  const signIn = await trpc(base, 'POST', 'auth.signIn', cookies, { email, password: PASSWORD });
  const access = cookieValue(signIn.setCookie, AUTH_COOKIES.access);
  if (!access) throw new Error('sign-in: no session cookie');
  cookies[AUTH_COOKIES.access] = access;
  cookies[AUTH_COOKIES.csrf] = cookieValue(signIn.setCookie, AUTH_COOKIES.csrf) ?? csrf;
  const list = await trpc<{ workspaces: { id: string }[] }>(base, 'GET', 'workspaces.list', cookies);
  const workspaceId = list.data.workspaces[0]?.id;
  if (!workspaceId) throw new Error('no workspace');
  const key = await trpc<{ secret: string }>(base, 'POST', 'apiKeys.create', cookies, {
    workspaceId,
    name: 'bench',
  });
  return key.data.secret;
}

// ---------------------------------------------------------------------------------------------

let db: TestDatabase | undefined;
let dns: TestDnsServer | undefined;
let api: SpawnedApp | undefined;
const workers: SpawnedApp[] = [];
let dir: string | undefined;
const loadBefore = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
try {
  dir = await mkdtemp(join(tmpdir(), 'postern-bench-bulk-'));
  const file = join(dir, 'list.csv');
  let t = performance.now();
  const list = await writeList(file, ROWS);
  log(
    `${ROWS.toLocaleString('en-US')} rows, ${(list.bytes / 1024 / 1024).toFixed(1)} MB written in ${round((performance.now() - t) / 1000, 1)} s: ` +
      `${list.mix.providers} at providers, ${list.mix.other} at other domains, ${list.mix.dead} at dead domains, ${list.mix.bad} bad syntax`,
  );

  [db, dns] = await Promise.all([createTestDatabase(), startDnsServer(zones(), { negativeTtl: 3600 })]);
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: 'redis://127.0.0.1:6379/0',
    DNS_SERVERS: dns.address,
    DNS_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MULTIPLIER: '1000',
    BULK_MAX_ROWS: String(ROWS + 10),
    BULK_MAX_UPLOAD_BYTES: String(Math.max(100 * 1024 * 1024, list.bytes * 2)),
    WEB_DIST: '/nonexistent',
  };
  const nodeOptions = (name: string): Record<string, string> => {
    const value = process.env[name];
    return value ? { NODE_OPTIONS: value } : {};
  };
  api = await spawnApp('api', { ...env, ...nodeOptions('BENCH_API_NODE_OPTIONS') });
  for (let i = 0; i < WORKERS; i++) {
    workers.push(
      await spawnApp('worker', {
        ...env,
        LOG_LEVEL: 'info',
        // The lowest setting (the default is 1 s): a worker slot waits this long after each chunk.
        WORKER_POLL_SECONDS: '0.5',
        ...nodeOptions('BENCH_WORKER_NODE_OPTIONS'),
      }),
    );
  }
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
  const apiKey = await apiKeyFor(api.url);
  const client = createClient({ baseUrl: api.url, apiKey });
  // Warm the key cache and the API's code paths with one tiny job.
  await client.jobs.wait((await client.jobs.create({ emails: ['warm@gmail.com'] })).id, {
    timeoutMs: 30_000,
  });
  // Warm the API as a process that has served uploads before (a cold one first grows its heap and
  // code by ~100-150 MB, whatever the upload): a fifth-size list at other domains (nothing the
  // measured list will look up), cancelled and deleted as soon as it is created.
  const warmPath = join(dir, 'warm.csv');
  await writeList(warmPath, Math.max(100, Math.floor(ROWS / 5)), '.warmup.example');
  const coldBefore = rssMb(pids.api, 'VmRSS');
  const warm = await client.jobs.create({ file: warmPath, depth: 'standard' });
  const coldGrowth = rssMb(pids.api, 'VmHWM') - coldBefore;
  await client.jobs.cancel(warm.id);
  await client.jobs.delete(warm.id);
  await rm(warmPath, { force: true });
  log(
    `warm-up upload of ${warm.total.toLocaleString('en-US')} addresses grew the cold API by ${coldGrowth} MB`,
  );
  dns.resetCounts();

  // RSS sampling, every 100 ms, by phase.
  type Phase = 'before' | 'upload' | 'processing' | 'after';
  let phase: Phase = 'before';
  const apiRss: Record<Phase, number[]> = { before: [], upload: [], processing: [], after: [] };
  const workerRss: number[] = [];
  const workerRssBefore: number[] = [];
  // When the API had read (nearly) the whole upload from its socket: long before the job exists,
  // the body was buffered rather than read as the extraction consumed it.
  const apiReadBase = bytesRead(pids.api);
  let uploadReadAt: number | undefined;
  const sample = () => {
    apiRss[phase].push(rssMb(pids.api, 'VmRSS'));
    const rss = Math.max(...pids.workers.map((pid) => rssMb(pid, 'VmRSS')));
    (phase === 'before' ? workerRssBefore : workerRss).push(rss);
    if (
      phase === 'upload' &&
      uploadReadAt === undefined &&
      bytesRead(pids.api) - apiReadBase >= list.bytes * 0.98
    ) {
      uploadReadAt = performance.now();
    }
  };
  for (let i = 0; i < 5; i++) {
    sample();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const sampler = setInterval(sample, 100);

  const m0 = mark(pids);
  t = performance.now();
  phase = 'upload';
  const job = await client.jobs.create({ file, depth: 'standard' });
  const createdMs = performance.now() - t;
  const m1 = mark(pids);
  phase = 'processing';
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
  phase = 'after';
  await new Promise((resolve) => setTimeout(resolve, 500));
  clearInterval(sampler);
  log(`job ${done.status} after ${round(totalMs / 1000, 1)} s: ${JSON.stringify(done.counts)}`);
  if (done.status !== 'completed') throw new Error(`the job ended ${done.status}: ${done.error}`);

  // Every result downloaded as CSV (streamed page by page from the encrypted chunks).
  const downloadStarted = performance.now();
  const body = await client.jobs.download(job.id, { format: 'csv' });
  let downloadBytes = 0;
  let downloadLines = 0;
  for await (const chunk of body) {
    downloadBytes += chunk.length;
    for (const byte of chunk) if (byte === 10) downloadLines++;
  }
  const downloadMs = performance.now() - downloadStarted;
  // One line per address and the header (a quoted cell never holds a line break here).
  if (downloadLines !== done.total + 1)
    throw new Error(`the download had ${downloadLines} lines for ${done.total} results`);
  log(
    `downloaded ${downloadLines - 1} results as CSV (${round(downloadBytes / 1024 / 1024, 1)} MB) in ${round(downloadMs / 1000, 1)} s`,
  );

  // Processing rate from the job's own timestamps, and over the middle of the run (10 %–90 %).
  const processingS =
    done.startedAt && done.completedAt
      ? (Date.parse(done.completedAt) - Date.parse(done.startedAt)) / 1000
      : NaN;
  const at = (share: number) => progress.find((p) => p.processed >= share * done.total);
  const p10 = at(0.1);
  const p90 = at(0.9);
  const middleRate =
    p10 && p90 && p90.at > p10.at ? (p90.processed - p10.processed) / ((p90.at - p10.at) / 1000) : NaN;
  const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const dnsQueries = dns.log.length;
  const dnsByType: Record<string, number> = {};
  for (const q of dns.log) dnsByType[q.type] = (dnsByType[q.type] ?? 0) + 1;

  // Chunk jobs as the worker logged them: how long each took, and how busy its slots were (each
  // worker runs QUEUES.bulkChunk.policy.concurrency = 2 chunks at a time; a slot that finishes a chunk
  // waits out the rest of WORKER_POLL_SECONDS before it fetches the next).
  const chunkMs = workers
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
  const chunkBusyMs = chunkMs.reduce((a, b) => a + b, 0);
  const workerPeak = Math.max(...pids.workers.map((pid) => rssMb(pid, 'VmHWM')));
  const uploadGrowth = max(apiRss.upload) - median(apiRss.before);
  const figures = {
    bench: 'bulk',
    rows: ROWS,
    file_mb: round(list.bytes / 1024 / 1024, 1),
    addresses: done.total,
    cores: availableParallelism(),
    load_before: loadBefore,
    upload_to_created_s: round(createdMs / 1000, 2),
    upload_read_by_api_s: uploadReadAt === undefined ? null : round((uploadReadAt - t) / 1000, 2),
    extraction_rows_per_s: Math.round(ROWS / (createdMs / 1000)),
    created_to_first_progress_s:
      firstProgressAt === undefined ? null : round((firstProgressAt - t - createdMs) / 1000, 2),
    processing_s: round(processingS, 2),
    processing_per_s: Math.round(done.total / processingS),
    processing_middle_per_s: Math.round(middleRate),
    end_to_end_s: round(totalMs / 1000, 2),
    download_csv_s: round(downloadMs / 1000, 2),
    download_csv_rows_per_s: Math.round(done.total / (downloadMs / 1000)),
    download_csv_mb: round(downloadBytes / 1024 / 1024, 1),
    workers: WORKERS,
    chunk_jobs: chunkMs.length,
    chunk_ms_p50: chunkMs[Math.floor(chunkMs.length / 2)] ?? null,
    chunk_ms_p90: chunkMs[Math.floor(chunkMs.length * 0.9)] ?? null,
    worker_slots_busy_pct: round((chunkBusyMs / (WORKERS * 2 * processingS * 1000)) * 100, 0),
    counts: done.counts,
    dns_queries: dnsQueries,
    dns_queries_by_type: dnsByType,
    cpu_upload: cores(m0, m1),
    cpu_processing: cores(firstMark ?? m1, m2),
    worker_rss_before_mb: median(workerRssBefore),
    worker_peak_rss_mb: workerPeak,
    worker_rss_max_sampled_mb: max(workerRss),
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
    api_rss_cold_upload_growth_mb: coldGrowth,
    api_rss_processing_max_mb: max(apiRss.processing),
    goals: {
      end_to_end_s: GOAL_SECONDS,
      worker_rss_mb: GOAL_WORKER_RSS_MB,
      api_rss_upload_growth_mb: GOAL_API_RSS_GROWTH_MB,
    },
    goal_time_met: totalMs / 1000 <= GOAL_SECONDS,
    goal_worker_rss_met: workerPeak <= GOAL_WORKER_RSS_MB,
    goal_api_rss_flat_met: uploadGrowth <= GOAL_API_RSS_GROWTH_MB,
  };
  log(`cpu while uploading: ${JSON.stringify(figures.cpu_upload)}`);
  log(`cpu while processing: ${JSON.stringify(figures.cpu_processing)}`);
  console.log(JSON.stringify(figures));
} finally {
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
