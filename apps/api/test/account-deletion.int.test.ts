// "Delete my account" (#28): confirmed with the password (and a second factor when 2FA is on; wrong
// → refused, nothing changed); at once sessions end, keys of the workspaces that go with it are
// refused and their bulk jobs cancelled, an email says how to cancel; during the grace the account
// signs in only to cancel, which restores sign-in, keys and workspaces; a sole owner of a workspace
// others use must transfer first; 30 days later the erasure removes the account and its workspaces.
import { AUTH_COOKIES } from '@postern/contracts';
import { describe, expect, it } from 'vitest';
import { get, keyForHelper } from './support/api-keys.ts';
import { bulkJobStatus, queuedBulkJob, runErasure } from './support/erasure.ts';
import { addMember, Client, newAccount, STRONG_PASSWORD } from './support/harness.ts';
import { authSuite, twoFactorHelpers } from './support/signed-in.ts';

const suite = authSuite();
const h = () => suite.harness();
const keySecrets: string[] = [];
const keyFor = keyForHelper(keySecrets);
const { totp, nextStep, enrolled, challenge } = twoFactorHelpers(h, suite.usedSecrets);
const DAY = 24 * 60 * 60_000;

async function account() {
  const a = await newAccount(h().app);
  suite.usedSecrets.add(STRONG_PASSWORD);
  return a;
}

const me = (client: Client) => client.query<{ deletionScheduledFor?: string | null }>('auth.me');

describe('requesting the deletion', () => {
  it('refuses a wrong password and changes nothing', async () => {
    const a = await account();
    const key = await keyFor(a);
    const res = await a.client.mutate('privacy.requestDeletion', { password: 'Wrong-password-1' });
    expect(res.error?.data.code).toBe('UNAUTHENTICATED');
    expect((await me(a.client)).status).toBe(200);
    expect((await get(h().app, '/v1/usage', key.secret)).statusCode).toBe(200);
    const status = await a.client.query<{ deletionRequestedAt: string | null }>('privacy.status');
    expect(status.data?.deletionRequestedAt).toBeNull();
  });

  it('with two-factor on, refuses a missing or wrong code and accepts a current one', async () => {
    const a = await enrolled();
    const missing = await a.client.mutate('privacy.requestDeletion', { password: STRONG_PASSWORD });
    expect(missing.error?.data.details).toMatchObject({ authFailure: 'code_required' });
    const wrong = await a.client.mutate('privacy.requestDeletion', {
      password: STRONG_PASSWORD,
      code: '000000',
    });
    expect(wrong.error?.data.details).toMatchObject({ authFailure: 'wrong_code' });
    expect((await me(a.client)).status).toBe(200);
    nextStep();
    const ok = await a.client.mutate('privacy.requestDeletion', {
      password: STRONG_PASSWORD,
      code: totp(a.secret),
    });
    expect(ok.status).toBe(200);
    // Signing in with the second factor leads to the pending state too, and cancelling works from there.
    nextStep();
    const { client, challengeId } = await challenge(a.email);
    const verified = await client.mutate<{ user: { deletionScheduledFor: string | null } }>(
      'auth.verifyTwoFactor',
      { challengeId, code: totp(a.secret) },
    );
    suite.usedSecrets.add(client.cookies.get(AUTH_COOKIES.refresh) ?? '');
    expect(verified.data?.user.deletionScheduledFor).toBeTruthy();
    expect((await me(client)).error?.data.code).toBe('ACCOUNT_DELETION_PENDING');
    expect((await client.mutate('privacy.cancelDeletion')).status).toBe(200);
    expect((await me(client)).status).toBe(200);
  });

  it('refuses a sole owner whose workspace others use, naming it, until ownership is transferred', async () => {
    const owner = await account();
    const other = await account();
    await addMember(h(), owner.client, owner.workspaceId, other, 'member');
    const refused = await owner.client.mutate('privacy.requestDeletion', { password: STRONG_PASSWORD });
    expect(refused.error?.data.code).toBe('CONFLICT');
    expect(refused.error?.data.details).toMatchObject({ mustTransfer: [{ id: owner.workspaceId }] });
    expect((await me(owner.client)).status).toBe(200);
    const members = await owner.client.query<{ members: { id: string; email: string }[] }>('members.list', {
      workspaceId: owner.workspaceId,
    });
    const memberId = members.data?.members.find((m) => m.email === other.email)?.id;
    expect(
      (await owner.client.mutate('ownership.transfer', { workspaceId: owner.workspaceId, memberId })).status,
    ).toBe(200);
    const status = await owner.client.query<{ mustTransfer: unknown[]; remain: { id: string }[] }>(
      'privacy.status',
    );
    expect(status.data?.mustTransfer).toEqual([]);
    const ok = await owner.client.mutate('privacy.requestDeletion', { password: STRONG_PASSWORD });
    expect(ok.status).toBe(200);
    // The workspace stays with its new owner, whose key keeps working.
    const key = await keyFor(other);
    expect((await get(h().app, '/v1/usage', key.secret)).statusCode).toBe(200);
  });
});

describe('the grace period', () => {
  it('ends every session, refuses the keys, cancels bulk jobs and mails how to cancel; cancelling restores it all', async () => {
    const a = await account();
    const key = await keyFor(a);
    const job = await queuedBulkJob(h(), a.workspaceId);
    const second = new Client(h().app);
    const signIn = await second.mutate('auth.signIn', { email: a.email, password: STRONG_PASSWORD });
    expect(signIn.status).toBe(200);
    suite.usedSecrets.add(second.cookies.get(AUTH_COOKIES.refresh) ?? '');

    const res = await a.client.mutate<{ eraseAt: string }>('privacy.requestDeletion', {
      password: STRONG_PASSWORD,
    });
    expect(res.status).toBe(200);
    expect(new Date(res.data?.eraseAt ?? 0).getTime() - h().clock.now().getTime()).toBeGreaterThan(29 * DAY);
    expect((await me(second)).error?.data.code).toBe('UNAUTHENTICATED');
    const refused = await get(h().app, '/v1/usage', key.secret);
    expect(refused.statusCode).toBe(403);
    expect(await bulkJobStatus(h(), job)).toBe('cancelled');
    const mail = (await h().mails()).filter((m) => m.to === a.email).pop();
    expect(mail?.subject).toMatch(/will be deleted/);
    expect(mail?.text).toMatch(/Cancel deletion/);

    // Sign-in answers with the pending state; everything but the status and cancelling is refused.
    const back = new Client(h().app);
    const again = await back.mutate<{ user: { deletionScheduledFor: string | null } }>('auth.signIn', {
      email: a.email,
      password: STRONG_PASSWORD,
    });
    suite.usedSecrets.add(back.cookies.get(AUTH_COOKIES.refresh) ?? '');
    expect(again.data?.user.deletionScheduledFor).toBe(res.data?.eraseAt);
    expect((await me(back)).error?.data.code).toBe('ACCOUNT_DELETION_PENDING');
    const list = await back.query('workspaces.list');
    expect(list.error?.data.code).toBe('ACCOUNT_DELETION_PENDING');
    expect((await back.query('privacy.status')).status).toBe(200);
    // Signing out works from the cancel page (another device of the same account).
    const third = new Client(h().app);
    await third.mutate('auth.signIn', { email: a.email, password: STRONG_PASSWORD });
    suite.usedSecrets.add(third.cookies.get(AUTH_COOKIES.refresh) ?? '');
    expect((await third.mutate('privacy.signOut')).status).toBe(200);
    expect((await third.query('privacy.status')).error?.data.code).toBe('UNAUTHENTICATED');

    expect((await back.mutate('privacy.cancelDeletion')).status).toBe(200);
    expect((await me(back)).data?.deletionScheduledFor).toBeNull();
    expect((await get(h().app, '/v1/usage', key.secret)).statusCode).toBe(200);
    const workspaces = await back.query<{ workspaces: { id: string }[] }>('workspaces.list');
    expect(workspaces.data?.workspaces.map((w) => w.id)).toContain(a.workspaceId);
    // Nothing is erased once cancelled, however long after.
    h().clock.advance(31 * DAY);
    try {
      // (Accounts of the tests above, still pending, are erased by this run.)
      await runErasure(h());
      const rows = (await h()
        .orm.em.fork()
        .getConnection()
        .execute(
          'select (select count(*) from app_user where email = ?)::int as users, (select count(*) from workspace where id = ?)::int as workspaces',
          [a.email, a.workspaceId],
        )) as { users: number; workspaces: number }[];
      expect(rows[0]).toEqual({ users: 1, workspaces: 1 });
    } finally {
      h().clock.advance(-31 * DAY);
    }
  });

  it('erases the account and its sole workspace after 30 days (not before) and sends a last email', async () => {
    const a = await account();
    const key = await keyFor(a);
    expect((await a.client.mutate('privacy.requestDeletion', { password: STRONG_PASSWORD })).status).toBe(
      200,
    );
    h().clock.advance(29 * DAY);
    try {
      expect((await runErasure(h())).accounts).toBe(0);
      h().clock.advance(2 * DAY);
      expect((await runErasure(h())).accounts).toBe(1);
    } finally {
      h().clock.advance(-31 * DAY);
    }
    const signIn = await new Client(h().app).mutate('auth.signIn', {
      email: a.email,
      password: STRONG_PASSWORD,
    });
    expect(signIn.error?.data.code).toBe('UNAUTHENTICATED');
    expect((await get(h().app, '/v1/usage', key.secret)).statusCode).toBe(401);
    const [row] = (await h()
      .orm.em.fork()
      .getConnection()
      .execute('select count(*)::int as n from workspace where id = ?', [a.workspaceId])) as { n: number }[];
    expect(row?.n).toBe(0);
    const last = (await h().mails()).filter((m) => m.to === a.email).pop();
    expect(last?.subject).toMatch(/has been deleted/);
  });
});
