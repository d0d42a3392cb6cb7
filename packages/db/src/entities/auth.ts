// Accounts, sessions and second factors. Secrets that only need checking are stored as hashes
// (passwords: argon2id; refresh tokens, recovery codes, email and challenge tokens: keyed SHA-256);
// the TOTP secret, which must be used later, is encrypted with the keyring.
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'app_user',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    email: p.string().length(254).unique(),
    emailVerifiedAt: p.datetime().nullable(),
    passwordHash: p.text(),
    passwordChangedAt: p.datetime().nullable(),
    /** Keyring ciphertext bound to (app_user, id, totp_secret); set at enrolment, active once totpEnabledAt is set. */
    totpSecret: p.text().nullable(),
    totpEnabledAt: p.datetime().nullable(),
    /** The last TOTP time step accepted: a code of this step or earlier is refused (replay guard). */
    totpLastStep: p.bigint('number').nullable(),
    /** Set by the instance operator (`postern admin user disable`): no sign-in, no session, keys of solely owned workspaces refused. */
    disabledAt: p.datetime().nullable(),
    /** Account deletion requested (docs/data-lifecycle.md): sign-in only to cancel; erased 30 days later. */
    deletionRequestedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class User extends UserSchema.class {}
UserSchema.setClass(User);

export const SessionSchema = defineEntity({
  name: 'Session',
  tableName: 'auth_session',
  indexes: [{ properties: ['userId', 'revokedAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    userId: p.uuid(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastActiveAt: p.datetime().index(),
    /** Absolute end of life, whatever the activity. */
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    revokedReason: p.string().length(40).nullable(),
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(512).nullable(),
    deviceType: p.string().length(40),
    browser: p.string().length(80),
    os: p.string().length(80),
    location: p.string().length(160).nullable(),
  },
});
export class Session extends SessionSchema.class {}
SessionSchema.setClass(Session);

/** Every refresh token a session was issued; a rotated one presented again means theft. */
export const RefreshTokenSchema = defineEntity({
  name: 'RefreshToken',
  tableName: 'auth_refresh_token',
  properties: {
    tokenHash: p.string().length(64).primary(),
    sessionId: p.uuid().index(),
    createdAt: p.datetime().onCreate(() => new Date()),
    rotatedAt: p.datetime().nullable(),
  },
});
export class RefreshToken extends RefreshTokenSchema.class {}
RefreshTokenSchema.setClass(RefreshToken);

export const RecoveryCodeSchema = defineEntity({
  name: 'RecoveryCode',
  tableName: 'auth_recovery_code',
  uniques: [{ properties: ['userId', 'codeHash'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    userId: p.uuid().index(),
    codeHash: p.string().length(64),
    usedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class RecoveryCode extends RecoveryCodeSchema.class {}
RecoveryCodeSchema.setClass(RecoveryCode);

/** Single-use, expiring tokens sent by email (verify address, reset password). */
export const EmailTokenSchema = defineEntity({
  name: 'EmailToken',
  tableName: 'auth_email_token',
  properties: {
    tokenHash: p.string().length(64).primary(),
    userId: p.uuid().index(),
    purpose: p.enum(['verify_email', 'reset_password'] as const),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class EmailToken extends EmailTokenSchema.class {}
EmailTokenSchema.setClass(EmailToken);

/** The second step of a sign-in: expires after 5 minutes, at most 5 attempts. */
export const TwoFactorChallengeSchema = defineEntity({
  name: 'TwoFactorChallenge',
  tableName: 'auth_two_factor_challenge',
  properties: {
    tokenHash: p.string().length(64).primary(),
    userId: p.uuid().index(),
    expiresAt: p.datetime(),
    attempts: p.integer().default(0),
    consumedAt: p.datetime().nullable(),
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(512).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class TwoFactorChallenge extends TwoFactorChallengeSchema.class {}
TwoFactorChallengeSchema.setClass(TwoFactorChallenge);
