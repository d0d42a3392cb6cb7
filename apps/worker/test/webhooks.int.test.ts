// Webhooks through real worker processes (the entry point operators run) and a real receiver on
// 127.0.0.1: a receiver that is down and then up gets the event once it recovers; a worker SIGKILLed in
// the middle of an attempt leaves the delivery to another worker, which sends it again with the same
// webhook-id; and a bulk job completing end to end is delivered as bulk_job.completed, with a payload
// matching ZBulkJobEventData and signatures that the standardwebhooks package and the SDK accept; and a
// worker's start-up encrypts endpoint URLs stored in clear before URLs were encrypted.
import { randomBytes, randomUUID } from 'node:crypto';
import { ALL_QUEUES, ZBulkJobEventData } from '@postern/contracts';
import {
  createBulkJob,
  createKeyring,
  createWebhookEndpoint,
  ensureAuditSealing,
  parseEncryptionKeys,
  recordEvent,
  requestWebhookDispatch,
  systemClock,
  urlContext,
} from '@postern/core';
import { createOrm, type MikroORM, WebhookAttempt, WebhookDelivery } from '@postern/db';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { createLogger, createQueueClient, ensureQueues, loadConfig, type PgBoss } from '@postern/runtime';
import { freePort, type SpawnedApp, spawnApp, waitFor as waitUntil } from '@postern/runtime/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type Receiver, startReceiver } from '../../../packages/core/test/support/webhook-receiver.ts';
import { verifyWebhook } from '../../../packages/sdk/src/webhooks.ts';
import { startDnsServer, type TestDnsServer } from '../../../packages/validator/test/support/dns-server.ts';

const KEYS = `t:${randomBytes(32).toString('base64url')}`;
const keyring = createKeyring(parseEncryptionKeys(KEYS));
/** Webhook targets on this machine are allowed, as for the worker processes below. */
const config = loadConfig({ WEBHOOK_ALLOWED_TARGETS: '127.0.0.1' });

let db: TestDatabase;
let orm: MikroORM;
let producer: PgBoss;
let dns: TestDnsServer;
const workers: SpawnedApp[] = [];
const receivers: Receiver[] = [];

async function startWorkerProcess(extra: Record<string, string> = {}) {
  const worker = await spawnApp('worker', {
    DATABASE_URL: db.url,
    ENCRYPTION_KEYS: KEYS,
    WORKER_POLL_SECONDS: '0.5',
    WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
    WEBHOOK_RETRY_SCHEDULE_SECONDS: '0.4,0.4,0.4,0.4,0.4,0.4,0.4,0.4,0.4,0.4',
    WEBHOOK_TIMEOUT_SECONDS: '1',
    DNS_SERVERS: dns.address,
    ...extra,
  });
  workers.push(worker);
  await worker.waitForLine(/worker started/, 30_000);
  return worker;
}

function ctx() {
  return { em: orm.em.fork(), clock: systemClock, keyring, meta: { ip: null, userAgent: null }, config };
}

async function emitEvent(workspaceId: string) {
  const eventId = await orm.em.fork().transactional((tx) =>
    recordEvent(tx, systemClock, workspaceId, 'bulk_job.completed', {
      job_id: randomUUID(),
      name: null,
      status: 'completed',
      total: 0,
      processed: 0,
      counts: { deliverable: 0, undeliverable: 0, catch_all: 0, risky: 0, do_not_mail: 0, unknown: 0 },
      metadata: null,
      completed_at: new Date().toISOString(),
      expires_at: null,
      error: null,
    }),
  );
  // After the commit: wake the workers (the poll would find it anyway).
  expect(await requestWebhookDispatch(producer, 'test')).toBe(true);
  return eventId;
}

const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000) =>
  waitUntil(what, fn, { timeoutMs, intervalMs: 100 });

const deliveryOf = async (endpointId: string) =>
  (await orm.em.fork().find(WebhookDelivery, { endpointId }))[0] ?? undefined;
const attemptsOf = (deliveryId: string) =>
  orm.em.fork().find(WebhookAttempt, { deliveryId }, { orderBy: { attempt: 'asc' } });

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await createOrm({ databaseUrl: db.url, poolMax: 4 });
  ensureAuditSealing(orm.em, keyring);
  producer = createQueueClient({
    databaseUrl: db.url,
    role: 'producer',
    logger: createLogger({ level: 'silent', name: 'producer' }),
  });
  await producer.start();
  await ensureQueues(producer, ALL_QUEUES);
  dns = await startDnsServer({
    'postern-good.com': { mx: [{ exchange: 'mx.postern-good.com', priority: 10, ttl: 600 }] },
    'mx.postern-good.com': { a: ['192.0.2.25'] }, // without an address the MX would be dangling
  });
});

afterAll(async () => {
  for (const worker of workers) await worker.stop('SIGTERM', 10_000);
  for (const receiver of receivers) await receiver.close();
  await producer?.stop({ graceful: false });
  await orm?.close(true);
  await db?.drop();
  await dns?.close();
});

describe('webhooks in worker processes', () => {
  it('delivers once a receiver that was down comes up', async () => {
    await startWorkerProcess();
    const workspaceId = randomUUID();
    const port = await freePort();
    const { endpoint, secret } = await createWebhookEndpoint(ctx(), workspaceId, randomUUID(), {
      url: `http://127.0.0.1:${port}/hook`,
      eventTypes: ['bulk_job.completed'],
    });
    await emitEvent(workspaceId);
    // Nothing listens yet: attempts fail (connection refused) and are retried.
    const failing = await waitFor('two failed attempts', async () => {
      const delivery = await deliveryOf(endpoint.id);
      if (!delivery) return undefined;
      const attempts = await attemptsOf(delivery.id);
      return attempts.length >= 2 ? attempts : undefined;
    });
    expect(failing[0]).toMatchObject({ statusCode: null });
    expect(failing[0]?.error).toMatch(/ECONNREFUSED/);
    const receiver = await startReceiver({ port });
    receivers.push(receiver);
    const delivery = await waitFor('the delivery to succeed', async () => {
      const d = await deliveryOf(endpoint.id);
      return d?.status === 'succeeded' ? d : undefined;
    });
    expect(receiver.received).toHaveLength(1);
    const request = receiver.received[0];
    if (!request) throw new Error('no request');
    expect(request.headers['webhook-id']).toBe(delivery.msgId);
    expect(new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).toMatchObject(
      {
        type: 'bulk_job.completed',
      },
    );
    const attempts = await attemptsOf(delivery.id);
    expect(attempts.at(-1)?.statusCode).toBe(200);
    expect(attempts.length).toBe(delivery.attempts);
    expect(delivery.attempts).toBeGreaterThanOrEqual(3);
  });

  it('a worker SIGKILLed mid-attempt: another worker delivers it, with the same webhook-id', async () => {
    // A receiver that never answers the first request (the attempt is in flight when the worker dies).
    const receiver = await startReceiver({
      respond: (request, res, index) => {
        if (index === 0) return;
        ok(request, res, index);
      },
    });
    receivers.push(receiver);
    const workspaceId = randomUUID();
    const { endpoint, secret } = await createWebhookEndpoint(ctx(), workspaceId, randomUUID(), {
      url: `${receiver.url}/hook`,
      eventTypes: ['bulk_job.completed'],
    });
    // Only this test's worker runs (the first test's worker is stopped).
    for (const worker of workers.splice(0)) await worker.stop('SIGTERM', 10_000);
    const doomed = await startWorkerProcess();
    await emitEvent(workspaceId);
    const [first] = await receiver.waitFor(1, 20_000);
    doomed.proc.kill('SIGKILL');
    await doomed.exited;
    // The dead worker's claim (2 × the 1 s attempt timeout + 2 s) expires, and the new worker takes the
    // delivery over.
    const survivor = await startWorkerProcess();
    void survivor;
    const [, second] = await receiver.waitFor(2, 30_000);
    expect(first?.headers['webhook-id']).toBeDefined();
    expect(second?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
    expect(second?.body).toBe(first?.body);
    expect(() =>
      new Webhook(secret).verify(second?.body ?? '', second?.headers as Record<string, string>),
    ).not.toThrow();
    const delivery = await waitFor('the delivery to succeed', async () => {
      const d = await deliveryOf(endpoint.id);
      return d?.status === 'succeeded' ? d : undefined;
    });
    expect(delivery.msgId).toBe(first?.headers['webhook-id']);
    // Attempt 1 died with its worker (never recorded); attempt 2 is the survivor's.
    expect(delivery.attempts).toBe(2);
    expect((await attemptsOf(delivery.id)).map((a) => [a.attempt, a.statusCode])).toEqual([[2, 200]]);
  }, 60_000);

  it('a bulk job completing is delivered as bulk_job.completed with its ZBulkJobEventData', async () => {
    if (!workers.length) await startWorkerProcess();
    const receiver = await startReceiver();
    receivers.push(receiver);
    const workspaceId = randomUUID();
    const { secret } = await createWebhookEndpoint(ctx(), workspaceId, randomUUID(), {
      url: `${receiver.url}/bulk`,
      eventTypes: ['bulk_job.completed', 'bulk_job.failed'],
    });
    const bulk = { ...ctx(), queue: producer, actor: null };
    const job = await createBulkJob(bulk, workspaceId, {
      source: ['a@postern-good.com', 'b@postern-good.com', 'not-an-address'],
      depth: 'standard',
      name: 'webhook e2e',
      metadata: { campaign: 'spring' },
    });
    const [request] = await receiver.waitFor(1, 30_000);
    if (!request) throw new Error('no request');
    const event = verifyWebhook(request.body, request.headers, secret);
    expect(new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).toEqual(
      event,
    );
    expect(event).toMatchObject({ type: 'bulk_job.completed', workspace_id: workspaceId });
    const data = ZBulkJobEventData.parse(event.data);
    expect(data).toMatchObject({
      job_id: job.id,
      name: 'webhook e2e',
      status: 'completed',
      total: 2,
      processed: 2,
      metadata: { campaign: 'spring' },
      error: null,
    });
    expect(data.counts.deliverable + data.counts.risky + data.counts.unknown + data.counts.catch_all).toBe(2);
    expect(JSON.stringify(event)).not.toContain('a@postern-good.com');
  }, 60_000);

  it('a worker start encrypts endpoint URLs stored in clear (legacy rows), then delivers to them', async () => {
    for (const worker of workers.splice(0)) await worker.stop('SIGTERM', 10_000);
    const receiver = await startReceiver();
    receivers.push(receiver);
    const workspaceId = randomUUID();
    const url = `${receiver.url}/legacy?token=${randomBytes(16).toString('hex')}`;
    const { endpoint, secret } = await createWebhookEndpoint(ctx(), workspaceId, randomUUID(), {
      url,
      eventTypes: ['bulk_job.completed'],
    });
    // As written before URLs were encrypted: the URL in clear.
    const conn = orm.em.fork().getConnection();
    await conn.execute('update webhook_endpoint set url = ? where id = ?', [url, endpoint.id]);
    const worker = await startWorkerProcess();
    const line = await worker.waitForLine(/encrypted webhook endpoint URLs stored in clear/);
    expect(JSON.parse(line)).toMatchObject({ sealed: 1 });
    const [row] = (await conn.execute('select url from webhook_endpoint where id = ?', [endpoint.id])) as {
      url: string;
    }[];
    expect(row?.url).toMatch(/^v1\.t\./);
    expect(keyring.decryptString(row?.url ?? '', urlContext(endpoint.id))).toBe(url);
    await emitEvent(workspaceId);
    const [request] = await receiver.waitFor(1, 20_000);
    expect(request?.path).toBe(url.slice(receiver.url.length));
    expect(() =>
      new Webhook(secret).verify(request?.body ?? '', request?.headers as Record<string, string>),
    ).not.toThrow();
    // A second start finds nothing left to seal.
    const again = await startWorkerProcess();
    expect(again.lines.some((l) => l.includes('stored in clear'))).toBe(false);
  }, 60_000);
});
