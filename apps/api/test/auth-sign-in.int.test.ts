// Sign-in through the real API: uniform answers for unknown accounts and wrong passwords, per-account
// throttling and back-off, audit entries, CSRF protection, and __Host- cookies under https.
import { AUTH_COOKIES } from '@postern/contracts';
import { AuditEntry } from '@postern/db';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  type Harness,
  STRONG_PASSWORD,
  signUpIp,
  startHarness,
  uniqueEmail,
} from './support/harness.ts';
import { authSuite, signedUpHelper } from './support/signed-in.ts';

// One harness for the file (two API servers), and the end-of-file secret scan (support/signed-in.ts).
const suite = authSuite({ instances: 2 });
const usedSecrets = suite.usedSecrets;
let h: Harness;
beforeAll(() => {
  h = suite.harness();
});
const signedUp = signedUpHelper(() => h, usedSecrets);

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
