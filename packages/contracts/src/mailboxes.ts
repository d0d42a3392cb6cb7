// Connected mailboxes (SPEC §7, docs/mailboxes.md): the shapes of the `mailboxes` tRPC router and the
// dashboard's Settings → Email accounts page. A mailbox is connected with IMAP/SMTP credentials that
// are tested before anything is stored; the password is sealed at rest and appears in NO output here.
//
// Status, decided once (core's `mailboxCanSend` reads it):
// - `connected`: the last test (or the connect itself) passed; campaigns may send through it.
// - `failing`: the last on-demand test failed; credentials are kept, sending is paused until a test
//   passes again or the credentials are replaced.
// - `disconnected`: a member disconnected it; the credentials are deleted, sending stops for good
//   (replacing the credentials reconnects it). The row stays so campaigns can say where they sent from.
// - `reconnect_required` (OAuth only): the provider refused the refresh token (`invalid_grant`: the user
//   revoked access, changed the password, or the grant expired); sending is paused until the member
//   connects the same account again through the provider.
import { z } from 'zod';
import { ZEmail } from './auth.ts';
import { zText } from './text.ts';
import { ZWorkspaceScoped } from './workspaces.ts';

export const MAILBOX_SECURITY_MODES = ['tls', 'starttls'] as const;
/** `imap` = IMAP/SMTP with a password; OAuth providers come with the next issue. */
export const MAILBOX_PROVIDERS = ['imap', 'gmail', 'outlook'] as const;
export const MAILBOX_STATUSES = ['connected', 'failing', 'disconnected', 'reconnect_required'] as const;
export const MAILBOX_PROTOCOLS = ['smtp', 'imap'] as const;
/** Why a connection test failed (the mailer's MailFailure). */
export const MAILBOX_FAILURES = [
  'auth_failed',
  'certificate_invalid',
  'host_not_found',
  'port_closed',
  'timeout',
  'no_tls',
  'target_refused',
  'protocol_error',
] as const;
export type MailboxFailure = (typeof MAILBOX_FAILURES)[number];

/** The human text of each failure (the server's message adds the host and protocol). */
export const MAILBOX_FAILURE_TEXT: Record<MailboxFailure, string> = {
  auth_failed:
    'Authentication failed: check the username and password (many providers require an app password)',
  certificate_invalid: "The server's TLS certificate is not valid for this host name",
  host_not_found: 'The host name does not exist',
  port_closed: 'Nothing answers on this port',
  timeout: 'The server did not answer in time',
  no_tls: 'The server offers no TLS on this port (plain-text connections are refused)',
  target_refused: 'This host is on a private or reserved network and the instance does not allow it',
  protocol_error: 'The server answered something that is not a mail server reply',
};

export const MAILBOX_LIMITS = {
  host: 253,
  username: 320,
  password: 1024,
  label: 100,
  fromName: 100,
  dailyCapMin: 1,
  dailyCapMax: 10_000,
  /** Mailboxes per workspace (disconnected ones included). */
  perWorkspace: 50,
} as const;
export const MAILBOX_DEFAULT_DAILY_CAP = 50;
/** Alias proof: a 6-digit code, single use, valid this long, with this many wrong tries. */
export const MAILBOX_ALIAS_CODE_TTL_MINUTES = 30;
export const MAILBOX_ALIAS_MAX_ATTEMPTS = 5;

export const ZMailboxSecurity = z.enum(MAILBOX_SECURITY_MODES);
export type MailboxSecurity = z.infer<typeof ZMailboxSecurity>;
export const ZMailboxProvider = z.enum(MAILBOX_PROVIDERS);
export const ZMailboxStatus = z.enum(MAILBOX_STATUSES);
export type MailboxStatus = z.infer<typeof ZMailboxStatus>;
export const ZMailboxFailure = z.enum(MAILBOX_FAILURES);
export const ZMailboxProtocol = z.enum(MAILBOX_PROTOCOLS);

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
const IPV6_LITERAL = /^\[?[0-9a-f:.]+\]?$/i;
/** A DNS name or an IP literal; the server then refuses private targets unless allow-listed. */
export const ZMailHost = zText()
  .trim()
  .min(1, 'Enter the server host name')
  .max(MAILBOX_LIMITS.host, `The host name is too long (${MAILBOX_LIMITS.host} characters at most)`)
  .refine((host) => HOST_NAME.test(host) || (host.includes(':') && IPV6_LITERAL.test(host)), {
    message: 'Enter a host name such as imap.example.com',
  })
  .transform((host) =>
    host
      .toLowerCase()
      .replace(/^\[(.*)\]$/, '$1')
      .replace(/\.$/, ''),
  );
export const ZMailPort = z
  .number()
  .int('The port is a whole number')
  .min(1, 'Ports go from 1 to 65535')
  .max(65535, 'Ports go from 1 to 65535');
export const ZMailEndpoint = z.object({ host: ZMailHost, port: ZMailPort, security: ZMailboxSecurity });
export type MailEndpointInput = z.infer<typeof ZMailEndpoint>;

export const ZMailUsername = zText()
  .trim()
  .min(1, 'Enter the username (usually the email address)')
  .max(MAILBOX_LIMITS.username, `The username is too long (${MAILBOX_LIMITS.username} characters at most)`);
/** Never trimmed: a password is used exactly as typed. */
export const ZMailPassword = zText()
  .min(1, 'Enter the password (an app password where the provider offers one)')
  .max(MAILBOX_LIMITS.password, `The password is too long (${MAILBOX_LIMITS.password} characters at most)`);
export const ZMailboxLabel = zText()
  .trim()
  .max(MAILBOX_LIMITS.label, `Keep the label under ${MAILBOX_LIMITS.label} characters`);
export const ZFromName = zText()
  .trim()
  .max(MAILBOX_LIMITS.fromName, `Keep the sender name under ${MAILBOX_LIMITS.fromName} characters`)
  // A header injection guard: a display name is one line.
  .refine((name) => !/[\r\n]/.test(name), { message: 'The sender name must be on one line' });
export const ZDailyCap = z
  .number()
  .int('The daily cap is a whole number')
  .min(MAILBOX_LIMITS.dailyCapMin, 'The daily cap is at least 1 message')
  .max(MAILBOX_LIMITS.dailyCapMax, `The daily cap is at most ${MAILBOX_LIMITS.dailyCapMax} messages`);

/** Warm-up: day 1 sends `startPerDay`, each later day `incrementPerDay` more, never above the daily cap. */
export const ZWarmupInput = z.object({
  enabled: z.boolean(),
  startPerDay: ZDailyCap.default(10),
  incrementPerDay: z.number().int().min(0).max(MAILBOX_LIMITS.dailyCapMax).default(5),
});
export const ZWarmup = z.object({
  enabled: z.boolean(),
  startPerDay: z.number().int(),
  incrementPerDay: z.number().int(),
  /** Day 1 of the ramp (set when warm-up is turned on). */
  startedAt: z.iso.datetime().nullable(),
  /** What the ramp allows today (the daily cap when warm-up is off or finished). */
  todayLimit: z.number().int(),
});

/** Endpoints as shown: never a secret. */
export const ZMailEndpointView = z.object({
  host: z.string(),
  port: z.number().int(),
  security: ZMailboxSecurity,
});

/** One failed side of a test, as `error.data.details.mailboxFailure` of connect/replaceCredentials too. */
export const ZMailboxFailureInfo = z.object({
  protocol: ZMailboxProtocol,
  code: ZMailboxFailure,
  message: z.string(),
});
export type MailboxFailureInfo = z.infer<typeof ZMailboxFailureInfo>;

export const ZMailboxLastTest = z.object({
  at: z.iso.datetime(),
  ok: z.boolean(),
  /** The first failure (SMTP is tested first, then IMAP); null when ok. */
  failure: ZMailboxFailureInfo.nullable(),
});

export const AUTH_CHECK_STATUSES = ['pass', 'fail', 'missing'] as const;
export const ZAuthCheckStatus = z.enum(AUTH_CHECK_STATUSES);
/** The mailer's SenderAuthReport: SPF, DKIM and DMARC of the from-address domain, with the records to add. */
export const ZSenderAuthReport = z.object({
  domain: z.string(),
  spf: z.object({ status: ZAuthCheckStatus, record: z.string().nullable(), advice: z.string().nullable() }),
  dkim: z.object({
    status: ZAuthCheckStatus,
    selector: z.string().nullable(),
    record: z.string().nullable(),
    advice: z.string().nullable(),
    selectorsTried: z.array(z.string()),
  }),
  dmarc: z.object({
    status: ZAuthCheckStatus,
    record: z.string().nullable(),
    policy: z.enum(['none', 'quarantine', 'reject']).nullable(),
    advice: z.string().nullable(),
  }),
  /** All three pass. */
  ok: z.boolean(),
});
export type SenderAuthReportDto = z.infer<typeof ZSenderAuthReport>;
export const ZMailboxSenderAuth = z.object({ report: ZSenderAuthReport, checkedAt: z.iso.datetime() });

export const ZMailboxIdentity = z.object({
  fromName: z.string().nullable(),
  /** The mailbox's own address, or a proven alias. */
  fromAddress: z.string(),
  replyTo: z.string().nullable(),
  /** True when fromAddress is an alias proven by a code (false for the mailbox's own address). */
  aliasVerified: z.boolean(),
  aliasVerifiedAt: z.iso.datetime().nullable(),
});

export const ZMailbox = z.object({
  id: z.string(),
  label: z.string().nullable(),
  email: z.string(),
  provider: ZMailboxProvider,
  status: ZMailboxStatus,
  /** The campaign sender's answer: connected (not failing, not disconnected). */
  canSend: z.boolean(),
  imap: ZMailEndpointView,
  smtp: ZMailEndpointView,
  username: z.string(),
  identity: ZMailboxIdentity,
  dailyCap: z.number().int(),
  warmup: ZWarmup,
  lastTest: ZMailboxLastTest.nullable(),
  senderAuth: ZMailboxSenderAuth.nullable(),
  disconnectedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  /** The connecting member's email (null once that account is erased). */
  createdBy: z.string().nullable(),
  /** OAuth mailboxes (gmail, outlook) only: token state, never a token. */
  oauth: z
    .object({
      /** When the current access token expires (the worker renews it before; null once disconnected). */
      tokenExpiresAt: z.iso.datetime().nullable(),
      lastRefreshAt: z.iso.datetime().nullable(),
      /** What revoking the grant at disconnect gave: revoked, failed (tokens deleted anyway), unsupported. */
      revocation: z.enum(['revoked', 'failed', 'unsupported']).nullable(),
      /** The provider's page where the user can also remove the app's access. */
      accountPageUrl: z.string(),
    })
    .nullable()
    .optional(),
});
export type MailboxDto = z.infer<typeof ZMailbox>;
export const ZMailboxList = z.object({ mailboxes: z.array(ZMailbox) });

export const ZMailboxRef = ZWorkspaceScoped.extend({ mailboxId: z.string().uuid('Unknown mailbox') });

export const ZConnectMailboxRequest = ZWorkspaceScoped.extend({
  label: ZMailboxLabel.optional(),
  email: ZEmail,
  imap: ZMailEndpoint,
  smtp: ZMailEndpoint,
  username: ZMailUsername,
  password: ZMailPassword,
});
export type ConnectMailboxInput = z.infer<typeof ZConnectMailboxRequest>;

/** New credentials (tested first); endpoints may change too. Reconnects a disconnected mailbox. */
export const ZReplaceMailboxCredentialsRequest = ZMailboxRef.extend({
  imap: ZMailEndpoint.optional(),
  smtp: ZMailEndpoint.optional(),
  username: ZMailUsername,
  password: ZMailPassword,
});

export const ZMailboxTestResult = z.object({
  ok: z.boolean(),
  smtp: z.object({
    ok: z.boolean(),
    ms: z.number().int().nullable(),
    failure: ZMailboxFailureInfo.nullable(),
  }),
  /** Null when SMTP failed first and IMAP was not tried. */
  imap: z
    .object({ ok: z.boolean(), ms: z.number().int().nullable(), failure: ZMailboxFailureInfo.nullable() })
    .nullable(),
  mailbox: ZMailbox,
});

/** Only the fields given change; null clears fromName/replyTo. fromAddress may only return to the mailbox's own. */
export const ZUpdateMailboxIdentityRequest = ZMailboxRef.extend({
  label: ZMailboxLabel.nullable().optional(),
  fromName: ZFromName.nullable().optional(),
  replyTo: ZEmail.nullable().optional(),
  useOwnAddress: z.literal(true).optional(),
  dailyCap: ZDailyCap.optional(),
  warmup: ZWarmupInput.optional(),
});

/** Sends a 6-digit code from `address` through the mailbox's SMTP to the mailbox itself, then looks for it over IMAP. */
export const ZStartAliasVerificationRequest = ZMailboxRef.extend({ address: ZEmail });
export const ZAliasVerificationStarted = z.object({
  verificationId: z.string(),
  address: z.string(),
  expiresAt: z.iso.datetime(),
  /** True when the code was found over IMAP at once: the alias is verified, nothing to type. */
  verified: z.boolean(),
  mailbox: ZMailbox,
});
/** With `code`: the code the user saw. Without: search the mailbox over IMAP again. */
export const ZConfirmAliasVerificationRequest = ZMailboxRef.extend({
  verificationId: z.string().uuid('Unknown verification'),
  code: zText()
    .trim()
    .regex(/^\d{6}$/, 'The code has 6 digits')
    .optional(),
});

/** Checks SPF, DKIM and DMARC of the from-address domain; `dkimSelector` adds one the user names. */
export const ZCheckSenderAuthRequest = ZMailboxRef.extend({
  dkimSelector: zText()
    .trim()
    .regex(/^[a-z0-9](?:[a-z0-9._-]{0,62})$/i, 'A DKIM selector is letters, digits, dots, dashes')
    .optional(),
});

// OAuth (Gmail, Outlook): the dashboard asks which providers the deployment configured, starts an
// authorization (the browser goes to `authorizeUrl`), and the API's callback
// (GET /oauth/<provider>/callback) sends it back to /w/<workspace>/mailboxes with `oauth=<result>`
// (and `mailbox=<id>` on success) in the query. Never a token in any of it.
export const MAILBOX_OAUTH_PROVIDERS = ['gmail', 'outlook'] as const;
export const ZMailboxOAuthProvider = z.enum(MAILBOX_OAUTH_PROVIDERS);
export type MailboxOAuthProvider = z.infer<typeof ZMailboxOAuthProvider>;
/** An authorization is valid this long after oauthStart. */
export const MAILBOX_OAUTH_STATE_TTL_MINUTES = 10;

export const ZMailboxOAuthStartRequest = ZWorkspaceScoped.extend({ provider: ZMailboxOAuthProvider });
export const ZMailboxOAuthStart = z.object({ authorizeUrl: z.string(), expiresAt: z.iso.datetime() });
export const ZMailboxOAuthProviders = z.object({
  providers: z.array(
    z.object({
      provider: ZMailboxOAuthProvider,
      /** False: the deployment has no client id for it (OAUTH_GOOGLE_CLIENT_ID / OAUTH_MICROSOFT_CLIENT_ID). */
      configured: z.boolean(),
      scopes: z.array(z.string()),
      accountPageUrl: z.string(),
    }),
  ),
});

/** The `oauth=` query value the callback redirects with. */
export const MAILBOX_OAUTH_RESULTS = [
  'connected',
  'reconnected',
  'state_missing',
  'state_invalid',
  'state_expired',
  'access_denied',
  'provider_error',
  'exchange_failed',
  'no_refresh_token',
  'no_email',
  'wrong_account',
  'connection_failed',
  'already_connected',
  'limit_reached',
  'not_configured',
  'forbidden',
] as const;
export type MailboxOAuthResult = (typeof MAILBOX_OAUTH_RESULTS)[number];
export const MAILBOX_OAUTH_RESULT_TEXT: Record<MailboxOAuthResult, string> = {
  connected: 'The account is connected',
  reconnected: 'The account is connected again',
  state_missing: 'The provider sent the browser back without the sign-in reference: start again',
  state_invalid: 'This sign-in link is unknown or was already used: start again from Email accounts',
  state_expired: 'The sign-in took more than 10 minutes: start again',
  access_denied: 'Access was not granted at the provider: nothing was connected',
  provider_error: 'The provider reported an error: nothing was connected',
  exchange_failed: 'The provider refused the sign-in code (used already, or expired): start again',
  no_refresh_token:
    "The provider gave no refresh token, so the connection could not stay signed in: remove the app at the provider's account page and connect again",
  no_email: 'The provider did not say which address signed in',
  wrong_account: 'A different account signed in than the one this mailbox belongs to',
  connection_failed: 'The mail servers refused the sign-in (SMTP or IMAP with XOAUTH2)',
  already_connected: 'This address is already connected with a password: disconnect it first',
  limit_reached: 'This workspace has the most mailboxes it can have',
  not_configured: 'This provider is not configured on this server',
  forbidden: 'You may no longer connect mailboxes in this workspace',
};
