// The worker's usage alert job (issue #22) through the real runner: counts the API left in Redis
// (written by the same UsageRecorder the API uses) become an alert, a webhook event and a notification;
// the schedule runs it every 5 minutes; without Redis the job says so and reads nothing.
import { randomUUID } from 'node:crypto';
import { QUEUES } from '@postern/contracts';
import { coreContext, createApiKey, UsageRecorder } from '@postern/core';
import { ApiKeyAlert, Membership, Notification, User, Workspace } from '@postern/db';
import { connectRedis, MemoryKvStore, RedisKvStore, testServices } from '@postern/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyUsageAlertsJob } from '../src/jobs/api-key-alerts.ts';
import { startTestRunner, type TestRunner } from './support/runner.ts';

let runner: TestRunner;
let kv: RedisKvStore;

beforeAll(async () => {
  kv = new RedisKvStore(
    await connectRedis(testServices().redisUrl, {
      connectTimeoutMs: 3000,
      keyPrefix: `test:${randomUUID()}:`,
    }),
  );
  runner = await startTestRunner({
    handlers: [apiKeyUsageAlertsJob],
    env: { API_KEY_ALERT_REFUSALS: '5' },
    kv,
  });
});

afterAll(async () => {
  await runner?.stop();
  await kv?.close();
});

const waitForJob = (queue: string, id: string) => runner.waitForJob(queue, id);

describe('the api_keys.usage_alerts job', () => {
  it('is scheduled every 5 minutes', async () => {
    const schedules = await runner.boss.getSchedules();
    expect(schedules.map((s) => [s.name, s.cron])).toContainEqual([
      QUEUES.apiKeyUsageAlerts.name,
      '*/5 * * * *',
    ]);
  });

  it('turns a burst of refusals counted in Redis into an alert, an event and a notification', async () => {
    const em = runner.orm.em.fork();
    const owner = em.create(User, {
      email: `${randomUUID()}@example.test`,
      emailVerifiedAt: new Date(),
      passwordHash: 'x',
      passwordChangedAt: null,
      totpSecret: null,
      totpEnabledAt: null,
      totpLastStep: null,
    });
    const ws = em.create(Workspace, { name: 'Worker Co', plan: 'starter' });
    em.create(Membership, { workspaceId: ws.id, userId: owner.id, role: 'owner' });
    await em.flush();
    const { key } = await createApiKey(
      coreContext(runner.services, { em: runner.orm.em.fork() }),
      ws.id,
      owner.id,
      {
        name: 'Leaky',
        scopes: ['jobs:read'],
      },
    );
    const recorder = new UsageRecorder(runner.orm, { kv, flushEveryMs: 3_600_000 });
    for (let i = 0; i < 5; i++) recorder.refused(key.id, new Date(), '198.51.100.7');
    await recorder.close();

    const id = String(await runner.boss.send(QUEUES.apiKeyUsageAlerts.name, {}));
    const job = await waitForJob(QUEUES.apiKeyUsageAlerts.name, id);
    expect(job.state).toBe('completed');
    expect(job.output).toMatchObject({ raised: [{ keyId: key.id, kind: 'refusals' }] });
    const check = runner.orm.em.fork();
    expect(await check.count(ApiKeyAlert, { keyId: key.id })).toBe(1);
    expect((await check.find(Notification, { userId: owner.id })).map((n) => n.kind)).toEqual([
      'api_key.usage_alert',
    ]);
    const events = await check
      .getConnection()
      .execute<{ type: string }[]>('select type from outbox_event where workspace_id = ?', [ws.id]);
    expect(events.map((e) => e.type)).toEqual(['api_key.usage_alert']);
    // The dispatcher was asked to fan the event out.
    expect((await runner.boss.findJobs(QUEUES.webhookDispatch.name)).length).toBeGreaterThanOrEqual(1);
  });

  it('without Redis, reads nothing and says why', async () => {
    const memory = new MemoryKvStore();
    const result = await apiKeyUsageAlertsJob.handle({}, {
      core: coreContext({ ...runner.services, kv: memory }, { em: runner.orm.em.fork() }),
    } as Parameters<typeof apiKeyUsageAlertsJob.handle>[1]);
    expect(result).toEqual({ evaluated: 0, raised: [], skipped: 'no Redis store' });
    await memory.close();
  });
});
