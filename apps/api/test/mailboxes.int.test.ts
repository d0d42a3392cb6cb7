// The `mailboxes` router over the real API, real Dovecot and smtp-server: who may do what (viewers
// see, members test, owners and admins connect and disconnect), clear refusals that store nothing, no
// password in any answer, and — after connect, test, failure, replace and disconnect flows — no
// password anywhere: not in the database dump, not in Redis (keys or values), not in the logs.
import { connectRedis, testServices } from '@postern/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIL_HOST, mailWorld, USER } from '../../../packages/core/test/support/mail-world.ts';
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

interface MailboxView {
  id: string;
  status: string;
  canSend: boolean;
  email: string;
  identity: { fromName: string | null };
}

const servers = mailWorld();
const mail = servers.mail;
let h: Harness;
let owner: Awaited<ReturnType<typeof newAccount>>;
const clients: Record<'admin' | 'member' | 'viewer', Client> = {} as never;
/** Every password this file typed, for the final scan. */
const used = new Set<string>();

beforeAll(async () => {
  h = await startHarness({ env: { ...servers.env } });
  owner = await newAccount(h.app);
  for (const role of ['admin', 'member', 'viewer'] as const) {
    const account = await newAccount(h.app);
    await addMember(h, owner.client, owner.workspaceId, account, role);
    clients[role] = account.client;
  }
  used.add(mail().password);
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

describe('permissions', () => {
  let mailboxId = '';

  it('a member cannot connect a mailbox; an admin can', async () => {
    const input = { workspaceId: owner.workspaceId, ...mail().connectInput() };
    const refused = await clients.member.mutate('mailboxes.connect', input);
    expect(refused.error?.data.code).toBe('FORBIDDEN');
    expect(await count()).toBe(0);
    const res = await clients.admin.mutate<MailboxView>('mailboxes.connect', input);
    expect(res.error).toBeUndefined();
    expect(res.data).toMatchObject({ email: USER, status: 'connected', canSend: true });
    expect(JSON.stringify(res.data)).not.toContain(mail().password);
    mailboxId = res.data?.id ?? '';
  });

  it('a viewer sees names and status but cannot test, edit or disconnect', async () => {
    const list = await clients.viewer.query<{ mailboxes: MailboxView[] }>('mailboxes.list', {
      workspaceId: owner.workspaceId,
    });
    expect(list.data?.mailboxes).toMatchObject([{ id: mailboxId, email: USER, status: 'connected' }]);
    expect(JSON.stringify(list.data)).not.toMatch(/password/i);
    const ref = { workspaceId: owner.workspaceId, mailboxId };
    for (const path of ['mailboxes.test', 'mailboxes.disconnect', 'mailboxes.checkSenderAuth'])
      expect((await clients.viewer.mutate(path, ref)).error?.data.code).toBe('FORBIDDEN');
    expect(
      (await clients.viewer.mutate('mailboxes.updateIdentity', { ...ref, fromName: 'V' })).error?.data.code,
    ).toBe('FORBIDDEN');
  });

  it('a member tests the connection but cannot edit the identity or disconnect', async () => {
    const ref = { workspaceId: owner.workspaceId, mailboxId };
    const tested = await clients.member.mutate<{ ok: boolean }>('mailboxes.test', ref);
    expect(tested.data?.ok).toBe(true);
    expect(
      (await clients.member.mutate('mailboxes.updateIdentity', { ...ref, fromName: 'M' })).error?.data.code,
    ).toBe('FORBIDDEN');
    expect((await clients.member.mutate('mailboxes.disconnect', ref)).error?.data.code).toBe('FORBIDDEN');
  });

  it('refusals are clear and store nothing', async () => {
    const wrong = 'Wrong-password-for-the-scan';
    used.add(wrong);
    const before = await count();
    const res = await owner.client.mutate('mailboxes.connect', {
      workspaceId: owner.workspaceId,
      ...mail().connectInput({ email: 'other@example.test', password: wrong }),
    });
    expect(res.error?.data).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { mailboxFailure: { protocol: 'smtp', code: 'auth_failed' } },
    });
    expect(res.error?.message).toMatch(/refused the user name or password/);
    const oversized = await owner.client.mutate('mailboxes.connect', {
      workspaceId: owner.workspaceId,
      ...mail().connectInput({ email: 'big@example.test', username: 'u'.repeat(400) }),
    });
    expect(oversized.error?.data.code).toBe('VALIDATION_FAILED');
    const plain = await owner.client.mutate('mailboxes.connect', {
      workspaceId: owner.workspaceId,
      ...mail().connectInput({
        email: 'plain@example.test',
        smtp: { host: MAIL_HOST, port: mail().smtpPlain.port, security: 'starttls' },
      }),
    });
    expect(plain.error?.data.details).toMatchObject({ mailboxFailure: { code: 'no_tls' } });
    expect(await count()).toBe(before);
  });

  it('the owner edits the identity, replaces the credentials and disconnects (audited)', async () => {
    const ref = { workspaceId: owner.workspaceId, mailboxId };
    const edited = await owner.client.mutate<MailboxView>('mailboxes.updateIdentity', {
      ...ref,
      fromName: 'Sales team',
      dailyCap: 100,
    });
    expect(edited.data?.identity.fromName).toBe('Sales team');
    const replaced = await owner.client.mutate<MailboxView>('mailboxes.replaceCredentials', {
      ...ref,
      username: USER,
      password: mail().password,
    });
    expect(replaced.data?.status).toBe('connected');
    const gone = await owner.client.mutate<MailboxView>('mailboxes.disconnect', ref);
    expect(gone.data).toMatchObject({ status: 'disconnected', canSend: false });
    const audit = await owner.client.query<{ entries: { eventType: string }[] }>('audit.list', {
      workspaceId: owner.workspaceId,
    });
    const types = audit.data?.entries.map((e) => e.eventType) ?? [];
    for (const type of [
      'mailbox.connected',
      'mailbox.test_failed',
      'mailbox.identity_updated',
      'mailbox.credentials_replaced',
      'mailbox.disconnected',
    ])
      expect(types).toContain(type);
  });
});

describe('secrets', () => {
  it('no password is in the database, Redis or the logs after these flows', async () => {
    expect(used.size).toBeGreaterThanOrEqual(2);
    // The scanner finds what is there (so an empty result means something).
    expect(await findStoredSecrets(h.db, [USER])).toEqual([USER]);
    expect(await findStoredSecrets(h.db, used)).toEqual([]);
    expect(findLoggedSecrets(h.logs, used)).toEqual([]);
    const redis = await connectRedis(testServices().redisUrl, { connectTimeoutMs: 3000 });
    try {
      const keys = await redis.keys(`${h.redisPrefix}*`);
      expect(keys.some((k) => k.includes('mailbox:net:'))).toBe(true);
      let text = keys.join('\n');
      for (const key of keys) {
        const type = await redis.type(key);
        if (type === 'string') text += (await redis.get(key)) ?? '';
        else if (type === 'hash') text += JSON.stringify(await redis.hgetall(key));
        else if (type === 'list') text += (await redis.lrange(key, 0, -1)).join('\n');
        else if (type === 'set') text += (await redis.smembers(key)).join('\n');
        else if (type === 'zset') text += (await redis.zrange(key, '0', '-1')).join('\n');
      }
      for (const secret of used) expect(secretForms(secret).some((form) => text.includes(form))).toBe(false);
    } finally {
      redis.disconnect();
    }
  });
});
