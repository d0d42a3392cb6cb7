import { AUTH_COOKIES } from '@postern/contracts';
import { type AuthSettings, refreshTokenHash } from '@postern/core';
import { AuditEntry, RefreshToken, Session } from '@postern/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  expectNoSecretsKept,
  findStoredSecrets,
  type Harness,
  STRONG_PASSWORD,
  signUpAndIn,
  signUpIp,
  startHarness,
  uniqueEmail,
} from './support/harness.ts';

let h: Harness;
const usedSecrets = new Set<string>();

async function signedUp(client?: Client, password = STRONG_PASSWORD) {
  const c = client ?? new Client(h.app);
  const email = uniqueEmail();
  await signUpAndIn(c, email, password);
  usedSecrets.add(password);
  const refresh = c.cookies.get(AUTH_COOKIES.refresh);
  if (refresh) usedSecrets.add(refresh);
  return { client: c, email, password };
}

beforeAll(async () => {
  h = await startHarness({ processes: 2 });
});

afterAll(async () => {
  // The scanner sees what is stored (an address is), so an empty result below means something.
  try {
    const stored = (await h.orm.em.fork().getConnection().execute('select email from app_user limit 1')) as {
      email: string;
    }[];
    expect(await findStoredSecrets(h.db, [stored[0]?.email ?? 'missing'])).toHaveLength(1);
    // Nothing the tests typed or received in plaintext is stored in the database or written to the logs.
    expect(await expectNoSecretsKept(h, usedSecrets)).toEqual([]);
  } finally {
    await h.close();
  }
});

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

describe('sign-in', () => {
  it('answers an unknown account and a wrong password the same way, in similar time', async () => {
    const times: Record<string, number[]> = { unknown: [], wrong: [] };
    const answers = new Set<string>();
    for (let i = 0; i < 12; i++) {
      // A fresh account each round: repeated failures on one account would meet its back-off.
      const { email } = await signedUp();
      for (const [kind, address] of [
        ['unknown', uniqueEmail()],
        ['wrong', email],
      ] as const) {
        const started = performance.now();
        const res = await new Client(h.app, { ip: `10.9.${i}.${kind.length}` }).mutate('auth.signIn', {
          email: address,
          password: 'Wrong-Password-1',
        });
        times[kind]?.push(performance.now() - started);
        answers.add(
          JSON.stringify({ status: res.status, code: res.error?.data.code, message: res.error?.message }),
        );
      }
    }
    expect(answers.size).toBe(1);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const ratio = median(times.unknown ?? []) / median(times.wrong ?? []);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('holds the per-account budget under a concurrent burst, with Retry-After', async () => {
    const { email } = await signedUp();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        new Client(h.apps[i % 2] ?? h.app, { ip: `10.1.0.${i}` }).mutate('auth.signIn', {
          email,
          password: 'Wrong-Password-1',
        }),
      ),
    );
    const checked = results.filter((r) => r.error?.data.code === 'UNAUTHENTICATED').length;
    const limited = results.filter((r) => r.error?.data.code === 'RATE_LIMITED');
    expect(checked).toBeLessThanOrEqual(10);
    expect(checked + limited.length).toBe(30);
    expect(Number(limited[0]?.headers['retry-after'])).toBeGreaterThan(0);
    // The right password is refused too while the account is locked.
    const locked = await new Client(h.app, { ip: '10.1.1.1' }).mutate('auth.signIn', {
      email,
      password: STRONG_PASSWORD,
    });
    expect(locked.error?.data.code).toBe('RATE_LIMITED');
  });

  it('backs off after a few failures', async () => {
    const { email } = await signedUp();
    const c = new Client(h.app, { ip: '10.2.0.1' });
    const codes: string[] = [];
    for (let i = 0; i < 6; i++)
      codes.push(
        (await c.mutate('auth.signIn', { email, password: 'Wrong-Password-1' })).error?.data.code ?? 'ok',
      );
    expect(codes.slice(0, 4)).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
    ]);
    expect(codes.slice(4)).toContain('RATE_LIMITED');
  });

  it('records failed and successful sign-ins in the audit log', async () => {
    const { email } = await signedUp();
    await new Client(h.app, { ip: '10.3.0.1' }).mutate('auth.signIn', {
      email,
      password: 'Wrong-Password-1',
    });
    const ok = await new Client(h.app, { ip: '10.3.0.2' }).mutate('auth.signIn', {
      email,
      password: STRONG_PASSWORD,
    });
    expect(ok.data).toMatchObject({ status: 'signed_in' });
    const em = h.orm.em.fork();
    const user = (
      await em.getConnection().execute('select id from app_user where email = ?', [email])
    )[0] as { id: string };
    const events = (
      await em.find(AuditEntry, { actorId: user.id, scope: `user:${user.id}` }, { orderBy: { seq: 'asc' } })
    ).map((e) => e.eventType);
    // signedUp() signs in once after sign-up.
    expect(events).toEqual([
      'auth.signed_up',
      'auth.login_succeeded',
      'auth.login_failed',
      'auth.login_succeeded',
    ]);
  });
});

describe('CSRF protection', () => {
  it('refuses a state-changing call without the token, with a wrong token, or from another origin', async () => {
    const { client } = await signedUp();
    expect(
      (await client.mutate('account.revokeOtherSessions', undefined, { csrf: null })).error?.data.code,
    ).toBe('FORBIDDEN');
    expect(
      (await client.mutate('account.revokeOtherSessions', undefined, { csrf: 'forged' })).error?.data.code,
    ).toBe('FORBIDDEN');
    expect(
      (await client.mutate('account.revokeOtherSessions', undefined, { origin: 'https://evil.example' }))
        .error?.data.code,
    ).toBe('FORBIDDEN');
    expect((await client.mutate('account.revokeOtherSessions')).data).toEqual({ revoked: 0 });
  });

  it('refuses a token the client chose itself, even sent as both cookie and header, on every mutation', async () => {
    const { client, email } = await signedUp();
    const issued = client.csrfToken() ?? '';
    expect(issued).toMatch(/^[\w-]+\.[\w-]+$/);
    const [nonce] = issued.split('.');
    const mutations: [string, unknown][] = [
      ['account.revokeOtherSessions', undefined],
      ['workspaces.create', { name: 'Planted' }],
      ['auth.signIn', { email, password: STRONG_PASSWORD }],
      ['auth.signOut', undefined],
    ];
    for (const chosen of ['attacker-chosen-value', `${nonce}.forgedmac`, `x${issued}`]) {
      const planted = client.on(h.app);
      planted.cookies = new Map(client.cookies);
      planted.cookies.set(AUTH_COOKIES.csrf, chosen);
      for (const [path, input] of mutations) {
        const res = await planted.mutate(path, input, { csrf: chosen });
        expect(res.error?.data.code, `${path} with ${chosen}`).toBe('FORBIDDEN');
        expect(res.error?.message).toMatch(/CSRF/);
      }
    }
    // Without any token, every mutation is refused too, not one chosen example.
    for (const [path, input] of mutations) {
      expect((await client.mutate(path, input, { csrf: null })).error?.data.code, path).toBe('FORBIDDEN');
    }
    // The server replaces a cookie it did not issue on the next request.
    const planted = new Client(h.app);
    planted.cookies.set(AUTH_COOKIES.csrf, 'attacker-chosen-value');
    await planted.query('system.health');
    expect(planted.csrfToken()).not.toBe('attacker-chosen-value');
    expect((await planted.mutate('auth.signIn', { email, password: STRONG_PASSWORD })).status).toBe(200);
  });

  it('replaces the CSRF token at sign-in', async () => {
    const email = uniqueEmail();
    const c = new Client(h.app);
    await c.mutate('auth.signUp', { email, password: STRONG_PASSWORD }, { ip: signUpIp() });
    const before = c.csrfToken();
    expect(before).toBeTruthy();
    const signIn = await c.mutate('auth.signIn', { email, password: STRONG_PASSWORD });
    expect(signIn.status).toBe(200);
    expect([signIn.headers['set-cookie'] ?? []].flat().join('\n')).toMatch(
      /pst_csrf=[^;]+;.*SameSite=Strict/i,
    );
    const after = c.csrfToken();
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    expect((await c.mutate('workspaces.create', { name: 'After sign-in' })).status).toBe(200);
  });
});

describe('cookies under an https PUBLIC_URL', () => {
  it('are __Host- prefixed, Secure, Path=/ and without Domain; the dashboard flow works with them', async () => {
    const tls = await startHarness({ env: { PUBLIC_URL: 'https://postern.example.test' } });
    try {
      const c = new Client(tls.app);
      const first = await c.query('system.health');
      const csrfCookie = [first.headers['set-cookie'] ?? []].flat().join('\n');
      expect(csrfCookie).toMatch(/^__Host-pst_csrf=[^;]+;/);
      expect(csrfCookie).toMatch(/; Secure/i);
      expect(csrfCookie).toMatch(/; Path=\/(;|$)/i);
      expect(csrfCookie).not.toMatch(/Domain=/i);
      expect(c.cookies.has(AUTH_COOKIES.csrf)).toBe(false);

      const email = uniqueEmail();
      expect((await c.mutate('auth.signUp', { email, password: STRONG_PASSWORD })).status).toBe(200);
      const signIn = await c.mutate('auth.signIn', { email, password: STRONG_PASSWORD });
      expect(signIn.status).toBe(200);
      const lines = [signIn.headers['set-cookie'] ?? []].flat();
      for (const name of ['__Host-pst_at', '__Host-pst_rt', '__Host-pst_csrf']) {
        const line = lines.find((l) => l.startsWith(`${name}=`)) ?? '';
        expect(line, name).toMatch(/; Secure/i);
        expect(line, name).toMatch(/; Path=\/(;|$)/i);
        expect(line, name).not.toMatch(/Domain=/i);
      }
      expect(lines.some((l) => /^pst_(at|rt|csrf)=/.test(l))).toBe(false);
      // The session works under the prefixed names: reads, CSRF-checked mutations, refresh, sign-out.
      expect((await c.query('auth.me')).data).toMatchObject({ email });
      expect((await c.mutate('workspaces.create', { name: 'TLS' })).status).toBe(200);
      expect((await c.mutate('workspaces.create', { name: 'TLS' }, { csrf: null })).status).toBe(403);
      expect((await c.mutate('auth.refresh')).data).toEqual({ ok: true });
      expect((await c.mutate('auth.signOut')).data).toEqual({ ok: true });
      expect((await c.query('auth.me')).status).toBe(401);
      // An unprefixed cookie (which any subdomain could set) is not a session under https.
      const plain = new Client(tls.app);
      plain.cookies.set(AUTH_COOKIES.access, c.cookies.get('__Host-pst_at') ?? 'x');
      expect((await plain.query('auth.me')).status).toBe(401);
    } finally {
      await tls.close();
    }
  });
});

describe('sessions', () => {
  it('lists sessions with device, browser and OS, marking this device', async () => {
    const { email, client } = await signedUp();
    const phone = new Client(h.app, {
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ip: '8.8.8.8',
    });
    await phone.mutate('auth.signIn', { email, password: STRONG_PASSWORD });
    usedSecrets.add(phone.cookies.get(AUTH_COOKIES.refresh) ?? '');
    const list = await client.query<{
      sessions: {
        current: boolean;
        deviceType: string;
        browser: string;
        os: string;
        location: string | null;
      }[];
    }>('account.listSessions');
    expect(list.data?.sessions).toHaveLength(2);
    expect(list.data?.sessions.filter((s) => s.current)).toHaveLength(1);
    const mobile = list.data?.sessions.find((s) => s.deviceType === 'mobile');
    expect(mobile).toMatchObject({
      browser: expect.stringMatching(/Safari/),
      os: expect.stringMatching(/iOS/),
    });
    expect(mobile?.location).toMatch(/US/);
  });

  it('refuses a session revoked from another device on its very next request, on every API process', async () => {
    const { email, client: laptop } = await signedUp();
    const phone = new Client(h.apps[1] ?? h.app);
    await phone.mutate('auth.signIn', { email, password: STRONG_PASSWORD });
    expect((await phone.query('auth.me')).status).toBe(200);
    const sessions = (
      await laptop.query<{ sessions: { id: string; current: boolean }[] }>('account.listSessions')
    ).data?.sessions;
    const other = sessions?.find((s) => !s.current);
    expect((await laptop.mutate('account.revokeSession', { id: other?.id })).data).toEqual({ ok: true });
    const next = await phone.query('auth.me');
    expect(next.status).toBe(401);
    expect(next.error?.data.details?.authFailure).toBe('session_revoked');
    expect((await phone.on(h.app).query('auth.me')).status).toBe(401);
    expect((await laptop.query('auth.me')).status).toBe(200);
  });

  it("cannot revoke another user's session", async () => {
    const a = await signedUp();
    const b = await signedUp();
    const bSession = (await b.client.query<{ sessions: { id: string }[] }>('account.listSessions')).data
      ?.sessions[0];
    expect((await a.client.mutate('account.revokeSession', { id: bSession?.id })).error?.data.code).toBe(
      'NOT_FOUND',
    );
    expect((await b.client.query('auth.me')).status).toBe(200);
  });

  it('rotates the refresh token on every use; replaying a rotated one revokes the session for everyone', async () => {
    const { client } = await signedUp();
    const first = client.cookies.get(AUTH_COOKIES.refresh) ?? '';
    expect((await client.mutate('auth.refresh')).data).toEqual({ ok: true });
    const second = client.cookies.get(AUTH_COOKIES.refresh) ?? '';
    usedSecrets.add(second);
    expect(second).not.toBe(first);
    expect((await client.query('auth.me')).status).toBe(200);

    // An attacker replays the stolen, already rotated token (after the short grace for lost responses)…
    h.clock.advance(11_000);
    try {
      const thief = new Client(h.apps[1] ?? h.app);
      thief.cookies.set(AUTH_COOKIES.refresh, first);
      const replay = await thief.mutate('auth.refresh');
      expect(replay.error?.data.details?.authFailure).toBe('session_revoked');
      // …and the legitimate holder is signed out as well.
      const after = await client.query('auth.me');
      expect(after.status).toBe(401);
      expect((await client.mutate('auth.refresh')).status).toBe(401);
      const em = h.orm.em.fork();
      const row = await em.findOneOrFail(
        RefreshToken,
        { tokenHash: { $ne: '' }, rotatedAt: { $ne: null } },
        { orderBy: { createdAt: 'desc' } },
      );
      expect((await em.findOneOrFail(Session, { id: row.sessionId })).revokedReason).toBeTruthy();
    } finally {
      h.clock.advance(-11_000);
    }
  });

  it('rotates once under concurrent refreshes; a repeat within seconds (a lost response) is not treated as theft', async () => {
    const { client } = await signedUp();
    const token = client.cookies.get(AUTH_COOKIES.refresh) ?? '';
    const a = new Client(h.app);
    const b = new Client(h.apps[1] ?? h.app);
    for (const c of [a, b]) c.cookies.set(AUTH_COOKIES.refresh, token);
    const results = await Promise.all([a.mutate('auth.refresh'), b.mutate('auth.refresh')]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(a.cookies.get(AUTH_COOKIES.refresh)).not.toBe(b.cookies.get(AUTH_COOKIES.refresh));
    const em = h.orm.em.fork();
    const rotated = await em.findOneOrFail(RefreshToken, {
      tokenHash: refreshTokenHash({ secret: h.config.secret } as AuthSettings, token),
    });
    expect((await em.findOneOrFail(Session, { id: rotated.sessionId })).revokedAt).toBeNull();
    for (const c of [a, b]) usedSecrets.add(c.cookies.get(AUTH_COOKIES.refresh) ?? '');
  });

  it('tells an expired access token apart, so the dashboard can refresh', async () => {
    const { client } = await signedUp();
    h.clock.advance(16 * 60_000);
    try {
      const res = await client.query('auth.me');
      expect(res.error?.data.details?.authFailure).toBe('token_expired');
      expect((await client.mutate('auth.refresh')).status).toBe(200);
      usedSecrets.add(client.cookies.get(AUTH_COOKIES.refresh) ?? '');
      expect((await client.query('auth.me')).status).toBe(200);
    } finally {
      h.clock.advance(-16 * 60_000);
    }
  });

  it('expires a session after 30 days of inactivity', async () => {
    const { client } = await signedUp();
    h.clock.advance(31 * 86_400_000);
    try {
      const res = await client.mutate('auth.refresh');
      expect(res.status).toBe(401);
      expect(res.error?.data.details?.authFailure).toBe('session_expired');
    } finally {
      h.clock.advance(-31 * 86_400_000);
    }
  });

  it('signs out all other sessions on request and on a password change', async () => {
    const { email, client } = await signedUp();
    const others = [new Client(h.app), new Client(h.apps[1] ?? h.app)];
    for (const o of others) await o.mutate('auth.signIn', { email, password: STRONG_PASSWORD });
    expect((await client.mutate('account.revokeOtherSessions')).data).toEqual({ revoked: 2 });
    for (const o of others) expect((await o.query('auth.me')).status).toBe(401);

    const again = new Client(h.app);
    await again.mutate('auth.signIn', { email, password: STRONG_PASSWORD });
    const newPassword = 'Another-Strong-Pass-42';
    usedSecrets.add(newPassword);
    expect(
      (await client.mutate('account.changePassword', { currentPassword: 'nope', newPassword })).error?.data
        .code,
    ).toBe('UNAUTHENTICATED');
    expect(
      (await client.mutate('account.changePassword', { currentPassword: STRONG_PASSWORD, newPassword })).data,
    ).toEqual({ ok: true });
    expect((await again.query('auth.me')).status).toBe(401);
    expect((await client.query('auth.me')).status).toBe(200);
    expect(
      (await new Client(h.app).mutate('auth.signIn', { email, password: newPassword })).data,
    ).toMatchObject({ status: 'signed_in' });
  });

  it('signs out on sign-out', async () => {
    const { client } = await signedUp();
    expect((await client.mutate('auth.signOut')).data).toEqual({ ok: true });
    expect(client.cookies.has(AUTH_COOKIES.access)).toBe(false);
    expect((await client.query('auth.me')).status).toBe(401);
  });
});

describe('password reset', () => {
  it('answers the same for unknown addresses, and resets once with the emailed link, signing out everywhere', async () => {
    const { email, client } = await signedUp();
    expect(
      (await new Client(h.app).mutate('auth.requestPasswordReset', { email: uniqueEmail() })).data,
    ).toEqual({ ok: true });
    expect((await new Client(h.app).mutate('auth.requestPasswordReset', { email })).data).toEqual({
      ok: true,
    });
    const mail = (await h.mails()).find((m) => m.to === email && /reset/i.test(m.subject));
    const token = new URL(
      /https?:\/\/\S+reset-password\?token=[^\s"<]+/.exec(mail?.text ?? '')?.[0] ?? 'http://x',
    ).searchParams.get('token');
    expect(token).toBeTruthy();
    usedSecrets.add(token ?? '');
    const newPassword = 'Reset-Password-Strong-7';
    usedSecrets.add(newPassword);
    expect(
      (await new Client(h.app).mutate('auth.resetPassword', { token, newPassword: 'weak' })).error?.data.code,
    ).toBe('VALIDATION_FAILED');
    expect((await new Client(h.app).mutate('auth.resetPassword', { token, newPassword })).data).toEqual({
      ok: true,
    });
    expect(
      (await new Client(h.app).mutate('auth.resetPassword', { token, newPassword })).error?.data.code,
    ).toBe('BAD_REQUEST');
    expect((await client.query('auth.me')).status).toBe(401);
    expect(
      (await new Client(h.app).mutate('auth.signIn', { email, password: newPassword })).data,
    ).toMatchObject({ status: 'signed_in' });
  });

  it('refuses an expired reset link', async () => {
    const { email } = await signedUp();
    await new Client(h.app).mutate('auth.requestPasswordReset', { email });
    const mail = (await h.mails()).find((m) => m.to === email && /reset/i.test(m.subject));
    const token = new URL(
      /https?:\/\/\S+reset-password\?token=[^\s"<]+/.exec(mail?.text ?? '')?.[0] ?? 'http://x',
    ).searchParams.get('token');
    usedSecrets.add(token ?? '');
    h.clock.advance(61 * 60_000);
    try {
      expect(
        (
          await new Client(h.app).mutate('auth.resetPassword', {
            token,
            newPassword: 'Reset-Password-Strong-8',
          })
        ).error?.data.code,
      ).toBe('BAD_REQUEST');
    } finally {
      h.clock.advance(-61 * 60_000);
    }
  });
});
