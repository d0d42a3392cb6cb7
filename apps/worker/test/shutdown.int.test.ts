import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { createLogger, createQueueClient, type PgBoss } from '@postern/runtime';
import { type SpawnedApp, spawnApp } from '@postern/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('worker graceful shutdown', () => {
  let db: TestDatabase;
  let worker: SpawnedApp;
  let producer: PgBoss;

  beforeAll(async () => {
    db = await createTestDatabase();
    worker = await spawnApp(
      'worker',
      { DATABASE_URL: db.url, WORKER_POLL_SECONDS: '0.5' },
      { entry: new URL('./fixtures/slow-worker.ts', import.meta.url).pathname },
    );
    await worker.waitForLine(/worker started/);
    producer = createQueueClient({
      databaseUrl: db.url,
      role: 'producer',
      logger: createLogger({ level: 'silent', name: 't' }),
    });
    await producer.start();
  });

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await producer?.stop({ graceful: false });
    await db?.drop();
  });

  it('lets a running job finish after SIGTERM, records its result, and exits 0', async () => {
    const jobId = await producer.send('test.slow', { ms: 2000 });
    expect(jobId).toBeTruthy();
    await worker.waitForLine(/slow job started/);
    worker.proc.kill('SIGTERM');

    expect(await worker.exited).toBe(0);
    const [job] = await producer.findJobs<{ ms: number }>('test.slow', { id: String(jobId) });
    expect(job?.state).toBe('completed');
    expect(job?.output).toMatchObject({ sleptMs: 2000 });
    const completedAt = worker.lines.findIndex(
      (line) => line.includes('"queue":"test.slow"') && line.includes('job completed'),
    );
    const stoppedAt = worker.lines.findIndex((line) => line.includes('"msg":"stopped"'));
    expect(completedAt).toBeGreaterThan(-1);
    expect(stoppedAt).toBeGreaterThan(completedAt);
  });
});
