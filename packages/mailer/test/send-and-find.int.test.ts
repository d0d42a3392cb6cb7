// The pooled sender against a real smtp-server, buildMime, and findMessage (the alias proof) against
// Dovecot: a fresh message is found in INBOX or Junk; an old or absent one is not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMime,
  type ConnectOptions,
  createSmtpSender,
  findMessage,
  MailConnectionError,
  MailInputError,
  type OutboundMessage,
} from '../src/index.ts';
import {
  createTestCertificates,
  startDovecot,
  startSmtpServer,
  type TestCertificates,
  type TestDovecot,
  type TestSmtpServer,
} from '../src/testing/index.ts';

const HOST = 'mail.postern.test';
const alice = { kind: 'password', user: 'alice', pass: 'correct horse 3' } as const;

let certs: TestCertificates;
let smtp: TestSmtpServer;
let dovecot: TestDovecot;
let resolutions = 0;

const options = (): ConnectOptions => ({
  resolve: async () => {
    resolutions++;
    return '127.0.0.1';
  },
  ca: certs.ca,
  timeoutMs: 8_000,
});

const message: OutboundMessage = {
  from: { name: 'Alice Example', address: 'alice@postern.test' },
  to: ['bob@example.test', 'carol@example.test'],
  replyTo: 'replies@postern.test',
  subject: 'Quarterly hello',
  text: 'Hello Bob, this is the text part.',
  html: '<p>Hello Bob, this is the <b>HTML</b> part.</p>',
  headers: { 'X-Postern-Campaign': 'c_123', 'List-Unsubscribe': '<mailto:unsub@postern.test>' },
  messageId: '<fixed-id-1@postern.test>',
};

beforeAll(async () => {
  certs = createTestCertificates({ hosts: [HOST] });
  [smtp, dovecot] = await Promise.all([
    startSmtpServer({ users: { alice: alice.pass }, tls: 'starttls', certs }),
    startDovecot({ users: { alice: alice.pass }, certs }),
  ]);
});

afterAll(async () => {
  await Promise.all([smtp?.close(), dovecot?.close()]);
  certs?.dispose();
});

describe('createSmtpSender', () => {
  it('sends through the pool: the server receives the envelope, From name, Reply-To and headers', async () => {
    const sender = createSmtpSender({ host: HOST, port: smtp.port, security: 'starttls' }, alice, options());
    try {
      const result = await sender.send(message);
      expect(result.messageId).toBe('<fixed-id-1@postern.test>');
      expect(result.accepted).toEqual(['bob@example.test', 'carol@example.test']);
      expect(result.rejected).toEqual([]);
      expect(result.response).toMatch(/^250/);
      const second = await sender.send({ ...message, to: 'dave@example.test', messageId: undefined });
      expect(second.messageId).toMatch(/^<.+@postern\.test>$/);
    } finally {
      sender.close();
    }
    const received = smtp.messages.at(-2);
    expect(received?.from).toBe('alice@postern.test');
    expect(received?.to).toEqual(['bob@example.test', 'carol@example.test']);
    const raw = received?.raw.toString('utf8') ?? '';
    expect(raw).toMatch(/^From: Alice Example <alice@postern\.test>$/m);
    expect(raw).toMatch(/^Reply-To: replies@postern\.test$/m);
    expect(raw).toMatch(/^X-Postern-Campaign: c_123$/m);
    expect(raw).toMatch(/^List-Unsubscribe: <mailto:unsub@postern\.test>$/m);
    expect(raw).toMatch(/^Message-ID: <fixed-id-1@postern\.test>$/m);
    expect(raw).toContain('Hello Bob, this is the text part.');
    expect(smtp.authAttempts.every((a) => a.ok && a.user === 'alice')).toBe(true);
  });

  it('resolves the host again for each new connection (a rebinding cannot ride on a pooled one)', async () => {
    const before = resolutions;
    const sender = createSmtpSender({ host: HOST, port: smtp.port, security: 'starttls' }, alice, {
      ...options(),
      pool: false,
    });
    try {
      await sender.send(message);
      await sender.send(message);
    } finally {
      sender.close();
    }
    expect(resolutions - before).toBe(2);
  });

  it('maps a refused target and a wrong password to MailConnectionError, and refuses bad headers', async () => {
    const refused = createSmtpSender({ host: HOST, port: smtp.port, security: 'starttls' }, alice, {
      ...options(),
      resolve: async () => {
        throw new Error('private address');
      },
    });
    const wrong = createSmtpSender(
      { host: HOST, port: smtp.port, security: 'starttls' },
      { ...alice, pass: 'nope' },
      options(),
    );
    try {
      const a = await refused.send(message).catch((e: unknown) => e);
      expect(a).toBeInstanceOf(MailConnectionError);
      expect((a as MailConnectionError).code).toBe('target_refused');
      const b = await wrong.send(message).catch((e: unknown) => e);
      expect((b as MailConnectionError).code).toBe('auth_failed');
      await expect(
        refused.send({ ...message, subject: 'x\r\nBcc: everyone@example.test' }),
      ).rejects.toBeInstanceOf(MailInputError);
      await expect(refused.send({ ...message, headers: { 'Bad Name': 'x' } })).rejects.toBeInstanceOf(
        MailInputError,
      );
    } finally {
      refused.close();
      wrong.close();
    }
  });
});

describe('buildMime', () => {
  it('builds the MIME bytes of a message (multipart alternative, encoded From name)', async () => {
    const mime = (
      await buildMime({ ...message, from: { name: 'Zoë Exämple', address: 'zoe@postern.test' } })
    ).toString();
    expect(mime).toMatch(/^From: =\?UTF-8\?Q\?Zo=C3=AB_Ex=C3=A4mple\?= <zoe@postern\.test>$/m);
    expect(mime).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(mime).toMatch(/^Subject: Quarterly hello$/m);
    expect(mime).toMatch(/^Reply-To: replies@postern\.test$/m);
  });
});

describe('findMessage', () => {
  const endpoint = () => ({ host: HOST, port: dovecot.port, security: 'tls' as const });
  const mail = (subject: string, body: string) =>
    `From: alias@postern.test\r\nTo: alice@postern.test\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\n\r\n${body}\r\n`;

  it('finds a fresh message by subject in INBOX and by body in Junk', async () => {
    await dovecot.deliver('alice', mail('Your Postern code 481516', 'hi'));
    await dovecot.deliver('alice', mail('Verify', 'Enter code 234223 in Postern.'), { folder: 'Junk' });
    expect(await findMessage(endpoint(), alice, options(), { needle: '481516', withinMinutes: 10 })).toBe(
      true,
    );
    expect(await findMessage(endpoint(), alice, options(), { needle: '234223', withinMinutes: 10 })).toBe(
      true,
    );
  });

  it('does not find an old message or an absent one', async () => {
    await dovecot.deliver('alice', mail('Your Postern code 999888', 'old'), {
      date: new Date(Date.now() - 3 * 3600_000),
    });
    expect(await findMessage(endpoint(), alice, options(), { needle: '999888', withinMinutes: 30 })).toBe(
      false,
    );
    expect(
      await findMessage(endpoint(), alice, options(), { needle: '000000-absent', withinMinutes: 30 }),
    ).toBe(false);
    // The same old message counts when the window covers it: the date filter is what excluded it.
    expect(await findMessage(endpoint(), alice, options(), { needle: '999888', withinMinutes: 240 })).toBe(
      true,
    );
  });

  it('works over STARTTLS and refuses a short needle', async () => {
    const starttls = { host: HOST, port: dovecot.starttlsPort, security: 'starttls' as const };
    expect(await findMessage(starttls, alice, options(), { needle: '481516', withinMinutes: 10 })).toBe(true);
    await expect(
      findMessage(starttls, alice, options(), { needle: 'ab', withinMinutes: 10 }),
    ).rejects.toBeInstanceOf(MailInputError);
  });
});
