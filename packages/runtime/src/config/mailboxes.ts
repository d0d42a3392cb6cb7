// Connected mailboxes (docs/mailboxes.md): which private mail servers may be reached, extra trusted
// CAs for self-hosted servers, how long a connection test may take, and the OAuth clients of Gmail and
// Outlook (client id and secret, the provider's endpoints — Google's and Microsoft's documented ones by
// default, overridable so a test or a sovereign tenant can point elsewhere — and their mail servers).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { webhookEnv } from './webhooks.ts';

export const mailboxEnv = z.object({
  /** Same syntax as WEBHOOK_ALLOWED_TARGETS (CIDRs, addresses, host names, *.suffix names). */
  MAILBOX_ALLOWED_HOSTS: webhookEnv.shape.WEBHOOK_ALLOWED_TARGETS,
  /** A PEM file of CA certificates trusted besides the system's (self-hosted mail servers). */
  MAILBOX_TLS_CA_FILE: z
    .string()
    .refine(
      (path) => {
        try {
          return readFileSync(path, 'utf8').includes('-----BEGIN CERTIFICATE-----');
        } catch {
          return false;
        }
      },
      { message: 'must name a readable PEM file of CA certificates' },
    )
    .optional(),
  MAILBOX_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(15_000),
  ...oauthEnv('GOOGLE', {
    issuer: 'https://accounts.google.com',
    authorize: 'https://accounts.google.com/o/oauth2/v2/auth',
    token: 'https://oauth2.googleapis.com/token',
    revocation: 'https://oauth2.googleapis.com/revoke',
    smtp: 'smtp.gmail.com:465:tls',
    imap: 'imap.gmail.com:993:tls',
  }).shape,
  ...oauthEnv('MICROSOFT', {
    // Multi-tenant ("common") sign-in: the id token's issuer names the account's tenant.
    issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0',
    authorize: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    token: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    // Microsoft offers no RFC 7009 endpoint: users remove the grant at myapps/account pages.
    revocation: 'none',
    smtp: 'smtp.office365.com:587:starttls',
    imap: 'outlook.office365.com:993:tls',
  }).shape,
  /** Access tokens expiring within this many seconds are refreshed by the worker (every minute). */
  OAUTH_REFRESH_WINDOW_SECONDS: z.coerce.number().int().min(120).max(3000).default(600),
});

type OAuthDefaults = Record<'issuer' | 'authorize' | 'token' | 'revocation' | 'smtp' | 'imap', string>;

/** `host:port:tls|starttls`, or `off` (IMAP only: not tested at connect time, e.g. a send-only test rig). */
const ENDPOINT = /^([a-z0-9.-]+|\[[0-9a-f:.]+\]):(\d{1,5}):(tls|starttls)$/i;
function zEndpoint(fallback: string, allowOff: boolean) {
  return z
    .string()
    .trim()
    .refine((v) => ENDPOINT.test(v) || (allowOff && v === 'off'), {
      message: `must be host:port:tls or host:port:starttls${allowOff ? ', or off' : ''}`,
    })
    .default(fallback);
}
function zUrlOrEmpty(fallback: string) {
  return z
    .string()
    .trim()
    .refine((v) => v === '' || v === 'none' || /^https?:\/\/[^\s]+$/i.test(v), {
      message: 'must be an http(s) URL (or none)',
    })
    .default(fallback);
}

function oauthEnv<P extends 'GOOGLE' | 'MICROSOFT'>(provider: P, d: OAuthDefaults) {
  return z.object({
    [`OAUTH_${provider}_CLIENT_ID`]: z.string().trim().min(1).optional(),
    [`OAUTH_${provider}_CLIENT_SECRET`]: z.string().min(1).optional(),
    [`OAUTH_${provider}_ISSUER`]: zUrlOrEmpty(d.issuer),
    [`OAUTH_${provider}_AUTHORIZE_URL`]: zUrlOrEmpty(d.authorize),
    [`OAUTH_${provider}_TOKEN_URL`]: zUrlOrEmpty(d.token),
    /** `none`: the provider has no revocation endpoint (disconnect then only deletes the tokens). */
    [`OAUTH_${provider}_REVOCATION_URL`]: zUrlOrEmpty(d.revocation),
    [`OAUTH_${provider}_SMTP`]: zEndpoint(d.smtp, false),
    [`OAUTH_${provider}_IMAP`]: zEndpoint(d.imap, true),
  } as Record<`OAUTH_${P}_${'CLIENT_ID' | 'CLIENT_SECRET'}`, z.ZodOptional<z.ZodString>> &
    Record<
      `OAUTH_${P}_${'ISSUER' | 'AUTHORIZE_URL' | 'TOKEN_URL' | 'REVOCATION_URL' | 'SMTP' | 'IMAP'}`,
      z.ZodDefault<z.ZodString>
    >);
}

export interface OAuthEndpointConfig {
  host: string;
  port: number;
  security: 'tls' | 'starttls';
}

/** One provider's OAuth client. `clientId` null = not configured (the dashboard hides its button). */
export interface OAuthProviderConfig {
  clientId: string | null;
  clientSecret: string | null;
  /** Expected `iss` of id tokens; `{tenantid}` matches any tenant (Microsoft's multi-tenant sign-in). */
  issuer: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** RFC 7009 endpoint, or null when the provider has none. */
  revocationUrl: string | null;
  smtp: OAuthEndpointConfig;
  /** Null: IMAP is not tested when connecting (OAUTH_<P>_IMAP=off). */
  imap: OAuthEndpointConfig | null;
}

export interface MailboxConfig {
  /** MAILBOX_ALLOWED_HOSTS: CIDRs, addresses and host names mail servers may be at although private. */
  allowedHosts: string[];
  /** The PEM text of MAILBOX_TLS_CA_FILE (read once, at start-up). */
  tlsCa: string | undefined;
  connectTimeoutMs: number;
  oauth: { google: OAuthProviderConfig; microsoft: OAuthProviderConfig; refreshWindowSeconds: number };
}

function parseEndpoint(value: string): OAuthEndpointConfig | null {
  const m = ENDPOINT.exec(value);
  if (!m) return null;
  return {
    host: (m[1] as string).replace(/^\[(.*)\]$/, '$1').toLowerCase(),
    port: Number(m[2]),
    security: (m[3] as string).toLowerCase() as 'tls' | 'starttls',
  };
}

function providerSettings(
  e: Record<string, string | undefined>,
  p: 'GOOGLE' | 'MICROSOFT',
): OAuthProviderConfig {
  const clientId = e[`OAUTH_${p}_CLIENT_ID`] ?? null;
  const clientSecret = e[`OAUTH_${p}_CLIENT_SECRET`] ?? null;
  if (Boolean(clientId) !== Boolean(clientSecret))
    throw new ConfigError(
      clientId ? `OAUTH_${p}_CLIENT_SECRET` : `OAUTH_${p}_CLIENT_ID`,
      `OAUTH_${p}_CLIENT_ID and OAUTH_${p}_CLIENT_SECRET are set together (or neither)`,
    );
  return {
    clientId,
    clientSecret,
    issuer: e[`OAUTH_${p}_ISSUER`] ?? '',
    authorizeUrl: e[`OAUTH_${p}_AUTHORIZE_URL`] ?? '',
    tokenUrl: e[`OAUTH_${p}_TOKEN_URL`] ?? '',
    revocationUrl: [undefined, '', 'none'].includes(e[`OAUTH_${p}_REVOCATION_URL`])
      ? null
      : (e[`OAUTH_${p}_REVOCATION_URL`] as string),
    smtp: parseEndpoint(e[`OAUTH_${p}_SMTP`] ?? '') as OAuthEndpointConfig,
    imap: parseEndpoint(e[`OAUTH_${p}_IMAP`] ?? ''),
  };
}

export function mailboxSettings(e: z.output<typeof mailboxEnv>): MailboxConfig {
  return {
    allowedHosts: e.MAILBOX_ALLOWED_HOSTS ?? [],
    tlsCa: e.MAILBOX_TLS_CA_FILE ? readFileSync(e.MAILBOX_TLS_CA_FILE, 'utf8') : undefined,
    connectTimeoutMs: e.MAILBOX_CONNECT_TIMEOUT_MS,
    oauth: {
      google: providerSettings(e as unknown as Record<string, string | undefined>, 'GOOGLE'),
      microsoft: providerSettings(e as unknown as Record<string, string | undefined>, 'MICROSOFT'),
      refreshWindowSeconds: e.OAUTH_REFRESH_WINDOW_SECONDS,
    },
  };
}
