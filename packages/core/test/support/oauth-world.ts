// A stand-in OAuth provider for the mailbox OAuth tests: `oauth2-mock-server` (real HTTP: authorize,
// token, revoke) plus the state it does not keep — the test tracks every access and refresh token it
// issued, which refresh tokens are still valid (rotation invalidates the old one), which codes were
// used, and what was revoked, through its events. smtp-server over TLS accepts XOAUTH2 only for an
// access token this provider issued and that was not revoked. `env` configures both providers (Google
// with a revocation endpoint, Microsoft without, as in production). IMAP is `off` unless
// `oauthWorld({ imap: true })`: then Debian's Dovecot with an oauth2 passdb asks an RFC 7662
// introspection route on the mock, which answers `active` only for an access token the provider
// issued and has not revoked (`username` = the account it was issued for), so IMAP XOAUTH2 is
// checked by a real IMAP server too.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createTestCertificates,
  startDovecot,
  startSmtpServer,
  type TestCertificates,
  type TestDovecot,
  type TestSmtpServer,
} from '@postern/mailer/testing';
import { Events, type MutableResponse, type MutableToken, OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../../validator/test/support/dns-server.ts';

export const MAIL_HOST = 'mail.postern.test';
export const CLIENT_ID = 'postern-test-client';
export const CLIENT_SECRET = 'postern-test-secret';
const INTROSPECT_PATH = '/introspect/dovecot';

export interface Provider {
  server: OAuth2Server;
  smtp: TestSmtpServer;
  /** Dovecot with the oauth2 passdb, when the world was started with `imap: true`. */
  imap: TestDovecot | null;
  /** Every access token issued, and those still accepted by the SMTP server. */
  access: Set<string>;
  /** Access token → the account email it was issued for (what introspection names). */
  accessOwner: Map<string, string>;
  /** Access tokens the provider revoked: SMTP and IMAP refuse them. */
  revokedAccess: Set<string>;
  /** Tokens presented to the introspection endpoint (Dovecot's IMAP logins), in order. */
  introspected: string[];
  /** Refresh tokens the provider still honours (issued, not rotated away, not revoked). */
  liveRefresh: Set<string>;
  /** Refresh tokens presented to the token endpoint, in order. */
  refreshCalls: string[];
  revoked: string[];
  /** The account the next id token names. */
  account: { email: string; sub: string };
  /** One-shot or standing tweaks of the next token responses. */
  tweak: {
    expiresIn?: number;
    omitRefreshToken?: boolean;
    tokenStatus?: number;
    /** A provider's error reply (status and JSON body) to every refresh_token grant. */
    refreshError?: { status: number; body: Record<string, unknown> };
    revokeStatus?: number;
    /** An id token for another client. */
    audience?: string;
  };
}

function readBody(req: IncomingMessage, done: (body: URLSearchParams) => void) {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => done(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
}

function track(p: Provider) {
  const service = p.server.service;
  service.on(Events.BeforeTokenSigning, (token: MutableToken) => {
    token.payload.email = p.account.email;
    token.payload.email_verified = true;
    token.payload.sub = p.account.sub;
    if (p.tweak.audience) token.payload.aud = p.tweak.audience;
  });
  service.on(
    Events.BeforeResponse,
    (response: MutableResponse, req: IncomingMessage & { body: Record<string, string> }) => {
      const body = response.body as Record<string, unknown>;
      if (p.tweak.tokenStatus) {
        response.statusCode = p.tweak.tokenStatus;
        response.body = { error: 'temporarily_unavailable' };
        return;
      }
      // The mock checks a verifier only when one is sent: a code exchange without one is refused here,
      // so a client that stopped sending PKCE would fail these tests.
      if (req.body.grant_type === 'authorization_code' && !req.body.code_verifier) {
        response.statusCode = 400;
        response.body = { error: 'invalid_grant', error_description: 'code_verifier required' };
        return;
      }
      if (req.body.grant_type === 'refresh_token') {
        const presented = req.body.refresh_token as string;
        p.refreshCalls.push(presented);
        if (p.tweak.refreshError) {
          response.statusCode = p.tweak.refreshError.status;
          response.body = p.tweak.refreshError.body;
          return;
        }
        if (!p.liveRefresh.has(presented)) {
          response.statusCode = 400;
          response.body = { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' };
          return;
        }
        p.liveRefresh.delete(presented); // rotation: the old refresh token is spent
      }
      if (p.tweak.expiresIn) body.expires_in = p.tweak.expiresIn;
      if (p.tweak.omitRefreshToken) delete body.refresh_token;
      if (typeof body.access_token === 'string') {
        p.access.add(body.access_token);
        p.accessOwner.set(body.access_token, p.account.email.toLowerCase());
      }
      if (typeof body.refresh_token === 'string') p.liveRefresh.add(body.refresh_token);
    },
  );
  // Dovecot's oauth2 passdb posts `token=…` (introspection_mode = post). The mock's own `/introspect`
  // answers before reading the body (its BeforeIntrospect event cannot see the token), so this route
  // beside it, whose body the mock parses, plays the provider's RFC 7662 endpoint.
  service.addRoute('POST', INTROSPECT_PATH, (req, res) => {
    const token = String((req.body as Record<string, unknown> | undefined)?.token ?? '');
    p.introspected.push(token);
    const owner = p.accessOwner.get(token);
    const body =
      owner && p.access.has(token) && !p.revokedAccess.has(token)
        ? { active: true, username: owner, scope: 'https://mail.google.com/' }
        : { active: false };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  service.on(Events.BeforeRevoke, (response: { statusCode: number }, req: IncomingMessage) => {
    if (p.tweak.revokeStatus) response.statusCode = p.tweak.revokeStatus;
    const refused = Boolean(p.tweak.revokeStatus);
    readBody(req, (form) => {
      const token = form.get('token');
      if (!token || refused) return;
      p.revoked.push(token);
      p.liveRefresh.delete(token);
    });
  });
}

export function oauthWorld(options: { imap?: boolean } = {}) {
  const env: Record<string, string> = {};
  let provider: Provider | undefined;
  let certs: TestCertificates | undefined;
  let dns: TestDnsServer | undefined;
  let caDir: string | undefined;
  beforeAll(async () => {
    certs = createTestCertificates({ hosts: [MAIL_HOST] });
    const access = new Set<string>();
    const revokedAccess = new Set<string>();
    const server = new OAuth2Server();
    await server.issuer.keys.generate('RS256');
    await server.start(0, '127.0.0.1');
    const smtp = await startSmtpServer({
      users: {},
      tls: 'implicit',
      certs,
      xoauth2: (_user, token) => access.has(token) && !revokedAccess.has(token),
    });
    const imap = options.imap
      ? await startDovecot({
          users: {},
          certs,
          oauth2: { introspectionUrl: `${server.issuer.url as string}${INTROSPECT_PATH}` },
        })
      : null;
    provider = {
      server,
      smtp,
      imap,
      access,
      accessOwner: new Map(),
      revokedAccess,
      introspected: [],
      liveRefresh: new Set(),
      refreshCalls: [],
      revoked: [],
      account: { email: 'alice@gmail.test', sub: 'johndoe' },
      tweak: {},
    };
    track(provider);
    dns = await startDnsServer({ [MAIL_HOST]: { a: ['127.0.0.1'] } });
    caDir = mkdtempSync(path.join(tmpdir(), 'postern-oauth-ca-'));
    writeFileSync(path.join(caDir, 'ca.pem'), certs.ca);
    const url = server.issuer.url as string;
    const common = (p: 'GOOGLE' | 'MICROSOFT', revocation: string) => ({
      [`OAUTH_${p}_CLIENT_ID`]: CLIENT_ID,
      [`OAUTH_${p}_CLIENT_SECRET`]: CLIENT_SECRET,
      [`OAUTH_${p}_ISSUER`]: url,
      [`OAUTH_${p}_AUTHORIZE_URL`]: `${url}/authorize`,
      [`OAUTH_${p}_TOKEN_URL`]: `${url}/token`,
      [`OAUTH_${p}_REVOCATION_URL`]: revocation,
      [`OAUTH_${p}_SMTP`]: `${MAIL_HOST}:${smtp.port}:tls`,
      [`OAUTH_${p}_IMAP`]: imap ? `${MAIL_HOST}:${imap.port}:tls` : 'off',
    });
    Object.assign(env, {
      DNS_SERVERS: dns.address,
      DNS_TIMEOUT_MS: '1000',
      MAILBOX_TLS_CA_FILE: path.join(caDir, 'ca.pem'),
      MAILBOX_ALLOWED_HOSTS: '127.0.0.1',
      MAILBOX_CONNECT_TIMEOUT_MS: '5000',
      ...common('GOOGLE', `${url}/revoke`),
      ...common('MICROSOFT', ''),
    });
  });
  afterAll(async () => {
    await Promise.allSettled([
      provider?.server.stop(),
      provider?.smtp.close(),
      provider?.imap?.close(),
      dns?.close(),
    ]);
    certs?.dispose();
    if (caDir) rmSync(caDir, { recursive: true, force: true });
  });
  return {
    env,
    provider(): Provider {
      if (!provider) throw new Error('the OAuth world starts in beforeAll');
      return provider;
    },
  };
}
