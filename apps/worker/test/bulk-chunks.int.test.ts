// Bulk verification chunks through the real worker: the in-process runner completes a job with exact
// counts; two spawned worker processes share a job's chunks without processing an item twice; and a
// worker SIGKILLed mid-job leaves its chunks to be retried, the job still completing exactly once —
// at the default settings, within a minute of the kill (the chunk's pg-boss heartbeat goes stale and
// the surviving worker's queue monitor hands it out again) — while a live chunk that runs longer than
// the heartbeat keeps its claim.
import { randomBytes } from 'node:crypto';
import { ALL_QUEUES, QUEUES } from '@postern/contracts';
import {
  type BulkEngine,
  createBulkJob,
  createKeyring,
  engineFromConfig,
  ensureAuditSealing,
  getBulkJob,
  NO_REQUEST_META,
  parseEncryptionKeys,
  readBulkResults,
  systemClock,
} from '@postern/core';
import { createOrm, type MikroORM, OutboxEvent } from '@postern/db';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { createLogger, createQueueClient, ensureQueues, type PgBoss } from '@postern/runtime';
import { type SpawnedApp, spawnApp, waitFor as waitUntil } from '@postern/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../../packages/validator/test/support/dns-server.ts';
import { createBulkChunkJob } from '../src/jobs/bulk.ts';
import { jobHandlers } from '../src/jobs/index.ts';
import { type RunningWorker, startRunner } from '../src/runner.ts';

const WORKSPACE = '00000000-0000-4000-8000-00000000b001';
const KEYS = `t:${randomBytes(32).toString('base64url')}`;
const keyring = createKeyring(parseEncryptionKeys(KEYS));

let db: TestDatabase;
let orm: MikroORM;
let producer: PgBoss;
let dns: TestDnsServer;

function engineFor(servers: string[]) {
  return engineFromConfig({
    validator: {
      dnsServers: servers,
      dnsTimeoutMs: 2000,
      heloName: 'postern.test',
      mailFrom: 'verify@postern.test',
      smtpPort: 25,
      smtpTimeoutMs: 1000,
      smtpTlsVerify: true,
    },
  } as Parameters<typeof engineFromConfig>[0]);
}

/** The in-process runner with a worker-role pg-boss client of the test database; `rest` adds handlers etc. */
function startTestRunner(
  rest: Pick<Parameters<typeof startRunner>[0], 'handlers' | 'schedules' | 'pollingIntervalSeconds'>,
) {
  const logger = createLogger({ level: 'silent', name: 'w' });
  return startRunner({
    boss: createQueueClient({ databaseUrl: db.url, role: 'worker', logger }),
    orm,
    logger,
    clock: systemClock,
    version: 'test',
    ...rest,
  });
}

/** The core context's part bulk jobs use: a system actor, a fresh fork, the producer as the queue. */
function bulkCtx() {
  return {
    em: orm.em.fork(),
    keyring,
    clock: systemClock,
    queue: producer,
    actor: { kind: 'system', name: 'bulk-chunks-test' } as const,
    meta: NO_REQUEST_META,
  };
}

const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000) =>
  waitUntil(what, fn, { timeoutMs, intervalMs: 100 });

const waitCompleted = (jobId: string, timeoutMs?: number) =>
  waitFor(
    `job ${jobId} to complete`,
    async () => {
      const job = await getBulkJob(bulkCtx(), WORKSPACE, jobId);
      return job.status === 'completed' ? job : undefined;
    },
    timeoutMs,
  );

/**
 * What a job's chunks hold: addresses, decrypted results, the chunks' own counters (written with
 * their results, so a result counted twice would show) and which workers wrote them.
 */
async function itemStats(jobId: string) {
  const rows = (await orm.em.getConnection().execute(
    `select sum(size)::int as n, sum(processed)::int as counted, count(*) filter (where status = 'done')::int as chunks_done,
            count(*)::int as chunks, count(distinct processed_by)::int as workers
       from bulk_job_chunk where job_id = ?`,
    [jobId],
  )) as { n: number; counted: number; chunks_done: number; chunks: number; workers: number }[];
  const stats = rows[0] as NonNullable<(typeof rows)[0]>;
  const done = await readBulkResults(bulkCtx(), WORKSPACE, jobId, {
    status: 'done',
    limit: 10_000,
  });
  const pending = await readBulkResults(bulkCtx(), WORKSPACE, jobId, {
    status: 'pending',
    limit: 10_000,
  });
  const seqs = new Set(done.items.map((i) => i.seq));
  return {
    ...stats,
    done: done.items.length,
    distinctDone: seqs.size,
    pending: pending.items.length,
    allComplete: done.items.every((i) => i.result !== null && i.result.checked_at !== undefined),
  };
}

/** Many distinct domains (each a fresh, slightly slow lookup), so chunks take a while. */
const slowAddresses = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `${tag}${i}@d${i}.${tag}.postern-bulk.com`);

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await createOrm({ databaseUrl: db.url, poolMax: 4 });
  ensureAuditSealing(orm.em, keyring);
  const logger = createLogger({ level: 'silent', name: 'bulk-test' });
  producer = createQueueClient({ databaseUrl: db.url, role: 'producer', logger });
  await producer.start();
  await ensureQueues(producer, ALL_QUEUES);
  dns = await startDnsServer({
    // MX hosts have addresses (an MX whose hosts have none is a dangling MX: no mail host).
    'mx.postern-good.com': { a: ['192.0.2.25'] },
    'mx.postern-bulk.com': { a: ['192.0.2.26'] },
    'postern-good.com': { mx: [{ exchange: 'mx.postern-good.com', priority: 10, ttl: 600 }] },
    'postern-nullmx.org': { mx: [{ exchange: '.', priority: 0 }] },
    '*.kill.postern-bulk.com': { delayMs: 300, mx: [{ exchange: 'mx.postern-bulk.com', priority: 10 }] },
    '*.postern-bulk.com': { delayMs: 120, mx: [{ exchange: 'mx.postern-bulk.com', priority: 10, ttl: 600 }] },
  });
});

afterAll(async () => {
  await producer?.stop({ graceful: false });
  await orm?.close(true);
  await db?.drop();
  await dns?.close();
});

describe('bulk chunks in the real runner', () => {
  let worker: RunningWorker;
  const engine = () => engineFor([dns.address]);

  it('a chunk failing its last attempt fails the job: bulk_job.failed in the outbox, results so far kept', async () => {
    const failing = {
      validate: async () => {
        throw new Error('resolver exploded');
      },
      close: async () => {},
    };
    worker = await startTestRunner({
      // No retries left after the first attempt.
      handlers: [createBulkChunkJob({ keyring, engine: () => failing, retryLimit: 0 })],
      schedules: [],
      pollingIntervalSeconds: 0.5,
    });
    try {
      const created = await createBulkJob(bulkCtx(), WORKSPACE, {
        source: ['f1@postern-good.com', 'f2@postern-good.com'],
        depth: 'standard',
      });
      const job = await waitFor('the job to fail', async () => {
        const current = await getBulkJob(bulkCtx(), WORKSPACE, created.id);
        return current.status === 'failed' ? current : undefined;
      });
      expect(job.error).toMatch(/could not be checked after 1 attempts/);
      expect(job.expiresAt).not.toBeNull();
      const events = await orm.em
        .fork()
        .find(OutboxEvent, { workspaceId: WORKSPACE, type: 'bulk_job.failed' });
      expect(events.map((e) => e.payload.job_id)).toEqual([created.id]);
    } finally {
      await worker.stop(5000);
    }
  });

  it('a chunk waiting too long for a lying resolver is handed back for later: no retry used, the job not failed', async () => {
    // A resolver that answers NXDOMAIN for everything, the canary domain included.
    const liar = await startDnsServer({}, { canaries: false });
    const lying = engineFromConfig({
      validator: {
        dnsServers: [liar.address],
        dnsTimeoutMs: 500,
        heloName: 'postern.test',
        mailFrom: 'verify@postern.test',
        smtpPort: 25,
        smtpTimeoutMs: 1000,
        smtpTlsVerify: false,
        canaryDomains: ['gmail.com'],
      },
    } as Parameters<typeof engineFromConfig>[0]);
    worker = await startTestRunner({
      // No retries: a paused chunk that threw would fail the job at once.
      handlers: [
        createBulkChunkJob({ keyring, engine: () => lying, retryLimit: 0, boss: producer, maxPauseMs: 1000 }),
      ],
      schedules: [],
      pollingIntervalSeconds: 0.5,
    });
    try {
      const created = await createBulkJob(bulkCtx(), WORKSPACE, {
        source: ['p1@postern-good.com', 'p2@postern-good.com'],
        depth: 'standard',
      });
      const later = await waitFor('the chunk to be queued again for later', async () => {
        const jobs = await producer.findJobs<{ jobId: string }>(QUEUES.bulkChunk.name, {
          data: { jobId: created.id },
        });
        return jobs.find((j) => j.state === 'created' && j.startAfter.getTime() > Date.now() + 30_000);
      });
      expect(later.retryCount).toBe(0);
      const job = await getBulkJob(bulkCtx(), WORKSPACE, created.id);
      expect(job.status).not.toBe('failed');
      expect(job.processed).toBe(0);
    } finally {
      await worker.stop(5000);
      await lying.close();
      await liar.close();
    }
  });

  it('completes a multi-chunk job with exact counts, each item once, each domain looked up once', async () => {
    const shared = engine();
    worker = await startTestRunner({
      handlers: jobHandlers({
        keyring,
        transport: { send: async () => ({ messageId: 'x' }) },
        sessionIdleMs: 86_400_000,
        auditRetentionDays: 365,
        engine: shared,
      }),
      schedules: [],
      pollingIntervalSeconds: 0.5,
    });
    try {
      const list = Array.from({ length: 45 }, (_, i) =>
        i % 3 === 2 ? `n${i}@postern-nullmx.org` : `g${i}@postern-good.com`,
      );
      const created = await createBulkJob(bulkCtx(), WORKSPACE, {
        source: list,
        depth: 'standard',
        chunkSize: 10,
      });
      const job = await waitCompleted(created.id, 30_000);
      expect(job.processed).toBe(45);
      expect(job.counts.deliverable).toBe(30);
      expect(job.counts.undeliverable).toBe(15);
      const stats = await itemStats(created.id);
      expect(stats).toMatchObject({
        n: 45,
        done: 45,
        distinctDone: 45,
        counted: 45,
        pending: 0,
        allComplete: true,
      });
      expect(dns.queries('postern-good.com', 'MX')).toBe(1);
      expect(dns.queries('postern-nullmx.org', 'MX')).toBe(1);
      const chunks = await producer.findJobs(QUEUES.bulkChunk.name, { data: { jobId: created.id } });
      expect(chunks).toHaveLength(5);
    } finally {
      await worker.stop(5000);
      await shared.close();
    }
  });

  it('a live chunk running longer than its heartbeat keeps its claim: one attempt, no second run', async () => {
    // Each check takes 32 s: longer than the 20 s heartbeat plus a monitor pass (10 s), so a heartbeat
    // that was not refreshed would have the chunk failed and handed out again meanwhile.
    let runs = 0;
    const real = engine();
    const slow: BulkEngine = {
      validate: async (email, options) => {
        runs++;
        await new Promise((resolve) => setTimeout(resolve, 32_000));
        return real.validate(email, options);
      },
      close: async () => {},
    };
    worker = await startTestRunner({
      handlers: [createBulkChunkJob({ keyring, engine: () => slow })],
      schedules: [],
      pollingIntervalSeconds: 0.5,
    });
    try {
      const created = await createBulkJob(bulkCtx(), WORKSPACE, {
        source: ['long1@postern-good.com', 'long2@postern-good.com'],
        depth: 'standard',
      });
      const job = await waitCompleted(created.id, 60_000);
      expect(job.processed).toBe(2);
      expect(runs).toBe(2);
      const [chunk] = await producer.findJobs(QUEUES.bulkChunk.name, { data: { jobId: created.id } });
      expect(chunk).toMatchObject({ state: 'completed', retryCount: 0 });
    } finally {
      await worker.stop(5000);
      await real.close();
    }
  }, 75_000);
});

describe('bulk chunks across worker processes', () => {
  const workers: SpawnedApp[] = [];
  const ids: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const app = await spawnApp('worker', {
        DATABASE_URL: db.url,
        WORKER_POLL_SECONDS: '0.5',
        DNS_SERVERS: dns.address,
        ENCRYPTION_KEYS: KEYS,
      });
      const line = await app.waitForLine(/worker started/);
      ids.push(String(JSON.parse(line).workerId));
      workers.push(app);
    }
  });

  afterAll(async () => {
    for (const app of workers) await app.stop('SIGKILL');
  });

  it('two workers take different chunks and no result is written twice', async () => {
    const list = slowAddresses(300, 'two');
    const created = await createBulkJob(bulkCtx(), WORKSPACE, {
      source: list,
      depth: 'standard',
      chunkSize: 20,
    });
    const job = await waitCompleted(created.id, 60_000);
    expect(job.processed).toBe(300);
    expect(job.counts.deliverable).toBe(300);
    const stats = await itemStats(created.id);
    expect(stats).toMatchObject({
      n: 300,
      done: 300,
      distinctDone: 300,
      counted: 300,
      pending: 0,
      chunks: 15,
      chunks_done: 15,
      workers: 2,
    });
    // Addresses never reach the logs.
    const logs = workers.flatMap((w) => w.lines).join('\n');
    expect(logs).not.toContain('postern-bulk.com');
  });

  it('a worker SIGKILLed mid-job, default settings: its chunks are retried within a minute, every result written exactly once', async () => {
    // 8 chunks: a worker holds at most 4 at once (2 fetch loops of 2), so both get some.
    const list = slowAddresses(800, 'kill');
    // The queue's own policy: no expiry override, and no supervising instance but the workers'.
    expect(QUEUES.bulkChunk.policy).toMatchObject({ expireInSeconds: 600, heartbeatSeconds: 20 });
    const created = await createBulkJob(bulkCtx(), WORKSPACE, {
      source: list,
      depth: 'standard',
      // 5 batches of 20 a chunk (~1.5 s): the kill lands inside one.
      chunkSize: 100,
    });
    const [victim, survivor] = workers as [SpawnedApp, SpawnedApp];
    const victimId = ids[0] as string;
    // Kill the first worker once it has written some results (a chunk's first second is written
    // before the chunk is finished, so it is inside one).
    await waitFor(
      'the first worker to write results',
      async () => {
        const rows = (await orm.em
          .getConnection()
          .execute(
            'select count(*)::int as n from bulk_job_chunk where job_id = ? and processed_by = ? and processed > 0',
            [created.id, victimId],
          )) as { n: number }[];
        return (rows[0]?.n ?? 0) > 0 ? true : undefined;
      },
      30_000,
    );
    victim.proc.kill('SIGKILL');
    const killedAt = Date.now();
    await victim.exited;

    // Heartbeat 20 s (refreshed every 10 s) + the monitor's pass (every 10 s) + the retry delay
    // (≤ 5 s): ~20-36 s. Waiting for the 600 s expiry instead, as before, fails this.
    const job = await waitCompleted(created.id, 75_000);
    const recoverySeconds = (Date.now() - killedAt) / 1000;
    console.info(`bulk job completed ${recoverySeconds.toFixed(1)} s after the SIGKILL`);
    expect(recoverySeconds).toBeLessThan(60);
    expect(job.processed).toBe(800);
    expect(job.counts.deliverable).toBe(800);
    const stats = await itemStats(created.id);
    expect(stats).toMatchObject({
      n: 800,
      done: 800,
      distinctDone: 800,
      counted: 800,
      pending: 0,
      chunks: 8,
      chunks_done: 8,
    });
    const chunks = await producer.findJobs(QUEUES.bulkChunk.name, { data: { jobId: created.id } });
    expect(chunks.every((c) => c.state === 'completed')).toBe(true);
    // At least one chunk was interrupted by the kill and retried by the survivor.
    expect(chunks.some((c) => c.retryCount > 0)).toBe(true);
    expect(survivor.proc.exitCode).toBeNull();
    const writers = (await orm.em
      .getConnection()
      .execute('select distinct processed_by from bulk_job_chunk where job_id = ?', [created.id])) as {
      processed_by: string;
    }[];
    expect(writers.map((w) => w.processed_by)).toContain(ids[1]);
  }, 110_000);
});
