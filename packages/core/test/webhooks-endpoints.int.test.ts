// Webhook endpoint URLs written before they were encrypted, against real PostgreSQL: a database built
// by the migrations of that time gets a legacy row (URL in clear, token in its query), then the later
// migrations (the host column is filled from the URL); until the worker's start-up seals it, the row is
// shown and delivered to as it is; sealPlaintextWebhookUrls then encrypts it exactly once (also with
// two workers sealing at the same time) and deliveries go on to the same URL.
import { randomBytes, randomUUID } from 'node:crypto';
import { createOrm, type MikroORM, migrateToLatest, WebhookDelivery } from '@postern/db';
import { createEmptyDatabase, type TestDatabase } from '@postern/db/testing';
import { createLogger } from '@postern/runtime';
import { waitFor as waitUntil } from '@postern/runtime/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createKeyring,
  createTargetPolicy,
  generateWebhookSecret,
  getWebhookEndpoint,
  parseEncryptionKeys,
  recordEvent,
  sealPlaintextWebhookUrls,
  secretContext,
  systemClock,
  urlContext,
  WebhookEngine,
  webhookSettings,
} from '../src/index.ts';
import { type Receiver, startReceiver } from './support/webhook-receiver.ts';

/** The last migration before webhook URLs were encrypted. */
const BEFORE_ENCRYPTED_URLS = 'Migration20261121215907_bulk_chunks';

const keyring = createKeyring(parseEncryptionKeys(`t:${randomBytes(32).toString('base64')}`));
const logger = createLogger({ level: (process.env.TEST_LOG_LEVEL as 'silent') ?? 'silent', name: 'test' });

let db: TestDatabase;
let orm: MikroORM;
let receiver: Receiver;
const engines: WebhookEngine[] = [];

interface Legacy {
  id: string;
  workspaceId: string;
  url: string;
  secret: string;
}
const legacy: Legacy[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
  db = await createEmptyDatabase();
  orm = await createOrm({ databaseUrl: db.url, poolMax: 6 });
  await orm.migrator.up({ to: BEFORE_ENCRYPTED_URLS });
  // Rows as the code of that time wrote them: the URL in clear, no host column yet.
  for (let i = 0; i < 3; i++) {
    const id = randomUUID();
    const secret = generateWebhookSecret();
    const row = {
      id,
      workspaceId: randomUUID(),
      url: `${receiver.url}/legacy-${i}?token=${randomBytes(16).toString('hex')}`,
      secret,
    };
    await orm.em
      .fork()
      .getConnection()
      .execute(
        `insert into webhook_endpoint (id, workspace_id, url, event_types, enabled, secret, consecutive_failures,
                                       created_at, updated_at)
         values (?, ?, ?, ?::jsonb, true, ?, 0, now(), now())`,
        [
          id,
          row.workspaceId,
          row.url,
          JSON.stringify(['bulk_job.completed']),
          keyring.encrypt(secret, secretContext(id)),
        ],
      );
    legacy.push(row);
  }
  await migrateToLatest(orm, db.url);
});

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.stop(5000);
});

afterAll(async () => {
  await receiver?.close();
  await orm?.close(true);
  await db?.drop();
});

function startEngine() {
  const engine = new WebhookEngine({
    em: () => orm.em.fork(),
    keyring,
    clock: systemClock,
    logger,
    settings: webhookSettings({
      targets: createTargetPolicy({ allowedTargets: ['127.0.0.1'] }),
      timeoutMs: 1000,
      retryScheduleMs: [150, 150, 150],
      jitter: 0,
      pollMs: 100,
      leaseMs: 4000,
    }),
  });
  engines.push(engine);
  engine.start();
  return engine;
}

async function emit(workspaceId: string) {
  await orm.em.fork().transactional((tx) =>
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
}

const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000) =>
  waitUntil(what, fn, { timeoutMs, intervalMs: 50 });

async function stored(id: string) {
  const [row] = (await orm.em
    .fork()
    .getConnection()
    .execute('select url, host from webhook_endpoint where id = ?', [id])) as { url: string; host: string }[];
  if (!row) throw new Error(`no endpoint ${id}`);
  return row;
}

async function deliveredTo(endpoint: Legacy, count: number) {
  await emit(endpoint.workspaceId);
  await waitFor(
    `${count} deliveries to ${endpoint.id}`,
    async () =>
      (await orm.em.fork().find(WebhookDelivery, { endpointId: endpoint.id, status: 'succeeded' })).length ===
      count,
  );
  const path = endpoint.url.slice(receiver.url.length);
  const requests = receiver.received.filter((r) => r.path === path);
  expect(requests).toHaveLength(count);
  const last = requests.at(-1);
  if (!last) throw new Error('no request');
  expect(
    new Webhook(endpoint.secret).verify(last.body, last.headers as Record<string, string>),
  ).toMatchObject({
    type: 'bulk_job.completed',
  });
}

describe('webhook endpoint URLs stored in clear before they were encrypted', () => {
  it('the migration fills the host; the plaintext URL is shown and delivered to as it is', async () => {
    const [first] = legacy;
    if (!first) throw new Error('no legacy row');
    for (const row of legacy)
      expect(await stored(row.id)).toEqual({ url: row.url, host: `127.0.0.1:${receiver.port}` });
    const view = await getWebhookEndpoint(
      { em: orm.em.fork(), keyring, clock: systemClock },
      first.workspaceId,
      first.id,
    );
    expect(view.url).toBe(first.url);
    startEngine();
    await deliveredTo(first, 1);
  });

  it('sealPlaintextWebhookUrls encrypts each once, even when two run at the same time', async () => {
    const counts = await Promise.all([
      sealPlaintextWebhookUrls(orm.em.fork(), keyring),
      sealPlaintextWebhookUrls(orm.em.fork(), keyring),
    ]);
    expect(counts[0] + counts[1]).toBe(legacy.length);
    expect(await sealPlaintextWebhookUrls(orm.em.fork(), keyring)).toBe(0);
    const dump = (await orm.em
      .fork()
      .getConnection()
      .execute('select t::text as row from webhook_endpoint t')) as {
      row: string;
    }[];
    const text = dump.map((r) => r.row).join('\n');
    for (const row of legacy) {
      expect(text).not.toContain(row.url.slice(receiver.url.length));
      const sealed = await stored(row.id);
      expect(sealed.url).toMatch(/^v1\.t\./);
      expect(sealed.host).toBe(`127.0.0.1:${receiver.port}`);
      expect(keyring.decryptString(sealed.url, urlContext(row.id))).toBe(row.url);
      const view = await getWebhookEndpoint(
        { em: orm.em.fork(), keyring, clock: systemClock },
        row.workspaceId,
        row.id,
      );
      expect(view.url).toBe(row.url);
    }
    // Deliveries go on to the same URL, now read from its ciphertext.
    startEngine();
    const [first, second] = legacy;
    if (!first || !second) throw new Error('no legacy rows');
    await deliveredTo(first, 2);
    await deliveredTo(second, 1);
  });
});
