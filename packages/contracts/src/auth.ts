// Accounts, sessions and two-factor authentication: inputs and outputs of the auth procedures.
import { z } from 'zod';
import { zText } from './text.ts';

export const PASSWORD_MIN_LENGTH = 8;
/** Long passphrases are welcome; the cap only bounds hashing work. */
export const PASSWORD_MAX_LENGTH = 1024;

export const PASSWORD_RULES = [
  'min_length',
  'max_length',
  'uppercase',
  'lowercase',
  'digit',
  'special',
  'not_common',
] as const;
export type PasswordRule = (typeof PASSWORD_RULES)[number];

export const PASSWORD_RULE_TEXT: Record<PasswordRule, string> = {
  min_length: `At least ${PASSWORD_MIN_LENGTH} characters`,
  max_length: `At most ${PASSWORD_MAX_LENGTH} characters`,
  uppercase: 'An upper-case letter',
  lowercase: 'A lower-case letter',
  digit: 'A digit',
  special: 'A special character',
  not_common: 'Not one of the most common passwords',
};

/** The rules a password breaks (client-side checklist and server-side check share this). */
export function failedPasswordRules(
  password: string,
  isCommon: (p: string) => boolean = () => false,
): PasswordRule[] {
  const failed: PasswordRule[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) failed.push('min_length');
  if (length > PASSWORD_MAX_LENGTH) failed.push('max_length');
  if (!/\p{Lu}/u.test(password)) failed.push('uppercase');
  if (!/\p{Ll}/u.test(password)) failed.push('lowercase');
  if (!/\p{Nd}/u.test(password)) failed.push('digit');
  if (!/[^\p{L}\p{Nd}\s]/u.test(password)) failed.push('special');
  if (isCommon(password)) failed.push('not_common');
  return failed;
}

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

export const ZSignUpRequest = z.object({ email: ZEmail, password: ZPasswordInput });
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

/** Names of the dashboard cookies and the CSRF header (double-submit). */
export const AUTH_COOKIES = { access: 'pst_at', refresh: 'pst_rt', csrf: 'pst_csrf' } as const;
export const CSRF_HEADER = 'x-csrf-token';
/**
 * Under an https PUBLIC_URL every dashboard cookie name carries this prefix: the browser then only
 * accepts it with Secure, Path=/ and no Domain, so a sibling subdomain cannot set or overwrite it.
 */
export const HOST_COOKIE_PREFIX = '__Host-';
/** The cookie names a deployment uses (`secure`: PUBLIC_URL is https). */
export function authCookieNames(secure: boolean): { access: string; refresh: string; csrf: string } {
  const prefix = secure ? HOST_COOKIE_PREFIX : '';
  return {
    access: `${prefix}${AUTH_COOKIES.access}`,
    refresh: `${prefix}${AUTH_COOKIES.refresh}`,
    csrf: `${prefix}${AUTH_COOKIES.csrf}`,
  };
}

/** Why an authenticated call was refused; the dashboard refreshes on `token_expired`. */
export const ZAuthFailure = z.enum([
  'no_session',
  'token_expired',
  'session_revoked',
  'session_expired',
  'csrf',
]);
