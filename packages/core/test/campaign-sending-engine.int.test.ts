// The campaign sending engine against a real PostgreSQL, a real SMTP sink (smtp-server over TLS) and a
// real DNS server for the verify-before-send step: exactly one message per eligible recipient with the
// list headers and the footer; suppressed, non-consenting (CASL) and policy-rejected contacts never
// reach the sink; temporary failures are retried, permanent ones recorded; pause/resume/cancel; a row
// a dead worker left `sending` becomes `unknown` and is never sent again.
import { randomUUID } from 'node:crypto';
import { QUEUES } from '@postern/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../validator/test/support/dns-server.ts';
import { loadBatchSetting } from '../src/campaigns/sending/compose.ts';
import type { EngineCampaign } from '../src/campaigns/sending/shared.ts';
import {
  addSuppressions,
  type CoreContext,
  MemorySenderThrottle,
  passwordContext,
  readUnsubscribeToken,
  sendCampaignBatch,
  startCampaign,
  unsubscribeFromCampaign,
} from '../src/index.ts';
import { engineFromConfig } from '../src/validation/engine.ts';
import { coreWorld } from './support/auth-context.ts';
import {
  type CampaignSink,
  headersOf,
  type Seeded,
  seedCampaign,
  startCampaignSink,
} from './support/campaign-world.ts';

const env: Record<string, string> = { LOG_LEVEL: 'silent' };
let sink: CampaignSink;
let dns: TestDnsServer;
beforeAll(async () => {
  sink = await startCampaignSink();
  dns = await startDnsServer({
    'goodmail.io': { mx: [{ exchange: 'mx.goodmail.io', priority: 10 }] },
    'mx.goodmail.io': { a: ['192.0.2.10'] },
  });
  Object.assign(env, sink.env, { DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: '1000' });
});
const world = coreWorld(env);
afterAll(async () => {
  await sink?.close();
  await dns?.close();
});

interface Job {
  name: string;
  data: { campaignId: string; recipientIds: string[] };
  startAfter?: Date | number;
}
let jobs: Job[] = [];
const queue = {
  insert: async (name: string, list: { data: Job['data'] }[]) => {
    jobs.push(...list.map((j) => ({ name, data: j.data })));
    return [];
  },
  send: async (name: string, data: Job['data'], options?: { startAfter?: Date }) => {
    jobs.push({ name, data, ...(options?.startAfter ? { startAfter: options.startAfter } : {}) });
    return randomUUID();
  },
};
const ctx = (): CoreContext => ({ ...world().ctx(), queue }) as unknown as CoreContext;
const throttle = new MemorySenderThrottle();
const sql = (q: string, p: unknown[] = []) => world().sql<Record<string, unknown>>(q, p);
const seal = (pw: string, id: string) => world().services.keyring.encrypt(pw, passwordContext(id));

async function runBatches(options: { backoffMs?: number; attempt?: number } = {}) {
  const outcomes = [];
  while (jobs.length) {
    const job = jobs.shift() as Job;
    if (job.name !== QUEUES.campaignSendBatch.name) continue;
    outcomes.push(
      await sendCampaignBatch(
        ctx(),
        { throttle, perSecond: 1000, backoffMs: () => options.backoffMs ?? 0 },
        job.data,
        options.attempt ?? 0,
      ),
    );
  }
  return outcomes;
}

const campaignRow = async (id: string) =>
  (await sql('select * from campaign where id = ?', [id]))[0] as Record<string, number | string | null>;
const statuses = async (id: string) =>
  Object.fromEntries(
    (
      await sql(
        'select coalesce(skip_reason, status) as s, count(*)::int as n from campaign_recipient where campaign_id = ? group by 1',
        [id],
      )
    ).map((r) => [r.s, r.n]),
  );
const events = async (ws: string) =>
  (await sql('select type from outbox_event where workspace_id = ? order by created_at, type', [ws])).map(
    (r) => r.type,
  );
const engine = () => engineFromConfig(world().config);

describe('sending a campaign', () => {
  let seeded: Seeded;
  const good = `ok.${randomUUID().slice(0, 6)}@goodmail.io`;
  const gone = `x.${randomUUID().slice(0, 6)}@gonemail-${randomUUID().slice(0, 6)}.io`;

  beforeAll(async () => {
    jobs = [];
    seeded = await seedCampaign(sql, {
      contacts: 30,
      casl: true,
      noExpress: (i) => i === 3 || i === 4,
      unverified: (i) => i === 28 || i === 29,
      email: (i) =>
        i === 28
          ? good
          : i === 29
            ? gone
            : `p${i}.${seeded?.workspaceId ?? ''}${randomUUID().slice(0, 6)}@example.com`,
      port: sink.port,
      seal,
    });
    const c = world().ctx();
    await addSuppressions({ ...c, actor: null }, seeded.workspaceId, {
      emails: [seeded.emails[5], seeded.emails[6]],
    });
  });

  it('delivers exactly one message per eligible recipient, with the list headers and the footer', async () => {
    const started = await startCampaign(ctx(), { engine: engine(), batchSize: 7 }, seeded.campaignId);
    expect(started).toMatchObject({ started: true, snapshot: 30, verified: 2, rejected: 1 });
    expect(jobs.filter((j) => j.name === QUEUES.campaignSendBatch.name)).toHaveLength(Math.ceil(27 / 7));
    await runBatches();

    const skipped = new Set([3, 4, 5, 6, 29].map((i) => seeded.emails[i]));
    for (const [i, address] of seeded.emails.entries())
      expect(sink.count(address), `#${i}`).toBe(skipped.has(address) ? 0 : 1);
    expect(sink.duplicates()).toEqual([]);
    expect(await statuses(seeded.campaignId)).toEqual({
      sent: 25,
      no_consent: 2,
      suppressed: 2,
      verification: 1,
    });
    const c = await campaignRow(seeded.campaignId);
    expect(c).toMatchObject({
      status: 'sent',
      recipients: 30,
      sent: 25,
      failed: 0,
      unknown: 0,
      skipped_suppressed: 2,
      skipped_no_consent: 2,
      skipped_verification: 1,
    });
    expect(c.completed_at).toBeTruthy();
    expect(await events(seeded.workspaceId)).toEqual(
      expect.arrayContaining(['campaign.started', 'campaign.completed']),
    );

    const message = sink.messages.find((m) => m.to === seeded.emails[0]) as { raw: string };
    const h = headersOf(message.raw);
    const unsub =
      /^<(https:\/\/postern\.test\/p\/u\/([A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}))>, <mailto:unsubscribe\+([^@]+)@postern\.test>$/.exec(
        h.get('list-unsubscribe') ?? '',
      );
    expect(unsub, h.get('list-unsubscribe')).toBeTruthy();
    expect(unsub?.[3]).toBe(unsub?.[2]);
    const [recipient] = await sql(
      'select id, message_id from campaign_recipient where campaign_id = ? and contact_id = ?',
      [seeded.campaignId, seeded.contactIds[0]],
    );
    expect(readUnsubscribeToken(world().config.secret, unsub?.[2])).toBe(recipient?.id);
    expect(h.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(h.get('list-id')).toBe(`Weekly News <${seeded.listId}.postern.test>`);
    expect(h.get('message-id')).toBe(`<${recipient?.id}@postern.test>`);
    expect(recipient?.message_id).toBe(`<${recipient?.id}@postern.test>`);
    expect(h.get('subject')).toBe('News for Person 0');
    expect(message.raw).toContain('Postern Test Ltd');
    expect(message.raw).toContain('/p/preferences/');
    // The verdicts are kept on the contacts.
    const verified = await sql(
      'select email, verification from contact where email in (?, ?) order by email',
      [good, gone],
    );
    expect(verified.map((r) => r.verification).sort()).toEqual(['deliverable', 'undeliverable']);
  });

  it('is idempotent: starting it again sends nothing more', async () => {
    const before = sink.messages.length;
    expect(await startCampaign(ctx(), { engine: engine() }, seeded.campaignId)).toMatchObject({
      stopped: 'not_startable',
    });
    await runBatches();
    expect(sink.messages.length).toBe(before);
  });
});

describe('failures, pause, cancel, a dead worker', () => {
  it('retries a temporary failure and records a permanent one', async () => {
    jobs = [];
    const s = await seedCampaign(sql, { contacts: 6, port: sink.port, seal });
    let refusals = 0;
    sink.rcptReply = (address) => {
      if (address === s.emails[1] && refusals++ < 2) return { code: 451, message: 'try again later' };
      if (address === s.emails[2]) return { code: 550, message: 'no such user' };
      return null;
    };
    try {
      await startCampaign(ctx(), { engine: engine() }, s.campaignId);
      await runBatches();
      expect(sink.count(s.emails[1] as string)).toBe(1);
      expect(sink.count(s.emails[2] as string)).toBe(0);
      const rows = await sql(
        'select contact_id, status, attempts, last_error from campaign_recipient where campaign_id = ?',
        [s.campaignId],
      );
      const of = (i: number) => rows.find((r) => r.contact_id === s.contactIds[i]);
      expect(of(1)).toMatchObject({ status: 'sent', attempts: 3 });
      expect(of(2)).toMatchObject({ status: 'failed', attempts: 1 });
      expect(String(of(2)?.last_error)).toContain('550');
      expect(await campaignRow(s.campaignId)).toMatchObject({ status: 'sent', sent: 5, failed: 1 });
    } finally {
      sink.rcptReply = () => null;
    }
  });

  it('gives up after the last attempt', async () => {
    jobs = [];
    const s = await seedCampaign(sql, { contacts: 2, port: sink.port, seal });
    sink.rcptReply = (address) => (address === s.emails[0] ? { code: 421, message: 'busy' } : null);
    try {
      await startCampaign(ctx(), { engine: engine() }, s.campaignId);
      await runBatches();
      expect(await statuses(s.campaignId)).toEqual({ sent: 1, failed: 1 });
      const [row] = await sql(
        "select attempts from campaign_recipient where campaign_id = ? and status = 'failed'",
        [s.campaignId],
      );
      expect(row?.attempts).toBe(5);
    } finally {
      sink.rcptReply = () => null;
    }
  });

  it('stops at once when paused, sends the rest after resume, and nothing after cancel', async () => {
    jobs = [];
    const s = await seedCampaign(sql, { contacts: 12, port: sink.port, seal });
    await startCampaign(ctx(), { engine: engine(), batchSize: 4 }, s.campaignId);
    const batches = [...jobs];
    jobs = [batches[0] as Job];
    await runBatches();
    await sql("update campaign set status = 'paused' where id = ?", [s.campaignId]);
    jobs = batches.slice(1);
    const stopped = await runBatches();
    expect(stopped.every((o) => o.stopped === 'paused' && o.sent === 0)).toBe(true);
    expect(s.emails.filter((a) => sink.count(a) === 1)).toHaveLength(4);
    // Resume (H5a's resume sets scheduled/sending and queues campaigns.start again).
    await sql("update campaign set status = 'sending' where id = ?", [s.campaignId]);
    await startCampaign(ctx(), { engine: engine(), batchSize: 4 }, s.campaignId);
    const resumed = [...jobs];
    expect(resumed).toHaveLength(2);
    jobs = [resumed[0] as Job];
    await runBatches();
    await sql("update campaign set status = 'cancelled' where id = ?", [s.campaignId]);
    jobs = [resumed[1] as Job];
    await runBatches();
    expect(s.emails.filter((a) => sink.count(a) === 1)).toHaveLength(8);
    expect(sink.duplicates()).toEqual([]);
    expect(await campaignRow(s.campaignId)).toMatchObject({ status: 'cancelled' });
  });

  it('marks a row a dead worker left `sending` unknown on the retry, and never sends it again', async () => {
    jobs = [];
    const s = await seedCampaign(sql, { contacts: 3, port: sink.port, seal });
    await startCampaign(ctx(), { engine: engine() }, s.campaignId);
    // What a worker killed mid-SMTP leaves behind: the claim committed, the outcome never written.
    await sql(
      "update campaign_recipient set status = 'sending', attempts = 1 where campaign_id = ? and contact_id = ?",
      [s.campaignId, s.contactIds[0]],
    );
    const [outcome] = await runBatches({ attempt: 1 });
    expect(outcome).toMatchObject({ unknown: 1, sent: 2, completed: true });
    expect(sink.count(s.emails[0] as string)).toBe(0);
    expect(await campaignRow(s.campaignId)).toMatchObject({
      status: 'sent',
      recipients: 3,
      sent: 2,
      unknown: 1,
    });
  });

  it('records a send whose connection died after DATA as unknown and never sends it again', async () => {
    jobs = [];
    const s = await seedCampaign(sql, { contacts: 4, port: sink.port, seal });
    sink.dropAfterData.add(s.emails[1] as string);
    try {
      await startCampaign(ctx(), { engine: engine() }, s.campaignId);
      await runBatches({ attempt: 0 });
      // The server got the message, the worker got no answer: maybe delivered, so never retried.
      expect(sink.count(s.emails[1] as string)).toBe(1);
      expect(sink.duplicates()).toEqual([]);
      const [row] = await sql('select status, last_error from campaign_recipient where contact_id = ?', [
        s.contactIds[1],
      ]);
      expect(row?.status).toBe('unknown');
      expect(String(row?.last_error)).toMatch(/may have been delivered/);
      const c = await campaignRow(s.campaignId);
      // Sends in flight on the dropped connection (the pool's other one is unaffected) are unknown too.
      expect(Number(c.sent) + Number(c.unknown)).toBe(4);
      expect(c).toMatchObject({ status: 'sent', recipients: 4, failed: 0 });
      expect(jobs.filter((j) => j.name === QUEUES.campaignSendBatch.name)).toEqual([]);
    } finally {
      sink.dropAfterData.clear();
    }
  });

  it('refuses an address unsubscribed after the snapshot, at send time', async () => {
    jobs = [];
    const s = await seedCampaign(sql, { contacts: 4, port: sink.port, seal });
    await startCampaign(ctx(), { engine: engine() }, s.campaignId);
    const [r] = await sql('select id from campaign_recipient where campaign_id = ? and contact_id = ?', [
      s.campaignId,
      s.contactIds[2],
    ]);
    const { unsubscribeToken } = await import('../src/index.ts');
    const token = unsubscribeToken(world().config.secret, String(r?.id));
    const first = await unsubscribeFromCampaign({ ...world().ctx(), actor: null }, token, {
      ip: '192.0.2.1',
      userAgent: 'test',
    });
    expect(first?.changed).toBe(true);
    const again = await unsubscribeFromCampaign({ ...world().ctx(), actor: null }, token, {
      ip: '192.0.2.1',
      userAgent: 'test',
    });
    expect(again?.changed).toBe(false);
    await runBatches();
    expect(sink.count(s.emails[2] as string)).toBe(0);
    expect(await campaignRow(s.campaignId)).toMatchObject({
      status: 'sent',
      sent: 3,
      unsubscribed: 1,
      skipped_suppressed: 1,
    });
    expect(await events(s.workspaceId)).toEqual(
      expect.arrayContaining(['contact.unsubscribed', 'contact.suppressed']),
    );
    const tampered = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}A`;
    expect(
      await unsubscribeFromCampaign({ ...world().ctx(), actor: null }, tampered, {
        ip: null,
        userAgent: null,
      }),
    ).toBeNull();
  });

  it('pauses the campaign when the sender mailbox refuses its credentials, giving the attempt back', async () => {
    jobs = [];
    const s = await seedCampaign(sql, {
      contacts: 4,
      port: sink.port,
      seal: (_pw, id) => seal('not-the-password', id),
    });
    await startCampaign(ctx(), { engine: engine() }, s.campaignId);
    const [outcome] = await runBatches();
    expect(outcome).toMatchObject({ stopped: 'paused', sent: 0 });
    for (const address of s.emails) expect(sink.count(address)).toBe(0);
    const c = await campaignRow(s.campaignId);
    expect(c.status).toBe('paused');
    expect(String(c.failure_reason)).toContain('refused the user name or password');
    expect(await statuses(s.campaignId)).toEqual({ pending: 4 });
    const rows = await sql('select attempts from campaign_recipient where campaign_id = ?', [s.campaignId]);
    expect(rows.every((r) => r.attempts === 0)).toBe(true);
    expect(await events(s.workspaceId)).toContain('campaign.paused');
  });

  it('queues a start job that came before the schedule again for the scheduled time', async () => {
    jobs = [];
    const s = await seedCampaign(sql, { contacts: 2, port: sink.port, seal });
    const at = new Date(world().clock.now().getTime() + 3600_000);
    await sql('update campaign set scheduled_at = ? where id = ?', [at, s.campaignId]);
    expect(await startCampaign(ctx(), { engine: engine() }, s.campaignId)).toEqual({ stopped: 'not_yet' });
    expect(jobs).toEqual([
      { name: QUEUES.campaignStart.name, data: { campaignId: s.campaignId }, startAfter: at },
    ]);
    expect(await statuses(s.campaignId)).toEqual({});
  });

  it('renders the generated text part as a template when the body has merge fields', async () => {
    jobs = [];
    const s = await seedCampaign(sql, { contacts: 2, port: sink.port, seal });
    await sql("update contact set name = 'Ann <& Bob>' where id = ?", [s.contactIds[1]]);
    // The stored text version (the HTML template converted, tags intact) is what gets rendered.
    const setting = await loadBatchSetting(ctx(), {
      id: s.campaignId,
      workspace_id: s.workspaceId,
      mailbox_id: s.mailboxId,
    } as EngineCampaign);
    expect(setting?.content).toMatchObject({ textBodyCustom: true, textBody: expect.stringContaining('{{') });
    await startCampaign(ctx(), { engine: engine() }, s.campaignId);
    await runBatches();
    const textOf = (to: string) => {
      const raw = sink.messages.find((m) => m.to === to)?.raw ?? '';
      const text =
        /Content-Type: text\/plain[\s\S]*?\r\n\r\n([\s\S]*?)Content-Type: text\/html/.exec(raw)?.[1] ?? '';
      return text.replace(/=\r\n/g, '').replace(/=3D/g, '=');
    };
    expect(textOf(s.emails[0] as string)).toContain('Hello Person 0');
    expect(textOf(s.emails[0] as string)).toContain('Your plan: pro');
    // Text is not HTML: the value arrives as written, neither escaped nor interpreted.
    expect(textOf(s.emails[1] as string)).toContain('Hello Ann <& Bob>');
    expect(textOf(s.emails[0] as string)).not.toContain('{{');
  });

  it('builds the same text part for a body without merge fields (converted once per batch)', async () => {
    jobs = [];
    const s = await seedCampaign(sql, {
      contacts: 2,
      port: sink.port,
      seal,
      html: '<html><body><h2>Spring sale</h2><p>Everything &amp; more, 20&#37; off.</p></body></html>',
    });
    await startCampaign(ctx(), { engine: engine() }, s.campaignId);
    await runBatches();
    const raw = sink.messages.find((m) => m.to === s.emails[0])?.raw ?? '';
    const text =
      /Content-Type: text\/plain[\s\S]*?\r\n\r\n([\s\S]*?)Content-Type: text\/html/.exec(raw)?.[1] ?? '';
    expect(text.replace(/=\r\n/g, '')).toContain('Spring sale');
    expect(text.replace(/=\r\n/g, '')).toContain('Everything & more, 20% off.');
    expect(text).toContain('Postern Test Ltd');
  });
});
