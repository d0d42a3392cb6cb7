// OAuth mailboxes over the real API: `mailboxes.oauthProviders` and `mailboxes.oauthStart` (owners and
// admins only), the provider's redirect (oauth2-mock-server) to GET /oauth/gmail/callback, which
// redirects to the dashboard's Email accounts page with a result code and never a token; refused
// callbacks (unknown state, access_denied) redirect with their code and store nothing; after the flows
// no token is in the database dump, Redis or the logs.
import { connectRedis, testServices } from '@postern/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauthWorld } from '../../../packages/core/test/support/oauth-world.ts';
import {
  addMember,
  type Client,
  findLoggedSecrets,
  findStoredSecrets,
  type Harness,
  newAccount,
  secretForms,
  startHarness,
} from './support/harness.ts';

const servers = oauthWorld();
const provider = servers.provider;
let h: Harness;
let owner: Awaited<ReturnType<typeof newAccount>>;
let member: Client;

beforeAll(async () => {
  h = await startHarness({ env: { ...servers.env } });
  owner = await newAccount(h.app);
  const account = await newAccount(h.app);
  await addMember(h, owner.client, owner.workspaceId, account, 'member');
  member = account.client;
});

afterAll(async () => {
  await h?.close();
});

const count = async () =>
  Number(
    (
      (await h.orm.em
        .fork()
        .getConnection()
        .execute('select count(*) as n from mailbox where workspace_id = ?', [owner.workspaceId])) as {
        n: string;
      }[]
    )[0]?.n,
  );

/** The provider's redirect back to us, as the browser would follow it. */
async function providerRedirect(authorizeUrl: string): Promise<URL> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  return new URL(res.headers.get('location') as string);
}

async function callback(url: URL) {
  const res = await h.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
  return { status: res.statusCode, location: new URL(res.headers.location as string), headers: res.headers };
}

describe('OAuth connection over the API', () => {
  it('lists both providers as configured', async () => {
    const res = await member.query<{ providers: { provider: string; configured: boolean }[] }>(
      'mailboxes.oauthProviders',
      { workspaceId: owner.workspaceId },
    );
    expect(res.data?.providers.map((p) => [p.provider, p.configured])).toEqual([
      ['gmail', true],
      ['outlook', true],
    ]);
  });

  it('a member may not start; the owner connects through the callback, redirected with the result', async () => {
    const refused = await member.mutate('mailboxes.oauthStart', {
      workspaceId: owner.workspaceId,
      provider: 'gmail',
    });
    expect(refused.error?.data.code).toBe('FORBIDDEN');
    provider().account.email = 'owner@gmail.test';
    const started = await owner.client.mutate<{ authorizeUrl: string }>('mailboxes.oauthStart', {
      workspaceId: owner.workspaceId,
      provider: 'gmail',
    });
    expect(started.error).toBeUndefined();
    const back = await providerRedirect(started.data?.authorizeUrl as string);
    expect(back.pathname).toBe('/oauth/gmail/callback');
    const res = await callback(back);
    expect(res.status).toBe(303);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.location.pathname).toBe(`/w/${owner.workspaceId}/mailboxes`);
    expect(res.location.searchParams.get('oauth')).toBe('connected');
    const mailboxId = res.location.searchParams.get('mailbox') as string;
    const got = await owner.client.query<{ provider: string; status: string; oauth: { revocation: null } }>(
      'mailboxes.get',
      { workspaceId: owner.workspaceId, mailboxId },
    );
    expect(got.data).toMatchObject({ provider: 'gmail', status: 'connected', oauth: { revocation: null } });
    // Replaying the same redirect is refused: the state was single use.
    const again = await callback(back);
    expect(again.location.pathname).toBe('/');
    expect(again.location.searchParams.get('oauth')).toBe('state_invalid');
    expect(await count()).toBe(1);

    const gone = await owner.client.mutate<{ oauth: { revocation: string } }>('mailboxes.disconnect', {
      workspaceId: owner.workspaceId,
      mailboxId,
    });
    expect(gone.data?.oauth.revocation).toBe('revoked');
  });

  it('a denied consent and a forged state redirect with their code and store nothing', async () => {
    const started = await owner.client.mutate<{ authorizeUrl: string }>('mailboxes.oauthStart', {
      workspaceId: owner.workspaceId,
      provider: 'gmail',
    });
    const state = new URL(started.data?.authorizeUrl as string).searchParams.get('state') as string;
    const denied = await callback(
      new URL(`http://x/oauth/gmail/callback?state=${state}&error=access_denied`),
    );
    expect(denied.location.pathname).toBe(`/w/${owner.workspaceId}/mailboxes`);
    expect(denied.location.searchParams.get('oauth')).toBe('access_denied');
    const forged = await callback(new URL('http://x/oauth/gmail/callback?state=forged&code=abc'));
    expect(forged.location.searchParams.get('oauth')).toBe('state_invalid');
    const unknown = await callback(new URL('http://x/oauth/yahoo/callback?state=forged&code=abc'));
    expect(unknown.location.searchParams.get('oauth')).toBe('not_configured');
    expect(await count()).toBe(1);
  });

  it('no token issued in these flows is in the database, Redis or the logs', async () => {
    const tokens = new Set([...provider().access, ...provider().liveRefresh, ...provider().revoked]);
    expect(tokens.size).toBeGreaterThanOrEqual(2);
    expect(await findStoredSecrets(h.db, tokens)).toEqual([]);
    expect(findLoggedSecrets(h.logs, tokens)).toEqual([]);
    const redis = await connectRedis(testServices().redisUrl, { connectTimeoutMs: 3000 });
    try {
      const keys = await redis.keys(`${h.redisPrefix}*`);
      let text = keys.join('\n');
      for (const key of keys) if ((await redis.type(key)) === 'string') text += (await redis.get(key)) ?? '';
      for (const token of tokens) expect(secretForms(token).some((form) => text.includes(form))).toBe(false);
    } finally {
      redis.disconnect();
    }
  });
});
