// The operator console's user commands, run as a separate process against the database and Redis of a
// real in-process API: refusal without --reason (exit 2, nothing changed), reset-2fa, disable and
// enable (sign-in, live sessions and the API keys of solely owned workspaces), list and show, the
// instance audit entries, and no secret in any output.
import { AUTH_COOKIES } from '@postern/contracts';
import { describe, expect, it } from 'vitest';
import { get } from '../../api/test/support/api-keys.ts';
import { addMember, Client, newAccount, STRONG_PASSWORD } from '../../api/test/support/harness.ts';
import { twoFactorHelpers } from '../../api/test/support/signed-in.ts';
import { AS, adminSuite, createKey, instanceAudit } from './support.ts';

const { harness, admin, secrets } = adminSuite();
const { enrolled, challenge, totp } = twoFactorHelpers(harness, secrets);
const REASON = ['--reason', 'ticket #4711: identity proven by video call'];

const userRow = async (email: string) =>
  (
    (await harness()
      .orm.em.fork()
      .getConnection()
      .execute('select * from app_user where email = ?', [email])) as Record<string, unknown>[]
  )[0];

describe('refusals', () => {
  it('refuses every mutating command without --reason: exit 2, one line, nothing changed', async () => {
    const account = await newAccount(harness().app);
    const before = await userRow(account.email);
    const auditBefore = await instanceAudit(harness());
    const commands = [
      ['user', 'reset-2fa', account.email],
      ['user', 'disable', account.email],
      ['user', 'enable', account.email],
      ['workspace', 'set-plan', account.workspaceId, 'business'],
      ['notify', '--all', '--subject', 'Maintenance', '--body-file', '/etc/hostname'],
    ];
    // Side by side (each is a process of its own).
    const [noAs, emptyReason, ...runs] = await Promise.all([
      admin(['user', 'disable', account.email, '--reason', 'x']),
      // An empty reason is no reason.
      admin(['user', 'disable', account.email, ...AS, '--reason', '  ']),
      ...commands.map((command) => admin([...command, ...AS])),
    ]);
    runs.forEach((run, i) => {
      expect(run.code, commands[i]?.join(' ')).toBe(2);
      expect(run.stderr).toBe('postern admin: --reason is required: say why (it is kept in the audit log)\n');
      expect(run.stdout).toBe('');
    });
    expect(emptyReason?.code).toBe(2);
    expect(noAs?.stderr).toMatch(/--as is required/);
    expect(await userRow(account.email)).toEqual(before);
    expect(await instanceAudit(harness())).toEqual(auditBefore);
    expect((await account.client.query('auth.me')).status).toBe(200);
  });

  it('answers unknown commands and users in one line, without a stack trace', async () => {
    const unknown = await admin(['user', 'explode']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^postern admin: unknown command "user explode"/);
    const missing = await admin(['user', 'show', 'nobody@example.test', ...AS]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toBe('postern admin: no user with the address or id "nobody@example.test"\n');
    const help = await admin(['user', 'disable', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: postern admin user disable EMAIL --as NAME --reason TEXT/);
  });
});

describe('user reset-2fa', () => {
  it('removes the second factor and recovery codes, ends every session, mails the user and audits', async () => {
    const { client, email } = await enrolled();
    secrets.add(client.cookies.get(AUTH_COOKIES.refresh) ?? '');
    expect((await client.query('auth.me')).status).toBe(200);

    const run = await admin(['user', 'reset-2fa', email, ...AS, ...REASON]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /two-factor authentication reset for .*: 10 recovery code\(s\) removed, \d+ session\(s\) ended/,
    );

    const row = await userRow(email);
    expect(row).toMatchObject({ totp_secret: null, totp_enabled_at: null, totp_last_step: null });
    const [codes] = (await harness()
      .orm.em.fork()
      .getConnection()
      .execute('select count(*)::int as n from auth_recovery_code where user_id = ?', [row?.id])) as {
      n: number;
    }[];
    expect(codes?.n).toBe(0);
    const me = await client.query('auth.me');
    expect(me.status).toBe(401);
    // The account signs in with its password alone now.
    const again = await new Client(harness().app).mutate<{ status: string }>('auth.signIn', {
      email,
      password: STRONG_PASSWORD,
    });
    expect(again.data?.status).toBe('signed_in');

    const mail = (await harness().mails()).filter((m) => m.to === email).at(-1);
    expect(mail?.subject).toBe('Two-factor authentication was reset for your Postern account');
    const [entry] = (await instanceAudit(harness())).filter(
      (e) => e.event_type === 'instance.two_factor_reset',
    );
    expect(entry).toMatchObject({
      actor_id: null,
      target_type: 'user',
      target_id: row?.id,
      // The address is sealed under the person's own key (audit chain version 2).
      subject_id: row?.id,
      metadata: { operator: 'Olga Operator', reason: 'ticket #4711: identity proven by video call' },
    });
    expect(JSON.stringify(entry?.metadata)).not.toContain(email);
    // Nothing to reset a second time: refused, not audited again.
    const twice = await admin(['user', 'reset-2fa', email, ...AS, ...REASON]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/does not use two-factor authentication: nothing to reset/);
    expect(
      (await instanceAudit(harness())).filter((e) => e.event_type === 'instance.two_factor_reset'),
    ).toHaveLength(1);
  });
});

describe('user disable and enable', () => {
  it('refuses sign-in and live sessions at once, suspends solely owned workspaces, and restores on enable', async () => {
    const owner = await newAccount(harness().app);
    const member = await newAccount(harness().app);
    // The owner also co-owns another workspace, which keeps working: its other owner is active.
    await addMember(harness(), member.client, member.workspaceId, owner, 'owner');
    const ownKey = await createKey(owner, secrets);
    const otherKey = await createKey(member, secrets);
    expect((await get(harness().app, '/v1/me', ownKey.secret)).statusCode).toBe(200); // cached by the API now
    secrets.add(owner.client.cookies.get(AUTH_COOKIES.refresh) ?? '');

    const run = await admin(['user', 'disable', owner.email, ...AS, ...REASON]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /disabled: \d+ session\(s\) ended, 1 workspace\(s\) suspended \(1 API key\(s\) refused\)/,
    );

    const session = await owner.client.query('auth.me');
    expect(session.status).toBe(401);
    const signIn = await new Client(harness().app).mutate('auth.signIn', {
      email: owner.email,
      password: STRONG_PASSWORD,
    });
    expect(signIn.status).toBe(403);
    expect(signIn.error?.data.code).toBe('ACCOUNT_DISABLED');
    expect(signIn.error?.message).toMatch(/disabled by the operator of this Postern instance/);
    const refused = await get(harness().app, '/v1/me', ownKey.secret);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'ACCOUNT_DISABLED' });
    expect((await get(harness().app, '/v1/me', otherKey.secret)).statusCode).toBe(200);
    expect((await admin(['user', 'disable', owner.email, ...AS, ...REASON])).stderr).toMatch(
      /already disabled/,
    );

    const enable = await admin(['user', 'enable', owner.email, ...AS, '--reason', 'ticket #4712']);
    expect(enable.code).toBe(0);
    expect(enable.stdout).toMatch(/enabled: 1 workspace\(s\) restored \(1 API key\(s\) work again\)/);
    const back = await new Client(harness().app).mutate<{ status: string }>('auth.signIn', {
      email: owner.email,
      password: STRONG_PASSWORD,
    });
    expect(back.data?.status).toBe('signed_in');
    // Each API process re-reads a key within its 5-second cache.
    let status = 0;
    for (let i = 0; i < 70 && status !== 200; i++) {
      status = (await get(harness().app, '/v1/me', ownKey.secret)).statusCode;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);

    const entries = (await instanceAudit(harness())).filter(
      (e) => e.target_id === (owner.userId || e.target_id),
    );
    const types = entries.map((e) => e.event_type);
    expect(types).toEqual(expect.arrayContaining(['instance.user_disabled', 'instance.user_enabled']));
    const disabled = entries.find((e) => e.event_type === 'instance.user_disabled');
    expect(disabled?.metadata).toMatchObject({
      operator: 'Olga Operator',
      reason: REASON[1],
      workspacesSuspended: [owner.workspaceId],
    });
  });
});

describe('a disabled account, beyond its revoked sessions', () => {
  it("refuses a suspended workspace's keys by the database check too (markers missed: another Redis prefix)", async () => {
    const owner = await newAccount(harness().app);
    const key = await createKey(owner, secrets);
    const run = await admin(['user', 'disable', owner.email, ...AS, ...REASON], {
      REDIS_KEY_PREFIX: 'elsewhere:',
    });
    expect(run.code).toBe(0);
    const refused = await get(harness().app, '/v1/me', key.secret);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'ACCOUNT_DISABLED' });
  });

  it('cannot finish a second-factor sign-in started before it was disabled', async () => {
    const { email, secret } = await enrolled();
    const pending = await challenge(email);
    expect((await admin(['user', 'disable', email, ...AS, ...REASON])).code).toBe(0);
    const res = await pending.client.mutate('auth.verifyTwoFactor', {
      challengeId: pending.challengeId,
      code: totp(secret),
    });
    expect(res.status).toBe(403);
    expect(res.error?.data.code).toBe('ACCOUNT_DISABLED');
  });

  it('is refused on a live session even if only the flag were set (each request reads the account)', async () => {
    const account = await newAccount(harness().app);
    secrets.add(account.client.cookies.get(AUTH_COOKIES.refresh) ?? '');
    await harness()
      .orm.em.fork()
      .getConnection()
      .execute('update app_user set disabled_at = now() where id = ?', [account.userId]);
    const me = await account.client.query('auth.me');
    expect(me.status).toBe(401);
    expect(me.error?.message).toMatch(/disabled by the operator/);
  });
});

describe('user list and show', () => {
  it('lists and shows accounts without any secret, and audits the reads', async () => {
    const { email } = await enrolled();
    const list = await admin(['user', 'list', '--search', email, ...AS]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(email);
    expect(list.stdout).toMatch(/1–1 of 1 user\(s\)/);
    const show = await admin(['user', 'show', email, ...AS, '--json']);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ email, recoveryCodesLeft: 10, disabledAt: null });
    expect(show.stdout).not.toMatch(/hash|secret|token/i);
    expect((await admin(['user', 'list', '--limit', '0', ...AS])).code).toBe(2);
    const views = (await instanceAudit(harness())).filter((e) => e.event_type === 'instance.viewed');
    expect(views.map((e) => e.metadata.command)).toEqual(expect.arrayContaining(['user list', 'user show']));
  });
});
