// The `webhooks` router through the real API (tRPC over Fastify inject, real PostgreSQL and Redis):
// endpoints (the secret shown once, SSRF-refused URLs with a clear message), updates, reveal and
// rotation of the secret, the delivery log with filters and paging, re-send and the test event (each
// followed by a dispatch job), every change audited, and the secret and the URL's token never stored or
// logged in clear (URLs are keyring ciphertexts; only the host is kept in clear).
// The delivery log, re-send and the per-workspace cap are in webhooks-deliveries.int.test.ts; tenant
// isolation and the role matrix of these procedures are in tenancy.int.test.ts.
import { randomBytes } from 'node:crypto';
import { EVENT_TYPES, QUEUES } from '@postern/contracts';
import { ensureQueues } from '@postern/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  expectNoSecretsKept,
  findStoredSecrets,
  type Harness,
  newAccount,
  startHarness,
} from './support/harness.ts';
import { type Endpoint, webhookCalls } from './support/webhooks.ts';

let h: Harness;
let owner: Awaited<ReturnType<typeof newAccount>>;
let client: Client;
let workspaceId = '';
const secrets: string[] = [];
/** Tokens in endpoint URLs' query strings: shown by the API, never stored or logged in clear. */
const urlToken = randomBytes(20).toString('hex');
const urlToken2 = randomBytes(20).toString('hex');
const URL_1 = `https://hooks.example.test/postern?token=${urlToken}`;
const URL_2 = `https://hooks2.example.test/in?token=${urlToken2}`;

const { auditTypes, create } = webhookCalls(() => ({ client, workspaceId }));

beforeAll(async () => {
  h = await startHarness();
  await ensureQueues(h.boss, [QUEUES.webhookDispatch]);
  owner = await newAccount(h.app);
  client = owner.client;
  workspaceId = owner.workspaceId;
});

afterAll(async () => {
  await h?.close();
});

describe('endpoints', () => {
  let endpoint: Endpoint;

  it('creates an endpoint and shows its secret once', async () => {
    const res = await create({
      url: URL_1,
      description: 'Production receiver',
      eventTypes: ['bulk_job.completed', 'bulk_job.completed', 'bulk_job.failed'],
    });
    expect(res.error).toBeUndefined();
    const secret = res.data?.secret ?? '';
    secrets.push(secret, secret.slice('whsec_'.length));
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    endpoint = res.data?.endpoint as Endpoint;
    expect(endpoint).toMatchObject({
      url: URL_1,
      description: 'Production receiver',
      eventTypes: ['bulk_job.completed', 'bulk_job.failed'],
      enabled: true,
      disabledReason: null,
    });
    const list = await client.query<{ endpoints: Endpoint[]; eventTypes: { type: string }[] }>(
      'webhooks.list',
      {
        workspaceId,
      },
    );
    expect(list.data?.endpoints.map((e) => e.id)).toEqual([endpoint.id]);
    expect(list.data?.endpoints.map((e) => e.url)).toEqual([URL_1]);
    expect(list.data?.eventTypes.map((e) => e.type)).toEqual([...EVENT_TYPES]);
    expect(JSON.stringify(list.data)).not.toContain(secret);
    const get = await client.query<Endpoint>('webhooks.get', { workspaceId, endpointId: endpoint.id });
    expect(JSON.stringify(get.data)).not.toContain('whsec_');
    expect(get.data?.url).toBe(URL_1);
    // Stored as a ciphertext: the token appears in no table (the host alone is kept in clear).
    expect(await findStoredSecrets(h.db, [urlToken])).toEqual([]);
  });

  it.each([
    ['http://127.0.0.1:8080/hook', /127\.0\.0\.1 is a loopback address.*WEBHOOK_ALLOWED_TARGETS/],
    ['http://10.0.0.1/hook', /private address/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://[::1]/hook', /loopback/],
    ['http://localhost:3000/hook', /localhost is a name of this machine/],
    ['http://metadata.google.internal/', /cloud metadata/],
    ['https://user:secret@hooks.example.test/', /Remove the user name and password/],
    ['ftp://hooks.example.test/', /Only http:\/\/ and https:\/\//],
  ])('refuses %s with a clear message', async (url, message) => {
    const res = await create({ url, eventTypes: ['bulk_job.completed'] });
    expect(res.error?.data.code).toBe('VALIDATION_FAILED');
    expect(res.error?.message).toMatch(message);
    expect(res.error?.data.details).toEqual({ field: 'url' });
    expect(JSON.stringify(res.error)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('validates the rest of the input', async () => {
    const none = await create({ url: 'https://hooks.example.test/x', eventTypes: [] });
    expect(none.error?.data.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(none.error)).toContain('Choose at least one event type');
    const unknown = await create({ url: 'https://hooks.example.test/x', eventTypes: ['user.deleted'] });
    expect(unknown.error?.data.code).toBe('VALIDATION_FAILED');
    const nothing = await client.mutate('webhooks.update', { workspaceId, endpointId: endpoint.id });
    expect(JSON.stringify(nothing.error)).toContain('Nothing to change');
  });

  it('updates url, description, event types and the enabled flag, audited', async () => {
    const res = await client.mutate<Endpoint>('webhooks.update', {
      workspaceId,
      endpointId: endpoint.id,
      url: URL_2,
      description: '',
      eventTypes: ['bulk_job.failed'],
    });
    expect(res.data).toMatchObject({
      url: URL_2,
      description: null,
      eventTypes: ['bulk_job.failed'],
    });
    expect(await findStoredSecrets(h.db, [urlToken, urlToken2])).toEqual([]);
    const bad = await client.mutate('webhooks.update', {
      workspaceId,
      endpointId: endpoint.id,
      url: 'http://192.168.1.10/x',
    });
    expect(bad.error?.message).toMatch(/private address/);
    const off = await client.mutate<Endpoint>('webhooks.update', {
      workspaceId,
      endpointId: endpoint.id,
      enabled: false,
    });
    expect(off.data).toMatchObject({ enabled: false, disabledReason: 'manual' });
    const test = await client.mutate('webhooks.sendTest', { workspaceId, endpointId: endpoint.id });
    expect(test.error?.data.code).toBe('CONFLICT');
    expect(test.error?.message).toMatch(/disabled/);
    const on = await client.mutate<Endpoint>('webhooks.update', {
      workspaceId,
      endpointId: endpoint.id,
      enabled: true,
    });
    expect(on.data).toMatchObject({ enabled: true, disabledReason: null });
    const types = await auditTypes();
    expect(types).toEqual(
      expect.arrayContaining([
        'webhook.endpoint_created',
        'webhook.endpoint_updated',
        'webhook.endpoint_disabled',
      ]),
    );
    expect(types.filter((t) => t === 'webhook.endpoint_updated')).toHaveLength(2);
  });

  it('reveals the secret (audited) and rotates it with an overlap', async () => {
    const revealed = await client.mutate<{ secret: string; previousSecret: string | null }>(
      'webhooks.revealSecret',
      {
        workspaceId,
        endpointId: endpoint.id,
      },
    );
    expect(revealed.data).toEqual({
      secret: secrets[0],
      previousSecret: null,
      previousSecretExpiresAt: null,
    });
    const before = Date.now();
    const rotated = await client.mutate<{
      secret: string;
      previousSecret: string | null;
      previousSecretExpiresAt: string | null;
    }>('webhooks.rotateSecret', { workspaceId, endpointId: endpoint.id, overlapHours: 2 });
    const next = rotated.data?.secret ?? '';
    secrets.push(next, next.slice('whsec_'.length));
    expect(next).toMatch(/^whsec_/);
    expect(next).not.toBe(secrets[0]);
    expect(rotated.data?.previousSecret).toBe(secrets[0]);
    const expires = Date.parse(rotated.data?.previousSecretExpiresAt ?? '');
    expect(expires - before).toBeGreaterThan(2 * 3_600_000 - 60_000);
    expect(expires - before).toBeLessThan(2 * 3_600_000 + 60_000);
    const shown = await client.query<Endpoint>('webhooks.get', { workspaceId, endpointId: endpoint.id });
    expect(shown.data?.previousSecretExpiresAt).toBe(rotated.data?.previousSecretExpiresAt);
    const again = await client.mutate<{ secret: string; previousSecret: string }>('webhooks.revealSecret', {
      workspaceId,
      endpointId: endpoint.id,
    });
    expect(again.data).toMatchObject({ secret: next, previousSecret: secrets[0] });
    const tooLong = await client.mutate('webhooks.rotateSecret', {
      workspaceId,
      endpointId: endpoint.id,
      overlapHours: 500,
    });
    expect(tooLong.error?.data.code).toBe('VALIDATION_FAILED');
    const types = await auditTypes();
    expect(types.filter((t) => t === 'webhook.secret_revealed')).toHaveLength(2);
    expect(types).toContain('webhook.secret_rotated');
  });

  it('deletes the endpoint with its log, audited', async () => {
    const res = await client.mutate('webhooks.delete', { workspaceId, endpointId: endpoint.id });
    expect(res.data).toEqual({ ok: true });
    const gone = await client.query('webhooks.get', { workspaceId, endpointId: endpoint.id });
    expect(gone.error?.data.code).toBe('NOT_FOUND');
    const rows = (await h.orm.em
      .fork()
      .getConnection()
      .execute('select count(*)::int as n from webhook_delivery where endpoint_id = ?', [endpoint.id])) as {
      n: number;
    }[];
    expect(rows[0]?.n).toBe(0);
    expect(await auditTypes()).toContain('webhook.endpoint_deleted');
  });

  it('never stores or logs a signing secret or a URL token in clear (every table and log line scanned)', async () => {
    expect(secrets.length).toBeGreaterThan(1);
    expect(await expectNoSecretsKept(h, [...secrets, urlToken, urlToken2])).toEqual([]);
  });
});
