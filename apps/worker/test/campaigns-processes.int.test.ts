// Campaign sending with real processes: worker processes (apps/worker/src/main.ts) and an API process
// on one test database and Redis, sending to a real SMTP sink over TLS.
// - An address unsubscribed through the one-click POST (no cookie) while the campaign runs receives
//   nothing after the POST has answered.
// - A worker SIGKILLed while the sink holds a message in DATA: another worker takes the batch over; no
//   recipient receives two copies, and every recipient is accounted for (sent + unknown + failed +
//   skipped = recipients).
import { QUEUES } from '@postern/contracts';
import { keyringFromConfig, passwordContext, unsubscribeToken } from '@postern/core';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { createLogger, createQueueClient, loadConfig, type PgBoss, testServices } from '@postern/runtime';
import { type SpawnedApp, spawnApp, waitForHttp } from '@postern/runtime/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CampaignSink,
  type Seeded,
  seedCampaign,
  startCampaignSink,
} from '../../../packages/core/test/support/campaign-world.ts';

let db: TestDatabase;
let sink: CampaignSink;
let producer: PgBoss;
let client: pg.Client;
let env: Record<string, string>;
const started: SpawnedApp[] = [];

const sql = async (q: string, p: unknown[] = []) => {
  let i = 0;
  return (
    await client.query(
      q.replace(/\?/g, () => `$${++i}`),
      p,
    )
  ).rows as Record<string, unknown>[];
};

async function worker(): Promise<SpawnedApp> {
  const w = await spawnApp('worker', { ...env, WORKER_POLL_SECONDS: '0.5' });
  started.push(w);
  await w.waitForLine(/worker started/, 30_000);
  return w;
}

async function campaignState(id: string) {
  return (await sql('select * from campaign where id = ?', [id]))[0] as Record<string, number | string>;
}

async function waitForStatus(id: string, status: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await campaignState(id);
    if (c.status === status) return c;
    if (Date.now() > deadline) throw new Error(`campaign still ${c.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  sink = await startCampaignSink();
  env = {
    DATABASE_URL: db.url,
    REDIS_URL: testServices().redisUrl,
    LOG_LEVEL: 'info',
    WEB_DIST: '/nonexistent',
    DNS_SERVERS: '127.0.0.1:1',
    RATE_LIMIT_MULTIPLIER: '100',
    ...sink.env,
  };
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  producer = createQueueClient({
    databaseUrl: db.url,
    role: 'producer',
    logger: createLogger({ level: 'silent', name: 't' }),
  });
  await producer.start();
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(started.map((p) => p.stop('SIGKILL')));
  await producer?.stop({ graceful: false });
  await client?.end();
  await sink?.close();
  await db?.drop();
});

async function seed(contacts: number): Promise<Seeded> {
  // The same keys as the spawned processes (their configuration comes from the same environment).
  const keyring = keyringFromConfig(loadConfig({ ...env, NODE_ENV: 'test' }));
  return seedCampaign(sql, {
    contacts,
    port: sink.port,
    seal: (pw, id) => keyring.encrypt(pw, passwordContext(id)),
  });
}

describe('campaign sending across processes', () => {
  it('sends nothing to an address after its one-click unsubscribe POST has answered', async () => {
    const api = await spawnApp('api', env);
    started.push(api);
    await waitForHttp(`${api.url}/healthz`, { timeoutMs: 30_000 });
    await worker();
    const s = await seed(40);
    sink.delayMs = 150; // a slow server: the campaign is mid-way for a few seconds
    try {
      await producer.send(QUEUES.campaignStart.name, { campaignId: s.campaignId });
      const deadline = Date.now() + 30_000;
      while (sink.messages.filter((m) => s.emails.includes(m.to)).length < 5) {
        if (Date.now() > deadline) throw new Error('the campaign did not start sending');
        await new Promise((r) => setTimeout(r, 50));
      }
      // The recipient sent last (batches go in id order): still pending now.
      const [last] = await sql(
        'select r.id, c.email from campaign_recipient r join contact c on c.id = r.contact_id where r.campaign_id = ? order by r.id desc limit 1',
        [s.campaignId],
      );
      const address = String(last?.email).toLowerCase();
      const res = await fetch(
        `${api.url}/p/u/${unsubscribeToken(loadConfig({ ...env, NODE_ENV: 'test' }).secret, String(last?.id))}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        },
      );
      const answeredAt = Date.now();
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toBeNull();
      const c = await waitForStatus(s.campaignId, 'sent', 60_000);
      expect(sink.messages.filter((m) => m.to === address && m.at >= answeredAt)).toEqual([]);
      expect(sink.count(address)).toBe(0);
      expect(c).toMatchObject({ recipients: 40, sent: 39, skipped_suppressed: 1, unsubscribed: 1 });
      expect(sink.duplicates()).toEqual([]);
    } finally {
      sink.delayMs = 0;
      await Promise.all(started.splice(0).map((p) => p.stop('SIGTERM')));
    }
  }, 120_000);

  it('never sends a recipient two copies when a worker is killed mid-send', async () => {
    const first = await worker();
    const s = await seed(30);
    const held = sink.holdNext();
    await producer.send(QUEUES.campaignStart.name, { campaignId: s.campaignId });
    const message = await held;
    // The sink has the message's DATA and has not answered: the worker dies inside the transaction.
    first.proc.kill('SIGKILL');
    await first.exited;
    sink.release();
    await worker();
    const c = await waitForStatus(s.campaignId, 'sent', 100_000);
    expect(sink.duplicates()).toEqual([]);
    for (const address of s.emails) expect(sink.count(address)).toBeLessThanOrEqual(1);
    expect(sink.count(message.to)).toBe(1);
    const rows = await sql(
      'select status, count(*)::int as n from campaign_recipient where campaign_id = ? group by status',
      [s.campaignId],
    );
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    expect(by.unknown).toBeGreaterThanOrEqual(1);
    expect((by.sent ?? 0) + (by.unknown ?? 0) + (by.failed ?? 0) + (by.skipped ?? 0)).toBe(30);
    expect(by.pending ?? 0).toBe(0);
    expect(by.sending ?? 0).toBe(0);
    expect(Number(c.sent) + Number(c.unknown) + Number(c.failed)).toBe(30);
    // Every message that reached the sink belongs to a row marked sent or unknown (none lost track of);
    // `unknown` may also hold rows claimed but not yet on the wire when the worker died (maybe sent).
    const byAddress = await sql(
      'select lower(c.email) as email, r.status from campaign_recipient r join contact c on c.id = r.contact_id where r.campaign_id = ?',
      [s.campaignId],
    );
    const delivered = new Set(sink.messages.map((m) => m.to));
    for (const row of byAddress) {
      if (row.status === 'sent') expect(delivered.has(String(row.email))).toBe(true);
      if (delivered.has(String(row.email))) expect(['sent', 'unknown']).toContain(row.status);
    }
  }, 150_000);
});
