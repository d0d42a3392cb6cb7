// Sign-up, sign-in (with the second-factor step), password change and reset, email verification.
// Unknown accounts and wrong passwords get the same answer in similar time.
import type { User as UserDto } from '@postern/contracts';
import { EmailToken, User } from '@postern/db';
import { recordAudit } from '../audit/record.ts';
import type { CoreContext } from '../context.ts';
import { keyedHash, randomToken } from '../crypto/index.ts';
import { DomainError } from '../errors.ts';
import {
  passwordChangedNotice,
  passwordResetMessage,
  signUpAttemptNotice,
  verifyEmailMessage,
} from '../system-mail/index.ts';
import { invitationProvesEmail } from '../workspaces/members.ts';
import { createWorkspace, defaultWorkspaceName } from '../workspaces/workspaces.ts';
import { erasureDate } from './deletion-pending.ts';
import { accountDisabled } from './disabled.ts';
import { noticeNewDevice } from './new-device.ts';
import { assertPasswordPolicy, hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.ts';
import { type IssuedSession, issueSession, revokeOtherSessions } from './sessions.ts';
import { LIMITS, reserveSignUp, SignInThrottle } from './throttle.ts';
import { startChallenge } from './two-factor.ts';

const VERIFY_EMAIL_TTL_MS = 48 * 60 * 60_000;
const RESET_TTL_MS = 60 * 60_000;
const RESET_REQUESTS_PER_HOUR = 5;

export function toUserDto(user: User): UserDto {
  return {
    id: user.id,
    email: user.email,
    emailVerified: Boolean(user.emailVerifiedAt),
    twoFactorEnabled: Boolean(user.totpEnabledAt),
    createdAt: user.createdAt.toISOString(),
    deletionScheduledFor: user.deletionRequestedAt
      ? erasureDate(user.deletionRequestedAt).toISOString()
      : null,
  };
}

const emailTokenHash = (ctx: CoreContext, token: string) =>
  keyedHash(ctx.config.secret, 'email-token', token);

function createEmailToken(
  ctx: CoreContext,
  userId: string,
  purpose: 'verify_email' | 'reset_password',
  ttlMs: number,
) {
  const token = randomToken(32);
  ctx.em.create(EmailToken, {
    tokenHash: emailTokenHash(ctx, token),
    userId,
    purpose,
    expiresAt: new Date(ctx.clock.now().getTime() + ttlMs),
    usedAt: null,
  });
  return token;
}

/** Uses a token once (compare-and-set); returns its user id, or throws a clear BAD_REQUEST. */
async function consumeEmailToken(
  ctx: CoreContext,
  token: string,
  purpose: 'verify_email' | 'reset_password',
) {
  const hash = emailTokenHash(ctx, token);
  const now = ctx.clock.now();
  const record = await ctx.em.findOne(EmailToken, { tokenHash: hash, purpose });
  const used = await ctx.em.nativeUpdate(
    EmailToken,
    { tokenHash: hash, purpose, usedAt: null, expiresAt: { $gt: now } },
    { usedAt: now },
  );
  if (!record || used !== 1) {
    throw new DomainError('BAD_REQUEST', 'This link is invalid, expired or already used. Request a new one.');
  }
  return record.userId;
}

const link = (ctx: CoreContext, path: string, token: string) =>
  `${ctx.config.publicUrl}${path}?token=${encodeURIComponent(token)}`;

/**
 * Creates an account and mails the verification link; it does not sign in. The answer is the same
 * whether or not the address already has an account (the password is hashed either way, so the
 * timing matches too): an existing owner is mailed "someone tried to sign up with your address"
 * instead, at most once per address per hour. Sign-ups are throttled per IP address. Signing up
 * from an invitation sent to the address proves it: the account starts verified, no link is mailed.
 */
export async function signUp(
  ctx: CoreContext,
  input: { email: string; password: string; invitationToken?: string | undefined },
): Promise<void> {
  assertPasswordPolicy(input.password);
  await reserveSignUp(ctx.kv, ctx.meta.ip);
  const passwordHash = await hashPassword(input.password);
  const existing = await ctx.em.findOne(User, { email: input.email });
  if (existing) {
    await notifySignUpAttempt(ctx, existing);
    return;
  }
  const proven = input.invitationToken
    ? await invitationProvesEmail(ctx, input.invitationToken, input.email)
    : false;
  const user = ctx.em.create(User, {
    email: input.email,
    passwordHash,
    passwordChangedAt: ctx.clock.now(),
    emailVerifiedAt: proven ? ctx.clock.now() : null,
    totpSecret: null,
    totpEnabledAt: null,
    totpLastStep: null,
  });
  const token = proven ? null : createEmailToken(ctx, user.id, 'verify_email', VERIFY_EMAIL_TTL_MS);
  recordAudit(ctx.em, ctx.clock, {
    type: 'auth.signed_up',
    actorId: user.id,
    meta: ctx.meta,
    ...(proven ? { metadata: { emailVerifiedBy: 'invitation' } } : {}),
  });
  // Every account starts with a workspace of its own.
  createWorkspace(ctx, user.id, defaultWorkspaceName(user.email));
  try {
    await ctx.em.flush();
  } catch (error) {
    if ((error as { name?: string }).name === 'UniqueConstraintViolationException') {
      // A concurrent sign-up with the same address won: answer as for any existing account.
      ctx.em.clear();
      const winner = await ctx.em.findOne(User, { email: input.email });
      if (winner) await notifySignUpAttempt(ctx, winner);
      return;
    }
    throw error;
  }
  if (token)
    await ctx.sendMail(verifyEmailMessage({ to: user.email, link: link(ctx, '/verify-email', token) }));
}

/** Tells an account's owner someone tried to sign up with the address (rate-limited per address). */
async function notifySignUpAttempt(ctx: CoreContext, user: User): Promise<void> {
  const count = await ctx.kv.incr(
    `auth:signup-notice:${keyedHash(ctx.config.secret, 'throttle-signup-notice', user.email)}`,
    LIMITS.signUpNoticeWindowSeconds,
  );
  if (count > LIMITS.signUpNoticesPerAddress) return;
  await ctx.sendMail(
    signUpAttemptNotice({ to: user.email, when: ctx.clock.now(), ip: ctx.meta.ip ?? undefined }),
  );
}

export type SignInResult =
  | { status: 'signed_in'; user: User; issued: IssuedSession }
  | { status: 'two_factor_required'; challengeId: string; expiresAt: Date };

export async function signIn(
  ctx: CoreContext,
  input: { email: string; password: string },
): Promise<SignInResult> {
  const throttle = new SignInThrottle(ctx.kv);
  const accountKey = keyedHash(ctx.config.secret, 'throttle-account', input.email);
  await throttle.reserve(accountKey, ctx.meta.ip);
  const user = await ctx.em.findOne(User, { email: input.email });
  const ok = user
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyAgainstDummy(input.password);
  if (!user || !ok) {
    await throttle.failed(accountKey);
    recordAudit(ctx.em, ctx.clock, {
      type: 'auth.login_failed',
      actorId: user?.id ?? null,
      meta: ctx.meta,
      metadata: { reason: user ? 'wrong_password' : 'unknown_account' },
    });
    await ctx.em.flush();
    throw new DomainError('UNAUTHENTICATED', 'Invalid email or password', {
      authFailure: 'invalid_credentials',
    });
  }
  await throttle.succeeded(accountKey);
  if (user.disabledAt) {
    // Disabled by the instance operator (postern admin): said only to someone who knows the password.
    recordAudit(ctx.em, ctx.clock, {
      type: 'auth.login_failed',
      actorId: user.id,
      meta: ctx.meta,
      metadata: { reason: 'account_disabled' },
    });
    await ctx.em.flush();
    throw accountDisabled();
  }
  if (user.totpEnabledAt) {
    const challenge = await startChallenge(ctx, user.id);
    return { status: 'two_factor_required', ...challenge };
  }
  const issued = await issueSession(ctx, user.id);
  recordAudit(ctx.em, ctx.clock, {
    type: 'auth.login_succeeded',
    actorId: user.id,
    target: { type: 'session', id: issued.session.id },
    meta: ctx.meta,
    metadata: { method: 'password' },
  });
  await ctx.em.flush();
  await noticeNewDevice(ctx, user, issued.session);
  return { status: 'signed_in', user, issued };
}

/**
 * Checks the signed-in user's password, throttled like sign-in (per account and IP); a wrong one
 * throws UNAUTHENTICATED (`wrong_password`) with `message`.
 */
export async function requireCurrentPassword(
  ctx: CoreContext,
  user: User,
  password: string,
  message = 'The current password is not correct',
): Promise<void> {
  const throttle = new SignInThrottle(ctx.kv);
  const accountKey = keyedHash(ctx.config.secret, 'throttle-account', user.email);
  await throttle.reserve(accountKey, ctx.meta.ip);
  if (!(await verifyPassword(user.passwordHash, password))) {
    await throttle.failed(accountKey);
    throw new DomainError('UNAUTHENTICATED', message, { authFailure: 'wrong_password' });
  }
  await throttle.succeeded(accountKey);
}

/** Changes the password (the current one is required) and signs out every other session. */
export async function changePassword(
  ctx: CoreContext,
  user: User,
  sessionId: string,
  input: { currentPassword: string; newPassword: string },
): Promise<number> {
  await requireCurrentPassword(ctx, user, input.currentPassword);
  assertPasswordPolicy(input.newPassword);
  return setPassword(ctx, user, input.newPassword, {
    keepSessionId: sessionId,
    event: 'auth.password_changed',
  });
}

/** Stores a new password, signs out the other sessions (all of them when none is kept), audits, notifies. */
async function setPassword(
  ctx: CoreContext,
  user: User,
  newPassword: string,
  options: { keepSessionId: string | null; event: 'auth.password_changed' | 'auth.password_reset' },
): Promise<number> {
  user.passwordHash = await hashPassword(newPassword);
  user.passwordChangedAt = ctx.clock.now();
  const reason = options.event === 'auth.password_reset' ? 'password_reset' : 'password_changed';
  const revoked = await revokeOtherSessions(ctx, user.id, options.keepSessionId, reason);
  recordAudit(ctx.em, ctx.clock, {
    type: options.event,
    actorId: user.id,
    meta: ctx.meta,
    metadata: { sessionsRevoked: revoked },
  });
  await ctx.em.flush();
  await ctx.sendMail(
    passwordChangedNotice({ to: user.email, when: ctx.clock.now(), ip: ctx.meta.ip ?? undefined }),
  );
  return revoked;
}

/** Always answers the same way; mails a single-use link when the account exists. */
export async function requestPasswordReset(ctx: CoreContext, input: { email: string }): Promise<void> {
  const count = await ctx.kv.incr(
    `auth:reset:${keyedHash(ctx.config.secret, 'throttle-reset', input.email)}`,
    3600,
  );
  if (count > RESET_REQUESTS_PER_HOUR) return;
  const user = await ctx.em.findOne(User, { email: input.email });
  if (!user) return;
  const token = createEmailToken(ctx, user.id, 'reset_password', RESET_TTL_MS);
  await ctx.em.flush();
  await ctx.sendMail(
    passwordResetMessage({
      to: user.email,
      link: link(ctx, '/reset-password', token),
      expiresInMinutes: RESET_TTL_MS / 60_000,
    }),
  );
}

/**
 * Sets a new password from a reset link. It signs out every session and does not sign in: the
 * user then signs in normally, second factor included, so a reset never bypasses 2FA.
 */
export async function resetPassword(
  ctx: CoreContext,
  input: { token: string; newPassword: string },
): Promise<void> {
  assertPasswordPolicy(input.newPassword);
  const userId = await consumeEmailToken(ctx, input.token, 'reset_password');
  const user = await ctx.em.findOneOrFail(User, { id: userId });
  await setPassword(ctx, user, input.newPassword, { keepSessionId: null, event: 'auth.password_reset' });
}

export async function verifyEmail(ctx: CoreContext, input: { token: string }): Promise<void> {
  const userId = await consumeEmailToken(ctx, input.token, 'verify_email');
  const user = await ctx.em.findOneOrFail(User, { id: userId });
  user.emailVerifiedAt ??= ctx.clock.now();
  recordAudit(ctx.em, ctx.clock, { type: 'auth.email_verified', actorId: user.id, meta: ctx.meta });
  await ctx.em.flush();
}

export async function resendVerification(ctx: CoreContext, user: User): Promise<void> {
  if (user.emailVerifiedAt) return;
  const count = await ctx.kv.incr(`auth:verify-resend:${user.id}`, 3600);
  if (count > RESET_REQUESTS_PER_HOUR)
    throw new DomainError('RATE_LIMITED', 'Too many emails sent. Try again later.', {
      retryAfterSeconds: await ctx.kv.ttl(`auth:verify-resend:${user.id}`),
    });
  const token = createEmailToken(ctx, user.id, 'verify_email', VERIFY_EMAIL_TTL_MS);
  await ctx.em.flush();
  await ctx.sendMail(verifyEmailMessage({ to: user.email, link: link(ctx, '/verify-email', token) }));
}
