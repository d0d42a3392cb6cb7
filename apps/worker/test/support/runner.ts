// The set-up every job test through the real runner shares: a test database, an ORM on the
// application role, pg-boss, core services (a random keyring, a memory KV store unless one is given,
// mails collected in `mails`) and the runner with the given handlers and their schedules. Used by the
// job tests (erasure, usage alerts…) so that each states only what its job needs.
import { randomBytes } from 'node:crypto';
import { type CoreServices, createKeyring, type SystemMail, systemClock } from '@postern/core';
import { createOrm, type MikroORM } from '@postern/db';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import {
  createLogger,
  createQueueClient,
  type KvStore,
  loadConfig,
  MemoryKvStore,
  type PgBoss,
} from '@postern/runtime';
import type { JobHandler } from '../../src/job.ts';
import { type RunningWorker, startRunner } from '../../src/runner.ts';
import { SCHEDULES } from '../../src/schedules.ts';

export interface TestRunner {
  db: TestDatabase;
  orm: MikroORM;
  boss: PgBoss;
  worker: RunningWorker;
  services: CoreServices;
  /** System mails the jobs sent. */
  mails: SystemMail[];
  /** Waits (15 s at most) until job `id` of `queue` has completed or failed, and returns it. */
  waitForJob(queue: string, id: string): Promise<Awaited<ReturnType<PgBoss['findJobs']>>[number]>;
  stop(): Promise<void>;
}

export async function startTestRunner(options: {
  handlers: JobHandler[];
  /** Extra settings for loadConfig (DATABASE_URL is set). */
  env?: Record<string, string>;
  kv?: KvStore;
}): Promise<TestRunner> {
  const db = await createTestDatabase();
  const orm = await createOrm({ databaseUrl: db.appUrl, poolMax: 4 });
  const logger = createLogger({ level: 'silent', name: 'worker-test' });
  const boss = createQueueClient({ databaseUrl: db.url, role: 'worker', logger });
  const mails: SystemMail[] = [];
  const services: CoreServices = {
    config: loadConfig({ DATABASE_URL: db.appUrl, ...options.env }),
    clock: systemClock,
    keyring: createKeyring([{ id: 't', key: randomBytes(32) }]),
    kv: options.kv ?? new MemoryKvStore(),
    queue: boss,
    sendMail: async (message) => {
      mails.push(message);
    },
  };
  const queues = new Set(options.handlers.map((handler) => handler.queue.name));
  const worker = await startRunner({
    boss,
    orm,
    logger,
    clock: systemClock,
    services,
    version: 'test',
    handlers: options.handlers,
    schedules: SCHEDULES.filter((schedule) => queues.has(schedule.queue.name)),
    pollingIntervalSeconds: 0.5,
  });
  return {
    db,
    orm,
    boss,
    worker,
    services,
    mails,
    async waitForJob(queue, id) {
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const [job] = await boss.findJobs(queue, { id });
        if (job && ['completed', 'failed'].includes(job.state)) return job;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`job ${id} did not end`);
    },
    async stop() {
      await worker.stop(5000);
      await orm.close(true);
      await db.drop();
    },
  };
}
