// The two OAuth mail providers (docs/mailboxes.md "OAuth"): which configuration block each uses, the
// scopes asked for and why, the extra authorize parameters, and where a user removes the grant.
// Scopes are the least that lets one XOAUTH2 transport send (SMTP) and read (IMAP):
// - Gmail: `https://mail.google.com/` is the only Google scope accepted for IMAP/SMTP XOAUTH2 (the
//   narrower gmail.send / gmail.readonly work only with the Gmail REST API). Google classes it as
//   restricted: a public deployment needs Google's verification (docs).
// - Outlook: `SMTP.Send` and `IMAP.AccessAsUser.All` on outlook.office.com are the two IMAP/SMTP
//   permissions; `offline_access` is what yields a refresh token.
// Both add `openid email` so the id token names the signed-in address (the mailbox's identity).
import type { MailboxOAuthProvider } from '@postern/contracts';
import type { Config } from '@postern/runtime';
import { DomainError } from '../../errors.ts';

/** One provider's client as configured (runtime/config/mailboxes.ts). */
export type OAuthProviderConfig = Config['mailboxes']['oauth']['google'];

export interface OAuthProviderInfo {
  provider: MailboxOAuthProvider;
  configKey: 'google' | 'microsoft';
  envPrefix: 'OAUTH_GOOGLE' | 'OAUTH_MICROSOFT';
  label: string;
  scopes: readonly string[];
  /** Extra authorize parameters: Google gives a refresh token only with offline access + consent. */
  authorizeParams: Record<string, string>;
  accountPageUrl: string;
}

export const OAUTH_PROVIDERS: Record<MailboxOAuthProvider, OAuthProviderInfo> = {
  gmail: {
    provider: 'gmail',
    configKey: 'google',
    envPrefix: 'OAUTH_GOOGLE',
    label: 'Google',
    scopes: ['openid', 'email', 'https://mail.google.com/'],
    authorizeParams: { access_type: 'offline', prompt: 'consent' },
    accountPageUrl: 'https://myaccount.google.com/connections',
  },
  outlook: {
    provider: 'outlook',
    configKey: 'microsoft',
    envPrefix: 'OAUTH_MICROSOFT',
    label: 'Microsoft',
    scopes: [
      'openid',
      'email',
      'offline_access',
      'https://outlook.office.com/SMTP.Send',
      'https://outlook.office.com/IMAP.AccessAsUser.All',
    ],
    authorizeParams: { prompt: 'select_account' },
    accountPageUrl: 'https://myapps.microsoft.com/',
  },
};

export const isOAuthProvider = (provider: string): provider is MailboxOAuthProvider =>
  provider === 'gmail' || provider === 'outlook';

/** A configured provider's client, or VALIDATION_FAILED saying which variables are missing. */
export function configuredProvider(
  config: Pick<Config, 'mailboxes'>,
  provider: MailboxOAuthProvider,
): OAuthProviderConfig & { clientId: string; clientSecret: string } {
  const info = OAUTH_PROVIDERS[provider];
  const client = config.mailboxes.oauth[info.configKey];
  if (!client.clientId || !client.clientSecret)
    throw new DomainError(
      'VALIDATION_FAILED',
      `${info.label} sign-in is not configured on this server: the operator sets ${info.envPrefix}_CLIENT_ID and ${info.envPrefix}_CLIENT_SECRET (docs/mailboxes.md)`,
      { field: 'provider', oauthResult: 'not_configured' },
    );
  return client as OAuthProviderConfig & { clientId: string; clientSecret: string };
}

/** Where the provider sends the browser back: the API's callback route. */
export const redirectUri = (config: Pick<Config, 'publicUrl'>, provider: MailboxOAuthProvider) =>
  `${config.publicUrl}/oauth/${provider}/callback`;

/** What the dashboard shows: both providers, whether configured, scopes, the account page. */
export function listMailboxOAuthProviders(config: Pick<Config, 'mailboxes'>) {
  return {
    providers: Object.values(OAUTH_PROVIDERS).map((info) => ({
      provider: info.provider,
      configured: Boolean(config.mailboxes.oauth[info.configKey].clientId),
      scopes: [...info.scopes],
      accountPageUrl: info.accountPageUrl,
    })),
  };
}
