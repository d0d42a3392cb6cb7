// Session limits that only show over time or volume: the absolute session lifetime, the per-IP
// sign-in budget, the audit entry a stolen refresh token leaves, and HTTPS-only cookies with HSTS.
import { AUTH_COOKIES } from '@postern/contracts';
import { AuditEntry, User } from '@postern/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  type Harness,
  STRONG_PASSWORD,
  signUpAndIn,
  signUpIp,
  startHarness,
  uniqueEmail,
} from './support/harness.ts';

const DAY = 86_400_000;
let h: Harness;

async function signedUp(client = new Client(h.app)) {
  const email = uniqueEmail();
  await signUpAndIn(client, email);
  return { client, email };
}

beforeAll(async () => {
  h = await startHarness({ instances: 2 });
});

afterAll(async () => {
  await h.close();
});

describe('session lifetime', () => {
  it('ends a session 90 days after sign-in however active it is', async () => {
    const { client } = await signedUp();
    let moved = 0;
    try {
      // Active every 25 days (well inside the 30-day idle limit) up to day 89: each refresh works.
      for (const step of [25, 25, 25, 14]) {
        h.clock.advance(step * DAY);
        moved += step * DAY;
        expect((await client.mutate('auth.refresh')).status).toBe(200);
      }
      h.clock.advance(2 * DAY);
      moved += 2 * DAY;
      const res = await client.mutate('auth.refresh');
      expect(res.status).toBe(401);
      expect(res.error?.data.details?.authFailure).toBe('session_expired');
    } finally {
      h.clock.advance(-moved);
    }
  });

  it('records auth.refresh_token_reused when a rotated refresh token is replayed', async () => {
    const { client, email } = await signedUp();
    const stolen = client.cookies.get(AUTH_COOKIES.refresh) ?? '';
    expect((await client.mutate('auth.refresh')).status).toBe(200);
    h.clock.advance(11_000);
    try {
      const thief = new Client(h.apps[1] ?? h.app);
      thief.cookies.set(AUTH_COOKIES.refresh, stolen);
      expect((await thief.mutate('auth.refresh')).status).toBe(401);
    } finally {
      h.clock.advance(-11_000);
    }
    const em = h.orm.em.fork();
    const user = await em.findOneOrFail(User, { email });
    const entries = await em.find(AuditEntry, { eventType: 'auth.refresh_token_reused', actorId: user.id });
    expect(entries).toHaveLength(1);
    expect(entries[0]?.targetType).toBe('session');
  });
});

describe('sign-in budget per IP address', () => {
  it('refuses the 101st attempt from one address within 15 minutes, whatever the accounts, but not other addresses', async () => {
    const ip = '198.51.100.7';
    const attempt = (from: string) =>
      new Client(h.app, { ip: from }).mutate('auth.signIn', {
        email: uniqueEmail(),
        password: 'Not-The-Password-1',
      });
    for (let round = 0; round < 10; round++) {
      const results = await Promise.all(Array.from({ length: 10 }, () => attempt(ip)));
      expect(results.map((r) => r.error?.data.code)).toEqual(Array(10).fill('UNAUTHENTICATED'));
    }
    const refused = await attempt(ip);
    expect(refused.error?.data.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt('198.51.100.8')).error?.data.code).toBe('UNAUTHENTICATED');
  });
});

describe('an HTTPS deployment', () => {
  let https: Harness;
  beforeAll(async () => {
    https = await startHarness({ env: { PUBLIC_URL: 'https://postern.example.test' } });
  });
  afterAll(async () => {
    await https.close();
  });

  it('sends HSTS and marks every session cookie Secure', async () => {
    const client = new Client(https.app);
    const health = await client.query('system.health');
    expect(health.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    const email = uniqueEmail();
    await client.mutate('auth.signUp', { email, password: STRONG_PASSWORD }, { ip: signUpIp() });
    const signIn = await client.mutate('auth.signIn', { email, password: STRONG_PASSWORD });
    expect(signIn.status).toBe(200);
    const cookies = [signIn.headers['set-cookie'] ?? []].flat();
    expect(cookies.length).toBeGreaterThanOrEqual(2);
    for (const line of cookies) expect(line).toMatch(/;\s*Secure/i);
  });
});
