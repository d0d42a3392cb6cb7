// The `webhooks` router's delivery log through the real API: a test event (followed by a dispatch job),
// the log with filters and paging, re-send with the same webhook-id (audited), and the cap of endpoints
// per workspace; the signing secrets involved are never stored or logged in clear.
import { randomBytes } from 'node:crypto';
import { QUEUES } from '@postern/contracts';
import { ensureQueues } from '@postern/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  expectNoSecretsKept,
  type Harness,
  newAccount,
  startHarness,
} from './support/harness.ts';
import { type Delivery, type Endpoint, webhookCalls } from './support/webhooks.ts';

let h: Harness;
let client: Client;
let workspaceId = '';
let endpoint: Endpoint;
const secrets: string[] = [];
const urlToken = randomBytes(20).toString('hex');

const { auditTypes, create } = webhookCalls(() => ({ client, workspaceId }));

beforeAll(async () => {
  h = await startHarness();
  await ensureQueues(h.boss, [QUEUES.webhookDispatch]);
  const owner = await newAccount(h.app);
  client = owner.client;
  workspaceId = owner.workspaceId;
  const res = await create({
    url: `https://hooks.example.test/deliveries?token=${urlToken}`,
    eventTypes: ['bulk_job.completed', 'bulk_job.failed'],
  });
  endpoint = res.data?.endpoint as Endpoint;
  secrets.push(res.data?.secret ?? '');
});

afterAll(async () => {
  await h?.close();
});

describe('deliveries', () => {
  it('sends a test event, lists, filters and pages deliveries, and re-sends with the same webhook-id', async () => {
    const jobsBefore = (await h.boss.findJobs(QUEUES.webhookDispatch.name)).length;
    const first = await client.mutate<{ delivery: Delivery }>('webhooks.sendTest', {
      workspaceId,
      endpointId: endpoint.id,
    });
    expect(first.data?.delivery).toMatchObject({
      eventType: 'webhook.test',
      status: 'pending',
      state: 'queued',
      attempts: 0,
    });
    expect(JSON.parse(first.data?.delivery.payload ?? '{}')).toMatchObject({
      type: 'webhook.test',
      workspace_id: workspaceId,
      data: { endpoint_id: endpoint.id },
    });
    // The after-commit wake-up for the workers (one may wait at a time: the queue keeps the newest).
    expect((await h.boss.findJobs(QUEUES.webhookDispatch.name)).length).toBeGreaterThan(jobsBefore);
    const second = await client.mutate<{ delivery: Delivery }>('webhooks.sendTest', {
      workspaceId,
      endpointId: endpoint.id,
    });
    const page = (input: Record<string, unknown>) =>
      client.query<{ deliveries: Delivery[]; nextCursor: string | null }>('webhooks.deliveries', {
        workspaceId,
        endpointId: endpoint.id,
        ...input,
      });
    const all = await page({});
    expect(all.data?.deliveries.map((d) => d.id)).toEqual([
      second.data?.delivery.id,
      first.data?.delivery.id,
    ]);
    const p1 = await page({ limit: 1 });
    expect(p1.data?.deliveries.map((d) => d.id)).toEqual([second.data?.delivery.id]);
    const p2 = await page({ limit: 1, cursor: p1.data?.nextCursor });
    expect(p2.data?.deliveries.map((d) => d.id)).toEqual([first.data?.delivery.id]);
    expect(p2.data?.nextCursor).toBeNull();
    expect((await page({ status: 'pending' })).data?.deliveries).toHaveLength(2);
    expect((await page({ status: 'succeeded' })).data?.deliveries).toHaveLength(0);
    expect((await page({ eventType: 'bulk_job.failed' })).data?.deliveries).toHaveLength(0);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await page({ from: future })).data?.deliveries).toHaveLength(0);
    expect((await page({ to: future })).data?.deliveries).toHaveLength(2);
    expect((await page({ cursor: 'garbage' })).error?.data.code).toBe('BAD_REQUEST');

    const id = first.data?.delivery.id ?? '';
    const pending = await client.mutate('webhooks.resend', { workspaceId, deliveryId: id });
    expect(pending.error?.data.code).toBe('CONFLICT');
    await h.orm.em
      .fork()
      .getConnection()
      .execute("update webhook_delivery set status = 'failed', next_attempt_at = null where id = ?", [id]);
    const resent = await client.mutate<{ delivery: Delivery }>('webhooks.resend', {
      workspaceId,
      deliveryId: id,
    });
    expect(resent.data?.delivery).toMatchObject({ id, status: 'pending', msgId: first.data?.delivery.msgId });
    expect(await auditTypes()).toContain('webhook.delivery_resent');
  });

  it('filters by creation time with both bounds inclusive: `to` keeps a delivery at that instant, not one 1 ms later', async () => {
    const send = async () =>
      (
        await client.mutate<{ delivery: Delivery }>('webhooks.sendTest', {
          workspaceId,
          endpointId: endpoint.id,
        })
      ).data?.delivery as Delivery;
    const atTo = await send();
    const later = await send();
    const to = new Date(atTo.createdAt);
    const justAfter = new Date(to.getTime() + 1);
    await h.orm.em
      .fork()
      .getConnection()
      .execute('update webhook_delivery set created_at = ? where id = ?', [justAfter, later.id]);
    const ids = async (range: { from: Date; to: Date }) =>
      (
        await client.query<{ deliveries: Delivery[] }>('webhooks.deliveries', {
          workspaceId,
          endpointId: endpoint.id,
          from: range.from.toISOString(),
          to: range.to.toISOString(),
        })
      ).data?.deliveries.map((d) => d.id);
    expect(await ids({ from: to, to })).toEqual([atTo.id]);
    expect(await ids({ from: to, to: justAfter })).toEqual([later.id, atTo.id]);
    expect(await ids({ from: justAfter, to: justAfter })).toEqual([later.id]);
    const inverted = await client.query('webhooks.deliveries', {
      workspaceId,
      endpointId: endpoint.id,
      from: justAfter.toISOString(),
      to: to.toISOString(),
    });
    expect(inverted.error?.data.code).toBe('VALIDATION_FAILED');
  });

  it('caps endpoints per workspace', async () => {
    // One endpoint exists already (beforeAll): 19 more reach the cap of 20.
    for (let i = 1; i < 20; i++) {
      const res = await create({
        url: `https://hooks.example.test/${i}`,
        eventTypes: ['bulk_job.completed'],
      });
      expect(res.error).toBeUndefined();
      secrets.push(res.data?.secret ?? '');
    }
    const over = await create({ url: 'https://hooks.example.test/21', eventTypes: ['bulk_job.completed'] });
    expect(over.error?.data.code).toBe('CONFLICT');
    expect(over.error?.message).toMatch(/at most 20/);
  });

  it('never stores or logs a signing secret or a URL token in clear (every table and log line scanned)', async () => {
    expect(secrets.length).toBeGreaterThan(19);
    expect(await expectNoSecretsKept(h, [...secrets, urlToken])).toEqual([]);
  });
});
