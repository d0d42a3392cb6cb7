// Sign-up through the real API: the password policy, answers that do not reveal registered addresses,
// per-IP throttling, argon2id hashes and HttpOnly cookies, and email verification.
import { AUTH_COOKIES } from '@postern/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, type Harness, STRONG_PASSWORD, signUpIp, uniqueEmail } from './support/harness.ts';
import { authSuite, signedUpHelper } from './support/signed-in.ts';

// One harness for the file (two API servers), and the end-of-file secret scan (support/signed-in.ts).
const suite = authSuite({ instances: 2 });
const usedSecrets = suite.usedSecrets;
let h: Harness;
beforeAll(() => {
  h = suite.harness();
});
const signedUp = signedUpHelper(() => h, usedSecrets);

describe('sign-up and the password policy', () => {
  it('reports every rule a weak password breaks', async () => {
    const res = await new Client(h.app).mutate('auth.signUp', { email: uniqueEmail(), password: 'abc' });
    expect(res.error?.data.code).toBe('VALIDATION_FAILED');
    expect(res.error?.data.details?.failedRules).toEqual(['min_length', 'uppercase', 'digit', 'special']);
  });

  it('rejects a password from the common-passwords list even when it satisfies the rules', async () => {
    const res = await new Client(h.app).mutate('auth.signUp', { email: uniqueEmail(), password: 'P@ssw0rd' });
    expect(res.error?.data.code).toBe('VALIDATION_FAILED');
    expect(res.error?.data.details?.failedRules).toEqual(['not_common']);
  });

  it('accepts a 128-character passphrase', async () => {
    const long = `${'Aa1!'.repeat(32)}`;
    expect(long).toHaveLength(128);
    await signedUp(undefined, long);
  });

  it('answers "check your email" without a session; sign-in sets HttpOnly, SameSite=Lax cookies; argon2id', async () => {
    const c = new Client(h.app);
    const email = uniqueEmail();
    await c.query('system.health');
    const signUp = await c.mutate('auth.signUp', { email, password: STRONG_PASSWORD }, { ip: signUpIp() });
    expect(signUp.data).toEqual({ status: 'check_email' });
    expect(c.cookies.has(AUTH_COOKIES.access)).toBe(false);
    expect((await c.query('auth.me')).status).toBe(401);
    const res = await c.mutate('auth.signIn', { email, password: STRONG_PASSWORD });
    expect(res.data).toMatchObject({
      status: 'signed_in',
      user: { email, emailVerified: false, twoFactorEnabled: false },
    });
    const cookies = [res.headers['set-cookie'] ?? []].flat().join('\n');
    expect(cookies).toMatch(/pst_at=[^;]+;.*HttpOnly.*SameSite=Lax/i);
    expect(cookies).toMatch(/pst_rt=[^;]+;.*Path=\/trpc.*HttpOnly/i);
    usedSecrets.add(c.cookies.get(AUTH_COOKIES.refresh) ?? '');
    const [row] = (await h.orm.em
      .fork()
      .getConnection()
      .execute('select password_hash from app_user where email = ?', [email])) as {
      password_hash: string;
    }[];
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await c.query('auth.me')).data).toMatchObject({ email });
  });

  it('answers a registered address exactly like a new one, in similar time, and mails its owner instead', async () => {
    const { email } = await signedUp();
    const answers = new Set<string>();
    const times: Record<'taken' | 'fresh', number[]> = { taken: [], fresh: [] };
    for (let i = 0; i < 8; i++) {
      for (const [kind, address] of [
        ['taken', i % 2 ? email.toUpperCase() : email],
        ['fresh', uniqueEmail()],
      ] as const) {
        const c = new Client(h.app, { ip: signUpIp() });
        await c.query('system.health');
        const csrfBefore = c.cookies.get(AUTH_COOKIES.csrf);
        const started = performance.now();
        const res = await c.mutate('auth.signUp', { email: address, password: 'Another-Password-42' });
        times[kind].push(performance.now() - started);
        // Status, body and cookies (none set, the CSRF token untouched) must not tell the two apart.
        answers.add(
          JSON.stringify({
            status: res.status,
            data: res.data,
            error: res.error,
            setCookie: res.headers['set-cookie'] ?? null,
            csrf: c.cookies.get(AUTH_COOKIES.csrf) === csrfBefore,
          }),
        );
      }
    }
    expect([...answers]).toEqual([
      JSON.stringify({ status: 200, data: { status: 'check_email' }, setCookie: null, csrf: true }),
    ]);
    // The password is hashed either way (an argon2 hash dominates both answers), like sign-in's check.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const ratio = median(times.taken) / median(times.fresh);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
    // The owner learns of it by mail (once per hour, whatever the number of attempts); the account
    // and its password are unchanged.
    const notices = (await h.mails()).filter((m) => m.to === email && /tried to sign up/.test(m.subject));
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).not.toMatch(/token=/);
    const users = (await h.orm.em
      .fork()
      .getConnection()
      .execute('select count(*)::int as n from app_user where email = ?', [email])) as { n: number }[];
    expect(users[0]?.n).toBe(1);
    expect((await new Client(h.app).mutate('auth.signIn', { email, password: STRONG_PASSWORD })).status).toBe(
      200,
    );
  });

  it('throttles sign-ups per IP address (100 per 15 minutes, also under a burst), with Retry-After', async () => {
    const ip = '10.77.0.1';
    const signUp = () =>
      new Client(h.app, { ip }).mutate('auth.signUp', { email: uniqueEmail(), password: STRONG_PASSWORD });
    const statuses: number[] = [];
    for (let round = 0; round < 11; round++) {
      for (const res of await Promise.all(Array.from({ length: 10 }, signUp))) statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    const refused = await signUp();
    expect(refused.status).toBe(429);
    expect(refused.error?.data.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    const other = await new Client(h.app, { ip: '10.77.0.2' }).mutate('auth.signUp', {
      email: uniqueEmail(),
      password: STRONG_PASSWORD,
    });
    expect(other.status).toBe(200);
  });

  it('verifies the address with a single-use emailed link', async () => {
    const { client, email } = await signedUp();
    const mail = (await h.mails()).find((m) => m.to === email && /confirm/i.test(m.subject));
    const token = new URL(
      /https?:\/\/\S+verify-email\?token=[^\s"<]+/.exec(mail?.text ?? '')?.[0] ?? 'http://x',
    ).searchParams.get('token');
    expect(token).toBeTruthy();
    usedSecrets.add(token ?? '');
    expect((await client.mutate('auth.verifyEmail', { token })).data).toEqual({ ok: true });
    expect((await client.query<{ emailVerified: boolean }>('auth.me')).data?.emailVerified).toBe(true);
    expect((await client.mutate('auth.verifyEmail', { token })).error?.data.code).toBe('BAD_REQUEST');
  });
});
