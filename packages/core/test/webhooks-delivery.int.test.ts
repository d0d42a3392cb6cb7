// Webhook delivery against real PostgreSQL and a real receiver on 127.0.0.1, with the worker's engine
// running in this process (short timeouts and back-off): signatures verified by the independent
// `standardwebhooks` package and by the SDK, secret rotation, 410, Retry-After, timeouts, truncated
// responses, sustained failure, racing fan-outs, the 30-day purge, and the secret and the URL at rest.
// (The engine inside real worker processes, crashes included, is in apps/worker/test/webhooks.int.test.ts.)
import { randomBytes, randomUUID } from 'node:crypto';
import { createOrm, type MikroORM, WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '@postern/db';
import { createTestDatabase, dumpDatabase as dumpAll, type TestDatabase } from '@postern/db/testing';
import { createLogger, loadConfig } from '@postern/runtime';
import { waitFor as waitUntil } from '@postern/runtime/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../sdk/src/webhooks.ts';
import { ensureAuditSealing } from '../src/audit/record.ts';
import {
  createKeyring,
  createTargetPolicy,
  createWebhookEndpoint,
  ENCRYPTED_FIELDS,
  fanOutOutbox,
  getWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  loadEndpointTargets,
  parseEncryptionKeys,
  purgeExpired,
  recordEvent,
  revealWebhookSecret,
  rotateEncryptedFields,
  rotateWebhookSecret,
  systemClock,
  updateWebhookEndpoint,
  urlContext,
  WebhookEngine,
  type WebhookSettings,
  webhookSettings,
} from '../src/index.ts';
import { ok, type Receiver, startReceiver } from './support/webhook-receiver.ts';

const KEYS = `t:${randomBytes(32).toString('base64')}`;
const keyring = createKeyring(parseEncryptionKeys(KEYS));
const logger = createLogger({ level: (process.env.TEST_LOG_LEVEL as 'silent') ?? 'silent', name: 'test' });
const BULK_DATA = {
  job_id: '00000000-0000-4000-8000-0000000000aa',
  name: 'list.csv',
  status: 'completed' as const,
  total: 2,
  processed: 2,
  counts: { deliverable: 1, undeliverable: 1, catch_all: 0, risky: 0, do_not_mail: 0, unknown: 0 },
  metadata: null,
  completed_at: new Date().toISOString(),
  expires_at: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  error: null,
};

let db: TestDatabase;
let orm: MikroORM;
let receiver: Receiver;
const engines: WebhookEngine[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await createOrm({ databaseUrl: db.url, poolMax: 10 });
  ensureAuditSealing(orm.em, keyring);
  receiver = await startReceiver();
});

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.stop(5000);
  receiver.respond = ok;
});

afterAll(async () => {
  await receiver?.close();
  await orm?.close(true);
  await db?.drop();
});

function settings(overrides: Partial<WebhookSettings> = {}): WebhookSettings {
  return webhookSettings({
    targets: createTargetPolicy({ allowedTargets: ['127.0.0.1'] }),
    timeoutMs: 1000,
    retryScheduleMs: [150, 150, 150],
    jitter: 0,
    pollMs: 100,
    leaseMs: 4000,
    ...overrides,
  });
}

function startEngine(overrides: Partial<WebhookSettings> = {}) {
  const engine = new WebhookEngine({
    em: () => orm.em.fork(),
    keyring,
    clock: systemClock,
    logger,
    settings: settings(overrides),
  });
  engines.push(engine);
  engine.start();
  return engine;
}

/** Webhook targets on this machine are allowed, as WEBHOOK_ALLOWED_TARGETS=127.0.0.1 would. */
const config = loadConfig({ WEBHOOK_ALLOWED_TARGETS: '127.0.0.1' });

function ctx() {
  return {
    em: orm.em.fork(),
    clock: systemClock,
    keyring,
    meta: { ip: '127.0.0.1', userAgent: 'test' },
    config,
  };
}

async function newWorkspace() {
  const workspaceId = randomUUID();
  const ownerId = randomUUID();
  await orm.em
    .fork()
    .getConnection()
    .execute(
      `insert into workspace_member (id, workspace_id, user_id, role, created_at, updated_at)
       values (?, ?, ?, 'owner', now(), now())`,
      [randomUUID(), workspaceId, ownerId],
    );
  return { workspaceId, ownerId };
}

async function newEndpoint(workspaceId: string, path = '/hook', eventTypes = ['bulk_job.completed']) {
  return createWebhookEndpoint(ctx(), workspaceId, randomUUID(), {
    url: `${receiver.url}${path}`,
    eventTypes,
  });
}

async function emit(
  workspaceId: string,
  count = 1,
  type: 'bulk_job.completed' | 'bulk_job.failed' = 'bulk_job.completed',
) {
  const ids: string[] = [];
  await orm.em.fork().transactional(async (tx) => {
    for (let i = 0; i < count; i++)
      ids.push(await recordEvent(tx, systemClock, workspaceId, type, BULK_DATA));
  });
  return ids;
}

const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000) =>
  waitUntil(what, fn, { timeoutMs, intervalMs: 50 });

const dumpDatabase = () => dumpAll(db.url);

async function storedUrl(endpointId: string) {
  const [row] = (await orm.em
    .fork()
    .getConnection()
    .execute('select url, host from webhook_endpoint where id = ?', [endpointId])) as {
    url: string;
    host: string;
  }[];
  if (!row) throw new Error(`no endpoint ${endpointId}`);
  return row;
}

const deliveriesOf = (endpointId: string) => orm.em.fork().find(WebhookDelivery, { endpointId });
const attemptsOf = (deliveryId: string) =>
  orm.em.fork().find(WebhookAttempt, { deliveryId }, { orderBy: { attempt: 'asc' } });
describe('signed deliveries', () => {
  it('are verified by the standardwebhooks package and by the SDK', async () => {
    const { workspaceId } = await newWorkspace();
    const { endpoint, secret } = await newEndpoint(workspaceId, '/verify');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    startEngine();
    const [eventId] = await emit(workspaceId);
    const [delivery] = await waitFor('delivery', async () => {
      const rows = await deliveriesOf(endpoint.id);
      return rows[0]?.status === 'succeeded' ? rows : undefined;
    });
    const request = receiver.received.find((r) => r.headers['webhook-id'] === delivery?.msgId);
    expect(request).toBeDefined();
    if (!request || !delivery) return;
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    const standard = new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
    expect(standard).toMatchObject({
      type: 'bulk_job.completed',
      workspace_id: workspaceId,
      data: BULK_DATA,
    });
    const event = verifyWebhook(request.body, request.headers, secret);
    expect(event.type).toBe('bulk_job.completed');
    expect(delivery.eventId).toBe(eventId);
    const attempts = await attemptsOf(delivery.id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ attempt: 1, statusCode: 200, response: 'ok', error: null });
  });

  it('an attempt in flight reads `sending`; each attempt keeps the headers sent, signature included', async () => {
    const { workspaceId } = await newWorkspace();
    const { endpoint, secret } = await newEndpoint(workspaceId, '/held');
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    receiver.respond = async (req, res) => {
      if (!req.path.startsWith('/held')) return ok(req, res, 0);
      await held;
      res.writeHead(500).end('not yet');
    };
    const list = async () =>
      (await listWebhookDeliveries(ctx(), workspaceId, { endpointId: endpoint.id, limit: 10 })).deliveries;
    await emit(workspaceId);
    startEngine({ timeoutMs: 3000, retryScheduleMs: [60_000] });
    const sending = await waitFor('the attempt in flight', async () => {
      const [delivery] = await list();
      return delivery?.state === 'sending' ? delivery : undefined;
    });
    expect(sending).toMatchObject({ status: 'pending', attempts: 1, attemptLog: [] });
    release();
    const retrying = await waitFor('the recorded attempt', async () => {
      const [delivery] = await list();
      return delivery?.attemptLog.length === 1 ? delivery : undefined;
    });
    expect(retrying).toMatchObject({ status: 'pending', state: 'retrying' });
    const headers = retrying.attemptLog[0]?.requestHeaders ?? {};
    const request = receiver.received.find((r) => r.headers['webhook-id'] === retrying.msgId);
    expect(Object.keys(headers).sort()).toEqual([
      'content-type',
      'user-agent',
      'webhook-id',
      'webhook-signature',
      'webhook-timestamp',
    ]);
    for (const [name, value] of Object.entries(headers)) expect(request?.headers[name]).toBe(value);
    // The stored signature is the one sent: it verifies the body with the endpoint's secret.
    expect(new Webhook(secret).verify(retrying.payload, headers)).toMatchObject({
      type: 'bulk_job.completed',
    });
  });

  it('carry both signatures during a rotation overlap, each verifying with its secret', async () => {
    const { workspaceId } = await newWorkspace();
    const { endpoint, secret: oldSecret } = await newEndpoint(workspaceId, '/rotate');
    const rotated = await rotateWebhookSecret(ctx(), workspaceId, randomUUID(), endpoint.id, 24);
    expect(rotated.previousSecret).toBe(oldSecret);
    startEngine();
    await emit(workspaceId);
    const [delivery] = await waitFor('delivery', async () => {
      const rows = await deliveriesOf(endpoint.id);
      return rows[0]?.status === 'succeeded' ? rows : undefined;
    });
    const request = receiver.received.find((r) => r.headers['webhook-id'] === delivery?.msgId);
    if (!request) throw new Error('no request');
    const signatures = String(request.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    for (const secret of [rotated.secret, oldSecret]) {
      expect(() =>
        new Webhook(secret).verify(request.body, request.headers as Record<string, string>),
      ).not.toThrow();
      expect(verifyWebhook(request.body, request.headers, secret).type).toBe('bulk_job.completed');
    }
    expect(() =>
      verifyWebhook(request.body, request.headers, `whsec_${randomBytes(32).toString('base64')}`),
    ).toThrow(/No webhook signature matches/);
  });
});

describe('bursts', () => {
  it('delivers and records every event of a burst larger than a result batch, each once', async () => {
    const { workspaceId } = await newWorkspace();
    const { endpoint } = await newEndpoint(workspaceId, '/burst');
    // Wide enough that more than one batch of results (250) arrives between two timed flushes.
    const engine = startEngine({ concurrency: 500, batchSize: 500 });
    const before = receiver.received.length;
    await emit(workspaceId, 700);
    engine.wake();
    await waitFor('every result recorded', async () => {
      const rows = (await orm.em
        .fork()
        .getConnection()
        .execute(
          "select count(*) filter (where status = 'succeeded')::int as ok from webhook_delivery where endpoint_id = ?",
          [endpoint.id],
        )) as { ok: number }[];
      return rows[0]?.ok === 700;
    });
    const ids = receiver.received.slice(before).map((r) => String(r.headers['webhook-id']));
    expect(ids).toHaveLength(700);
    expect(new Set(ids).size).toBe(700);
    const attempts = (await orm.em
      .fork()
      .getConnection()
      .execute(
        'select count(*)::int as n, max(attempt)::int as max from webhook_attempt where endpoint_id = ?',
        [endpoint.id],
      )) as { n: number; max: number }[];
    expect(attempts[0]).toEqual({ n: 700, max: 1 });
    expect(engine.stats()).toMatchObject({ succeeded: 700, inFlight: 0 });
  });
});

describe('failures', () => {
  it('a 410 disables the endpoint, fails its delivery, audits it and notifies the owners', async () => {
    const { workspaceId, ownerId } = await newWorkspace();
    const { endpoint } = await newEndpoint(workspaceId, '/gone');
    receiver.respond = (_req, res) => {
      res.writeHead(410);
      res.end('gone');
    };
    startEngine();
    await emit(workspaceId);
    const row = await waitFor('disabled endpoint', async () => {
      const e = await orm.em.fork().findOne(WebhookEndpoint, { id: endpoint.id });
      return e && !e.enabled ? e : undefined;
    });
    expect(row.disabledReason).toBe('gone');
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 410 });
    const conn = orm.em.fork().getConnection();
    const audit = (await conn.execute(
      "select event_type, actor_id, metadata from audit_entry where target_id = ? and event_type = 'webhook.endpoint_disabled'",
      [endpoint.id],
    )) as { actor_id: string | null; metadata: { reason: string } }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: null,
      metadata: { reason: 'gone', host: `127.0.0.1:${receiver.port}` },
    });
    const notes = (await conn.execute(
      "select title, body from notification where user_id = ? and kind = 'webhook.endpoint_disabled'",
      [ownerId],
    )) as { title: string; body: string }[];
    expect(notes).toHaveLength(1);
    expect(notes[0]?.body).toMatch(/410 Gone/);
    // A later event is not delivered to it.
    await emit(workspaceId);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await deliveriesOf(endpoint.id)).toHaveLength(1);
  });

  it('honours Retry-After (over the shorter schedule) with the same webhook-id', async () => {
    const { workspaceId } = await newWorkspace();
    const { endpoint } = await newEndpoint(workspaceId, '/retry-after');
    const seen: { id: string; at: number }[] = [];
    receiver.respond = (req, res, index) => {
      void index;
      seen.push({ id: String(req.headers['webhook-id']), at: req.at });
      if (seen.length === 1) {
        res.writeHead(503, { 'retry-after': '1' });
        res.end('busy');
      } else ok(req, res, index);
    };
    startEngine();
    await emit(workspaceId);
    const delivery = await waitFor('delivery', async () => {
      const [d] = await deliveriesOf(endpoint.id);
      return d?.status === 'succeeded' ? d : undefined;
    });
    expect(seen).toHaveLength(2);
    expect(seen[0]?.id).toBe(delivery.msgId);
    expect(seen[1]?.id).toBe(delivery.msgId);
    expect((seen[1]?.at ?? 0) - (seen[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    const attempts = await attemptsOf(delivery.id);
    expect(attempts.map((a) => a.statusCode)).toEqual([503, 200]);
    expect(attempts[0]?.response).toBe('busy');
  });

  it('times out a slow receiver and retries; response bodies are kept truncated to 2 KiB', async () => {
    const { workspaceId } = await newWorkspace();
    const { endpoint } = await newEndpoint(workspaceId, '/slow');
    let calls = 0;
    receiver.respond = (_req, res) => {
      calls += 1;
      if (calls === 1) return void setTimeout(() => res.end('late'), 3000);
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${'é'.repeat(3000)}END`);
    };
    startEngine({ timeoutMs: 400 });
    await emit(workspaceId);
    const delivery = await waitFor('delivery', async () => {
      const [d] = await deliveriesOf(endpoint.id);
      return d?.status === 'succeeded' ? d : undefined;
    });
    const attempts = await attemptsOf(delivery.id);
    expect(attempts[0]).toMatchObject({ statusCode: null, error: 'timed out after 0.4 s' });
    expect(attempts[0]?.durationMs).toBeGreaterThanOrEqual(350);
    expect(attempts[0]?.durationMs).toBeLessThan(1500);
    expect(attempts[1]?.statusCode).toBe(200);
    const snippet = attempts[1]?.response ?? '';
    expect(Buffer.byteLength(snippet)).toBeLessThanOrEqual(2048);
    expect(snippet.length).toBeGreaterThan(1000);
    expect(snippet).not.toContain('END');
  });

  it('a slow endpoint holds at most endpointConcurrency slots: another endpoint is served meanwhile', async () => {
    const slow = await newWorkspace();
    const fast = await newWorkspace();
    const { endpoint: slowEndpoint } = await newEndpoint(slow.workspaceId, '/slow-backlog');
    const { endpoint: fastEndpoint } = await newEndpoint(fast.workspaceId, '/fast');
    let inFlight = 0;
    let maxInFlight = 0;
    receiver.respond = (req, res) => {
      if (!req.path.startsWith('/slow-backlog')) return ok(req, res, 0);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        res.end('ok');
      }, 400);
    };
    // 12 events for the slow endpoint first, then 3 for the fast one: all due before the engine starts.
    await emit(slow.workspaceId, 12);
    await emit(fast.workspaceId, 3);
    const started = Date.now();
    startEngine({ concurrency: 10, endpointConcurrency: 3, timeoutMs: 2000, leaseMs: 6000 });
    const fastDone = await waitFor('the fast endpoint', async () => {
      const list = await deliveriesOf(fastEndpoint.id);
      return list.length === 3 && list.every((d) => d.status === 'succeeded') ? Date.now() : undefined;
    });
    // Served while the slow backlog is still being worked through (4 rounds of 400 ms at 3 at a time).
    const slowDoneSoFar = (await deliveriesOf(slowEndpoint.id)).filter(
      (d) => d.status === 'succeeded',
    ).length;
    expect(slowDoneSoFar).toBeLessThan(12);
    expect(fastDone - started).toBeLessThan(1200);
    await waitFor('the slow endpoint', async () => {
      const list = await deliveriesOf(slowEndpoint.id);
      return list.length === 12 && list.every((d) => d.status === 'succeeded') ? true : undefined;
    });
    expect(maxInFlight).toBe(3);
  });

  it('gives up after the schedule, and disables an endpoint failing for long enough', async () => {
    const { workspaceId, ownerId } = await newWorkspace();
    const { endpoint } = await newEndpoint(workspaceId, '/down');
    receiver.respond = (_req, res) => {
      res.writeHead(500);
      res.end('down');
    };
    // Here "a day" is 600 ms and at least 4 failed attempts.
    startEngine({ disableAfterFailingMs: 600, disableMinFailures: 4 });
    await emit(workspaceId);
    const delivery = await waitFor('failed delivery', async () => {
      const [d] = await deliveriesOf(endpoint.id);
      return d?.status === 'failed' ? d : undefined;
    });
    // 1 attempt + 3 retries (the schedule has 3 entries).
    expect(delivery.attempts).toBe(4);
    expect(delivery.lastError).toBe('HTTP 500');
    await emit(workspaceId);
    const row = await waitFor('disabled endpoint', async () => {
      const e = await orm.em.fork().findOne(WebhookEndpoint, { id: endpoint.id });
      return e && !e.enabled ? e : undefined;
    });
    expect(row.disabledReason).toBe('failing');
    expect(row.consecutiveFailures).toBeGreaterThanOrEqual(4);
    const notes = (await orm.em
      .fork()
      .getConnection()
      .execute("select body from notification where user_id = ? and kind = 'webhook.endpoint_disabled'", [
        ownerId,
      ])) as { body: string }[];
    expect(notes[0]?.body).toMatch(/failed for more than a day/);
  });

  it('a success resets the endpoint failure counters', async () => {
    const { workspaceId } = await newWorkspace();
    const { endpoint } = await newEndpoint(workspaceId, '/flaky');
    let calls = 0;
    receiver.respond = (req, res, i) => {
      calls += 1;
      if (calls <= 2) {
        res.writeHead(502);
        res.end();
      } else ok(req, res, i);
    };
    startEngine();
    await emit(workspaceId);
    await waitFor('delivered', async () => (await deliveriesOf(endpoint.id))[0]?.status === 'succeeded');
    const row = await waitFor('reset', async () => {
      const e = await orm.em.fork().findOne(WebhookEndpoint, { id: endpoint.id });
      return e?.lastSuccessAt ? e : undefined;
    });
    expect(row).toMatchObject({ enabled: true, consecutiveFailures: 0, failingSince: null });
  });
});

describe('fan-out', () => {
  it('creates exactly one delivery per (event, subscribed enabled endpoint) with dispatchers racing', async () => {
    const { workspaceId } = await newWorkspace();
    const other = await newWorkspace();
    const a = await newEndpoint(workspaceId, '/a', ['bulk_job.completed', 'bulk_job.failed']);
    const b = await newEndpoint(workspaceId, '/b', ['bulk_job.completed']);
    const onlyFailed = await newEndpoint(workspaceId, '/c', ['bulk_job.failed']);
    const disabled = await createWebhookEndpoint(ctx(), workspaceId, randomUUID(), {
      url: `${receiver.url}/d`,
      eventTypes: ['bulk_job.completed'],
      enabled: false,
    });
    const foreign = await newEndpoint(other.workspaceId, '/e', ['bulk_job.completed']);
    const events = [...(await emit(workspaceId, 300)), ...(await emit(workspaceId, 100, 'bulk_job.failed'))];
    // Four dispatchers, each on its own connection, fanning out in small batches at the same time.
    const dispatcher = async () => {
      let total = 0;
      for (;;) {
        const r = await fanOutOutbox(
          { em: orm.em.fork(), keyring, clock: systemClock },
          {
            limit: 25,
            claim: 0,
            leaseMs: 0,
          },
        );
        total += r.events;
        if (r.events === 0) return total;
      }
    };
    const handled = await Promise.all([dispatcher(), dispatcher(), dispatcher(), dispatcher()]);
    expect(handled.reduce((x, y) => x + y, 0)).toBe(events.length);
    expect(handled.filter((n) => n > 0).length).toBeGreaterThan(1);
    const conn = orm.em.fork().getConnection();
    const rows = (await conn.execute(
      `select endpoint_id, count(*)::int as n, count(distinct event_id)::int as events
         from webhook_delivery where event_id in (?) group by endpoint_id`,
      [events],
    )) as { endpoint_id: string; n: number; events: number }[];
    const by = Object.fromEntries(rows.map((r) => [r.endpoint_id, r]));
    expect(by[a.endpoint.id]).toEqual({ endpoint_id: a.endpoint.id, n: 400, events: 400 });
    expect(by[b.endpoint.id]).toEqual({ endpoint_id: b.endpoint.id, n: 300, events: 300 });
    expect(by[onlyFailed.endpoint.id]).toEqual({ endpoint_id: onlyFailed.endpoint.id, n: 100, events: 100 });
    expect(by[disabled.endpoint.id]).toBeUndefined();
    expect(by[foreign.endpoint.id]).toBeUndefined();
    const waiting = (await conn.execute(
      'select count(*)::int as n from outbox_event where dispatched_at is null',
    )) as {
      n: number;
    }[];
    expect(waiting[0]?.n).toBe(0);
    // Clean up so other tests' engines do not deliver these.
    await conn.execute("update webhook_delivery set status = 'failed' where event_id in (?)", [events]);
  });
});

describe('data at rest and retention', () => {
  it('stores the URL only as a ciphertext bound to its row, yet shows it and delivers to it', async () => {
    const { workspaceId } = await newWorkspace();
    const actor = randomUUID();
    const token = randomBytes(24).toString('hex');
    const url = `${receiver.url}/tokened?token=${token}`;
    const { endpoint } = await createWebhookEndpoint(ctx(), workspaceId, actor, {
      url,
      eventTypes: ['bulk_job.completed'],
    });
    expect(endpoint.url).toBe(url);
    expect(
      (
        await getWebhookEndpoint(
          { em: orm.em.fork(), keyring: keyring, clock: systemClock },
          workspaceId,
          endpoint.id,
        )
      ).url,
    ).toBe(url);
    const listed = await listWebhookEndpoints(
      { em: orm.em.fork(), keyring, clock: systemClock },
      workspaceId,
    );
    expect(listed.map((e) => e.url)).toEqual([url]);
    const stored = await storedUrl(endpoint.id);
    expect(stored.url).toMatch(/^v1\.t\./);
    expect(stored.host).toBe(`127.0.0.1:${receiver.port}`);
    expect(keyring.decryptString(stored.url, urlContext(endpoint.id))).toBe(url);

    startEngine();
    await emit(workspaceId);
    await waitFor('delivery', async () => (await deliveriesOf(endpoint.id))[0]?.status === 'succeeded');
    expect(receiver.received.filter((r) => r.path === `/tokened?token=${token}`)).toHaveLength(1);

    // The same URL again is no change (compared in clear, not as ciphertexts).
    const same = await updateWebhookEndpoint(ctx(), workspaceId, actor, { endpointId: endpoint.id, url });
    expect(same.updatedAt).toBe(endpoint.updatedAt);
    expect((await storedUrl(endpoint.id)).url).toBe(stored.url);
    // A new URL is encrypted afresh; the audit entry names the hosts only.
    const token2 = randomBytes(24).toString('hex');
    const url2 = `${receiver.url}/moved?token=${token2}`;
    const moved = await updateWebhookEndpoint(ctx(), workspaceId, actor, {
      endpointId: endpoint.id,
      url: url2,
    });
    expect(moved.url).toBe(url2);
    const restored = await storedUrl(endpoint.id);
    expect(restored.url).toMatch(/^v1\.t\./);
    expect(keyring.decryptString(restored.url, urlContext(endpoint.id))).toBe(url2);
    const [audit] = (await orm.em
      .fork()
      .getConnection()
      .execute(
        "select metadata from audit_entry where target_id = ? and event_type = 'webhook.endpoint_updated'",
        [endpoint.id],
      )) as { metadata: Record<string, unknown> }[];
    const host = `127.0.0.1:${receiver.port}`;
    expect(audit?.metadata).toEqual({
      changes: ['url'],
      fromHost: host,
      toHost: host,
      // The audit log's from → to convention (#24): the URL by its host only, never the path or query.
      from: { host },
      to: { host },
    });
    await emit(workspaceId);
    await waitFor(
      'second delivery',
      async () => (await deliveriesOf(endpoint.id)).filter((d) => d.status === 'succeeded').length === 2,
    );
    expect(receiver.received.filter((r) => r.path === `/moved?token=${token2}`)).toHaveLength(1);

    const dump = await dumpDatabase();
    expect(dump).toContain(endpoint.id);
    for (const clear of [token, token2, '/tokened', '/moved']) expect(dump).not.toContain(clear);
  });

  it('a URL ciphertext copied to another endpoint does not decrypt there', async () => {
    const { workspaceId } = await newWorkspace();
    const { endpoint: a } = await newEndpoint(workspaceId, '/own-a?token=a');
    const { endpoint: b } = await newEndpoint(workspaceId, '/own-b?token=b');
    const conn = orm.em.fork().getConnection();
    await conn.execute(
      'update webhook_endpoint set url = (select url from webhook_endpoint where id = ?) where id = ?',
      [a.id, b.id],
    );
    await expect(
      getWebhookEndpoint({ em: orm.em.fork(), keyring: keyring, clock: systemClock }, workspaceId, b.id),
    ).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(
      loadEndpointTargets({ em: orm.em.fork(), keyring, clock: systemClock }, [b.id]),
    ).rejects.toMatchObject({
      code: 'INTERNAL',
    });
    expect(
      (
        await getWebhookEndpoint(
          { em: orm.em.fork(), keyring: keyring, clock: systemClock },
          workspaceId,
          a.id,
        )
      ).url,
    ).toBe(`${receiver.url}/own-a?token=a`);
    // Not left behind for the key rotation test (it would count as a value that cannot be decrypted).
    await conn.execute('delete from webhook_endpoint where id = ?', [b.id]);
  });
  it('stores the signing secret only as a keyring ciphertext', async () => {
    const { workspaceId } = await newWorkspace();
    const { endpoint, secret } = await newEndpoint(workspaceId, '/rest');
    const rotated = await rotateWebhookSecret(ctx(), workspaceId, randomUUID(), endpoint.id, 1);
    const conn = orm.em.fork().getConnection();
    const dump = (await conn.execute('select t::text as row from webhook_endpoint t')) as { row: string }[];
    const text = dump.map((r) => r.row).join('\n');
    for (const plaintext of [secret, rotated.secret]) {
      expect(text).not.toContain(plaintext);
      expect(text).not.toContain(plaintext.slice('whsec_'.length));
    }
    const [row] = (await conn.execute('select secret, previous_secret from webhook_endpoint where id = ?', [
      endpoint.id,
    ])) as { secret: string; previous_secret: string }[];
    expect(row?.secret).toMatch(/^v1\.t\./);
    expect(row?.previous_secret).toMatch(/^v1\.t\./);
  });

  it('key rotation re-encrypts both secrets and the URL (registered in ENCRYPTED_FIELDS)', async () => {
    const { workspaceId } = await newWorkspace();
    const { endpoint, secret } = await newEndpoint(workspaceId, '/keys?token=rotation-token');
    const rotated = await rotateWebhookSecret(ctx(), workspaceId, randomUUID(), endpoint.id, 1);
    const newKey = { id: 'n', key: randomBytes(32) };
    const next = createKeyring([newKey, ...parseEncryptionKeys(KEYS)]);
    const fields = ENCRYPTED_FIELDS.filter((f) => f.table === 'webhook_endpoint');
    expect(fields.map((f) => f.column)).toEqual(['secret', 'previous_secret', 'url']);
    const results = await rotateEncryptedFields(orm.em.fork(), next, { fields });
    expect(results.map((r) => r.failed)).toEqual([0, 0, 0]);
    expect(results.reduce((n, r) => n + r.rotated, 0)).toBeGreaterThanOrEqual(3);
    expect(results[2]?.rotated).toBeGreaterThanOrEqual(1);
    const view = await revealWebhookSecret(
      { ...ctx(), keyring: next },
      workspaceId,
      randomUUID(),
      endpoint.id,
    );
    expect(view).toMatchObject({ secret: rotated.secret, previousSecret: secret });
    const [row] = (await orm.em
      .fork()
      .getConnection()
      .execute('select secret, previous_secret from webhook_endpoint where id = ?', [endpoint.id])) as {
      secret: string;
      previous_secret: string;
    }[];
    expect(row?.secret).toMatch(/^v1\.n\./);
    expect(row?.previous_secret).toMatch(/^v1\.n\./);
    const url = await storedUrl(endpoint.id);
    expect(url.url).toMatch(/^v1\.n\./);
    expect(next.decryptString(url.url, urlContext(endpoint.id))).toBe(
      `${receiver.url}/keys?token=rotation-token`,
    );
    const shown = await getWebhookEndpoint(
      { em: orm.em.fork(), keyring: next, clock: systemClock },
      workspaceId,
      endpoint.id,
    );
    expect(shown.url).toBe(`${receiver.url}/keys?token=rotation-token`);
  });

  it('erases a previous signing secret once its rotation overlap has ended (one retention rule)', async () => {
    const { workspaceId } = await newWorkspace();
    const { endpoint: ended } = await newEndpoint(workspaceId, '/rotated-long-ago');
    const { endpoint: current } = await newEndpoint(workspaceId, '/rotating-now');
    for (const id of [ended.id, current.id])
      await rotateWebhookSecret(ctx(), workspaceId, randomUUID(), id, 24);
    // The first overlap ended an hour ago.
    await orm.em
      .fork()
      .getConnection()
      .execute(
        "update webhook_endpoint set previous_secret_expires_at = now() - interval '1 hour' where id = ?",
        [ended.id],
      );
    const results = await purgeExpired(orm.em.fork(), systemClock, {
      sessionIdleMs: 30 * 86_400_000,
      auditRetentionDays: 365,
    });
    expect(results.find((r) => r.data.startsWith('previous webhook signing secrets'))?.deleted).toBe(1);
    const [a, b] = await Promise.all(
      [ended.id, current.id].map((id) => orm.em.fork().findOneOrFail(WebhookEndpoint, { id })),
    );
    expect(a).toMatchObject({ previousSecret: null, previousSecretExpiresAt: null });
    expect(b?.previousSecret).toMatch(/^v1\./);
    expect(b?.previousSecretExpiresAt?.getTime()).toBeGreaterThan(Date.now());
  });

  it('purges delivery records after 30 days (one retention rule)', async () => {
    const { workspaceId } = await newWorkspace();
    const { endpoint } = await newEndpoint(workspaceId, '/old');
    const conn = orm.em.fork().getConnection();
    const day = 86_400_000;
    const make = async (ageDays: number) => {
      const id = randomUUID();
      const at = new Date(Date.now() - ageDays * day);
      await conn.execute(
        `insert into webhook_delivery (id, workspace_id, endpoint_id, event_type, msg_id, body, status, attempts,
                                       round_attempts, created_at, completed_at)
         values (?, ?, ?, 'bulk_job.completed', ?, '{}', 'succeeded', 1, 1, ?, ?)`,
        [id, workspaceId, endpoint.id, `msg_${id.replaceAll('-', '')}`, at, at],
      );
      await conn.execute(
        `insert into webhook_attempt (id, delivery_id, endpoint_id, workspace_id, attempt, started_at, duration_ms, status_code)
         values (?, ?, ?, ?, 1, ?, 5, 200)`,
        [randomUUID(), id, endpoint.id, workspaceId, at],
      );
      return id;
    };
    const old = await make(31);
    const recent = await make(29);
    const results = await purgeExpired(orm.em.fork(), systemClock, {
      sessionIdleMs: 30 * day,
      auditRetentionDays: 365,
    });
    const rule = results.find((r) => r.data.startsWith('webhook delivery records'));
    expect(rule?.deleted).toBeGreaterThanOrEqual(2);
    const left = await orm.em.fork().find(WebhookDelivery, { id: { $in: [old, recent] } });
    expect(left.map((d) => d.id)).toEqual([recent]);
    expect(await orm.em.fork().count(WebhookAttempt, { deliveryId: old })).toBe(0);
    expect(await orm.em.fork().count(WebhookAttempt, { deliveryId: recent })).toBe(1);
  });
});
