// Sessions through the real API on two instances: the device list, revocation on the next request,
// refresh-token rotation and replay detection, expiry, and signing out other sessions.
import { AUTH_COOKIES } from '@postern/contracts';
import { type AuthSettings, refreshTokenHash } from '@postern/core';
import { RefreshToken, Session } from '@postern/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, type Harness, STRONG_PASSWORD } from './support/harness.ts';
import { authSuite, signedUpHelper } from './support/signed-in.ts';

// One harness for the file (two API servers), and the end-of-file secret scan (support/signed-in.ts).
const suite = authSuite({ instances: 2 });
const usedSecrets = suite.usedSecrets;
let h: Harness;
beforeAll(() => {
  h = suite.harness();
});
const signedUp = signedUpHelper(() => h, usedSecrets);

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
    // Counted: the token was rotated once (one rotation time, set by the winner of the compare-and-set),
    // and the session holds the original plus one new token per answer — no more.
    expect(rotated.rotatedAt).not.toBeNull();
    const tokens = await em.find(
      RefreshToken,
      { sessionId: rotated.sessionId },
      { orderBy: { createdAt: 'asc' } },
    );
    expect(tokens).toHaveLength(3);
    expect(tokens.filter((t) => t.rotatedAt !== null).map((t) => t.tokenHash)).toEqual([rotated.tokenHash]);
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
