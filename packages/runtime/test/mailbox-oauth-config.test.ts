// The OAUTH_* settings of Gmail and Outlook mailboxes: not configured by default (with Google's and
// Microsoft's documented endpoints), client id and secret only together, endpoints overridable (tests
// point them at a mock provider), mail servers as host:port:security, IMAP `off`, revocation `none`.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const base = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' };

describe('mailbox OAuth settings', () => {
  it('defaults: neither provider configured, the providers documented endpoints', () => {
    const { google, microsoft, refreshWindowSeconds } = loadConfig(base).mailboxes.oauth;
    expect(google).toMatchObject({
      clientId: null,
      authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      revocationUrl: 'https://oauth2.googleapis.com/revoke',
      smtp: { host: 'smtp.gmail.com', port: 465, security: 'tls' },
      imap: { host: 'imap.gmail.com', port: 993, security: 'tls' },
    });
    expect(microsoft).toMatchObject({
      clientId: null,
      tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      revocationUrl: null,
      smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
    });
    expect(refreshWindowSeconds).toBe(600);
  });

  it('overrides: client, endpoints, IMAP off, revocation none', () => {
    const { google } = loadConfig({
      ...base,
      OAUTH_GOOGLE_CLIENT_ID: 'id',
      OAUTH_GOOGLE_CLIENT_SECRET: 'secret',
      OAUTH_GOOGLE_TOKEN_URL: 'http://127.0.0.1:9/token',
      OAUTH_GOOGLE_REVOCATION_URL: 'none',
      OAUTH_GOOGLE_SMTP: 'mail.example.test:2465:tls',
      OAUTH_GOOGLE_IMAP: 'off',
    }).mailboxes.oauth;
    expect(google).toMatchObject({
      clientId: 'id',
      clientSecret: 'secret',
      tokenUrl: 'http://127.0.0.1:9/token',
      revocationUrl: null,
      smtp: { host: 'mail.example.test', port: 2465, security: 'tls' },
      imap: null,
    });
  });

  it('refuses a client id without its secret, a bad endpoint and a bad URL with one clear line', () => {
    expect(() => loadConfig({ ...base, OAUTH_GOOGLE_CLIENT_ID: 'id' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, OAUTH_GOOGLE_CLIENT_ID: 'id' })).toThrow(/OAUTH_GOOGLE_CLIENT_SECRET/);
    expect(() => loadConfig({ ...base, OAUTH_MICROSOFT_SMTP: 'smtp.office365.com:587' })).toThrow(
      /OAUTH_MICROSOFT_SMTP: must be host:port:tls/,
    );
    expect(() => loadConfig({ ...base, OAUTH_MICROSOFT_SMTP: 'off' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, OAUTH_GOOGLE_TOKEN_URL: 'ftp://x' })).toThrow(
      /OAUTH_GOOGLE_TOKEN_URL/,
    );
  });
});
