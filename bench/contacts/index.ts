// Contacts benchmark (#30), through the real API and worker processes on a fresh test database:
//
//   pnpm bench contacts               1,000,000 contacts imported, then the hosted form at 50 connections
//   pnpm bench contacts --rows 20000  a quick run
//
// 1. Import: a CSV of `--rows` contacts (email, name, two attributes; every address unique) is streamed
//    as multipart/form-data to POST /v1/contact-imports (basis `consent`) and followed until the
//    import completed: `import_end_to_end_s` is from the first byte of the upload to `completed`
//    (every contact subscribed to the list with its consent event). `worker_peak_rss_mb` and
//    `api_peak_rss_mb` are the processes' VmHWM after the import.
// 2. Subscribe: the hosted form's POST /p/lists/:id/subscribe on a double opt-in list (a new address
//    per post; each queues a confirmation email, which the worker writes to the dev mail sink,
//    MAIL_DIR, a temporary directory) at 50 connections, in windows alternating with a bare Fastify
//    route in its own process (bench/api/bare-server.ts): `subscribe_rps`, `subscribe_p99_ms`,
//    `subscribe_ratio_over_bare`. The per-IP form limit is raised for the run by configuration
//    (OPT_IN_FORM_POSTS_PER_MINUTE=10000) and each connection posts from its own 127.0.1.x address;
//    the per-address list-bombing limits never apply (every address is new). The output says so.
// Progress on stderr; the last stdout line is one JSON object.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort, type SpawnedApp, spawnApp, waitForHttp } from '@postern/runtime/testing';
import { createTestDatabase, type TestDatabase } from '../../packages/db/src/testing.ts';
import { apiKeyFor } from '../account.ts';
import { request, round, rssMb } from '../lib.ts';
import { CONNECTIONS, loadWindow, summary, type Window } from './subscribe.ts';
import { log, uploadImport, waitForImport, writeContacts } from './upload.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, seconds: { type: 'string', default: '5' } },
});
const ROWS = Number(values.rows);
const WINDOW_MS = Number(values.seconds) * 1000;
if (!Number.isInteger(ROWS) || ROWS < 100 || ROWS > 2_000_000 || !(WINDOW_MS >= 1000)) {
  process.stderr.write('usage: pnpm bench contacts [--rows N] [--seconds S]   (N 100 to 2,000,000)\n');
  process.exit(2);
}
const FORM_LIMIT = 10_000;
// pg is a dependency of packages/db, not of the root package: reached from there.
const pg = createRequire(new URL('../../packages/db/package.json', import.meta.url))(
  'pg',
) as typeof import('pg');

/**
 * Refreshes the planner statistics of the tables the import filled, as the database owner. This
 * machine's PostgreSQL runs with autovacuum off (which would do it within a minute in production);
 * without it, lookups by address plan for an empty table and the subscribe phase measures that.
 */
async function analyze(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const [row] = (await client.query('show autovacuum')).rows as { autovacuum: string }[];
    if (row?.autovacuum === 'on') return false;
    await client.query('analyze contact, subscription, consent_event, subject_key');
    return true;
  } finally {
    await client.end();
  }
}
const agent = new http.Agent({ keepAlive: true });
const started: {
  db?: TestDatabase;
  api?: SpawnedApp;
  worker?: SpawnedApp;
  bare?: ChildProcess;
  dir?: string;
} = {};

async function startAll(dir: string, fileBytes: number) {
  const db = await createTestDatabase();
  started.db = db;
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: 'redis://127.0.0.1:6379/0',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MULTIPLIER: '1000',
    BULK_MAX_ROWS: String(ROWS + 10),
    BULK_MAX_UPLOAD_BYTES: String(Math.max(100 * 1024 * 1024, fileBytes * 2)),
    OPT_IN_FORM_POSTS_PER_MINUTE: String(FORM_LIMIT),
    MAIL_DIR: join(dir, 'mail'),
    WEB_DIST: '/nonexistent',
  };
  started.api = await spawnApp('api', {
    ...env,
    // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof-api` to profile the API (the upload).
    ...(process.env.BENCH_API_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_API_NODE_OPTIONS } : {}),
  });
  started.worker = await spawnApp('worker', {
    ...env,
    LOG_LEVEL: 'info',
    WORKER_POLL_SECONDS: '0.5',
    // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the worker.
    ...(process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {}),
  });
  const barePort = await freePort();
  started.bare = spawn(process.execPath, [fileURLToPath(new URL('../api/bare-server.ts', import.meta.url))], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: String(barePort) },
    stdio: 'ignore',
  });
  await Promise.all([
    waitForHttp(`${started.api.url}/healthz`, { timeoutMs: 30_000 }),
    waitForHttp(`http://127.0.0.1:${barePort}/bare`, { timeoutMs: 30_000 }),
    started.worker.waitForLine(/worker started/, 30_000),
  ]);
  return { api: started.api.url, bare: `http://127.0.0.1:${barePort}` };
}

async function createList(base: string, apiKey: string, name: string, doubleOptIn: boolean): Promise<string> {
  const res = await request(
    agent,
    base,
    'POST',
    '/v1/lists',
    { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    JSON.stringify({ name, doubleOptIn }),
  );
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`POST /v1/lists: HTTP ${res.status} ${res.body}`);
  return (JSON.parse(res.body) as { id: string }).id;
}

async function importPhase(base: string, apiKey: string, file: string) {
  const listId = await createList(base, apiKey, 'Imported', false);
  const t0 = performance.now();
  const id = await uploadImport(
    base,
    apiKey,
    {
      listId,
      basis: 'consent',
      emailColumn: 'email',
      nameColumn: 'name',
      attributeColumns: JSON.stringify({ plan: 'plan', city: 'city' }),
    },
    file,
  );
  const uploaded = (performance.now() - t0) / 1000;
  log(`uploaded in ${round(uploaded, 1)} s (import ${id})`);
  let last = 0;
  const done = await waitForImport(agent, base, apiKey, id, (s) => {
    if (s.counts.processed - last >= ROWS / 10) {
      last = s.counts.processed;
      log(
        `${s.status}: ${s.counts.processed.toLocaleString('en-US')} rows at ${round((performance.now() - t0) / 1000, 1)} s`,
      );
    }
  });
  const total = (performance.now() - t0) / 1000;
  if (done.status !== 'completed' || done.counts.imported !== ROWS)
    throw new Error(`import ended ${done.status}: ${JSON.stringify(done.counts)} ${done.error ?? ''}`);
  return { uploaded, total };
}

async function subscribePhase(urls: { api: string; bare: string }, apiKey: string) {
  const listId = await createList(urls.api, apiKey, 'Double opt-in', true);
  const path = `/p/lists/${listId}/subscribe`;
  const bare: Window[] = [];
  const form: Window[] = [];
  for (let round_ = 0; round_ < 2; round_++) {
    bare.push(await loadWindow(urls.bare, '/bare', false, 200, 1000, WINDOW_MS));
    form.push(await loadWindow(urls.api, path, true, 200, 1000, WINDOW_MS));
  }
  return { bare: summary(bare), form: summary(form) };
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'postern-bench-contacts-'));
  started.dir = dir;
  const file = join(dir, 'contacts.csv');
  const bytes = await writeContacts(file, ROWS);
  log(`${ROWS.toLocaleString('en-US')} contacts, ${(bytes / 1024 / 1024).toFixed(1)} MB`);
  const urls = await startAll(dir, bytes);
  const apiKey = await apiKeyFor(agent, urls.api, {
    bench: 'contacts',
    scopes: ['lists:write', 'contacts:read', 'contacts:write'],
  });
  const imported = await importPhase(urls.api, apiKey, file);
  const workerRss = rssMb(started.worker?.proc.pid, 'VmHWM');
  const apiRss = rssMb(started.api?.proc.pid, 'VmHWM');
  log(
    `import completed in ${round(imported.total, 1)} s; worker peak ${workerRss} MB, API peak ${apiRss} MB`,
  );
  const analyzed = await analyze(started.db?.url as string);
  if (analyzed) log('autovacuum is off here: analyzed contact, subscription, consent_event, subject_key');
  const sub = await subscribePhase(urls, apiKey);
  log(`bare ${JSON.stringify(sub.bare)}; subscribe ${JSON.stringify(sub.form)}`);
  console.log(
    JSON.stringify({
      rows: ROWS,
      import_end_to_end_s: round(imported.total, 1),
      import_upload_s: round(imported.uploaded, 1),
      worker_peak_rss_mb: workerRss,
      api_peak_rss_mb: apiRss,
      subscribe_rps: sub.form.rps,
      subscribe_p50_ms: sub.form.p50,
      subscribe_p99_ms: sub.form.p99,
      subscribe_errors: sub.form.errors,
      bare_rps: sub.bare.rps,
      subscribe_ratio_over_bare: round(sub.form.rps / sub.bare.rps, 3),
      connections: CONNECTIONS,
      limits_raised_for_bench: `OPT_IN_FORM_POSTS_PER_MINUTE=${FORM_LIMIT} (per IP; each connection its own 127.0.1.x address); list-bombing limits untouched (every address new)`,
      mail_sink: 'MAIL_DIR (dev mail sink, temporary directory)',
      analyzed_after_import: analyzed
        ? 'autovacuum is off on this PostgreSQL: the bench ran ANALYZE on the imported tables before the subscribe phase'
        : false,
      goals: { import_end_to_end_s: 60, worker_peak_rss_mb: 512 },
    }),
  );
}

try {
  await main();
} finally {
  await Promise.all([started.api?.stop(), started.worker?.stop()]);
  started.bare?.kill('SIGTERM');
  if (process.env.BENCH_KEEP_DB) log(`kept database ${started.db?.url}`);
  else await started.db?.drop();
  if (started.dir) await rm(started.dir, { recursive: true, force: true });
  agent.destroy();
}
process.exit(0);
