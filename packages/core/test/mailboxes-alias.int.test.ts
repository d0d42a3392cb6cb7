// Alias proofs and the sender-authentication check against real servers: the code goes from the alias
// through the mailbox's own SMTP (smtp-server) and is found in its IMAP inbox (Dovecot), or typed;
// a wrong, expired or replayed code is refused, wrong tries are limited, and concurrent confirmations
// succeed once. SPF, DKIM and DMARC are read from the test DNS server through the configured resolver.
import { MAILBOX_ALIAS_MAX_ATTEMPTS } from '@postern/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkMailboxSenderAuth,
  confirmAliasVerification,
  connectMailbox,
  createOwnedWorkspace,
  disconnectMailbox,
  startAliasVerification,
} from '../src/index.ts';
import { coreWorld } from './support/auth-context.ts';
import { mailWorld, USER } from './support/mail-world.ts';

const DKIM_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwX8bE1l0m8y1u5lJmM8Y2wK3c5r6J0fA7Kq9oUo1GJ2C3n4xw0vJk6QIDAQAB';
const servers = mailWorld({
  'example.test': { txt: ['v=spf1 include:_spf.example.net -all'] },
  'google._domainkey.example.test': { txt: [[`v=DKIM1; k=rsa; p=${DKIM_KEY}`]] },
  '_dmarc.example.test': { txt: ['v=DMARC1; p=quarantine; rua=mailto:dmarc@example.test'] },
  'custom._domainkey.example.test': { txt: [`v=DKIM1; k=rsa; p=${DKIM_KEY}`] },
});
const world = coreWorld(servers.env);
const mail = servers.mail;

let userId = '';
const ctx = () => ({ ...world().ctx(), actor: { kind: 'user' as const, userId } });

async function connected(): Promise<{ ws: string; id: string }> {
  const ws = (await createOwnedWorkspace(world().ctx(), userId, 'Alias', 100)).id;
  const mailbox = await connectMailbox(ctx(), ws, userId, mail().connectInput());
  return { ws, id: mailbox.id };
}

/** The code of the last message the SMTP server received (and that message). */
function lastCode(): { code: string; raw: Buffer; from: string | null; to: string[] } {
  const message = mail().smtp.messages.at(-1);
  if (!message) throw new Error('no message received');
  const code = /code to send as \S+ is (\d{6})/.exec(message.raw.toString())?.[1];
  if (!code) throw new Error('no code in the message');
  return { code, ...message };
}

beforeAll(async () => {
  userId = (await world().user()).id;
});

describe('alias proof', () => {
  it('sends the code from the alias through the mailbox and verifies it when found over IMAP', async () => {
    const { ws, id } = await connected();
    const started = await startAliasVerification(ctx(), ws, userId, {
      mailboxId: id,
      address: 'sales@example.test',
    });
    // smtp-server keeps the message; nothing delivered it to the inbox yet.
    expect(started).toMatchObject({ address: 'sales@example.test', verified: false });
    const sent = lastCode();
    expect(sent.from).toBe('sales@example.test');
    expect(sent.to).toEqual([USER]);
    await expect(
      confirmAliasVerification(ctx(), ws, userId, { mailboxId: id, verificationId: started.verificationId }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { reason: 'not_found' } });
    await mail().imap.deliver(USER, sent.raw);
    const mailbox = await confirmAliasVerification(ctx(), ws, userId, {
      mailboxId: id,
      verificationId: started.verificationId,
    });
    expect(mailbox.identity).toMatchObject({ fromAddress: 'sales@example.test', aliasVerified: true });
    const types = await world().sql<{ event_type: string }>(
      'select event_type from audit_entry where workspace_id = ? order by seq',
      [ws],
    );
    expect(types.map((t) => t.event_type)).toContain('mailbox.alias_verified');
    // The code is stored only as a keyed hash.
    const [row] = await world().sql<{ code_hash: string }>(
      'select code_hash from mailbox_alias_verification where id = ?',
      [started.verificationId],
    );
    expect(row?.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.code_hash).not.toContain(sent.code);
  });

  it('accepts the typed code once; a wrong one is refused, a replay too', async () => {
    const { ws, id } = await connected();
    const { verificationId } = await startAliasVerification(ctx(), ws, userId, {
      mailboxId: id,
      address: 'team@example.test',
    });
    const { code } = lastCode();
    const wrong = code === '000000' ? '000001' : '000000';
    await expect(
      confirmAliasVerification(ctx(), ws, userId, { mailboxId: id, verificationId, code: wrong }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { reason: 'wrong' } });
    const mailbox = await confirmAliasVerification(ctx(), ws, userId, {
      mailboxId: id,
      verificationId,
      code,
    });
    expect(mailbox.identity.fromAddress).toBe('team@example.test');
    await expect(
      confirmAliasVerification(ctx(), ws, userId, { mailboxId: id, verificationId, code }),
    ).rejects.toMatchObject({ details: { reason: 'used' } });
  });

  it('refuses an expired code', async () => {
    const { ws, id } = await connected();
    const { verificationId } = await startAliasVerification(ctx(), ws, userId, {
      mailboxId: id,
      address: 'late@example.test',
    });
    const { code } = lastCode();
    world().clock.advance(31 * 60_000);
    await expect(
      confirmAliasVerification(ctx(), ws, userId, { mailboxId: id, verificationId, code }),
    ).rejects.toMatchObject({ details: { reason: 'expired' } });
  });

  it('stops accepting even the right code after too many wrong ones', async () => {
    const { ws, id } = await connected();
    const { verificationId } = await startAliasVerification(ctx(), ws, userId, {
      mailboxId: id,
      address: 'guess@example.test',
    });
    const { code } = lastCode();
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < MAILBOX_ALIAS_MAX_ATTEMPTS; i++)
      await expect(
        confirmAliasVerification(ctx(), ws, userId, { mailboxId: id, verificationId, code: wrong }),
      ).rejects.toMatchObject({ details: { reason: 'wrong' } });
    await expect(
      confirmAliasVerification(ctx(), ws, userId, { mailboxId: id, verificationId, code }),
    ).rejects.toMatchObject({ details: { reason: 'too_many_attempts' } });
  });

  it('lets exactly one of concurrent confirmations succeed', async () => {
    const { ws, id } = await connected();
    const { verificationId } = await startAliasVerification(ctx(), ws, userId, {
      mailboxId: id,
      address: 'race@example.test',
    });
    const { code } = lastCode();
    // Warm the connection pool, so the confirmations race instead of waiting for new connections.
    await Promise.all(Array.from({ length: 8 }, () => world().sql('select pg_sleep(0.05)')));
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        confirmAliasVerification(ctx(), ws, userId, { mailboxId: id, verificationId, code }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ details: { reason: 'used' } });
    const audits = await world().sql<{ n: string }>(
      "select count(*) as n from audit_entry where workspace_id = ? and event_type = 'mailbox.alias_verified'",
      [ws],
    );
    expect(Number(audits[0]?.n)).toBe(1);
  });

  it('drops pending proofs when the mailbox is disconnected', async () => {
    const { ws, id } = await connected();
    const { verificationId } = await startAliasVerification(ctx(), ws, userId, {
      mailboxId: id,
      address: 'gone@example.test',
    });
    const { code } = lastCode();
    await disconnectMailbox(ctx(), ws, userId, id);
    await expect(
      confirmAliasVerification(ctx(), ws, userId, { mailboxId: id, verificationId, code }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('sender authentication', () => {
  it('reports SPF, DKIM and DMARC of the from-address domain and stores the report', async () => {
    const { ws, id } = await connected();
    const mailbox = await checkMailboxSenderAuth(ctx(), ws, { mailboxId: id });
    expect(mailbox.senderAuth?.report).toMatchObject({
      domain: 'example.test',
      spf: { status: 'pass' },
      dkim: { status: 'pass', selector: 'google' },
      dmarc: { status: 'pass', policy: 'quarantine' },
      ok: true,
    });
    expect(mailbox.senderAuth?.checkedAt).toBe(world().clock.now().toISOString());
    // A missing DMARC record fails, with the record to add.
    const saved = mail().zones['_dmarc.example.test'];
    delete mail().zones['_dmarc.example.test'];
    try {
      const failing = await checkMailboxSenderAuth(ctx(), ws, { mailboxId: id, dkimSelector: 'custom' });
      expect(failing.senderAuth?.report).toMatchObject({
        dkim: { status: 'pass', selector: 'custom' },
        dmarc: { status: 'missing' },
        ok: false,
      });
      expect(failing.senderAuth?.report.dmarc.advice).toMatch(/v=DMARC1/);
    } finally {
      if (saved) mail().zones['_dmarc.example.test'] = saved;
    }
  });
});
