// Password rules and dashboard cookie names (zod-free: shared by the dashboard, the SDK and the API).
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
