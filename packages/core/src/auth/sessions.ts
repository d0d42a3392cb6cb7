// Sessions: a short-lived signed access token (JWT, HS256) plus an opaque refresh token rotated on
// every use and stored only as a keyed hash. A rotated refresh token presented again means it was
// stolen: the whole session is revoked, signing out the thief and the legitimate holder alike.
// Every authenticated request reads its session row, so a revocation holds on the very next
// request on every API process.
import { hkdfSync } from 'node:crypto';
import { RefreshToken, Session, User } from '@postern/db';
import type { Config } from '@postern/runtime';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { recordAudit } from '../audit/record.ts';
import type { CoreContext } from '../context.ts';
import { keyedHash, randomToken } from '../crypto/index.ts';
import { DomainError } from '../errors.ts';
import { deletionPending } from './deletion-pending.ts';
import { describeDevice, locateIp } from './devices.ts';
import { ACCOUNT_DISABLED_MESSAGE } from './disabled.ts';

const ISSUER = 'postern';
const AUDIENCE = 'postern-dashboard';
/**
 * A rotated refresh token presented again this soon is a lost response (a reload cut the request
 * off after the server rotated), not theft: it gets a new pair instead of revoking the session.
 */
export const REFRESH_REUSE_GRACE_MS = 10_000;
/** lastActiveAt is written at most this often per session. */
const TOUCH_INTERVAL_MS = 60_000;

const jwtKeys = new Map<string, Uint8Array>();
function jwtKey(secret: string): Uint8Array {
  let key = jwtKeys.get(secret);
  if (!key) {
    key = new Uint8Array(hkdfSync('sha256', secret, 'postern', 'postern-access-token', 32));
    jwtKeys.set(secret, key);
  }
  return key;
}

/** The part of the configuration sessions and account emails work from. */
export type AuthSettings = Pick<
  Config,
  'secret' | 'accessTokenTtlSeconds' | 'sessionIdleMs' | 'sessionAbsoluteMs' | 'publicUrl'
>;

export const refreshTokenHash = (settings: AuthSettings, token: string) =>
  keyedHash(settings.secret, 'refresh-token', token);

export function unauthenticated(authFailure: string, message = 'Sign in to continue'): DomainError {
  return new DomainError('UNAUTHENTICATED', message, { authFailure });
}

export interface IssuedSession {
  session: Session;
  accessToken: string;
  accessExpiresAt: Date;
  refreshToken: string;
}

async function signAccessToken(ctx: CoreContext, userId: string, sessionId: string) {
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.config.accessTokenTtlSeconds * 1000);
  const token = await new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(jwtKey(ctx.config.secret));
  return { token, expiresAt };
}

function newRefreshToken(ctx: CoreContext, sessionId: string): string {
  const token = randomToken(32);
  ctx.em.create(RefreshToken, {
    tokenHash: refreshTokenHash(ctx.config, token),
    sessionId,
    rotatedAt: null,
  });
  return token;
}

/** Opens a session for the user (the caller flushes). */
export async function issueSession(ctx: CoreContext, userId: string): Promise<IssuedSession> {
  const now = ctx.clock.now();
  const device = describeDevice(ctx.meta.userAgent);
  const session = ctx.em.create(Session, {
    userId,
    lastActiveAt: now,
    expiresAt: new Date(now.getTime() + ctx.config.sessionAbsoluteMs),
    ip: ctx.meta.ip,
    userAgent: ctx.meta.userAgent?.slice(0, 512) ?? null,
    ...device,
    location: await locateIp(ctx.meta.ip),
    revokedAt: null,
    revokedReason: null,
  });
  const refreshToken = newRefreshToken(ctx, session.id);
  const access = await signAccessToken(ctx, userId, session.id);
  return { session, accessToken: access.token, accessExpiresAt: access.expiresAt, refreshToken };
}

function sessionProblem(ctx: CoreContext, session: Session | null): string | null {
  const now = ctx.clock.now().getTime();
  if (!session) return 'no_session';
  if (session.revokedAt) return 'session_revoked';
  if (session.expiresAt.getTime() <= now) return 'session_expired';
  if (session.lastActiveAt.getTime() + ctx.config.sessionIdleMs <= now) return 'session_expired';
  return null;
}

export interface Authenticated {
  user: User;
  session: Session;
}

/** Resolves the access token to a live session and its user, or throws UNAUTHENTICATED with the reason. */
export async function authenticate(
  ctx: CoreContext,
  accessToken: string,
  /** Open to an account whose deletion is pending (#28: only cancelling it, and its status). */
  options: { allowDeletionPending?: boolean } = {},
): Promise<Authenticated> {
  let claims: { sub?: string; sid?: unknown };
  try {
    const verified = await jwtVerify(accessToken, jwtKey(ctx.config.secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      currentDate: ctx.clock.now(),
    });
    claims = verified.payload;
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired)
      throw unauthenticated('token_expired', 'Your sign-in has expired');
    throw unauthenticated('no_session');
  }
  if (!claims.sub || typeof claims.sid !== 'string') throw unauthenticated('no_session');
  const session = await ctx.em.findOne(Session, { id: claims.sid, userId: claims.sub });
  const problem = sessionProblem(ctx, session);
  if (problem || !session) throw unauthenticated(problem ?? 'no_session');
  const user = await ctx.em.findOne(User, { id: session.userId });
  if (!user) throw unauthenticated('no_session');
  // Disabling revokes the sessions too; this holds even for a session opened in the same instant.
  if (user.disabledAt) throw unauthenticated('session_revoked', ACCOUNT_DISABLED_MESSAGE);
  // Deletion requested (#28): the account may sign in only to cancel; everything else is refused.
  if (user.deletionRequestedAt && !options.allowDeletionPending)
    throw deletionPending(user.deletionRequestedAt);
  const now = ctx.clock.now();
  if (now.getTime() - session.lastActiveAt.getTime() > TOUCH_INTERVAL_MS) {
    await ctx.em.nativeUpdate(Session, { id: session.id }, { lastActiveAt: now });
    session.lastActiveAt = now;
  }
  return { user, session };
}

/** Exchanges a refresh token for a new pair; replaying a rotated one revokes the session. */
export async function refreshSession(ctx: CoreContext, refreshToken: string): Promise<IssuedSession> {
  const hash = refreshTokenHash(ctx.config, refreshToken);
  const record = await ctx.em.findOne(RefreshToken, { tokenHash: hash });
  if (!record) throw unauthenticated('no_session');
  const now = ctx.clock.now();
  // Compare-and-set: of two uses of one token, exactly one rotates it.
  const claimed = await ctx.em.nativeUpdate(
    RefreshToken,
    { tokenHash: hash, rotatedAt: null },
    { rotatedAt: now },
  );
  const session = await ctx.em.findOne(Session, { id: record.sessionId });
  // The loser of a race read the row before the winner rotated it: read the rotation time afresh.
  const rotatedAt =
    claimed === 0
      ? ((await ctx.em.fork().findOne(RefreshToken, { tokenHash: hash }))?.rotatedAt ?? null)
      : null;
  const withinGrace = rotatedAt !== null && now.getTime() - rotatedAt.getTime() < REFRESH_REUSE_GRACE_MS;
  if (claimed === 0 && !withinGrace) {
    if (session && !session.revokedAt) {
      await revokeSessionRow(ctx, session, 'refresh_token_reused');
      recordAudit(ctx.em, ctx.clock, {
        type: 'auth.refresh_token_reused',
        actorId: session.userId,
        target: { type: 'session', id: session.id },
        meta: ctx.meta,
      });
      await ctx.em.flush();
    }
    throw unauthenticated('session_revoked', 'This session was signed out for your security');
  }
  const problem = sessionProblem(ctx, session);
  if (problem || !session) throw unauthenticated(problem ?? 'no_session');
  session.lastActiveAt = now;
  const token = newRefreshToken(ctx, session.id);
  const access = await signAccessToken(ctx, session.userId, session.id);
  await ctx.em.flush();
  return { session, accessToken: access.token, accessExpiresAt: access.expiresAt, refreshToken: token };
}

async function revokeSessionRow(ctx: CoreContext, session: Session, reason: string) {
  const now = ctx.clock.now();
  await ctx.em.nativeUpdate(
    Session,
    { id: session.id, revokedAt: null },
    { revokedAt: now, revokedReason: reason },
  );
  session.revokedAt = now;
  session.revokedReason = reason;
}

export async function listSessions(ctx: CoreContext, userId: string) {
  const now = ctx.clock.now().getTime();
  const sessions = await ctx.em.find(
    Session,
    { userId, revokedAt: null },
    { orderBy: { lastActiveAt: 'desc' } },
  );
  return sessions.filter(
    (session) => sessionProblem(ctx, session) === null && session.expiresAt.getTime() > now,
  );
}

/** Revokes one of the user's own sessions (another user's id is NOT_FOUND). */
export async function revokeSession(ctx: CoreContext, userId: string, sessionId: string): Promise<void> {
  const session = await ctx.em.findOne(Session, { id: sessionId, userId, revokedAt: null });
  if (!session) throw new DomainError('NOT_FOUND', 'No such active session');
  await revokeSessionRow(ctx, session, 'revoked_by_user');
  recordAudit(ctx.em, ctx.clock, {
    type: 'auth.session_revoked',
    actorId: userId,
    target: { type: 'session', id: sessionId },
    meta: ctx.meta,
  });
  await ctx.em.flush();
}

/** Revokes every live session of the user except `keepSessionId` (all of them when null). */
export async function revokeOtherSessions(
  ctx: CoreContext,
  userId: string,
  keepSessionId: string | null,
  reason: string,
): Promise<number> {
  const where = keepSessionId
    ? { userId, revokedAt: null, id: { $ne: keepSessionId } }
    : { userId, revokedAt: null };
  return ctx.em.nativeUpdate(Session, where, { revokedAt: ctx.clock.now(), revokedReason: reason });
}

/** "Sign out everywhere else": every other live session of the user revoked, and audited. */
export async function signOutOtherSessions(
  ctx: CoreContext,
  userId: string,
  keepSessionId: string,
): Promise<number> {
  const revoked = await revokeOtherSessions(ctx, userId, keepSessionId, 'signed_out_by_user');
  recordAudit(ctx.em, ctx.clock, {
    type: 'auth.sessions_revoked',
    actorId: userId,
    meta: ctx.meta,
    metadata: { revoked },
  });
  await ctx.em.flush();
  return revoked;
}

export async function signOut(ctx: CoreContext, sessionId: string): Promise<void> {
  await ctx.em.nativeUpdate(
    Session,
    { id: sessionId, revokedAt: null },
    { revokedAt: ctx.clock.now(), revokedReason: 'signed_out' },
  );
}
