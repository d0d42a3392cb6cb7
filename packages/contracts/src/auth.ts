// Accounts, sessions and two-factor authentication: inputs and outputs of the auth procedures.
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from './constants/auth.ts';
import { zText } from './text.ts';

export const ZEmail = zText()
  .trim()
  .min(3)
  .max(254)
  .email('Enter a valid email address')
  .transform((email) => email.toLowerCase());

/** The shape only; the policy is checked by the server, which reports every failed rule. */
export const ZPasswordInput = zText()
  .min(1, 'Enter a password')
  .max(PASSWORD_MAX_LENGTH + 1);

export const ZSignUpRequest = z.object({
  email: ZEmail,
  password: ZPasswordInput,
  /** The token of the invitation being followed: when it was sent to `email`, the account starts verified. */
  invitationToken: zText().min(10).max(200).optional(),
});
/**
 * Sign-up answers the same whether or not the address already has an account (its owner is mailed
 * instead) and does not sign in: the client signs in next, and the address is confirmed by email.
 */
export const ZSignUpResponse = z.object({ status: z.literal('check_email') });
export const ZSignInRequest = z.object({
  email: ZEmail,
  password: zText()
    .min(1)
    .max(PASSWORD_MAX_LENGTH + 1),
});

export const ZUser = z.object({
  id: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  twoFactorEnabled: z.boolean(),
  createdAt: z.iso.datetime(),
  /** Set while a deletion of the account is pending (#28): the day it is erased; the dashboard shows the cancel page. */
  deletionScheduledFor: z.iso.datetime().nullable().optional(),
});
export type User = z.infer<typeof ZUser>;

/** Sign-in either completes or asks for the second factor with a short-lived challenge. */
export const ZSignInResponse = z.discriminatedUnion('status', [
  z.object({ status: z.literal('signed_in'), user: ZUser }),
  z.object({
    status: z.literal('two_factor_required'),
    challengeId: z.string(),
    expiresAt: z.iso.datetime(),
  }),
]);
export type SignInResponse = z.infer<typeof ZSignInResponse>;

export const ZTotpCode = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app');
/** Recovery codes are shown grouped (XXXX-XXXX-…); dashes, spaces and case are ignored. */
export const ZRecoveryCode = z
  .string()
  .trim()
  .min(16)
  .max(64)
  .transform((code) => code.replace(/[\s-]/g, '').toUpperCase())
  .refine((code) => /^[A-Z2-7]+$/.test(code), 'That is not a recovery code');

export const ZTwoFactorVerifyRequest = z.union([
  z.object({ challengeId: zText().min(1).max(200), code: ZTotpCode }),
  z.object({ challengeId: zText().min(1).max(200), recoveryCode: ZRecoveryCode }),
]);

export const ZChangePasswordRequest = z.object({
  currentPassword: zText()
    .min(1)
    .max(PASSWORD_MAX_LENGTH + 1),
  newPassword: ZPasswordInput,
});
export const ZRequestPasswordResetRequest = z.object({ email: ZEmail });
export const ZResetPasswordRequest = z.object({
  token: zText().min(10).max(200),
  newPassword: ZPasswordInput,
});
export const ZVerifyEmailRequest = z.object({ token: zText().min(10).max(200) });

export const ZTwoFactorEnrolRequest = z.object({
  password: zText()
    .min(1)
    .max(PASSWORD_MAX_LENGTH + 1),
});
export const ZTwoFactorEnrolResponse = z.object({
  secret: z.string(),
  otpauthUri: z.string(),
  /** data: URL of a PNG QR code of otpauthUri. */
  qrCodeDataUrl: z.string(),
});
export const ZTwoFactorActivateRequest = z.object({ code: ZTotpCode });
export const ZRecoveryCodesResponse = z.object({ codes: z.array(z.string()).length(10) });
export const ZTwoFactorDisableRequest = z.object({
  password: zText()
    .min(1)
    .max(PASSWORD_MAX_LENGTH + 1),
  code: ZTotpCode,
});
export const ZRegenerateRecoveryCodesRequest = z.object({
  password: zText()
    .min(1)
    .max(PASSWORD_MAX_LENGTH + 1),
  code: ZTotpCode,
});

export const ZSession = z.object({
  id: z.string(),
  current: z.boolean(),
  deviceType: z.string(),
  browser: z.string(),
  os: z.string(),
  location: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: z.iso.datetime(),
  lastActiveAt: z.iso.datetime(),
});
export type Session = z.infer<typeof ZSession>;
export const ZSessionList = z.object({ sessions: z.array(ZSession) });
export const ZRevokeSessionRequest = z.object({ id: z.string().uuid() });
export const ZOk = z.object({ ok: z.literal(true) });
export const ZRevokedCount = z.object({ revoked: z.number().int().nonnegative() });
export const ZSecurityOverview = z.object({
  twoFactorEnabled: z.boolean(),
  recoveryCodesRemaining: z.number().int().nonnegative(),
  passwordChangedAt: z.iso.datetime().nullable(),
});

/** Why an authenticated call was refused; the dashboard refreshes on `token_expired`. */
export const ZAuthFailure = z.enum([
  'no_session',
  'token_expired',
  'session_revoked',
  'session_expired',
  'csrf',
]);
