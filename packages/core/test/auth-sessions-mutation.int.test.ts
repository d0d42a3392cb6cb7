// Sessions in-process, with the exact figures and reasons mutation testing (issue #25, `pnpm mutation
// --mutate 'packages/core/src/auth/sessions.ts'`) needs pinned: the access token's claims and expiry,
// every reason authenticate refuses with (and its boundaries: absolute end, idle end), the once-a-minute
// activity write, refresh rotation with its 10-second grace and the theft response (revocation and its
// audit entry, once), and which sessions each revocation touches. Real PostgreSQL; manual clock.
import { hkdfSync } from 'node:crypto';
import { RefreshToken, Session } from '@postern/db';
import { decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { RequestMeta } from '../src/audit/record.ts';
import { ACCOUNT_DISABLED_MESSAGE } from '../src/auth/disabled.ts';
import {
  authenticate,
  issueSession,
  listSessions,
  REFRESH_REUSE_GRACE_MS,
  refreshSession,
  refreshTokenHash,
  revokeOtherSessions,
  revokeSession,
  signOut,
  signOutOtherSessions,
} from '../src/auth/sessions.ts';
import { coreWorld } from './support/auth-context.ts';
import { domainErrorOf } from './support/domain-error.ts';

const world = coreWorld();
const META = {
  ip: '203.0.113.9',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
};
const MINUTE = 60_000;
const DAY = 86_400_000;

async function opened(userId?: string, meta: RequestMeta = META) {
  const w = world();
  const id = userId ?? (await w.user()).id;
  const ctx = w.ctx(meta);
  const issued = await issueSession(ctx, id);
  await ctx.em.flush();
  return { userId: id, ...issued };
}

const stored = (id: string) => world().orm.em.fork().findOneOrFail(Session, { id });

/** The refusal: its code, reason (authFailure) and message. */
async function refusal(attempt: Promise<unknown>) {
  const error = await domainErrorOf(attempt);
  return { code: error.code, reason: error.details?.authFailure, message: error.message };
}
const signIn = (reason: string, message = 'Sign in to continue') => ({
  code: 'UNAUTHENTICATED',
  reason,
  message,
});

/** The access-token key, derived independently: HKDF-SHA256 of the secret, salt "postern". */
const accessKey = () =>
  new Uint8Array(hkdfSync('sha256', world().config.secret, 'postern', 'postern-access-token', 32));

/** An access token for `claims`, signed like the server's (HKDF of the secret) unless told otherwise. */
function forged(
  claims: Record<string, unknown>,
  options: { issuer?: string; audience?: string; alg?: string } = {},
) {
  const w = world();
  const key = accessKey();
  const now = Math.floor(w.clock.ms / 1000);
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .setIssuer(options.issuer ?? 'postern')
    .setAudience(options.audience ?? 'postern-dashboard');
  if (typeof claims.sub === 'string') jwt = jwt.setSubject(claims.sub);
  return jwt.sign(key);
}

describe('issueSession', () => {
  it('opens a session with its absolute end, device and address, and a hashed refresh token', async () => {
    const w = world();
    const longAgent = `${META.userAgent} ${'x'.repeat(600)}`;
    const { userId, session, accessToken, accessExpiresAt, refreshToken } = await opened(undefined, {
      ip: META.ip,
      userAgent: longAgent,
    });
    const now = w.clock.ms;
    const seconds = Math.floor(now / 1000);
    const row = await stored(session.id);
    expect(row.userId).toBe(userId);
    expect(row.lastActiveAt.getTime()).toBe(now);
    expect(row.expiresAt.getTime()).toBe(now + 90 * DAY);
    expect(row.ip).toBe(META.ip);
    expect(row.userAgent).toBe(longAgent.slice(0, 512));
    expect(row.browser).toBe('Firefox 128');
    expect(row.revokedAt).toBeNull();
    expect(row.revokedReason).toBeNull();
    expect(accessExpiresAt.getTime()).toBe(now + 900_000);
    expect(decodeProtectedHeader(accessToken)).toEqual({ alg: 'HS256', typ: 'JWT' });
    // The first token of the file: the key derivation is checked here, before it is cached.
    await jwtVerify(accessToken, accessKey(), { currentDate: w.clock.now() });
    expect(decodeJwt(accessToken)).toEqual({
      sid: session.id,
      sub: userId,
      iss: 'postern',
      aud: 'postern-dashboard',
      iat: seconds,
      exp: seconds + 900,
    });
    const token = await w.orm.em.fork().findOneOrFail(RefreshToken, { sessionId: session.id });
    expect(token.tokenHash).toBe(refreshTokenHash(w.config, refreshToken));
    expect(token.tokenHash).not.toContain(refreshToken);
    expect(token.rotatedAt).toBeNull();
  });

  it('without a user agent or address: an unknown device, nothing stored', async () => {
    const { session } = await opened(undefined, { ip: null, userAgent: null });
    const row = await stored(session.id);
    expect([row.ip, row.userAgent, row.location, row.deviceType]).toEqual([null, null, null, 'unknown']);
  });
});

describe('authenticate', () => {
  it('resolves a fresh token to its session and user', async () => {
    const { userId, session, accessToken } = await opened();
    const result = await authenticate(world().ctx(), accessToken);
    expect(result.user.id).toBe(userId);
    expect(result.session.id).toBe(session.id);
  });

  it('an expired token is token_expired; a token from the future of its expiry by one second still is', async () => {
    const w = world();
    const { accessToken } = await opened();
    w.clock.advance(899_000);
    await authenticate(w.ctx(), accessToken);
    w.clock.advance(1000);
    expect(await refusal(authenticate(w.ctx(), accessToken))).toEqual(
      signIn('token_expired', 'Your sign-in has expired'),
    );
  });

  it('refuses tokens that are not the server’s own: no_session', async () => {
    const w = world();
    const { userId, session } = await opened();
    const claims = { sub: userId, sid: session.id };
    await authenticate(w.ctx(), await forged(claims));
    for (const token of [
      'not-a-token',
      await forged(claims, { issuer: 'someone-else' }),
      await forged(claims, { audience: 'postern-public-api' }),
      await forged(claims, { alg: 'HS512' }),
      await forged({ sid: session.id }),
      await forged({ sub: userId }),
      await forged({ sub: userId, sid: 42 }),
    ])
      expect(await refusal(authenticate(w.ctx(), token))).toEqual(signIn('no_session'));
  });

  it("a session id paired with another user's id is no_session", async () => {
    const w = world();
    const mine = await opened();
    const other = await w.user();
    const token = await forged({ sub: other.id, sid: mine.session.id });
    expect(await refusal(authenticate(w.ctx(), token))).toEqual(signIn('no_session'));
  });

  it('a revoked session is session_revoked', async () => {
    const w = world();
    const { userId, session, accessToken } = await opened();
    await revokeSession(w.ctx(), userId, session.id);
    expect(await refusal(authenticate(w.ctx(), accessToken))).toEqual(signIn('session_revoked'));
  });

  it('the absolute end and the idle end are exact: expired at the millisecond they are reached', async () => {
    const w = world();
    const { session, accessToken } = await opened();
    const em = w.orm.em.fork();
    const now = w.clock.ms;
    await em.nativeUpdate(Session, { id: session.id }, { expiresAt: new Date(now + 1) });
    await authenticate(w.ctx(), accessToken);
    await em.nativeUpdate(Session, { id: session.id }, { expiresAt: new Date(now) });
    expect(await refusal(authenticate(w.ctx(), accessToken))).toEqual(signIn('session_expired'));
    await em.nativeUpdate(
      Session,
      { id: session.id },
      { expiresAt: new Date(now + DAY), lastActiveAt: new Date(now - 30 * DAY + 1) },
    );
    await authenticate(w.ctx(), accessToken);
    await em.nativeUpdate(Session, { id: session.id }, { lastActiveAt: new Date(now - 30 * DAY) });
    expect(await refusal(authenticate(w.ctx(), accessToken))).toEqual(signIn('session_expired'));
  });

  it('writes the activity time at most once a minute', async () => {
    const w = world();
    const { userId, session, accessToken } = await opened();
    const other = await opened(userId);
    const start = w.clock.ms;
    w.clock.advance(MINUTE);
    const first = await authenticate(w.ctx(), accessToken);
    expect(first.session.lastActiveAt.getTime()).toBe(start);
    expect((await stored(session.id)).lastActiveAt.getTime()).toBe(start);
    w.clock.advance(1);
    const second = await authenticate(w.ctx(), accessToken);
    expect(second.session.lastActiveAt.getTime()).toBe(start + MINUTE + 1);
    expect((await stored(session.id)).lastActiveAt.getTime()).toBe(start + MINUTE + 1);
    expect((await stored(other.session.id)).lastActiveAt.getTime()).toBe(start);
  });

  it('a session whose user is gone is no_session', async () => {
    const w = world();
    const { userId, accessToken } = await opened();
    await w.sql('delete from app_user where id = ?', [userId]);
    expect(await refusal(authenticate(w.ctx(), accessToken))).toEqual(signIn('no_session'));
  });

  it('a disabled account: its sessions are refused at once', async () => {
    const w = world();
    const { userId, accessToken } = await opened();
    await w.sql('update app_user set disabled_at = ? where id = ?', [w.clock.now(), userId]);
    expect(await refusal(authenticate(w.ctx(), accessToken))).toEqual(
      signIn('session_revoked', ACCOUNT_DISABLED_MESSAGE),
    );
  });
});

describe('refreshSession', () => {
  it('rotates: a new pair, the old token marked, the session active now', async () => {
    const w = world();
    const { session, refreshToken } = await opened();
    // Half a second past a whole second: the token's times are rounded down.
    w.clock.ms = Math.floor(w.clock.ms / 1000) * 1000 + 5 * MINUTE + 500;
    const now = w.clock.ms;
    const next = await refreshSession(w.ctx(), refreshToken);
    expect(next.session.id).toBe(session.id);
    expect(next.refreshToken).not.toBe(refreshToken);
    expect(next.accessExpiresAt.getTime()).toBe(now + 900_000);
    expect(decodeJwt(next.accessToken)).toMatchObject({
      sid: session.id,
      iat: Math.floor(now / 1000),
      exp: Math.floor(now / 1000) + 900,
    });
    expect((await stored(session.id)).lastActiveAt.getTime()).toBe(now);
    const em = w.orm.em.fork();
    const old = await em.findOneOrFail(RefreshToken, { tokenHash: refreshTokenHash(w.config, refreshToken) });
    expect(old.rotatedAt?.getTime()).toBe(now);
    const fresh = await em.findOneOrFail(RefreshToken, {
      tokenHash: refreshTokenHash(w.config, next.refreshToken),
    });
    expect(fresh.rotatedAt).toBeNull();
    expect(await refusal(refreshSession(w.ctx(), 'unknown-token'))).toEqual(signIn('no_session'));
  });

  it('a rotated token presented again within 10 s gets a new pair; at 10 s it revokes the session, audited once', async () => {
    const w = world();
    const { userId, session, refreshToken } = await opened(undefined, META);
    const sibling = await opened(userId);
    await refreshSession(w.ctx(), refreshToken);
    w.clock.advance(REFRESH_REUSE_GRACE_MS - 1);
    const retried = await refreshSession(w.ctx(), refreshToken);
    expect(retried.session.id).toBe(session.id);
    expect((await stored(session.id)).revokedAt).toBeNull();
    w.clock.advance(1);
    const theft = await refusal(refreshSession(w.ctx(META), refreshToken));
    expect(theft).toEqual(signIn('session_revoked', 'This session was signed out for your security'));
    const row = await stored(session.id);
    expect(row.revokedAt?.getTime()).toBe(w.clock.ms);
    expect(row.revokedReason).toBe('refresh_token_reused');
    expect((await stored(sibling.session.id)).revokedAt).toBeNull();
    expect(await refusal(refreshSession(w.ctx(), retried.refreshToken))).toEqual(signIn('session_revoked'));
    // Presented again: refused, not audited twice.
    expect(await refusal(refreshSession(w.ctx(META), refreshToken))).toEqual(theft);
    const entries = await w.audited({ actorId: userId, eventType: 'auth.refresh_token_reused' });
    expect(entries.map((e) => [e.targetType, e.targetId, e.ip, e.userAgent])).toEqual([
      ['session', session.id, META.ip, META.userAgent],
    ]);
  });

  it('an expired session cannot be refreshed', async () => {
    const w = world();
    const { session, refreshToken } = await opened();
    await w.orm.em.fork().nativeUpdate(Session, { id: session.id }, { expiresAt: w.clock.now() });
    expect(await refusal(refreshSession(w.ctx(), refreshToken))).toEqual(signIn('session_expired'));
  });
});

describe('revocations', () => {
  it('listSessions: the live sessions of the user, most recently active first', async () => {
    const w = world();
    const a = await opened();
    w.clock.advance(2 * MINUTE);
    const b = await opened(a.userId);
    w.clock.advance(2 * MINUTE);
    const c = await opened(a.userId);
    await opened();
    await authenticate(w.ctx(), a.accessToken);
    await signOut(w.ctx(), c.session.id);
    expect((await listSessions(w.ctx(), a.userId)).map((s) => s.id)).toEqual([a.session.id, b.session.id]);
    // Idle for 30 days (its absolute end still ahead), then at its absolute end: no longer listed.
    const em = w.orm.em.fork();
    await em.nativeUpdate(Session, { id: b.session.id }, { lastActiveAt: new Date(w.clock.ms - 30 * DAY) });
    expect((await listSessions(w.ctx(), a.userId)).map((s) => s.id)).toEqual([a.session.id]);
    await em.nativeUpdate(Session, { id: a.session.id }, { expiresAt: w.clock.now() });
    expect(await listSessions(w.ctx(), a.userId)).toEqual([]);
  });

  it("revokeSession: one of the user's own live sessions, audited; anything else is NOT_FOUND", async () => {
    const w = world();
    const mine = await opened(undefined, META);
    const theirs = await opened();
    const notFound = { code: 'NOT_FOUND', reason: undefined, message: 'No such active session' };
    expect(await refusal(revokeSession(w.ctx(), mine.userId, theirs.session.id))).toEqual(notFound);
    expect((await stored(theirs.session.id)).revokedAt).toBeNull();
    w.clock.advance(MINUTE);
    await revokeSession(w.ctx(META), mine.userId, mine.session.id);
    const row = await stored(mine.session.id);
    expect([row.revokedAt?.getTime(), row.revokedReason]).toEqual([w.clock.ms, 'revoked_by_user']);
    expect(await refusal(revokeSession(w.ctx(), mine.userId, mine.session.id))).toEqual(notFound);
    expect((await stored(theirs.session.id)).revokedAt).toBeNull();
    const entries = await w.audited({ actorId: mine.userId, eventType: 'auth.session_revoked' });
    expect(entries.map((e) => [e.targetType, e.targetId, e.ip])).toEqual([
      ['session', mine.session.id, META.ip],
    ]);
  });

  it('revokeOtherSessions keeps the one named (or none), with the reason; signOutOtherSessions audits the count', async () => {
    const w = world();
    const a = await opened();
    const b = await opened(a.userId);
    const c = await opened(a.userId);
    const bystander = await opened();
    await signOut(w.ctx(), c.session.id);
    expect(await signOutOtherSessions(w.ctx(META), a.userId, a.session.id)).toBe(1);
    expect((await stored(a.session.id)).revokedAt).toBeNull();
    expect((await stored(b.session.id)).revokedReason).toBe('signed_out_by_user');
    expect((await stored(c.session.id)).revokedReason).toBe('signed_out');
    expect((await stored(bystander.session.id)).revokedAt).toBeNull();
    const [entry] = await w.audited({ actorId: a.userId, eventType: 'auth.sessions_revoked' });
    expect([entry?.metadata, entry?.ip]).toEqual([{ revoked: 1 }, META.ip]);
    w.clock.advance(MINUTE);
    expect(await revokeOtherSessions(w.ctx(), a.userId, null, 'password_changed')).toBe(1);
    const row = await stored(a.session.id);
    expect([row.revokedAt?.getTime(), row.revokedReason]).toEqual([w.clock.ms, 'password_changed']);
    expect((await stored(bystander.session.id)).revokedAt).toBeNull();
  });

  it('signOut revokes the session now, and leaves an already revoked one as it was', async () => {
    const w = world();
    const { session } = await opened();
    await signOut(w.ctx(), session.id);
    const at = w.clock.ms;
    w.clock.advance(MINUTE);
    await signOut(w.ctx(), session.id);
    const row = await stored(session.id);
    expect([row.revokedAt?.getTime(), row.revokedReason]).toEqual([at, 'signed_out']);
  });
});
