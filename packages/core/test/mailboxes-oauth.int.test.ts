// Gmail/Outlook by OAuth against a real provider stand-in (oauth2-mock-server over HTTP, tokens tracked
// through its events), a real smtp-server accepting XOAUTH2 only for tokens that provider issued, and
// Debian's Dovecot whose oauth2 passdb asks the provider (RFC 7662 introspection) about each IMAP
// XOAUTH2 login: the full flow (PKCE S256, state, code exchange, SMTP and IMAP XOAUTH2 tests, sealed
// storage), every refused callback (missing/wrong/expired/replayed state, replayed code, provider
// error, no refresh token) storing nothing, refresh before expiry with a rotated refresh token,
// invalid_grant → reconnect_required with a notification and an audit entry, the providers' documented
// error replies (test/fixtures/oauth) mapped to reconnect_required or an operator error, two
// refreshers racing, disconnect revoking (RFC 7009), and a revoked access token refused by IMAP.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accessTokenContext,
  completeMailboxOAuth,
  createOwnedWorkspace,
  disconnectMailbox,
  getMailbox,
  MailboxOAuthFailure,
  refreshDueMailboxTokens,
  refreshTokenContext,
  startMailboxOAuth,
  testMailbox,
} from '../src/index.ts';
import { coreWorld } from './support/auth-context.ts';
import { CLIENT_SECRET as CLIENT_SECRET_TEXT, oauthWorld } from './support/oauth-world.ts';

const servers = oauthWorld({ imap: true });
servers.env.ENCRYPTION_KEYS = `k1:${randomBytes(32).toString('base64')}`;
const world = coreWorld(servers.env);
const provider = servers.provider;

let userId = '';
const ctx = () => ({ ...world().ctx(), actor: { kind: 'user' as const, userId } });
const newWorkspace = async () =>
  (await createOwnedWorkspace(world().ctx(), userId, `OAuth ${randomBytes(3).toString('hex')}`, 100)).id;
const count = async (ws: string) =>
  Number(
    (await world().sql<{ n: string }>('select count(*) as n from mailbox where workspace_id = ?', [ws]))[0]
      ?.n,
  );
const row = async (id: string) =>
  (
    await world().sql<{
      status: string;
      access_token: string | null;
      refresh_token: string | null;
      token_expires_at: Date | null;
      token_revocation: string | null;
    }>(
      'select status, access_token, refresh_token, token_expires_at, token_revocation from mailbox where id = ?',
      [id],
    )
  )[0];

/** Starts an authorization and follows the provider's redirect: the callback's query. */
async function authorize(ws: string, which: 'gmail' | 'outlook' = 'gmail') {
  const { authorizeUrl } = await startMailboxOAuth(ctx(), ws, userId, which);
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = new URL(res.headers.get('location') as string);
  return {
    authorizeUrl: new URL(authorizeUrl),
    location,
    query: {
      state: location.searchParams.get('state') ?? undefined,
      code: location.searchParams.get('code') ?? undefined,
    },
  };
}

async function refused(promise: Promise<unknown>): Promise<MailboxOAuthFailure> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailboxOAuthFailure);
  return error as MailboxOAuthFailure;
}

async function connect(
  ws: string,
  email = `u${randomBytes(3).toString('hex')}@gmail.test`,
  which: 'gmail' | 'outlook' = 'gmail',
) {
  provider().account.email = email;
  const { query } = await authorize(ws, which);
  return completeMailboxOAuth(ctx(), which, query);
}

/** The providers' documented token-endpoint error replies (test/fixtures/oauth/*.json). */
interface ErrorFixture {
  provider: 'gmail' | 'outlook';
  status: number;
  body: Record<string, unknown> & { error: string };
  expect: 'reconnect_required' | 'operator_error';
}
const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'oauth');
const errorFixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(path.join(FIXTURES, f), 'utf8')) as ErrorFixture] as const);

beforeAll(async () => {
  userId = (await world().user()).id;
});

describe('connect', () => {
  it('PKCE S256 + state, code exchange, XOAUTH2 over SMTP and IMAP, then the mailbox with sealed tokens', async () => {
    const ws = await newWorkspace();
    provider().account.email = 'Alice@Gmail.test';
    const { authorizeUrl, location, query } = await authorize(ws);
    const params = authorizeUrl.searchParams;
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('scope')).toBe('openid email https://mail.google.com/');
    expect(params.get('access_type')).toBe('offline');
    expect(location.pathname).toBe('/oauth/gmail/callback');
    // Only the hash of the state is stored.
    const states = await world().sql<{ state_hash: string; code_verifier: string }>(
      'select state_hash, code_verifier from mailbox_oauth_state where workspace_id = ?',
      [ws],
    );
    expect(states).toHaveLength(1);
    expect(states[0]?.state_hash).not.toBe(query.state);

    const authsBefore = provider().smtp.authAttempts.length;
    const outcome = await completeMailboxOAuth(ctx(), 'gmail', query);
    expect(outcome.result).toBe('connected');
    expect(
      provider()
        .smtp.authAttempts.slice(authsBefore)
        .some((a) => a.method === 'XOAUTH2' && a.ok),
    ).toBe(true);
    // Dovecot asked the provider about the token and let the account in (XOAUTH2 or OAUTHBEARER).
    expect(provider().introspected.length).toBeGreaterThan(0);
    expect(provider().imap?.log()).toMatch(/Login: user=<alice@gmail\.test>, method=(XOAUTH2|OAUTHBEARER)/);
    const mailbox = await getMailbox(ctx(), ws, outcome.mailboxId);
    expect(mailbox).toMatchObject({
      provider: 'gmail',
      email: 'alice@gmail.test',
      status: 'connected',
      canSend: true,
    });
    expect(mailbox.oauth?.tokenExpiresAt).not.toBeNull();
    expect(JSON.stringify(mailbox)).not.toMatch(/ey[A-Za-z0-9_-]{20,}\./); // no JWT access token

    const stored = await row(outcome.mailboxId);
    const keyring = world().services.keyring;
    const access = keyring.decryptString(
      stored?.access_token as string,
      accessTokenContext(outcome.mailboxId),
    );
    const refresh = keyring.decryptString(
      stored?.refresh_token as string,
      refreshTokenContext(outcome.mailboxId),
    );
    expect(provider().access.has(access)).toBe(true);
    expect(provider().liveRefresh.has(refresh)).toBe(true);
    // Bound to row and column: the access token's ciphertext does not open as the refresh token.
    expect(() =>
      keyring.decryptString(stored?.access_token as string, refreshTokenContext(outcome.mailboxId)),
    ).toThrow();
    expect(await world().sql('select 1 from mailbox_oauth_state where workspace_id = ?', [ws])).toHaveLength(
      0,
    );
    const audit = await world().sql<{ event_type: string }>(
      'select event_type from audit_entry where workspace_id = ?',
      [ws],
    );
    expect(audit.map((a) => a.event_type)).toContain('mailbox.connected');

    // No token in clear anywhere in the database.
    const dump = execFileSync('pg_dump', ['--data-only', world().db.url], {
      maxBuffer: 256 * 1024 * 1024,
    }).toString();
    expect(dump).not.toContain(access);
    expect(dump).not.toContain(refresh);
  });

  it('refuses a missing, wrong, replayed or expired state, storing nothing', async () => {
    const ws = await newWorkspace();
    expect((await refused(completeMailboxOAuth(ctx(), 'gmail', { code: 'x' }))).result).toBe('state_missing');
    expect((await refused(completeMailboxOAuth(ctx(), 'gmail', { state: 'forged', code: 'x' }))).result).toBe(
      'state_invalid',
    );
    provider().account.email = 'replay@gmail.test';
    const { query } = await authorize(ws);
    expect((await completeMailboxOAuth(ctx(), 'gmail', query)).result).toBe('connected');
    expect((await refused(completeMailboxOAuth(ctx(), 'gmail', query))).result).toBe('state_invalid');
    expect(await count(ws)).toBe(1);
    // A state of Gmail is not valid on Outlook's callback.
    const other = await authorize(ws);
    expect((await refused(completeMailboxOAuth(ctx(), 'outlook', other.query))).result).toBe('state_invalid');

    const ws2 = await newWorkspace();
    const late = await authorize(ws2);
    world().clock.advance(11 * 60_000);
    const failure = await refused(completeMailboxOAuth(ctx(), 'gmail', late.query));
    expect(failure.result).toBe('state_expired');
    expect(failure.workspaceId).toBe(ws2);
    expect(await count(ws2)).toBe(0);
  });

  it('refuses a replayed code, a provider error page and a token response without a refresh token', async () => {
    const ws = await newWorkspace();
    provider().account.email = 'codes@gmail.test';
    const first = await authorize(ws);
    await completeMailboxOAuth(ctx(), 'gmail', first.query);
    const second = await authorize(ws);
    const replay = await refused(
      completeMailboxOAuth(ctx(), 'gmail', { state: second.query.state, code: first.query.code }),
    );
    expect(['exchange_failed', 'provider_error']).toContain(replay.result);

    const denied = await authorize(ws);
    const error = await refused(
      completeMailboxOAuth(ctx(), 'gmail', { state: denied.query.state, error: 'access_denied' }),
    );
    expect(error.result).toBe('access_denied');
    expect(error.workspaceId).toBe(ws);

    provider().account.email = 'norefresh@gmail.test';
    provider().tweak.omitRefreshToken = true;
    try {
      const noRefresh = await authorize(ws);
      expect((await refused(completeMailboxOAuth(ctx(), 'gmail', noRefresh.query))).result).toBe(
        'no_refresh_token',
      );
    } finally {
      provider().tweak.omitRefreshToken = false;
    }
    expect(await count(ws)).toBe(1);
  });
});

describe('who may connect what', () => {
  it('refuses an id token for another client, another account for a known address, a member who lost the right', async () => {
    const ws = await newWorkspace();
    provider().account.email = 'aud@gmail.test';
    provider().tweak.audience = 'someone-else';
    try {
      const { query } = await authorize(ws);
      expect((await refused(completeMailboxOAuth(ctx(), 'gmail', query))).result).toBe('no_email');
    } finally {
      provider().tweak.audience = undefined;
    }

    const { mailboxId } = await connect(ws, 'same@gmail.test');
    await disconnectMailbox(ctx(), ws, userId, mailboxId);
    provider().account.sub = 'someone-else';
    try {
      const { query } = await authorize(ws);
      expect((await refused(completeMailboxOAuth(ctx(), 'gmail', query))).result).toBe('wrong_account');
    } finally {
      provider().account.sub = 'johndoe';
    }
    expect((await getMailbox(ctx(), ws, mailboxId)).status).toBe('disconnected');

    const pending = await authorize(ws);
    await world().sql("update workspace_member set role = 'member' where workspace_id = ? and user_id = ?", [
      ws,
      userId,
    ]);
    expect((await refused(completeMailboxOAuth(ctx(), 'gmail', pending.query))).result).toBe('forbidden');
    expect(await count(ws)).toBe(1);
  });
});

describe('refresh', () => {
  it('renews a token about to expire and stores the rotated refresh token with the new access token', async () => {
    const ws = await newWorkspace();
    provider().tweak.expiresIn = 120;
    const { mailboxId } = await connect(ws);
    provider().tweak.expiresIn = undefined;
    const before = await row(mailboxId);
    const keyring = world().services.keyring;
    const oldRefresh = keyring.decryptString(before?.refresh_token as string, refreshTokenContext(mailboxId));
    const summary = await refreshDueMailboxTokens(ctx());
    expect(summary.refreshed).toBeGreaterThanOrEqual(1);
    const after = await row(mailboxId);
    const newRefresh = keyring.decryptString(after?.refresh_token as string, refreshTokenContext(mailboxId));
    expect(newRefresh).not.toBe(oldRefresh);
    expect(provider().liveRefresh.has(newRefresh)).toBe(true);
    expect(provider().liveRefresh.has(oldRefresh)).toBe(false);
    expect(new Date(after?.token_expires_at as Date).getTime()).toBeGreaterThan(
      new Date(before?.token_expires_at as Date).getTime(),
    );
    // The new access token works over SMTP.
    expect((await testMailbox(ctx(), ws, userId, mailboxId)).smtp.ok).toBe(true);
    // Not due any more: a second run leaves it alone.
    const calls = provider().refreshCalls.length;
    await refreshDueMailboxTokens(ctx());
    expect(provider().refreshCalls.length).toBe(calls);
  });

  it('two refreshers racing refresh each token once', async () => {
    const ws = await newWorkspace();
    provider().tweak.expiresIn = 60;
    const ids = [(await connect(ws)).mailboxId, (await connect(ws)).mailboxId, (await connect(ws)).mailboxId];
    provider().tweak.expiresIn = undefined;
    const sealed = await Promise.all(ids.map(row));
    const presented = sealed.map((r, i) =>
      world().services.keyring.decryptString(
        r?.refresh_token as string,
        refreshTokenContext(ids[i] as string),
      ),
    );
    const callsBefore = provider().refreshCalls.length;
    const [a, b] = await Promise.all([
      refreshDueMailboxTokens(
        { ...world().ctx(), em: world().orm.em.fork() },
        { batchSize: 1, concurrency: 1 },
      ),
      refreshDueMailboxTokens(
        { ...world().ctx(), em: world().orm.em.fork() },
        { batchSize: 1, concurrency: 1 },
      ),
    ]);
    const calls = provider()
      .refreshCalls.slice(callsBefore)
      .filter((t) => presented.includes(t));
    expect(calls.sort()).toEqual([...presented].sort());
    expect((a?.reconnectRequired ?? 0) + (b?.reconnectRequired ?? 0)).toBe(0);
  });

  it('invalid_grant: reconnect_required, sending paused, owners notified, audited', async () => {
    const ws = await newWorkspace();
    provider().tweak.expiresIn = 60;
    const { mailboxId } = await connect(ws);
    provider().tweak.expiresIn = undefined;
    // The user removed the app at the provider.
    const refresh = world().services.keyring.decryptString(
      (await row(mailboxId))?.refresh_token as string,
      refreshTokenContext(mailboxId),
    );
    provider().liveRefresh.delete(refresh);
    const summary = await refreshDueMailboxTokens(ctx());
    expect(summary.reconnectRequired).toBeGreaterThanOrEqual(1);
    const mailbox = await getMailbox(ctx(), ws, mailboxId);
    expect(mailbox.status).toBe('reconnect_required');
    expect(mailbox.canSend).toBe(false);
    expect(await row(mailboxId)).toMatchObject({ access_token: null, refresh_token: null });
    const notes = await world().sql<{ kind: string; user_id: string }>(
      'select kind, user_id from notification where workspace_id = ?',
      [ws],
    );
    expect(notes).toEqual([{ kind: 'mailbox.reconnect_required', user_id: userId }]);
    const audit = await world().sql<{ event_type: string }>(
      'select event_type from audit_entry where workspace_id = ?',
      [ws],
    );
    expect(audit.map((e) => e.event_type)).toContain('mailbox.reconnect_required');
    // Connecting the same account again makes it usable.
    const again = await connect(ws, mailbox.email);
    expect(again).toMatchObject({ result: 'reconnected', mailboxId });
    expect((await getMailbox(ctx(), ws, mailboxId)).canSend).toBe(true);
  });

  it.each(errorFixtures)('provider error reply %s maps to its outcome', async (_file, fixture) => {
    const ws = await newWorkspace();
    provider().tweak.expiresIn = 60;
    const { mailboxId } = await connect(ws, `f${randomBytes(3).toString('hex')}@mail.test`, fixture.provider);
    provider().tweak.expiresIn = undefined;
    const before = await row(mailboxId);
    provider().tweak.refreshError = { status: fixture.status, body: fixture.body };
    let summary: Awaited<ReturnType<typeof refreshDueMailboxTokens>>;
    try {
      summary = await refreshDueMailboxTokens(ctx());
    } finally {
      provider().tweak.refreshError = undefined;
    }
    const after = await row(mailboxId);
    if (fixture.expect === 'reconnect_required') {
      expect(after).toMatchObject({ status: 'reconnect_required', access_token: null, refresh_token: null });
      const audit = await world().sql<{ event_type: string; metadata: unknown }>(
        'select event_type, metadata from audit_entry where workspace_id = ? and event_type = ?',
        [ws, 'mailbox.reconnect_required'],
      );
      expect(audit).toHaveLength(1);
      expect(JSON.stringify(audit[0]?.metadata)).toContain(fixture.body.error);
    } else {
      // Postern's own client is refused: no mailbox is to blame, the operator is told.
      expect(after).toMatchObject({ status: 'connected', refresh_token: before?.refresh_token });
      expect(summary.operatorErrors.join('\n')).toMatch(
        new RegExp(`${fixture.body.error}.*OAUTH_(GOOGLE|MICROSOFT)_CLIENT_SECRET`),
      );
      expect(summary.operatorErrors.join('\n')).not.toContain(CLIENT_SECRET_TEXT);
    }
  });

  it('a provider that is down leaves the mailbox as it is (tried again later)', async () => {
    const ws = await newWorkspace();
    provider().tweak.expiresIn = 60;
    const { mailboxId } = await connect(ws);
    provider().tweak.expiresIn = undefined;
    const before = await row(mailboxId);
    provider().tweak.tokenStatus = 503;
    try {
      const summary = await refreshDueMailboxTokens(ctx());
      expect(summary.deferred).toBeGreaterThanOrEqual(1);
    } finally {
      provider().tweak.tokenStatus = undefined;
    }
    expect(await row(mailboxId)).toMatchObject({ status: 'connected', refresh_token: before?.refresh_token });
  });
});

describe('disconnect', () => {
  it('deletes the tokens and revokes the grant at the provider (RFC 7009)', async () => {
    const ws = await newWorkspace();
    const { mailboxId } = await connect(ws);
    const refresh = world().services.keyring.decryptString(
      (await row(mailboxId))?.refresh_token as string,
      refreshTokenContext(mailboxId),
    );
    const mailbox = await disconnectMailbox(ctx(), ws, userId, mailboxId);
    expect(mailbox).toMatchObject({ status: 'disconnected', canSend: false });
    expect(mailbox.oauth?.revocation).toBe('revoked');
    expect(await row(mailboxId)).toMatchObject({ access_token: null, refresh_token: null });
    await expect.poll(() => provider().revoked.includes(refresh)).toBe(true);
  });

  it('a failed revocation is reported, the tokens are gone anyway; Outlook has no endpoint', async () => {
    const ws = await newWorkspace();
    const { mailboxId } = await connect(ws);
    provider().tweak.revokeStatus = 503;
    try {
      const mailbox = await disconnectMailbox(ctx(), ws, userId, mailboxId);
      expect(mailbox.oauth?.revocation).toBe('failed');
    } finally {
      provider().tweak.revokeStatus = undefined;
    }
    expect(await row(mailboxId)).toMatchObject({
      access_token: null,
      refresh_token: null,
      token_revocation: 'failed',
    });

    provider().account.email = 'bob@outlook.test';
    const { query } = await authorize(ws, 'outlook');
    const outlook = await completeMailboxOAuth(ctx(), 'outlook', query);
    const gone = await disconnectMailbox(ctx(), ws, userId, outlook.mailboxId);
    expect(gone.oauth?.revocation).toBe('unsupported');
    expect(await row(outlook.mailboxId)).toMatchObject({ access_token: null, refresh_token: null });
  });
});

// Last in the file: Dovecot delays the next login from 127.0.0.1 after a refused one.
describe('revoked access token', () => {
  it('IMAP (Dovecot asking the provider) and SMTP refuse it; the mailbox test reports auth_failed', async () => {
    const ws = await newWorkspace();
    const { mailboxId } = await connect(ws);
    expect((await testMailbox(ctx(), ws, userId, mailboxId)).imap).toMatchObject({ ok: true });
    const access = world().services.keyring.decryptString(
      (await row(mailboxId))?.access_token as string,
      accessTokenContext(mailboxId),
    );
    provider().revokedAccess.add(access);
    const asked = provider().introspected.length;
    const outcome = await testMailbox(ctx(), ws, userId, mailboxId);
    expect(outcome.ok).toBe(false);
    expect(outcome.imap).toMatchObject({ ok: false, failure: { protocol: 'imap', code: 'auth_failed' } });
    expect(outcome.smtp).toMatchObject({ ok: false, failure: { code: 'auth_failed' } });
    expect(provider().introspected.slice(asked)).toContain(access);
    expect((await row(mailboxId))?.status).toBe('failing');
  }, 30_000);
});
