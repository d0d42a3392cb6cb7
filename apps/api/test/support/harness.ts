// An in-process API (the real buildServer) over a test database and real Redis, with a controllable
// clock and captured logs; re-exports the client, account and secret-scan helpers used with it.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { QUEUES } from '@postern/contracts';
import { type Clock, enqueueEmail, ensureAuditSealing, keyringFromConfig, openMessage } from '@postern/core';
import { createOrm, type MikroORM } from '@postern/db';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import {
  type Config,
  connectRedis,
  createLogger,
  createQueueClient,
  ensureQueues,
  loadConfig,
  type PgBoss,
  RedisKvStore,
  testServices,
} from '@postern/runtime';
import { createVerificationEngine, type VerificationEngine } from '@postern/validator';
import type { FastifyInstance } from 'fastify';
import { publicApiDeps } from '../../src/public-api.ts';
import { buildServer } from '../../src/server.ts';

export class TestClock implements Clock {
  offsetMs = 0;
  now() {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number) {
    this.offsetMs += ms;
  }
}

export interface Harness {
  db: TestDatabase;
  orm: MikroORM;
  config: Config;
  clock: TestClock;
  boss: PgBoss;
  logs: string[];
  /** Every Fastify instance (`instances`), all in this process on the same database and Redis. */
  apps: FastifyInstance[];
  app: FastifyInstance;
  /** The first instance's key-value store (Redis, with this harness's key prefix). */
  kv: RedisKvStore;
  keyring: ReturnType<typeof keyringFromConfig>;
  /** The Redis key prefix of this harness's stores (a spawned process given it shares their keys). */
  redisPrefix: string;
  /** Every email queued so far, opened with the keyring. */
  mails(): Promise<{ to: string; subject: string; text: string }[]>;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    /** Fastify instances built in this one process on the same database and Redis (each with its own
     * Redis connection), for shared-state behaviour; a real second process is `spawnApp` (see
     * revocation-processes.int.test.ts). */
    instances?: number;
    engine?: () => VerificationEngine;
    /** Extra settings, as environment variables (e.g. BULK_MAX_UPLOAD_BYTES). */
    env?: Record<string, string>;
    /** Level of the captured API log (default info, as in production). */
    logLevel?: string;
    /** Job event stream timings (buildServer's `bulk` option). */
    bulk?: NonNullable<Parameters<typeof buildServer>[1]>['bulk'];
  } = {},
): Promise<Harness> {
  const db = await createTestDatabase();
  // The API works as the restricted application role, as in production (db.url is the owner).
  const orm = await createOrm({ databaseUrl: db.appUrl, poolMax: 6 });
  const config = loadConfig({
    DATABASE_URL: db.appUrl,
    MIGRATION_DATABASE_URL: db.url,
    LOG_LEVEL: 'info',
    WEB_DIST: '/nonexistent',
    ...options.env,
  });
  const clock = new TestClock();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level: options.logLevel ?? 'info', name: 'api-test', destination: sink });
  const boss = createQueueClient({ databaseUrl: db.url, role: 'producer', logger });
  await boss.start();
  await boss.createQueue(QUEUES.email.name);
  // Bulk jobs enqueue their chunks on creation (a worker process, when a test starts one, runs them).
  await ensureQueues(boss, [QUEUES.bulkChunk]);
  const keyring = keyringFromConfig(config);
  // As the API's start-up does: contexts built by tests on this ORM seal audit entries too.
  ensureAuditSealing(orm.em, keyring);
  const prefix = `test:${randomUUID()}:`;
  const stores: RedisKvStore[] = [];
  const apps: FastifyInstance[] = [];
  for (let i = 0; i < (options.instances ?? 1); i++) {
    const kv = new RedisKvStore(
      await connectRedis(testServices().redisUrl, { connectTimeoutMs: 3000, keyPrefix: prefix }),
    );
    stores.push(kv);
    const app = await buildServer(
      {
        config,
        orm,
        kv,
        logger,
        clock,
        keyring,
        boss,
        sendMail: async (message) => {
          await enqueueEmail(boss, keyring, message);
        },
        ...publicApiDeps({ orm, kv, clock }),
        // By default no resolver answers (port 1): tests that check addresses bring their own DNS server.
        engine:
          options.engine?.() ??
          createVerificationEngine({ dns: { servers: ['127.0.0.1:1'], timeoutMs: 200, tries: 1 } }),
        version: 'test',
        startedAt: new Date(),
      },
      options.bulk ? { bulk: options.bulk } : {},
    );
    await app.ready();
    apps.push(app);
  }
  const [app] = apps;
  const [kv] = stores;
  if (!app || !kv) throw new Error('no app');
  return {
    db,
    orm,
    config,
    clock,
    boss,
    logs,
    apps,
    app,
    kv,
    keyring,
    redisPrefix: prefix,
    async mails() {
      const jobs = await boss.findJobs<{ sealed: string }>(QUEUES.email.name);
      // Oldest first, so "the newest mail" is the last one.
      jobs.sort((x, y) => x.createdOn.getTime() - y.createdOn.getTime());
      return jobs.map((job) => openMessage(keyring, job.data.sealed));
    },
    async close() {
      for (const a of apps) await a.close();
      for (const kv of stores) await kv.close();
      await boss.stop({ graceful: false });
      await orm.close(true);
      await db.drop();
    },
  };
}

export * from './accounts.ts';
export * from './client.ts';
export * from './secrets-scan.ts';
