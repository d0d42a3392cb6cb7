// Secrets and their lifetimes: the instance secret, the encryption keyring, sign-in sessions and the
// audit chain's signing key and retention.
import { z } from 'zod';

const DEV_SECRET = 'postern-development-secret-do-not-use-in-production';

export const securityEnv = z.object({
  POSTERN_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 48`)')
    .optional(),
  ENCRYPTION_KEYS: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{40,}(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{40,})*$/,
      'must be a comma-separated list of id:base64key (32-byte keys), newest first',
    )
    .optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(900),
  SESSION_IDLE_DAYS: z.coerce.number().positive().max(365).default(30),
  SESSION_ABSOLUTE_DAYS: z.coerce.number().positive().max(3650).default(90),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(90, 'must be at least 90 (days)').max(3650).default(365),
  AUDIT_SIGNING_KEY: z
    .string()
    .regex(
      /^[A-Za-z0-9+/=_-]{43,}$/,
      'must be a base64 Ed25519 private key: 32 raw bytes or PKCS#8 DER (e.g. `openssl genpkey -algorithm ed25519 -outform DER | base64 -w0`)',
    )
    .optional(),
});

export interface SecurityConfig {
  secret: string;
  /** True when the development secret is in use: never in production. */
  insecureDevSecret: boolean;
  /** Raw keyring setting (`id:base64key,…`, newest first); unset outside production = a key derived from the secret. */
  encryptionKeys: string | undefined;
  accessTokenTtlSeconds: number;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  auditRetentionDays: number;
  /** AUDIT_SIGNING_KEY (base64 Ed25519 private key); unset outside production = derived from the secret. */
  auditSigningKey: string | undefined;
}

export function securitySettings(e: z.output<typeof securityEnv>): SecurityConfig {
  return {
    secret: e.POSTERN_SECRET ?? DEV_SECRET,
    insecureDevSecret: !e.POSTERN_SECRET,
    encryptionKeys: e.ENCRYPTION_KEYS,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    sessionIdleMs: e.SESSION_IDLE_DAYS * 86_400_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_DAYS * 86_400_000,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    auditSigningKey: e.AUDIT_SIGNING_KEY,
  };
}
