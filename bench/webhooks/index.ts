// Webhook delivery benchmark: real worker processes (the entry point operators run) deliver events
// written to the outbox to a local receiver (node:http on 127.0.0.1, answering 200 at once).
//   Phase 1, steady: STEADY_RATE events/s for STEADY_SECONDS, written every 10 ms (the events due since
//     the last tick in one transaction, as changes write them) with the dispatch request after each
//     commit. Measures
//     enqueue (commit) → delivered (arrival at the receiver) p50/p99/max and the delivery rate.
//   Phase 2, backlog: BACKLOG events written at once; measures how fast the workers drain them
//     (deliveries/s capacity).
// Also: duplicates (a webhook-id seen twice), attempts recorded, worker CPU and peak RSS (/proc).
// Goal: >= 500 deliveries/s, p99 < 1 s on 2 cores. BENCH_WEBHOOK_WORKERS (default 2) worker processes.
// The last stdout line is one JSON object of figures; progress goes to stderr.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type SpawnedApp, spawnApp } from '@postern/runtime/testing';
import { ALL_QUEUES } from '../../packages/contracts/src/index.ts';
import {
  createKeyring,
  createWebhookEndpoint,
  parseEncryptionKeys,
  recordEvent,
  requestWebhookDispatch,
  systemClock,
} from '../../packages/core/src/index.ts';
import { startReceiver } from '../../packages/core/test/support/webhook-receiver.ts';
import { createOrm } from '../../packages/db/src/index.ts';
import { createTestDatabase } from '../../packages/db/src/testing.ts';
import {
  createLogger,
  createQueueClient,
  ensureQueues,
  loadConfig,
} from '../../packages/runtime/src/index.ts';
import { verifyWebhook } from '../../packages/sdk/src/webhooks.ts';
import { percentile, round, rssMb, ticks } from '../lib.ts';

const WORKERS = Number(process.env.BENCH_WEBHOOK_WORKERS ?? 2);
const STEADY_RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 500);
const STEADY_SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 20);
const BACKLOG = Number(process.env.BENCH_WEBHOOK_BACKLOG ?? 10_000);
const GOAL_RATE = 500;
const GOAL_P99_MS = 1000;
const TICK_MS = 10;
const PRODUCERS = 4;

const log = (line: string) => process.stderr.write(`webhooks: ${line}\n`);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const KEYS = `b:${randomBytes(32).toString('base64url')}`;
const keyring = createKeyring(parseEncryptionKeys(KEYS));

const db = await createTestDatabase();
const orm = await createOrm({ databaseUrl: db.url, poolMax: PRODUCERS + 2 });
const producer = createQueueClient({
  databaseUrl: db.url,
  role: 'producer',
  logger: createLogger({ level: 'silent', name: 'bench' }),
});
await producer.start();
await ensureQueues(producer, ALL_QUEUES);

// The receiver: arrival time per event (by the event's sequence number in data.job_id).
const enqueuedAt = new Map<number, number>();
const arrivedAt = new Map<number, number>();
const seenIds = new Set<string>();
let duplicates = 0;
let received = 0;
let firstRequest: { body: string; headers: Record<string, string> } | undefined;
const receiver = await startReceiver({
  record: false,
  respond: (request, res) => {
    received += 1;
    const id = String(request.headers['webhook-id']);
    if (seenIds.has(id)) duplicates += 1;
    seenIds.add(id);
    const seq = Number(/"job_id":"bench-(\d+)"/.exec(request.body)?.[1] ?? -1);
    if (!arrivedAt.has(seq)) arrivedAt.set(seq, request.at);
    firstRequest ??= { body: request.body, headers: request.headers as Record<string, string> };
    res.writeHead(200);
    res.end();
  },
});

const workspaceId = randomUUID();
const { secret } = await createWebhookEndpoint(
  {
    em: orm.em.fork(),
    clock: systemClock,
    keyring,
    meta: { ip: null, userAgent: 'bench' },
    config: loadConfig({ WEBHOOK_ALLOWED_TARGETS: '127.0.0.1' }),
  },
  workspaceId,
  randomUUID(),
  { url: `${receiver.url}/hook`, eventTypes: ['bulk_job.completed'] },
);

const workers: SpawnedApp[] = [];
/** Stops everything this run started, also when it fails half-way (no orphaned workers). */
async function cleanup() {
  for (const w of workers) await w.stop('SIGTERM', 20_000).catch(() => {});
  await receiver.close().catch(() => {});
  await producer.stop({ graceful: false }).catch(() => {});
  await orm.close(true).catch(() => {});
  await db.drop().catch(() => {});
}
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
let result: unknown;

try {
  log(`starting ${WORKERS} worker process(es)`);
  for (let i = 0; i < WORKERS; i++) {
    workers.push(
      await spawnApp('worker', {
        DATABASE_URL: db.url,
        ENCRYPTION_KEYS: KEYS,
        LOG_LEVEL: 'warn',
        DATABASE_POOL_MAX: '6',
        ...(process.env.BENCH_WEBHOOK_NODE_OPTIONS
          ? { NODE_OPTIONS: process.env.BENCH_WEBHOOK_NODE_OPTIONS }
          : {}),
        WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
      }),
    );
  }
  const conn = orm.em.fork().getConnection();
  for (const deadline = Date.now() + 90_000; ; ) {
    const rows = (await conn.execute('select count(*)::int as n from worker_heartbeat')) as { n: number }[];
    if ((rows[0]?.n ?? 0) >= WORKERS) break;
    if (Date.now() > deadline)
      throw new Error(`workers did not start:\n${workers.flatMap((w) => w.lines).join('\n')}`);
    await sleep(100);
  }

  const data = (seq: number) => ({
    job_id: `bench-${seq}`,
    name: null,
    status: 'completed' as const,
    total: 100,
    processed: 100,
    counts: { deliverable: 90, undeliverable: 5, catch_all: 2, risky: 1, do_not_mail: 1, unknown: 1 },
    metadata: { source: 'bench' },
    completed_at: new Date().toISOString(),
    expires_at: null,
    error: null,
  });

  /** Events in one transaction (as a change that causes them writes them), then the after-commit request. */
  async function emit(seqs: number[]): Promise<void> {
    await orm.em.fork().transactional(async (tx) => {
      for (const seq of seqs)
        await recordEvent(tx, systemClock, workspaceId, 'bulk_job.completed', data(seq));
    });
    const committed = now();
    for (const seq of seqs) enqueuedAt.set(seq, committed);
    await requestWebhookDispatch(producer, 'bench');
  }

  function cpuMs(pid: number | undefined): number {
    try {
      return ticks(readFileSync(`/proc/${pid}/stat`, 'utf8')) * 10;
    } catch {
      return 0;
    }
  }
  const workerCpu = () => workers.reduce((sum, w) => sum + cpuMs(w.proc.pid), 0);

  async function waitDelivered(count: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (arrivedAt.size < count && Date.now() < deadline) await sleep(20);
    return arrivedAt.size >= count;
  }

  // Warm-up: a few events so connections and JIT are warm.
  for (let i = 0; i < 50; i++) await emit([-1 - i]);
  await waitDelivered(50, 10_000);
  arrivedAt.clear();
  enqueuedAt.clear();

  // ---------------------------------------------------------------------------------------------
  // Phase 1: steady rate.
  const total = STEADY_RATE * STEADY_SECONDS;
  log(`phase 1: ${total} events at ${STEADY_RATE}/s`);
  const cpuBefore = workerCpu();
  const started = now();
  let seq = 0;
  const inflight = new Set<Promise<void>>();
  while (seq < total) {
    const due = Math.min(total, Math.floor(((now() - started) / 1000) * STEADY_RATE));
    if (seq < due) {
      // The events due since the last tick: one transaction per tick (every TICK_MS), at most PRODUCERS
      // transactions at a time.
      if (inflight.size >= PRODUCERS) await Promise.race(inflight);
      const batch: number[] = [];
      while (seq < due) batch.push(seq++);
      const p = emit(batch).finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await sleep(TICK_MS);
  }
  await Promise.all(inflight);
  const enqueueSeconds = (now() - started) / 1000;
  const steadyDone = await waitDelivered(total, 60_000);
  const steadyCpuMs = workerCpu() - cpuBefore;
  const latencies: number[] = [];
  for (let i = 0; i < total; i++) {
    const a = arrivedAt.get(i);
    const e = enqueuedAt.get(i);
    if (a !== undefined && e !== undefined) latencies.push(a - e);
  }
  latencies.sort((x, y) => x - y);
  const arrivals = [...arrivedAt.values()].sort((x, y) => x - y);
  const steadySpan = ((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)) / 1000;
  const steady = {
    events: total,
    delivered: arrivedAt.size,
    complete: steadyDone,
    enqueuedPerSecond: round(total / enqueueSeconds, 1),
    deliveredPerSecond: round(arrivedAt.size / Math.max(steadySpan, 0.001), 1),
    p50Ms: round(percentile(latencies, 0.5), 1),
    p99Ms: round(percentile(latencies, 0.99), 1),
    maxMs: round(latencies.at(-1) ?? 0, 1),
    workerCpuMsPerDelivery: round(steadyCpuMs / Math.max(arrivedAt.size, 1), 3),
  };
  log(`steady: ${JSON.stringify(steady)}`);

  // ---------------------------------------------------------------------------------------------
  // Phase 2: backlog drain (capacity): BACKLOG events committed at once, then one dispatch request.
  log(`phase 2: backlog of ${BACKLOG} events`);
  arrivedAt.clear();
  const backlogStart = now();
  const cpuBefore2 = workerCpu();
  // One transaction: the workers see the whole backlog at once.
  await orm.em.fork().transactional(async (tx) => {
    for (let j = 0; j < BACKLOG; j++)
      await recordEvent(tx, systemClock, workspaceId, 'bulk_job.completed', data(1_000_000 + j));
  });
  const written = now();
  await requestWebhookDispatch(producer, 'bench');
  const backlogDone = await waitDelivered(BACKLOG, 120_000);
  const drainArrivals = [...arrivedAt.values()].sort((x, y) => x - y);
  const drainSeconds = ((drainArrivals.at(-1) ?? written) - (drainArrivals[0] ?? written)) / 1000;
  const backlog = {
    events: BACKLOG,
    delivered: arrivedAt.size,
    complete: backlogDone,
    writeSeconds: round((written - backlogStart) / 1000, 2),
    deliveredPerSecond: round(arrivedAt.size / Math.max(drainSeconds, 0.001), 1),
    workerCpuMsPerDelivery: round((workerCpu() - cpuBefore2) / Math.max(arrivedAt.size, 1), 3),
  };
  log(`backlog: ${JSON.stringify(backlog)}`);

  // Results recorded (attempt rows are written in batches after the HTTP calls): how long after the
  // last arrival the database has every result.
  const lastArrival = now();
  let recorded: { ok: number; n: number }[] = [];
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    recorded = (await conn.execute(
      "select count(*) filter (where status = 'succeeded')::int as ok, count(*)::int as n from webhook_delivery",
    )) as { ok: number; n: number }[];
    if ((recorded[0]?.ok ?? 0) >= (recorded[0]?.n ?? 1)) break;
    await sleep(100);
  }
  const recordLagMs = round(now() - lastArrival, 0);
  const attempts = (await conn.execute('select count(*)::int as n from webhook_attempt')) as { n: number }[];
  let verified = false;
  if (firstRequest) {
    try {
      verifyWebhook(firstRequest.body, firstRequest.headers, secret, { toleranceSeconds: 3600 });
      verified = true;
    } catch {}
  }

  const peakRssMb = workers.map((w) => rssMb(w.proc.pid, 'VmHWM'));
  const workerErrors = workers.flatMap((w) => w.lines.filter((line) => /"level":"(error|fatal)"/.test(line)));
  for (const line of workerErrors.slice(0, 5)) log(`worker: ${line.slice(0, 600)}`);
  const figures = {
    bench: 'webhooks',
    workers: WORKERS,
    steady,
    backlog,
    duplicates,
    received,
    deliveriesSucceeded: recorded[0]?.ok ?? 0,
    deliveries: recorded[0]?.n ?? 0,
    attemptsRecorded: attempts[0]?.n ?? 0,
    recordLagMs,
    workerErrors: workerErrors.length,
    signatureVerified: verified,
    workerPeakRssMb: peakRssMb,
    goal: {
      deliveriesPerSecond: GOAL_RATE,
      p99Ms: GOAL_P99_MS,
      met:
        steady.complete &&
        steady.deliveredPerSecond >= GOAL_RATE * 0.97 &&
        steady.p99Ms < GOAL_P99_MS &&
        backlog.deliveredPerSecond >= GOAL_RATE,
    },
  };
  result = figures;
} catch (error) {
  await cleanup();
  throw error;
}
await cleanup();

process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
