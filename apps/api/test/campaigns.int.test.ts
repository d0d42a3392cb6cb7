// Campaigns through the real API (#31): the dashboard's tRPC procedures (compose, preview escaped,
// checklist, scheduling refused without a postal address with `details.item`, the state machine,
// metrics, settings; roles), and /v1 (create with Idempotency-Key, read, list, schedule, pause, resume,
// cancel, metrics; each route's scope; another workspace's campaign is 404; malformed input 422).
import { randomUUID } from 'node:crypto';
import { QUEUES, type SenderAuthReportDto } from '@postern/contracts';
import { passwordContext } from '@postern/core';
import { ensureQueues } from '@postern/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Harness, newAccount, startHarness } from './support/harness.ts';

let h: Harness;
type Account = Awaited<ReturnType<typeof newAccount>>;
let a: Account;
let b: Account;

const PASSING: SenderAuthReportDto = {
  domain: 'acme.test',
  spf: { status: 'pass', record: 'v=spf1 -all', advice: null },
  dkim: { status: 'pass', selector: 's1', record: 'v=DKIM1', advice: null, selectorsTried: ['s1'] },
  dmarc: { status: 'pass', record: 'v=DMARC1; p=reject', policy: 'reject', advice: null },
  ok: true,
};

/** A connected mailbox row (sealed password, passing sender authentication); no network needed here. */
async function mailbox(workspaceId: string): Promise<string> {
  const id = randomUUID();
  const email = `news-${id.slice(0, 6)}@acme.test`;
  await h.orm.em
    .fork()
    .getConnection()
    .execute(
      `insert into mailbox (id, workspace_id, email, imap_host, imap_port, imap_security, smtp_host, smtp_port,
                            smtp_security, username, password, from_address, sender_auth, sender_auth_checked_at,
                            created_at, updated_at)
       values (?, ?, ?, 'mail.acme.test', 993, 'tls', 'mail.acme.test', 465, 'tls', ?, ?, ?, ?, now(), now(), now())`,
      [
        id,
        workspaceId,
        email,
        email,
        h.keyring.encrypt('pw', passwordContext(id)),
        email,
        JSON.stringify(PASSING),
      ],
    );
  return id;
}

/** A list with two active subscribers. */
async function audience(account: Account): Promise<string> {
  const list = await account.client.mutate<{ id: string }>('contacts.lists.create', {
    workspaceId: account.workspaceId,
    name: 'Weekly',
    doubleOptIn: false,
  });
  const listId = list.data?.id ?? '';
  for (const email of [
    `r1-${randomUUID().slice(0, 6)}@example.com`,
    `r2-${randomUUID().slice(0, 6)}@example.com`,
  ])
    await account.client.mutate('contacts.lists.subscribe', {
      workspaceId: account.workspaceId,
      listId,
      contact: { email },
    });
  return listId;
}

async function keyWith(account: Account, scopes: string[]) {
  const res = await account.client.mutate<{ secret: string }>('apiKeys.create', {
    workspaceId: account.workspaceId,
    name: `campaigns ${scopes.join(' ')}`,
    scopes,
  });
  expect(res.status).toBe(200);
  return res.data?.secret ?? '';
}

const v1 = (
  method: 'GET' | 'POST',
  url: string,
  key: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) =>
  h.app.inject({
    method,
    url,
    headers: {
      authorization: `Bearer ${key}`,
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });

beforeAll(async () => {
  h = await startHarness();
  await ensureQueues(h.boss, [QUEUES.campaignStart, QUEUES.webhookDispatch]);
  a = await newAccount(h.app);
  b = await newAccount(h.app);
});
afterAll(async () => {
  await h?.close();
});

describe('the dashboard (tRPC)', () => {
  it('composes, previews escaped, refuses to schedule without a postal address, then schedules, pauses, resumes, cancels', async () => {
    const ws = a.workspaceId;
    const listId = await audience(a);
    const mailboxId = await mailbox(ws);
    const created = await a.client.mutate<{ id: string; status: string; textBody: string }>(
      'campaigns.create',
      {
        workspaceId: ws,
        name: 'Launch',
        subject: 'Hi {{ contact.name | default: "there" }}',
        htmlBody: '<p>Hello {{ contact.name }}</p>',
        listId,
        mailboxId,
      },
    );
    expect(created.data).toMatchObject({ status: 'draft', textBody: 'Hello {{ contact.name }}' });
    const id = created.data?.id ?? '';
    const preview = await a.client.query<{ html: string; subject: string; headers: Record<string, string> }>(
      'campaigns.preview',
      {
        workspaceId: ws,
        campaignId: id,
        sample: { email: 'x@example.com', name: '<script>alert(1)</script>' },
      },
    );
    expect(preview.data?.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(preview.data?.html).not.toContain('<script>');
    expect(preview.data?.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const checklist = await a.client.query<{ ready: boolean; items: { id: string; status: string }[] }>(
      'campaigns.checklist',
      { workspaceId: ws, campaignId: id },
    );
    expect(checklist.data?.ready).toBe(false);
    expect(checklist.data?.items[0]).toMatchObject({ id: 'postal_address', status: 'error' });

    const refused = await a.client.mutate('campaigns.schedule', { workspaceId: ws, campaignId: id });
    expect(refused.error?.data.code).toBe('CONFLICT');
    expect(refused.error?.message).toMatch(/^The campaign cannot be scheduled yet: Set a postal address/);
    expect(refused.error?.data.details).toMatchObject({ reason: 'checklist', item: 'postal_address' });

    const settings = await a.client.mutate<{ postalAddress: string }>('campaigns.settings.update', {
      workspaceId: ws,
      postalAddress: 'Acme Inc., 1 Main St, Springfield',
    });
    expect(settings.data?.postalAddress).toBe('Acme Inc., 1 Main St, Springfield');
    const scheduled = await a.client.mutate<{ status: string; scheduledAt: string; timeZone: string }>(
      'campaigns.schedule',
      {
        workspaceId: ws,
        campaignId: id,
        at: new Date(Date.now() + 3_600_000).toISOString(),
        timeZone: 'Europe/Paris',
      },
    );
    expect(scheduled.data).toMatchObject({ status: 'scheduled', timeZone: 'Europe/Paris' });
    const edit = await a.client.mutate('campaigns.update', {
      workspaceId: ws,
      campaignId: id,
      data: { name: 'x' },
    });
    expect(edit.error?.data.code).toBe('CONFLICT');
    for (const [move, status] of [
      ['campaigns.pause', 'paused'],
      ['campaigns.resume', 'scheduled'],
      ['campaigns.cancel', 'cancelled'],
    ] as const) {
      const res = await a.client.mutate<{ status: string }>(move, { workspaceId: ws, campaignId: id });
      expect(res.data?.status, move).toBe(status);
    }
    const again = await a.client.mutate('campaigns.resume', { workspaceId: ws, campaignId: id });
    expect(again.error?.data).toMatchObject({ code: 'CONFLICT', details: { status: 'cancelled' } });
    const metrics = await a.client.query<{ status: string; series: unknown[] }>('campaigns.metrics', {
      workspaceId: ws,
      campaignId: id,
      bucket: 'day',
    });
    expect(metrics.data).toMatchObject({ status: 'cancelled', series: [] });
    const list = await a.client.query<{ campaigns: { id: string }[] }>('campaigns.list', { workspaceId: ws });
    expect(list.data?.campaigns.map((c) => c.id)).toContain(id);
  });

  it('lets members compose but not send, viewers only read', async () => {
    const owner = await newAccount(h.app);
    const member = await newAccount(h.app);
    const viewer = await newAccount(h.app);
    await addMember(h, owner.client, owner.workspaceId, member, 'member');
    await addMember(h, owner.client, owner.workspaceId, viewer, 'viewer');
    const draft = await member.client.mutate<{ id: string }>('campaigns.create', {
      workspaceId: owner.workspaceId,
      name: 'M',
    });
    expect(draft.data?.id).toBeTruthy();
    const ref = { workspaceId: owner.workspaceId, campaignId: draft.data?.id };
    expect((await member.client.mutate('campaigns.schedule', ref)).error?.data.code).toBe('FORBIDDEN');
    expect((await member.client.mutate('campaigns.testSend', ref)).error?.data.code).toBe('FORBIDDEN');
    expect(
      (await viewer.client.mutate('campaigns.update', { ...ref, data: { name: 'V' } })).error?.data.code,
    ).toBe('FORBIDDEN');
    expect((await viewer.client.query<{ name: string }>('campaigns.get', ref)).data?.name).toBe('M');
  });

  it('refuses malformed input with the field named', async () => {
    const long = await a.client.mutate('campaigns.create', {
      workspaceId: a.workspaceId,
      name: 'x'.repeat(201),
    });
    expect(long.error?.data.code).toBe('VALIDATION_FAILED');
    const broken = await a.client.mutate('campaigns.create', {
      workspaceId: a.workspaceId,
      name: 'x',
      htmlBody: '{% include "/etc/passwd" %}',
    });
    expect(broken.error?.message).toMatch(/^htmlBody: merge field error .*include/);
  });
});

describe('/v1/campaigns', () => {
  it('creates (idempotently), reads, lists, schedules, pauses, resumes, cancels and reports metrics', async () => {
    const listId = await audience(a);
    const mailboxId = await mailbox(a.workspaceId);
    const key = await keyWith(a, ['campaigns:read', 'campaigns:write']);
    const body = { name: 'API launch', subject: 'Hello', htmlBody: '<p>Hi</p>', listId, mailboxId };
    const idem = { 'idempotency-key': `k-${randomUUID()}` };
    const first = await v1('POST', '/v1/campaigns', key, body, idem);
    expect(first.statusCode).toBe(201);
    const id = first.json().id as string;
    const replay = await v1('POST', '/v1/campaigns', key, body, idem);
    expect(replay.statusCode).toBe(200);
    expect(replay.json().id).toBe(id);
    expect((await v1('GET', `/v1/campaigns/${id}`, key)).json()).toMatchObject({
      id,
      status: 'draft',
      listId,
    });
    const page = await v1('GET', '/v1/campaigns?limit=1', key);
    expect(page.json().campaigns[0]).toMatchObject({ id, name: 'API launch' });
    expect(page.json().campaigns[0].htmlBody).toBeUndefined();

    const zone = await v1('POST', `/v1/campaigns/${id}/schedule`, key, { timeZone: 'Nowhere/Land' });
    expect(zone.statusCode).toBe(422);
    expect(zone.json().message).toMatch(/^timeZone: /);
    const at = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = await v1('POST', `/v1/campaigns/${id}/schedule`, key, { at, timeZone: 'UTC' });
    expect([scheduled.statusCode, scheduled.json().message]).toEqual([200, undefined]);
    expect(scheduled.json()).toMatchObject({ status: 'scheduled', scheduledAt: at });
    expect((await v1('POST', `/v1/campaigns/${id}/pause`, key)).json().status).toBe('paused');
    expect((await v1('POST', `/v1/campaigns/${id}/resume`, key)).json().status).toBe('scheduled');
    expect((await v1('POST', `/v1/campaigns/${id}/cancel`, key)).json().status).toBe('cancelled');
    const late = await v1('POST', `/v1/campaigns/${id}/pause`, key);
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('cancelled') });
    const metrics = await v1('GET', `/v1/campaigns/${id}/metrics?bucket=hour&timeZone=Asia/Tokyo`, key);
    expect(metrics.json()).toMatchObject({ campaignId: id, bucket: 'hour', timeZone: 'Asia/Tokyo' });
  });

  it('refuses to schedule without a postal address (409 naming it)', async () => {
    const fresh = await newAccount(h.app);
    const listId = await audience(fresh);
    const key = await keyWith(fresh, ['campaigns:write']);
    const draft = await v1('POST', '/v1/campaigns', key, {
      name: 'x',
      subject: 's',
      htmlBody: '<p>b</p>',
      listId,
      mailboxId: await mailbox(fresh.workspaceId),
    });
    const res = await v1('POST', `/v1/campaigns/${draft.json().id}/schedule`, key, {});
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/Set a postal address/);
  });

  it("needs each route's scope, and never reaches another workspace's campaign", async () => {
    const created = await a.client.mutate<{ id: string }>('campaigns.create', {
      workspaceId: a.workspaceId,
      name: 'Mine',
    });
    const id = created.data?.id ?? '';
    const readOnly = await keyWith(a, ['campaigns:read']);
    const write = await v1('POST', '/v1/campaigns', readOnly, { name: 'no' });
    expect(write.statusCode).toBe(403);
    expect(write.json().message).toContain('"campaigns:write"');
    const contactsOnly = await keyWith(a, ['contacts:read']);
    expect((await v1('GET', '/v1/campaigns', contactsOnly)).statusCode).toBe(403);
    const theirs = await keyWith(b, ['campaigns:read', 'campaigns:write']);
    for (const [method, url] of [
      ['GET', `/v1/campaigns/${id}`],
      ['GET', `/v1/campaigns/${id}/metrics`],
      ['POST', `/v1/campaigns/${id}/schedule`],
      ['POST', `/v1/campaigns/${id}/pause`],
      ['POST', `/v1/campaigns/${id}/cancel`],
      ['GET', '/v1/campaigns/not-a-uuid'],
    ] as const) {
      const res = await v1(
        method,
        url,
        theirs,
        method === 'POST' && url.endsWith('schedule') ? {} : undefined,
      );
      expect([url, res.statusCode, res.json().code]).toEqual([url, 404, 'NOT_FOUND']);
    }
    expect((await v1('GET', '/v1/campaigns', theirs)).json().campaigns).toEqual([]);
    const other = await v1('POST', '/v1/campaigns', theirs, { name: 'x', listId: randomUUID() });
    expect(other.statusCode).toBe(404);
    expect(
      (
        await a.client.query<{ status: string }>('campaigns.get', {
          workspaceId: a.workspaceId,
          campaignId: id,
        })
      ).data?.status,
    ).toBe('draft');
  });
});
