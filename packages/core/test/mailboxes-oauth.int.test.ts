// Gmail/Outlook by OAuth against a real provider stand-in (oauth2-mock-server over HTTP, tokens tracked
// through its events) and a real smtp-server accepting XOAUTH2 only for tokens that provider issued:
// the full flow (PKCE S256, state, code exchange, XOAUTH2 test, sealed storage), every refused callback
// (missing/wrong/expired/replayed state, replayed code, provider error, no refresh token) storing
// nothing, refresh before expiry with a rotated refresh token, invalid_grant → reconnect_required with
// a notification and an audit entry, two refreshers racing, and disconnect revoking (RFC 7009).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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
import { oauthWorld } from './support/oauth-world.ts';

const servers = oauthWorld();
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

async function connect(ws: string, email = `u${randomBytes(3).toString('hex')}@gmail.test`) {
  provider().account.email = email;
  const { query } = await authorize(ws);
  return completeMailboxOAuth(ctx(), 'gmail', query);
}

beforeAll(async () => {
  userId = (await world().user()).id;
});

describe('connect', () => {
  it('PKCE S256 + state, code exchange, XOAUTH2 over SMTP, then the mailbox with sealed tokens', async () => {
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
