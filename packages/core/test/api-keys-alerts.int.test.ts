// Usage alerts of API keys (issue #22) against a real database and real Redis, on an injected clock:
// the counters the API's UsageRecorder keeps in Redis, each rule at its exact threshold (traffic spike
// against the baseline, a burst of refusals, a new IP range), and what an alert does — a row, an
// api_key.usage_alert event, notifications and emails to owners and admins only, an audit entry — at
// most once per key per hour.
import { randomUUID } from 'node:crypto';
import { ApiKeyAlert, AuditEntry, Membership, Notification, Workspace } from '@postern/db';
import { connectRedis, RedisKvStore, testServices } from '@postern/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertRules, detectUsageAlerts } from '../src/api-keys/alert-rules.ts';
import { evaluateUsageAlerts, listApiKeyAlerts } from '../src/api-keys/alerts.ts';
import { createApiKey } from '../src/api-keys/keys.ts';
import { UsageRecorder } from '../src/api-keys/usage.ts';
import { ipRange, type KeyCounts, SLOT_MS, slotOf, UsageCounters } from '../src/api-keys/usage-counters.ts';
import { coreWorld } from './support/auth-context.ts';

const world = coreWorld({ PUBLIC_URL: 'https://postern.example' });
const HOUR = 3_600_000;
const RULES: AlertRules = { riseFactor: 5, minRequests: 100, refusals: 50 };

let kv: RedisKvStore;
let counters: UsageCounters;
let recorder: UsageRecorder;
beforeAll(async () => {
  kv = new RedisKvStore(
    await connectRedis(testServices().redisUrl, {
      connectTimeoutMs: 3000,
      keyPrefix: `test:${randomUUID()}:`,
    }),
  );
  counters = new UsageCounters(kv.client);
  recorder = new UsageRecorder(world().orm, { kv, flushEveryMs: 3_600_000 });
});
afterAll(async () => {
  await recorder?.close();
  await kv?.close();
});

describe('ipRange', () => {
  it('is the /24 of IPv4 (also IPv4-mapped) and the /48 of IPv6; nothing for non-addresses', () => {
    expect(ipRange('203.0.113.77')).toBe('203.0.113.0/24');
    expect(ipRange('::ffff:198.51.100.9')).toBe('198.51.100.0/24');
    expect(ipRange('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(ipRange('2001:0db8:0001:ffff:0:0:0:1')).toBe('2001:db8:1::/48');
    expect(ipRange('2001:db8::1')).toBe('2001:db8:0::/48');
    expect(ipRange('::1')).toBe('0:0:0::/48');
    expect(ipRange('fe80::')).toBe('fe80:0:0::/48');
    expect(ipRange('::ffff:198.51.100.99')).toBe('198.51.100.0/24');
    expect(ipRange('2001:db8::ffff:1.2.3.4')).toBe('2001:db8:0::/48');
    expect(ipRange('::ffff:1.2.3.4x')).toBeNull();
    expect(ipRange('2001::2:3:4:5:6:7')).toBe('2001:0:2::/48');
    expect(ipRange('not an ip')).toBeNull();
    expect(ipRange('')).toBeNull();
    expect(ipRange(null)).toBeNull();
    expect(ipRange(undefined)).toBeNull();
  });
});

/** Counts from `[slotsAgo, requests, refusals]` relative to `now`. */
function counts(now: Date, slots: [number, number, number][], ranges: [string, number][] = []): KeyCounts {
  const nowSlot = slotOf(now);
  return {
    slots: new Map(slots.map(([ago, requests, refusals]) => [nowSlot - ago, { requests, refusals }])),
    ranges: new Map(ranges),
  };
}

describe('the rules', () => {
  const now = new Date('2026-06-01T12:05:00Z');
  // Created long ago: the baseline is the full 7 days before the window (1,008 slots, 168 h).
  const created = new Date(0);
  const kinds = (c: KeyCounts, createdAt = created) =>
    detectUsageAlerts(c, now, createdAt, RULES).map((d) => d.kind);

  it('traffic spike: at least minRequests and riseFactor × the hourly baseline of the 7 days before', () => {
    // Baseline: 2,016 requests over 168 h = 12/h; × 5 = 60, so minRequests decides.
    const baseline: [number, number, number][] = [[10, 2016, 0]];
    expect(kinds(counts(now, [...baseline, [0, 99, 0]]))).toEqual([]);
    expect(kinds(counts(now, [...baseline, [0, 100, 0]]))).toEqual(['traffic_spike']);
    // The window is the 6 slots up to now: the 6th slot back is the baseline's.
    expect(kinds(counts(now, [...baseline, [5, 100, 0]]))).toEqual(['traffic_spike']);
    expect(kinds(counts(now, [[6, 100, 0]]))).toEqual([]);
    // 1,000/h baseline: 4,999 is under 5 ×, 5,000 is not.
    const busy: [number, number, number][] = [[10, 168_000, 0]];
    expect(kinds(counts(now, [...busy, [0, 4999, 0]]))).toEqual([]);
    expect(kinds(counts(now, [...busy, [0, 5000, 0]]))).toEqual(['traffic_spike']);
    const [spike] = detectUsageAlerts(counts(now, [...busy, [0, 5000, 0]]), now, created, RULES);
    expect(spike?.summary).toBe('5,000 requests in the last hour, against 1,000 an hour before');
    expect(spike?.details).toEqual({ requests: 5000, baselinePerHour: 1000, riseFactor: 5 });
    // Older than 7 days does not count in the baseline.
    expect(
      kinds(
        counts(now, [
          [6 * 24 * 7 + 6, 1_000_000, 0],
          [0, 100, 0],
        ]),
      ),
    ).toEqual(['traffic_spike']);
    expect(
      kinds(
        counts(now, [
          [6 * 24 * 7 + 5, 1_000_000, 0],
          [0, 100, 0],
        ]),
      ),
    ).toEqual([]);
  });

  it('a key without one hour of history has no baseline yet (no spike)', () => {
    const young = new Date(now.getTime() - HOUR - 10 * 60_000);
    expect(kinds(counts(now, [[0, 10_000, 0]]), young)).toEqual([]);
    const hourOld = new Date(slotOf(now) * SLOT_MS - 2 * HOUR + SLOT_MS);
    expect(kinds(counts(now, [[0, 10_000, 0]]), hourOld)).toEqual(['traffic_spike']);
  });

  it('refusals: from the threshold within the last hour', () => {
    expect(kinds(counts(now, [[0, 0, 49]]))).toEqual([]);
    expect(
      kinds(
        counts(now, [
          [0, 0, 25],
          [5, 0, 25],
        ]),
      ),
    ).toEqual(['refusals']);
    expect(kinds(counts(now, [[6, 0, 500]]))).toEqual([]);
    const [found] = detectUsageAlerts(counts(now, [[0, 0, 50]]), now, created, RULES);
    expect(found).toEqual({
      kind: 'refusals',
      summary: '50 requests refused (401/403/429) in the last hour',
      details: { refusals: 50, threshold: 50 },
    });
  });

  it('new IP range: first seen within the hour while an older range is known', () => {
    const old = now.getTime() - 2 * HOUR;
    const fresh = now.getTime() - 10 * 60_000;
    expect(kinds(counts(now, [], [['198.51.100.0/24', fresh]]))).toEqual([]);
    expect(kinds(counts(now, [], [['203.0.113.0/24', old]]))).toEqual([]);
    const found = detectUsageAlerts(
      counts(
        now,
        [],
        [
          ['203.0.113.0/24', old],
          ['198.51.100.0/24', fresh],
          ['2001:db8:1::/48', fresh],
        ],
      ),
      now,
      created,
      RULES,
    );
    expect(found).toEqual([
      {
        kind: 'new_ip_range',
        summary: 'used from a new IP range: 198.51.100.0/24, 2001:db8:1::/48',
        details: { ranges: ['198.51.100.0/24', '2001:db8:1::/48'] },
      },
    ]);
    // Exactly an hour ago counts as known, not new.
    expect(kinds(counts(now, [], [['203.0.113.0/24', now.getTime() - HOUR]]))).toEqual([]);
  });

  it('several at once: refusals first, then the new range, then the spike', () => {
    const c = counts(
      now,
      [[0, 500, 60]],
      [
        ['203.0.113.0/24', now.getTime() - 2 * HOUR],
        ['198.51.100.0/24', now.getTime()],
      ],
    );
    expect(kinds(c)).toEqual(['refusals', 'new_ip_range', 'traffic_spike']);
  });
});

async function team() {
  const w = world();
  const [owner, admin, member] = [await w.user(), await w.user(), await w.user()];
  const em = w.orm.em.fork();
  const ws = em.create(Workspace, { name: 'Alert Co', plan: 'starter' });
  em.create(Membership, { workspaceId: ws.id, userId: owner.id, role: 'owner' });
  em.create(Membership, { workspaceId: ws.id, userId: admin.id, role: 'admin' });
  em.create(Membership, { workspaceId: ws.id, userId: member.id, role: 'member' });
  await em.flush();
  const { key } = await createApiKey(w.ctx(), ws.id, owner.id, { name: 'Shop', scopes: ['validate:write'] });
  // A key with a day of history (the baseline starts at its creation).
  w.clock.advance(25 * HOUR);
  return { ws: ws.id, owner, admin, member, key };
}

const at = (ms: number) => new Date(ms);

describe('raising alerts from the counters in Redis', () => {
  it('counts through the recorder, raises a spike once per hour to owners and admins', async () => {
    const w = world();
    const { ws, owner, admin, member, key } = await team();
    const start = w.clock.ms;
    // A day of 10 requests an hour from one range, then 150 in ten minutes.
    for (let h = 24; h >= 1; h--)
      for (let i = 0; i < 10; i++) recorder.record(key.id, ws, at(start - h * HOUR), '203.0.113.5');
    for (let i = 0; i < 150; i++) recorder.record(key.id, ws, at(start), '203.0.113.9');
    await recorder.flush();
    const read = await counters.read(key.id);
    expect(read.slots.get(slotOf(at(start)))).toEqual({ requests: 150, refusals: 0 });
    expect([...read.ranges]).toEqual([['203.0.113.0/24', start - 24 * HOUR]]);
    // Usage rows too (the database side of the same flush).
    const [row] = await w.sql<{ usage_count: string }>('select usage_count from api_key where id = ?', [
      key.id,
    ]);
    expect(Number(row?.usage_count)).toBe(390);

    const first = await evaluateUsageAlerts(w.ctx(), counters, RULES);
    expect(first.raised).toEqual([{ keyId: key.id, kind: 'traffic_spike' }]);
    expect(first.evaluated).toBeGreaterThanOrEqual(1);
    const em = w.orm.em.fork();
    const alerts = await em.find(ApiKeyAlert, { keyId: key.id });
    expect(alerts.map((a) => [a.kind, a.summary])).toEqual([
      // 240 requests over the 24 h 10 min between creation and the window.
      ['traffic_spike', '150 requests in the last hour, against 9.9 an hour before'],
    ]);
    const [event] = await w.sql<{ type: string; payload: Record<string, unknown> }>(
      'select type, payload from outbox_event where workspace_id = ?',
      [ws],
    );
    expect(event?.type).toBe('api_key.usage_alert');
    expect(event?.payload).toMatchObject({
      key_id: key.id,
      key_name: 'Shop',
      display_prefix: key.displayPrefix,
      kind: 'traffic_spike',
      detected_at: w.clock.now().toISOString(),
    });
    const notified = await em.find(Notification, { workspaceId: ws });
    expect(notified.map((n) => n.userId).sort()).toEqual([owner.id, admin.id].sort());
    expect(notified[0]?.kind).toBe('api_key.usage_alert');
    expect(notified[0]?.title).toBe('Unusual use of the API key Shop');
    expect(notified[0]?.link).toBe(`/w/${ws}/api-keys`);
    const mails = w.mails.filter((m) => m.subject.includes('Alert Co'));
    expect(mails.map((m) => m.to).sort()).toEqual([owner.email, admin.email].sort());
    expect(mails.map((m) => m.to)).not.toContain(member.email);
    expect(mails[0]?.subject).toBe('Unusual use of the API key “Shop” in Alert Co');
    expect(mails[0]?.text).toContain(`https://postern.example/w/${ws}/api-keys`);
    const audit = await em.findOneOrFail(AuditEntry, { workspaceId: ws, eventType: 'apikey.usage_alert' });
    expect(audit.targetId).toBe(key.id);
    expect(audit.actorId).toBeNull();
    expect(audit.metadata).toEqual({ kind: 'traffic_spike', summary: alerts[0]?.summary });

    // Within the hour: no second alert, even for another trigger.
    for (let i = 0; i < 60; i++) recorder.refused(key.id, at(w.clock.ms), '203.0.113.9');
    await recorder.flush();
    w.clock.advance(HOUR - 1);
    expect((await evaluateUsageAlerts(w.ctx(), counters, RULES)).raised).toEqual([]);
    w.clock.advance(1);
    for (let i = 0; i < 60; i++) recorder.refused(key.id, at(w.clock.ms), '203.0.113.9');
    await recorder.flush();
    expect((await evaluateUsageAlerts(w.ctx(), counters, RULES)).raised).toEqual([
      { keyId: key.id, kind: 'refusals' },
    ]);
    const listed = await listApiKeyAlerts(w.ctx(), ws, at(start));
    expect(listed.map((a) => a.kind)).toEqual(['refusals', 'traffic_spike']);
    expect(listed[1]).toEqual({
      id: alerts[0]?.id,
      keyId: key.id,
      kind: 'traffic_spike',
      summary: alerts[0]?.summary,
      createdAt: at(start).toISOString(),
    });
    expect(await listApiKeyAlerts(w.ctx(), ws, at(w.clock.ms + 1))).toEqual([]);
  });

  it('a new IP range of an established key raises new_ip_range; keys idle for an hour are not read', async () => {
    const w = world();
    const { ws, key } = await team();
    const idle = await team();
    recorder.record(idle.key.id, idle.ws, at(w.clock.ms - HOUR - 1), '192.0.2.1');
    recorder.record(key.id, ws, at(w.clock.ms - 3 * HOUR), '203.0.113.5');
    recorder.record(key.id, ws, at(w.clock.ms), '2001:db8:77::1');
    await recorder.flush();
    const result = await evaluateUsageAlerts(w.ctx(), counters, RULES);
    expect(result.raised).toEqual([{ keyId: key.id, kind: 'new_ip_range' }]);
    expect(await w.orm.em.fork().count(ApiKeyAlert, { keyId: idle.key.id })).toBe(0);
    const active = await counters.activeSince(w.clock.ms - HOUR);
    expect(active).toContain(key.id);
    expect(active).not.toContain(idle.key.id);
    expect(await counters.activeSince(w.clock.ms - HOUR - 1)).toContain(idle.key.id);
    const [alert] = await listApiKeyAlerts(w.ctx(), ws, at(0));
    expect(alert?.summary).toBe('used from a new IP range: 2001:db8:77::/48');
  });

  it('a flush resolves only once an earlier one in progress has written its counts too', async () => {
    const w = world();
    const { ws, key } = await team();
    recorder.record(key.id, ws, at(w.clock.ms), '203.0.113.5');
    const timerFlush = recorder.flush();
    // Nothing new to write: without waiting for the one in progress it would resolve at once.
    await recorder.flush();
    const [row] = await w.sql<{ usage_count: string }>('select usage_count from api_key where id = ?', [
      key.id,
    ]);
    expect(Number(row?.usage_count)).toBe(1);
    await timerFlush;
  });

  it('stores under per-key names with their retention, no empty fields, and prunes old activity', async () => {
    const w = world();
    const { ws, key } = await team();
    const slot = slotOf(at(w.clock.ms));
    const start = slot * SLOT_MS + 3;
    recorder.refused(key.id, at(start), '203.0.113.5');
    // Out of order, and the later slot's tally flushed first: the active score keeps the latest use.
    recorder.record(key.id, ws, at(start - 1), '203.0.113.5');
    recorder.record(key.id, ws, at(start - 2), '198.51.100.5');
    recorder.record(key.id, ws, at(start - 4), '198.51.100.5');
    await recorder.flush();
    expect(await kv.client.hgetall(`apikey:usage:${key.id}`)).toEqual({
      [`r:${slot - 1}`]: '1',
      [`r:${slot}`]: '2',
      [`x:${slot}`]: '1',
    });
    const ttl = await kv.client.pttl(`apikey:usage:${key.id}`);
    expect(ttl).toBeGreaterThan(8 * 86_400_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(8 * 86_400_000);
    expect(await kv.client.pttl(`apikey:ranges:${key.id}`)).toBeGreaterThan(30 * 86_400_000 - 60_000);
    expect(Number(await kv.client.zscore('apikey:active', key.id))).toBe(start);
    // A refusal-only slot has no requests field.
    w.clock.advance(SLOT_MS);
    recorder.refused(key.id, at(w.clock.ms), null);
    await recorder.flush();
    expect(await kv.client.hget(`apikey:usage:${key.id}`, `r:${slotOf(at(w.clock.ms))}`)).toBeNull();
    // Entries 8 days older than the window are dropped from the active set.
    await kv.client.zadd('apikey:active', w.clock.ms - HOUR - 8 * 86_400_000 - 1, 'ancient');
    await kv.client.zadd('apikey:active', w.clock.ms - HOUR - 8 * 86_400_000, 'kept');
    await counters.activeSince(w.clock.ms - HOUR);
    expect(await kv.client.zscore('apikey:active', 'ancient')).toBeNull();
    expect(await kv.client.zscore('apikey:active', 'kept')).not.toBeNull();
    // Without a store, only the database is written.
    const plain = new UsageRecorder(w.orm, { flushEveryMs: 3_600_000 });
    plain.record(key.id, ws, at(w.clock.ms), '203.0.113.5');
    await plain.close();
    const [row] = await w.sql<{ usage_count: string }>('select usage_count from api_key where id = ?', [
      key.id,
    ]);
    expect(Number(row?.usage_count)).toBe(4);
  });

  it('with nothing used lately, evaluates nothing', async () => {
    const w = world();
    w.clock.advance(30 * 24 * HOUR);
    expect(await evaluateUsageAlerts(w.ctx(), counters, RULES)).toEqual({ evaluated: 0, raised: [] });
  });
});
