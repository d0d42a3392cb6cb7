// TOTP (otplib) with a replay guard, and single-use recovery codes stored as keyed hashes.
// Both "use once" rules are compare-and-set updates in PostgreSQL, so they hold under concurrency.
import { RecoveryCode, TwoFactorChallenge, User } from '@postern/db';
import { generateSecret, generateURI, verify } from 'otplib';
import { recordAudit } from '../audit/record.ts';
import type { CoreContext } from '../context.ts';
import { encryptionContext, keyedHash, randomToken } from '../crypto/index.ts';
import { DomainError } from '../errors.ts';
import { recoveryCodeUsedNotice } from '../system-mail/messages.ts';
import { assertNotDisabled } from './disabled.ts';
import { noticeNewDevice } from './new-device.ts';
import { verifyPassword } from './passwords.ts';
import { qrCodeDataUrl } from './qr-code.ts';
import { type IssuedSession, issueSession, revokeOtherSessions, unauthenticated } from './sessions.ts';
import { TwoFactorThrottle } from './throttle.ts';

export const RECOVERY_CODE_COUNT = 10;
/** 15 random bytes = 120 bits per code, shown as 24 base32 characters in groups of four. */
const RECOVERY_CODE_BYTES = 15;
export const CHALLENGE_TTL_MS = 5 * 60_000;
export const CHALLENGE_MAX_ATTEMPTS = 5;
const ISSUER = 'Postern';

const totpContext = (userId: string) => encryptionContext('app_user', userId, 'totp_secret');
const recoveryHash = (ctx: Pick<CoreContext, 'config'>, code: string) =>
  keyedHash(ctx.config.secret, 'recovery-code', code);
export const challengeHash = (ctx: Pick<CoreContext, 'config'>, id: string) =>
  keyedHash(ctx.config.secret, 'two-factor-challenge', id);

const normaliseRecoveryCode = (code: string) => code.replace(/[\s-]/g, '').toUpperCase();
const formatRecoveryCode = (code: string) => code.match(/.{1,4}/g)?.join('-') ?? code;

async function requirePassword(user: User, password: string) {
  if (!(await verifyPassword(user.passwordHash, password))) {
    throw new DomainError('UNAUTHENTICATED', 'The password is not correct', {
      authFailure: 'wrong_password',
    });
  }
}

/**
 * Checks a TOTP code (±1 time step) and consumes its time step: the same code, or any code of an
 * earlier step, is refused afterwards.
 */
export async function consumeTotp(ctx: CoreContext, user: User, code: string): Promise<boolean> {
  // otplib throws (a plain Error) on a token of another length: a wrong code, not a server error.
  if (!user.totpSecret || !/^\d{6}$/.test(code)) return false;
  const secret = ctx.keyring.decryptString(user.totpSecret, totpContext(user.id));
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(ctx.clock.now().getTime() / 1000),
    epochTolerance: 30,
    ...(user.totpLastStep !== null && user.totpLastStep !== undefined
      ? { afterTimeStep: user.totpLastStep }
      : {}),
  });
  if (!result.valid || !('timeStep' in result) || typeof result.timeStep !== 'number') return false;
  const step = result.timeStep;
  const claimed = await ctx.em.nativeUpdate(
    User,
    { id: user.id, $or: [{ totpLastStep: null }, { totpLastStep: { $lt: step } }] },
    { totpLastStep: step },
  );
  if (claimed === 1) user.totpLastStep = step;
  return claimed === 1;
}

/** Uses a recovery code once: of concurrent uses of one code, exactly one succeeds. */
export async function consumeRecoveryCode(
  ctx: Pick<CoreContext, 'em' | 'clock' | 'config'>,
  userId: string,
  code: string,
): Promise<boolean> {
  const used = await ctx.em.nativeUpdate(
    RecoveryCode,
    { userId, codeHash: recoveryHash(ctx, normaliseRecoveryCode(code)), usedAt: null },
    { usedAt: ctx.clock.now() },
  );
  return used === 1;
}

async function replaceRecoveryCodes(ctx: CoreContext, userId: string): Promise<string[]> {
  await ctx.em.nativeDelete(RecoveryCode, { userId });
  const codes: string[] = [];
  for (let i = 0; i < RECOVERY_CODE_COUNT; i++) {
    const code = generateSecret({ length: RECOVERY_CODE_BYTES });
    ctx.em.create(RecoveryCode, { userId, codeHash: recoveryHash(ctx, code), usedAt: null });
    codes.push(formatRecoveryCode(code));
  }
  return codes;
}

export async function remainingRecoveryCodes(ctx: CoreContext, userId: string): Promise<number> {
  return ctx.em.count(RecoveryCode, { userId, usedAt: null });
}

/** Step 1 of enrolment: needs the password; stores a new secret (encrypted), not yet active. */
export async function enrolTwoFactor(ctx: CoreContext, user: User, password: string) {
  await requirePassword(user, password);
  if (user.totpEnabledAt) throw new DomainError('CONFLICT', 'Two-factor authentication is already on');
  const secret = generateSecret();
  user.totpSecret = ctx.keyring.encrypt(secret, totpContext(user.id));
  user.totpLastStep = null;
  await ctx.em.flush();
  const otpauthUri = generateURI({ issuer: ISSUER, label: user.email, secret });
  return { secret, otpauthUri, qrCodeDataUrl: qrCodeDataUrl(otpauthUri) };
}

/** Step 2: a valid code turns 2FA on, issues recovery codes and signs out the other sessions. */
export async function activateTwoFactor(ctx: CoreContext, user: User, sessionId: string, code: string) {
  if (user.totpEnabledAt) throw new DomainError('CONFLICT', 'Two-factor authentication is already on');
  if (!user.totpSecret) throw new DomainError('BAD_REQUEST', 'Start the set-up first');
  if (!(await consumeTotp(ctx, user, code))) {
    // The caller is signed in: a wrong code is a bad input (422), not a failed authentication (401,
    // which the dashboard answers by signing out).
    throw new DomainError(
      'VALIDATION_FAILED',
      'That code is not valid. Check the time on your device and try again.',
      { field: 'code' },
    );
  }
  user.totpEnabledAt = ctx.clock.now();
  const codes = await replaceRecoveryCodes(ctx, user.id);
  await revokeOtherSessions(ctx, user.id, sessionId, 'two_factor_changed');
  recordAudit(ctx.em, ctx.clock, { type: 'auth.two_factor_enabled', actorId: user.id, meta: ctx.meta });
  await ctx.em.flush();
  return { codes };
}

async function requireTotp(ctx: CoreContext, user: User, code: string) {
  const throttle = new TwoFactorThrottle(ctx.kv);
  await throttle.reserve(user.id);
  if (!(await consumeTotp(ctx, user, code))) {
    await throttle.failed(user.id);
    throw new DomainError('UNAUTHENTICATED', 'That code is not valid', { authFailure: 'wrong_code' });
  }
  await throttle.succeeded(user.id);
}

export async function disableTwoFactor(
  ctx: CoreContext,
  user: User,
  sessionId: string,
  password: string,
  code: string,
) {
  if (!user.totpEnabledAt) throw new DomainError('CONFLICT', 'Two-factor authentication is not on');
  await requirePassword(user, password);
  await requireTotp(ctx, user, code);
  user.totpSecret = null;
  user.totpEnabledAt = null;
  user.totpLastStep = null;
  await ctx.em.nativeDelete(RecoveryCode, { userId: user.id });
  await revokeOtherSessions(ctx, user.id, sessionId, 'two_factor_changed');
  recordAudit(ctx.em, ctx.clock, { type: 'auth.two_factor_disabled', actorId: user.id, meta: ctx.meta });
  await ctx.em.flush();
}

export async function regenerateRecoveryCodes(
  ctx: CoreContext,
  user: User,
  sessionId: string,
  password: string,
  code: string,
) {
  if (!user.totpEnabledAt) throw new DomainError('CONFLICT', 'Two-factor authentication is not on');
  await requirePassword(user, password);
  await requireTotp(ctx, user, code);
  const codes = await replaceRecoveryCodes(ctx, user.id);
  await revokeOtherSessions(ctx, user.id, sessionId, 'two_factor_changed');
  recordAudit(ctx.em, ctx.clock, {
    type: 'auth.recovery_codes_regenerated',
    actorId: user.id,
    meta: ctx.meta,
  });
  await ctx.em.flush();
  return { codes };
}

/** The second step of sign-in; the challenge id is the bearer secret (stored hashed). */
export async function startChallenge(ctx: CoreContext, userId: string) {
  const id = randomToken(24);
  const expiresAt = new Date(ctx.clock.now().getTime() + CHALLENGE_TTL_MS);
  ctx.em.create(TwoFactorChallenge, {
    tokenHash: challengeHash(ctx, id),
    userId,
    expiresAt,
    attempts: 0,
    consumedAt: null,
    ip: ctx.meta.ip,
    userAgent: ctx.meta.userAgent?.slice(0, 512) ?? null,
  });
  await ctx.em.flush();
  return { challengeId: id, expiresAt };
}

class WrongFactor extends Error {}

/**
 * Claims the challenge and uses the factor in one transaction. Of two concurrent answers to one
 * challenge (two different recovery codes, say) one wins; the other's factor use is rolled back, so
 * its recovery code stays unused and its TOTP step unclaimed.
 */
async function answerChallenge(
  ctx: CoreContext,
  hash: string,
  user: User,
  input: { code?: string; recoveryCode?: string },
): Promise<'ok' | 'wrong' | 'expired'> {
  try {
    return await ctx.em.transactional(async (tx) => {
      const claimed = await tx.nativeUpdate(
        TwoFactorChallenge,
        { tokenHash: hash, consumedAt: null },
        { consumedAt: ctx.clock.now() },
      );
      if (claimed !== 1) return 'expired' as const;
      const txCtx = { ...ctx, em: tx };
      const ok = input.recoveryCode
        ? await consumeRecoveryCode(txCtx, user.id, input.recoveryCode)
        : input.code
          ? await consumeTotp(txCtx, user, input.code)
          : false;
      if (!ok) throw new WrongFactor();
      return 'ok' as const;
    });
  } catch (error) {
    if (error instanceof WrongFactor) return 'wrong';
    throw error;
  }
}

export async function completeChallenge(
  ctx: CoreContext,
  input: { challengeId: string; code?: string; recoveryCode?: string },
): Promise<{ user: User; issued: IssuedSession }> {
  const hash = challengeHash(ctx, input.challengeId);
  const now = ctx.clock.now();
  // Each attempt is claimed atomically: at most 5 per challenge, none after expiry or use.
  const rows = (await ctx.em
    .getConnection()
    .execute(
      'update auth_two_factor_challenge set attempts = attempts + 1 where token_hash = ? and consumed_at is null and expires_at > ? and attempts < ? returning user_id',
      [hash, now, CHALLENGE_MAX_ATTEMPTS],
    )) as { user_id: string }[];
  const userId = rows[0]?.user_id;
  if (!userId)
    throw new DomainError('BAD_REQUEST', 'This sign-in step has expired. Sign in again.', {
      authFailure: 'challenge_expired',
    });
  const user = await ctx.em.findOneOrFail(User, { id: userId });
  // Disabled by the instance operator after the password step (postern admin user disable).
  assertNotDisabled(user);
  const throttle = new TwoFactorThrottle(ctx.kv);
  await throttle.reserve(userId);
  const method = input.recoveryCode ? 'recovery_code' : 'totp';
  const outcome = await answerChallenge(ctx, hash, user, input);
  if (outcome === 'wrong') {
    await throttle.failed(userId);
    recordAudit(ctx.em, ctx.clock, {
      type: 'auth.login_failed',
      actorId: userId,
      meta: ctx.meta,
      metadata: { reason: 'second_factor', method },
    });
    await ctx.em.flush();
    throw unauthenticated(
      'wrong_code',
      method === 'totp' ? 'That code is not valid' : 'That recovery code is not valid',
    );
  }
  if (outcome === 'expired')
    throw new DomainError('BAD_REQUEST', 'This sign-in step has expired. Sign in again.', {
      authFailure: 'challenge_expired',
    });
  await throttle.succeeded(userId);
  const issued = await issueSession(ctx, userId);
  const remaining = method === 'recovery_code' ? await remainingRecoveryCodes(ctx, userId) : null;
  if (remaining !== null) {
    recordAudit(ctx.em, ctx.clock, {
      type: 'auth.recovery_code_used',
      actorId: userId,
      meta: ctx.meta,
      metadata: { remaining },
    });
  }
  recordAudit(ctx.em, ctx.clock, {
    type: 'auth.login_succeeded',
    actorId: userId,
    target: { type: 'session', id: issued.session.id },
    meta: ctx.meta,
    metadata: { method },
  });
  await ctx.em.flush();
  // Security notices, after the sign-in is stored (system mail).
  if (remaining !== null)
    await ctx.sendMail(
      recoveryCodeUsedNotice({ to: user.email, when: now, remaining, ip: ctx.meta.ip ?? undefined }),
    );
  await noticeNewDevice(ctx, user, issued.session);
  return { user, issued };
}
