// Issue #16 in a real worker process, which runs as the restricted application role (spawnApp splits
// the test database's URL into MIGRATION_DATABASE_URL, the owner, and DATABASE_URL, the app role).
import { randomUUID } from 'node:crypto';
import { QUEUES } from '@postern/contracts';
import { auditSignerFromConfig, parseCheckpoint } from '@postern/core';
import { createTestDatabase, TEST_APP_ROLE, type TestDatabase } from '@postern/db/testing';
import {
  connectRedis,
  createLogger,
  createQueueClient,
  loadConfig,
  type PgBoss,
  RedisKvStore,
  testServices,
} from '@postern/runtime';
import { type SpawnedApp, spawnApp, testRedisPrefix, waitFor } from '@postern/runtime/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SIGNING_KEY = Buffer.alloc(32, 7).toString('base64');

describe('audit checkpoints in the worker', () => {
  let db: TestDatabase;
  let worker: SpawnedApp;
  let producer: PgBoss;
  let redis: RedisKvStore;

  async function sql(query: string, params: unknown[] = []) {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query(query, params)).rows;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    worker = await spawnApp('worker', {
      DATABASE_URL: db.url,
      WORKER_POLL_SECONDS: '0.5',
      AUDIT_SIGNING_KEY: SIGNING_KEY,
      // Keys are per scope (a random workspace id here), so runs never collide.
      REDIS_URL: testServices().redisUrl,
    });
    await worker.waitForLine(/worker started/, 60_000);
    producer = createQueueClient({
      databaseUrl: db.url,
      role: 'producer',
      logger: createLogger({ level: 'silent', name: 't' }),
    });
    await producer.start();
    // The worker's keys carry its test prefix (spawnApp sets REDIS_KEY_PREFIX per test database).
    redis = new RedisKvStore(
      await connectRedis(testServices().redisUrl, {
        connectTimeoutMs: 3000,
        keyPrefix: testRedisPrefix(db.url),
      }),
    );
  });

  afterAll(async () => {
    await worker?.stop();
    await producer?.stop({ graceful: false });
    await redis?.close();
    await db?.drop();
  });

  it('runs as the restricted role, with no single-URL warning', async () => {
    const rows = await sql("select usename from pg_stat_activity where application_name = 'postern-worker'");
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.usename === TEST_APP_ROLE)).toBe(true);
    expect(worker.lines.some((line) => line.includes('MIGRATION_DATABASE_URL is not set'))).toBe(false);
  });

  it('signs the head of a grown chain with the configured key, into the table and the outbox', async () => {
    const workspaceId = randomUUID();
    await sql(
      `insert into workspace (id, name, plan, created_at, updated_at) values ($1, 'W', 'starter', now(), now())`,
      [workspaceId],
    );
    for (const event of ['workspace.created', 'workspace.renamed'])
      await sql(
        `insert into audit_entry (id, scope, workspace_id, occurred_at, event_type) values ($1, $2, $3, now(), $4)`,
        [randomUUID(), `ws:${workspaceId}`, workspaceId, event],
      );
    await producer.send(QUEUES.auditCheckpoint.name, {});
    const [head] = await waitFor('a signed head', async () => {
      const rows = await sql('select * from audit_signed_head where scope = $1', [`ws:${workspaceId}`]);
      return rows.length ? rows : undefined;
    });
    expect(Number(head.seq)).toBe(2);
    const [event] = await sql(
      "select payload from outbox_event where type = 'audit.checkpoint' and workspace_id = $1",
      [workspaceId],
    );
    const signer = auditSignerFromConfig(loadConfig({ AUDIT_SIGNING_KEY: SIGNING_KEY }));
    const checkpoint = parseCheckpoint(JSON.stringify(event?.payload));
    expect(checkpoint).toBeDefined();
    expect(checkpoint && signer.verify(checkpoint)).toBe(true);
    expect(event?.payload.public_key).toBe(signer.publicKey);
    // The latest head is kept in Redis too, outside the database's reach.
    const kvKey = `audit:head:ws:${workspaceId}`;
    expect(parseCheckpoint(await redis.get(kvKey))).toMatchObject({
      seq: 2,
      signature: checkpoint?.signature,
    });
    await redis.del(kvKey);
  });
});
