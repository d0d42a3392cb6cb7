import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { ALL_QUEUES, QUEUES } from '@postern/contracts';
import { type CoreServices, createKeyring, createMailTransport, systemClock } from '@postern/core';
import { createOrm, type MikroORM, RefreshToken, Session, WorkerHeartbeat } from '@postern/db';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { createLogger, createQueueClient, loadConfig, MemoryKvStore, type PgBoss } from '@postern/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from '../src/job.ts';
import { jobHandlers } from '../src/jobs/index.ts';
import { type RunningWorker, startRunner } from '../src/runner.ts';
import { SCHEDULES } from '../src/schedules.ts';

const JOB_HANDLERS = jobHandlers({
  keyring: createKeyring([{ id: 't', key: randomBytes(32) }]),
  transport: createMailTransport({
    mailDir: `${tmpdir()}/postern-runner-test-mail`,
    mailFrom: 'no-reply@postern.test',
  }),
  sessionIdleMs: 30 * 86_400_000,
  auditRetentionDays: 365,
});

async function waitForJob(boss: PgBoss, queue: string, id: string, states: string[]) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const [job] = await boss.findJobs(queue, { id });
    if (job && states.includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${id} did not reach ${states.join('/')}`);
}

/** A fixture queue whose handler reports what its job context holds. */
const CONTEXT_QUEUE = {
  name: 'test.core-context',
  payload: z.object({}),
  policy: { retryLimit: 0, retryDelaySeconds: 1, retryBackoff: false, expireInSeconds: 60, concurrency: 2 },
};
const contextProbe = defineJob(CONTEXT_QUEUE, async (_payload, ctx) => ({
  hasCore: ctx.core !== null,
  sameEm: ctx.core?.em === ctx.em,
  actor: ctx.core?.actor ?? null,
  emId: (ctx.em as unknown as { id: number }).id,
  sharedServices: ctx.core?.config === services.config && ctx.core?.kv === services.kv,
}));
let services: CoreServices;

describe('worker runner', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let boss: PgBoss;
  let worker: RunningWorker;

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await createOrm({ databaseUrl: db.url, poolMax: 4 });
    const logger = createLogger({ level: 'silent', name: 'worker-test' });
    boss = createQueueClient({ databaseUrl: db.url, role: 'worker', logger });
    services = {
      config: loadConfig({ DATABASE_URL: db.url }),
      clock: systemClock,
      keyring: createKeyring([{ id: 't', key: randomBytes(32) }]),
      kv: new MemoryKvStore(),
      queue: boss,
      sendMail: async () => {},
    };
    worker = await startRunner({
      boss,
      orm,
      logger,
      clock: systemClock,
      services,
      version: 'test',
      extraQueues: [CONTEXT_QUEUE],
      handlers: [...JOB_HANDLERS, contextProbe],
      schedules: SCHEDULES,
      pollingIntervalSeconds: 0.5,
    });
  });

  afterAll(async () => {
    await worker?.stop(5000);
    await orm?.close(true);
    await db?.drop();
  });

  it('creates every queue declared in contracts', async () => {
    const queues = await boss.getQueues();
    const names = queues.map((queue) => queue.name);
    for (const queue of ALL_QUEUES) expect(names).toContain(queue.name);
  });

  it("gives each job its own core context: the process's services, the job's em, the system actor", async () => {
    const ids = await Promise.all([boss.send(CONTEXT_QUEUE.name, {}), boss.send(CONTEXT_QUEUE.name, {})]);
    const jobs = await Promise.all(
      ids.map((id) => waitForJob(boss, CONTEXT_QUEUE.name, String(id), ['completed', 'failed'])),
    );
    const outputs = jobs.map((job) => job.output as Record<string, unknown>);
    for (const output of outputs)
      expect(output).toMatchObject({
        hasCore: true,
        sameEm: true,
        sharedServices: true,
        actor: { kind: 'system', name: CONTEXT_QUEUE.name },
      });
    expect(outputs[0]?.emId).not.toBe(outputs[1]?.emId);
  });

  it('has a handler for every queue in contracts', () => {
    const handled = JOB_HANDLERS.map((handler) => handler.queue.name).sort();
    expect(handled).toEqual(ALL_QUEUES.map((queue) => queue.name).sort());
  });

  it('installs the schedule registry', async () => {
    const schedules = await boss.getSchedules();
    expect(schedules.map((s) => [s.name, s.cron])).toContainEqual([QUEUES.heartbeat.name, '* * * * *']);
  });

  it('runs the heartbeat job, writes the beat and stores the per-job result', async () => {
    const id = String(await boss.send(QUEUES.heartbeat.name, { trigger: 'startup' }));
    const job = await waitForJob(boss, QUEUES.heartbeat.name, id, ['completed', 'failed']);
    expect(job.state).toBe('completed');
    expect(job.output).toMatchObject({ trigger: 'startup', workerId: worker.identity.workerId });
    const beat = await orm.em.fork().findOneOrFail(WorkerHeartbeat, { workerId: worker.identity.workerId });
    expect(beat.beats).toBeGreaterThanOrEqual(1);
  });

  it('rejects a payload that does not match its schema, terminally and with the reason', async () => {
    const id = String(await boss.send(QUEUES.heartbeat.name, { trigger: 'sideways' }));
    const job = await waitForJob(boss, QUEUES.heartbeat.name, id, ['completed', 'failed']);
    expect(job.state).toBe('failed');
    expect(job.output).toMatchObject({ error: 'invalid payload' });
    expect(JSON.stringify(job.output)).toContain('trigger');
  });

  it('purges what the retention table says is past its time, and keeps the rest', async () => {
    const em = orm.em.fork();
    const now = Date.now();
    const day = 86_400_000;
    const base = {
      userId: '00000000-0000-4000-8000-000000000001',
      deviceType: 'desktop',
      browser: 'x',
      os: 'y',
    };
    const stale = em.create(Session, {
      ...base,
      lastActiveAt: new Date(now - 31 * day),
      expiresAt: new Date(now + day),
    });
    const live = em.create(Session, {
      ...base,
      lastActiveAt: new Date(now - day),
      expiresAt: new Date(now + day),
    });
    em.create(RefreshToken, { tokenHash: 'a'.repeat(64), sessionId: stale.id });
    em.create(RefreshToken, { tokenHash: 'b'.repeat(64), sessionId: live.id });
    await em.flush();

    const id = String(await boss.send(QUEUES.retention.name, {}));
    const job = await waitForJob(boss, QUEUES.retention.name, id, ['completed', 'failed']);
    expect(job.state).toBe('completed');
    const check = orm.em.fork();
    expect(await check.findOne(Session, { id: stale.id })).toBeNull();
    expect(await check.findOne(RefreshToken, { sessionId: stale.id })).toBeNull();
    expect(await check.findOne(Session, { id: live.id })).not.toBeNull();
    expect(await check.findOne(RefreshToken, { sessionId: live.id })).not.toBeNull();
  });
});
