// Connecting IMAP/SMTP mailboxes against real servers (Dovecot, smtp-server over TLS, the test DNS
// server): a mailbox is stored only when both logins pass, its password sealed with the keyring and
// covered by key rotation; every failure (wrong password, no TLS, closed port, a certificate for
// another name, a private or loopback target, oversized fields) is a clear error that stores nothing;
// stored mailboxes are tested on demand (the SSRF guard runs again at connect time), their credentials
// replaced only by ones that pass, and disconnecting deletes the password at once.
import { randomBytes } from 'node:crypto';
import { freePort } from '@postern/mailer/testing';
import type { Config } from '@postern/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ciphertextKeyId,
  connectMailbox,
  createKeyring,
  createOwnedWorkspace,
  disconnectMailbox,
  ENCRYPTED_FIELDS,
  getMailbox,
  MAILBOX_NETWORK_BUDGET,
  mailboxCanSend,
  parseEncryptionKeys,
  passwordContext,
  replaceMailboxCredentials,
  rotateEncryptedFields,
  testMailbox,
  updateMailboxIdentity,
} from '../src/index.ts';
import { coreWorld } from './support/auth-context.ts';
import { MAIL_HOST, mailWorld, PRIVATE_HOST, USER, WRONG_NAME_HOST } from './support/mail-world.ts';

const k1 = randomBytes(32).toString('base64');
const servers = mailWorld();
servers.env.ENCRYPTION_KEYS = `k1:${k1}`;
const world = coreWorld(servers.env);
const mail = servers.mail;

let userId = '';
let workspaceId = '';
const ctx = (config?: Config) => {
  const base = world().ctx();
  return { ...base, ...(config ? { config } : {}), actor: { kind: 'user' as const, userId } };
};
/** The configuration without MAILBOX_ALLOWED_HOSTS: loopback is refused like any private target. */
const strictConfig = () => ({
  ...world().config,
  mailboxes: { ...world().config.mailboxes, allowedHosts: [] },
});

const count = async (ws = workspaceId) =>
  Number(
    (await world().sql<{ n: string }>('select count(*) as n from mailbox where workspace_id = ?', [ws]))[0]
      ?.n,
  );
const auditTypes = async (ws = workspaceId) =>
  (
    await world().sql<{ event_type: string }>(
      'select event_type from audit_entry where workspace_id = ? order by seq',
      [ws],
    )
  ).map((r) => r.event_type);
const storedPassword = async (id: string) =>
  (await world().sql<{ password: string | null }>('select password from mailbox where id = ?', [id]))[0]
    ?.password;

async function newWorkspace(): Promise<string> {
  const ws = await createOwnedWorkspace(world().ctx(), userId, `Mail ${randomBytes(3).toString('hex')}`, 100);
  return ws.id;
}

beforeAll(async () => {
  userId = (await world().user()).id;
  workspaceId = await newWorkspace();
});

describe('connect', () => {
  it('stores a mailbox whose SMTP and IMAP logins pass, its password sealed under the current key', async () => {
    const before = mail().smtp.authAttempts.length;
    const mailbox = await connectMailbox(ctx(), workspaceId, userId, {
      ...mail().connectInput(),
      label: 'Sales',
    });
    expect(mailbox).toMatchObject({
      email: USER,
      status: 'connected',
      canSend: true,
      label: 'Sales',
      imap: { host: MAIL_HOST, port: mail().imap.port, security: 'tls' },
      identity: { fromAddress: USER, aliasVerified: false },
      lastTest: { ok: true, failure: null },
    });
    expect(JSON.stringify(mailbox)).not.toContain(mail().password);
    expect(mail().smtp.authAttempts.slice(before)).toEqual([{ method: 'PLAIN', user: USER, ok: true }]);
    const sealed = await storedPassword(mailbox.id);
    expect(sealed).toBeTruthy();
    expect(sealed).not.toContain(mail().password);
    expect(ciphertextKeyId(sealed as string)).toBe('k1');
    // Bound to its row and column: it opens only with (mailbox, id, password).
    expect(world().services.keyring.decryptString(sealed as string, passwordContext(mailbox.id))).toBe(
      mail().password,
    );
    expect(() =>
      world().services.keyring.decryptString(sealed as string, passwordContext(workspaceId)),
    ).toThrow();
    expect(await auditTypes()).toContain('mailbox.connected');
  });

  it('key rotation re-encrypts the sealed password', async () => {
    const rotated = createKeyring(parseEncryptionKeys(`k2:${randomBytes(32).toString('base64')},k1:${k1}`));
    // The mailbox entry of ENCRYPTED_FIELDS only: this world's keyring (k1) still seals audit entries.
    expect(ENCRYPTED_FIELDS.filter((f) => f.table === 'mailbox').map((f) => f.column)).toEqual([
      'password',
      'access_token',
      'refresh_token',
    ]);
    const fields = ENCRYPTED_FIELDS.filter((f) => f.table === 'mailbox' && f.column === 'password');
    const results = await rotateEncryptedFields(world().orm.em.fork(), rotated, { fields });
    expect(results.find((r) => r.table === 'mailbox' && r.column === 'password')).toMatchObject({
      rotated: 1,
      failed: 0,
    });
    const [row] = await world().sql<{ id: string; password: string }>(
      'select id, password from mailbox where workspace_id = ?',
      [workspaceId],
    );
    expect(ciphertextKeyId(row?.password as string)).toBe('k2');
    expect(rotated.decryptString(row?.password as string, passwordContext(row?.id as string))).toBe(
      mail().password,
    );
  });

  it('refuses the same address twice in a workspace', async () => {
    await expect(connectMailbox(ctx(), workspaceId, userId, mail().connectInput())).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  const failures: {
    name: string;
    input: () => Record<string, unknown>;
    protocol: 'smtp' | 'imap';
    code: string;
    message: RegExp;
  }[] = [
    {
      name: 'a wrong password',
      input: () => ({ password: 'not-the-password' }),
      protocol: 'smtp',
      code: 'auth_failed',
      message: /refused the user name or password/,
    },
    {
      name: 'an SMTP server that offers no TLS',
      input: () => ({ smtp: { host: MAIL_HOST, port: mail().smtpPlain.port, security: 'starttls' } }),
      protocol: 'smtp',
      code: 'no_tls',
      message: /does not offer TLS/,
    },
    {
      name: 'a closed port',
      input: () => ({ imap: { host: MAIL_HOST, port: closedPort, security: 'tls' } }),
      protocol: 'imap',
      code: 'port_closed',
      message: /refused the connection on this port/,
    },
    {
      name: 'a certificate for another name',
      input: () => ({ smtp: { host: WRONG_NAME_HOST, port: mail().smtpWrongName.port, security: 'tls' } }),
      protocol: 'smtp',
      code: 'certificate_invalid',
      message: /certificate is not valid/,
    },
    {
      name: 'a host that does not exist',
      input: () => ({ imap: { host: 'nowhere.postern.test', port: mail().imap.port, security: 'tls' } }),
      protocol: 'imap',
      code: 'host_not_found',
      message: /could not be found/,
    },
  ];
  let closedPort = 0;
  beforeAll(async () => {
    closedPort = await freePort();
  });

  it.each(failures)('refuses $name with a clear message and stores nothing', async (c) => {
    const ws = await newWorkspace();
    const error = await connectMailbox(ctx(), ws, userId, mail().connectInput(c.input())).catch((e) => e);
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { mailboxFailure: { protocol: c.protocol, code: c.code } },
    });
    expect(error.message).toMatch(c.message);
    expect(error.message).not.toContain(mail().password);
    expect(await count(ws)).toBe(0);
    expect(await auditTypes(ws)).toContain('mailbox.test_failed');
  });

  it('never sends credentials to a server without TLS', async () => {
    const before = mail().smtpPlain.authAttempts.length;
    const ws = await newWorkspace();
    await expect(
      connectMailbox(
        ctx(),
        ws,
        userId,
        mail().connectInput({ smtp: { host: MAIL_HOST, port: mail().smtpPlain.port, security: 'starttls' } }),
      ),
    ).rejects.toMatchObject({ details: { mailboxFailure: { code: 'no_tls' } } });
    expect(mail().smtpPlain.authAttempts.length).toBe(before);
  });

  it.each([
    ['a name resolving to a private address', PRIVATE_HOST, /resolves to 10\.1\.2\.3, a private address/],
    ['localhost', 'localhost', /localhost is a name of this machine/],
    ['a metadata address', '169.254.169.254', /link-local/],
  ])('refuses %s before connecting, and stores nothing', async (_name, host, message) => {
    const ws = await newWorkspace();
    const connections = mail().smtp.connections();
    const error = await connectMailbox(
      ctx(),
      ws,
      userId,
      mail().connectInput({ smtp: { host, port: mail().smtp.port, security: 'tls' } }),
    ).catch((e) => e);
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'smtp.host', mailboxFailure: { code: 'target_refused' } },
    });
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/MAILBOX_ALLOWED_HOSTS/);
    expect(mail().smtp.connections()).toBe(connections);
    expect(await count(ws)).toBe(0);
  });

  it('refuses a loopback server unless MAILBOX_ALLOWED_HOSTS lists it', async () => {
    const ws = await newWorkspace();
    const error = await connectMailbox(ctx(strictConfig()), ws, userId, mail().connectInput()).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ details: { mailboxFailure: { code: 'target_refused' } } });
    expect(error.message).toMatch(/resolves to 127\.0\.0\.1, a loopback address/);
    expect(await count(ws)).toBe(0);
  });

  it.each([
    ['username', { username: 'u'.repeat(321) }, /username is too long/],
    ['password', { password: 'p'.repeat(1025) }, /password is too long/],
    ['host', { smtp: { host: `${'a'.repeat(60)}.`.repeat(5), port: 465, security: 'tls' } }, /host name/],
    ['port', { imap: { host: MAIL_HOST, port: 70000, security: 'tls' } }, /Ports go from 1 to 65535/],
    ['security', { imap: { host: MAIL_HOST, port: 143, security: 'none' } }, /./],
    ['label', { label: 'l'.repeat(101) }, /label/],
  ])('refuses an oversized or invalid %s before any connection', async (_field, override, message) => {
    const ws = await newWorkspace();
    const connections = mail().smtp.connections();
    const error = await connectMailbox(ctx(), ws, userId, mail().connectInput(override)).catch((e) => e);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(error.message).toMatch(message);
    expect(mail().smtp.connections()).toBe(connections);
    expect(await count(ws)).toBe(0);
  });
});

describe('a connected mailbox', () => {
  let ws = '';
  let id = '';
  beforeAll(async () => {
    ws = await newWorkspace();
    id = (await connectMailbox(ctx(), ws, userId, mail().connectInput())).id;
  });

  it('is tested on demand; the SSRF guard runs again at connect time', async () => {
    const ok = await testMailbox(ctx(), ws, userId, id);
    expect(ok).toMatchObject({
      ok: true,
      smtp: { ok: true },
      imap: { ok: true },
      mailbox: { status: 'connected' },
    });
    // The stored host now resolves to a refused address (allow-list removed: as after DNS rebinding).
    const connections = mail().smtp.connections();
    const refused = await testMailbox(ctx(strictConfig()), ws, userId, id);
    expect(refused).toMatchObject({
      ok: false,
      smtp: { ok: false, failure: { code: 'target_refused' } },
      mailbox: {
        status: 'failing',
        canSend: false,
        lastTest: { ok: false, failure: { code: 'target_refused' } },
      },
    });
    expect(mail().smtp.connections()).toBe(connections);
    expect(await auditTypes(ws)).toContain('mailbox.test_failed');
    // A passing test makes it connected again.
    expect((await testMailbox(ctx(), ws, userId, id)).mailbox).toMatchObject({
      status: 'connected',
      canSend: true,
    });
  });

  it('keeps its credentials when replacements fail, and takes ones that pass', async () => {
    const sealed = await storedPassword(id);
    await expect(
      replaceMailboxCredentials(ctx(), ws, userId, {
        mailboxId: id,
        username: USER,
        password: 'wrong-password',
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { mailboxFailure: { code: 'auth_failed' } },
    });
    expect(await storedPassword(id)).toBe(sealed);
    await replaceMailboxCredentials(ctx(), ws, userId, {
      mailboxId: id,
      username: USER,
      password: mail().password,
    });
    expect(await storedPassword(id)).not.toBe(sealed);
    expect(await auditTypes(ws)).toContain('mailbox.credentials_replaced');
  });

  it('edits the identity within bounds, audited', async () => {
    for (const bad of [{ dailyCap: 0 }, { dailyCap: 10_001 }, { fromName: 'A\r\nBcc: x@example.test' }]) {
      await expect(updateMailboxIdentity(ctx(), ws, userId, { mailboxId: id, ...bad })).rejects.toMatchObject(
        {
          code: 'VALIDATION_FAILED',
        },
      );
    }
    const updated = await updateMailboxIdentity(ctx(), ws, userId, {
      mailboxId: id,
      fromName: 'Alice Example',
      replyTo: 'replies@example.test',
      dailyCap: 200,
      warmup: { enabled: true, startPerDay: 20, incrementPerDay: 10 },
    });
    expect(updated).toMatchObject({
      identity: { fromName: 'Alice Example', replyTo: 'replies@example.test' },
      dailyCap: 200,
      warmup: { enabled: true, todayLimit: 20 },
    });
    world().clock.advance(3 * 86_400_000);
    expect((await getMailbox(ctx(), ws, id)).warmup.todayLimit).toBe(50);
    world().clock.advance(30 * 86_400_000);
    expect((await getMailbox(ctx(), ws, id)).warmup.todayLimit).toBe(200);
    expect(await auditTypes(ws)).toContain('mailbox.identity_updated');
  });

  it('disconnecting deletes the password at once, stops sending and is audited', async () => {
    const mailbox = await disconnectMailbox(ctx(), ws, userId, id);
    expect(mailbox).toMatchObject({ status: 'disconnected', canSend: false });
    expect(await storedPassword(id)).toBeNull();
    const [row] = await world().sql<{ status: string; password: null }>(
      'select status, password from mailbox where id = ?',
      [id],
    );
    expect(mailboxCanSend(row as { status: string; password: null })).toBe(false);
    expect(await auditTypes(ws)).toContain('mailbox.disconnected');
    await expect(testMailbox(ctx(), ws, userId, id)).rejects.toMatchObject({ code: 'CONFLICT' });
    // Credentials that pass connect it again.
    const back = await replaceMailboxCredentials(ctx(), ws, userId, {
      mailboxId: id,
      username: USER,
      password: mail().password,
    });
    expect(back).toMatchObject({ status: 'connected', canSend: true, disconnectedAt: null });
  });

  it("another workspace's mailbox is not found", async () => {
    const other = await newWorkspace();
    await expect(getMailbox(ctx(), other, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(testMailbox(ctx(), other, userId, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(disconnectMailbox(ctx(), other, userId, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await getMailbox(ctx(), ws, id)).status).toBe('connected');
  });
});

it('limits the connection attempts of a workspace', async () => {
  const ws = await newWorkspace();
  const attempt = () =>
    connectMailbox(
      ctx(),
      ws,
      userId,
      mail().connectInput({ smtp: { host: PRIVATE_HOST, port: 465, security: 'tls' } }),
    );
  for (let i = 0; i < MAILBOX_NETWORK_BUDGET.attempts; i++)
    await expect(attempt()).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  await expect(attempt()).rejects.toMatchObject({ code: 'RATE_LIMITED' });
});
