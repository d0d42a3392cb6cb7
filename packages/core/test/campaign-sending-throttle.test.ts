// The per-mailbox send throttle shared by worker processes (two real processes on one Redis), the
// daily cap and warm-up ramp it is given, and the per-recipient unsubscribe tokens.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MemorySenderThrottle, senderLimits } from '../src/campaigns/sending/throttle.ts';
import {
  readUnsubscribeToken,
  UNSUBSCRIBE_TOKEN_LENGTH,
  unsubscribeToken,
} from '../src/campaigns/sending/tokens.ts';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./fixtures/campaign-throttle-child.ts', import.meta.url));
const PREFIX = `test:throttle:${randomUUID().slice(0, 8)}:`;

async function twoProcesses(mailboxId: string, perSecond: number, perDay: number, ms: number) {
  const startAt = String(Date.now() + 8000);
  const one = () =>
    run(
      process.execPath,
      [CHILD, mailboxId, String(perSecond), String(perDay), String(ms), PREFIX, startAt],
      {
        env: { ...process.env },
      },
    ).then(
      (r) =>
        JSON.parse(r.stdout.trim().split('\n').pop() as string) as { allowed: number[]; refusal: unknown },
    );
  return Promise.all([one(), one()]);
}

describe('sender throttle across worker processes', () => {
  it('never lets two processes together exceed the per-second rate of one mailbox', async () => {
    const results = await twoProcesses(randomUUID(), 15, 100_000, 2500);
    const all = results.flatMap((r) => r.allowed).sort((a, b) => a - b);
    for (const r of results) expect(r.allowed.length).toBeGreaterThan(0);
    const perSecond = new Map<number, number>();
    for (const t of all) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    // Redis's clock and ours agree on this machine to well under a second: each window holds ≤ 15
    // (a boundary straddled by the local clock reading can merge two windows' tails, hence the margin).
    for (const n of perSecond.values()) expect(n).toBeLessThanOrEqual(15 + 3);
    // Both took from the same windows (they competed), and ~2.5 s at 15/s is 2 to 3 windows' worth,
    // not 2 processes × as fast as Redis answers.
    expect(all.length).toBeGreaterThanOrEqual(30);
    expect(all.length).toBeLessThanOrEqual(15 * perSecond.size);
    const windows = (r: { allowed: number[] }) => new Set(r.allowed.map((t) => Math.floor(t / 1000)));
    const [a, b] = results.map(windows) as [Set<number>, Set<number>];
    expect([...a].filter((w) => b.has(w)).length).toBeGreaterThanOrEqual(1);
    expect(results.some((r) => r.refusal && 'waitMs' in (r.refusal as object))).toBe(true);
  });

  it('stops both processes at the daily cap and says until when', async () => {
    const results = await twoProcesses(randomUUID(), 1000, 25, 800);
    const total = results.reduce((n, r) => n + r.allowed.length, 0);
    expect(total).toBe(25);
    const refusal = results.map((r) => r.refusal as { until?: string }).find((r) => r?.until);
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    expect(Math.abs(new Date(refusal?.until as string).getTime() - midnight.getTime())).toBeLessThan(2000);
  });
});

describe('sender limits', () => {
  const mailbox = {
    dailyCap: 500,
    warmupEnabled: true,
    warmupStartPerDay: 20,
    warmupIncrementPerDay: 10,
    warmupStartedAt: new Date('2026-06-01T08:00:00Z'),
  };
  it('ramps the daily allowance during warm-up and caps it', () => {
    const config = { rateLimitMultiplier: 1 };
    expect(senderLimits(config, mailbox, new Date('2026-06-01T20:00:00Z')).perDay).toBe(20);
    expect(senderLimits(config, mailbox, new Date('2026-06-04T09:00:00Z')).perDay).toBe(50);
    expect(senderLimits(config, mailbox, new Date('2027-01-01T00:00:00Z')).perDay).toBe(500);
    expect(senderLimits(config, { ...mailbox, warmupEnabled: false }, new Date()).perDay).toBe(500);
  });
  it('raises the per-second rate with RATE_LIMIT_MULTIPLIER (benchmarks)', () => {
    expect(senderLimits({ rateLimitMultiplier: 1 }, mailbox, new Date()).perSecond).toBe(5);
    expect(senderLimits({ rateLimitMultiplier: 1000 }, mailbox, new Date()).perSecond).toBe(5000);
  });
  it('the in-memory throttle keeps the same windows', async () => {
    let now = Date.UTC(2026, 5, 1, 23, 59, 58, 100);
    const t = new MemorySenderThrottle(() => now);
    const limits = { perSecond: 2, perDay: 3 };
    expect(await t.take('m', limits)).toMatchObject({ ok: true });
    expect(await t.take('m', limits)).toMatchObject({ ok: true });
    expect(await t.take('m', limits)).toEqual({ ok: false, waitMs: 900 });
    now += 1000;
    expect(await t.take('m', limits)).toMatchObject({ ok: true, leftToday: 0 });
    expect(await t.take('m', limits)).toEqual({
      ok: false,
      dayExhaustedUntil: new Date(Date.UTC(2026, 5, 2)),
    });
    now += 1000; // the next UTC day
    expect(await t.take('m', limits)).toMatchObject({ ok: true, leftToday: 2 });
  });
});

describe('unsubscribe tokens', () => {
  const secret = randomBytes(32).toString('hex');
  const id = randomUUID();
  const token = unsubscribeToken(secret, id);

  it('names the recipient and nothing else', () => {
    expect(token).toHaveLength(UNSUBSCRIBE_TOKEN_LENGTH);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    expect(readUnsubscribeToken(secret, token)).toBe(id);
  });

  it('refuses a changed MAC, another recipient id with the same MAC, another secret, other spellings', () => {
    const [data, sig] = token.split('.') as [string, string];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    expect(readUnsubscribeToken(secret, `${data}.${flip(sig, 3)}`)).toBeNull();
    expect(readUnsubscribeToken(secret, `${flip(data, 5)}.${sig}`)).toBeNull();
    const other = unsubscribeToken(secret, randomUUID());
    expect(readUnsubscribeToken(secret, `${other.split('.')[0]}.${sig}`)).toBeNull();
    expect(readUnsubscribeToken(randomBytes(32).toString('hex'), token)).toBeNull();
    // Last base64url character carrying unused bits: another spelling of the same bytes.
    const last = sig[21] as string;
    const alt = last === 'A' ? 'B' : String.fromCharCode(last.charCodeAt(0) + 1);
    expect(readUnsubscribeToken(secret, `${data}.${sig.slice(0, 21)}${alt}`)).toBeNull();
    for (const bad of [
      '',
      '.',
      `${token}.x`,
      `${token}=`,
      token.replace('.', ''),
      `${data}`,
      42,
      null,
      undefined,
    ])
      expect(readUnsubscribeToken(secret, bad)).toBeNull();
  });
});
