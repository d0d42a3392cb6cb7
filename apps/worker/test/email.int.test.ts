// The email pipeline end to end: enqueueEmail (sealed payload in pg-boss) → the real runner → the
// email job → nodemailer → a real SMTP server on a local port.
import { randomBytes } from 'node:crypto';
import { QUEUES } from '@postern/contracts';
import {
  createKeyring,
  createMailTransport,
  enqueueEmail,
  type MailTransport,
  passwordResetMessage,
  systemClock,
  verifyEmailMessage,
} from '@postern/core';
import { createOrm, type MikroORM } from '@postern/db';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { createLogger, createQueueClient, type PgBoss } from '@postern/runtime';
import { freePort } from '@postern/runtime/testing';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailJob } from '../src/jobs/email.ts';
import { type RunningWorker, startRunner } from '../src/runner.ts';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server (no TLS, any or no login) that keeps what it receives. */
class SmtpSink {
  received: Received[] = [];
  private server: SMTPServer | undefined;
  private waiters: (() => void)[] = [];
  readonly port: number;
  constructor(port: number) {
    this.port = port;
  }

  async start() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (address.address.startsWith('refused')) {
          const error = new Error(
            `5.1.1 <${address.address.toUpperCase()}>: mailbox unavailable`,
          ) as Error & {
            responseCode: number;
          };
          error.responseCode = 550;
          callback(error);
          return;
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const mailFrom = session.envelope.mailFrom;
          this.received.push({
            from: mailFrom ? mailFrom.address : '',
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          for (const wake of this.waiters.splice(0)) wake();
          callback();
        });
      },
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  async stop() {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async waitFor(predicate: (mail: Received) => boolean, timeoutMs = 15_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('the SMTP server received no matching message');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
}

/** Headers (unfolded) and the decoded text of each part of a received RFC 822 message. */
function parseMail(raw: string) {
  const split = raw.indexOf('\r\n\r\n');
  const headers = new Map<string, string>();
  for (const line of raw
    .slice(0, split)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const decodeQp = (text: string) =>
    text
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  const parts = raw
    .slice(split + 4)
    .split(/\r\n--\S+/)
    .map((part) => {
      const end = part.indexOf('\r\n\r\n');
      const head = part.slice(0, end);
      const body = part.slice(end + 4);
      return { head, body: /quoted-printable/i.test(head) ? decodeQp(body) : body };
    });
  return {
    headers,
    text: parts.find((part) => /content-type: text\/plain/i.test(part.head))?.body ?? '',
    html: parts.find((part) => /content-type: text\/html/i.test(part.head))?.body ?? '',
  };
}

async function waitForJob(
  boss: PgBoss,
  id: string,
  done: (job: { state: string; retryCount: number }) => boolean,
) {
  const deadline = Date.now() + 20_000;
  let last = 'not found';
  while (Date.now() < deadline) {
    const [job] = await boss.findJobs(QUEUES.email.name, { id });
    if (job && done(job)) return job;
    if (job) last = `${job.state} (retryCount ${job.retryCount})`;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`email job ${id} did not reach the expected state (last: ${last})`);
}

describe('email job', () => {
  const keyring = createKeyring([{ id: 'test', key: randomBytes(32) }]);
  let db: TestDatabase;
  let orm: MikroORM;
  let boss: PgBoss;
  let worker: RunningWorker;
  let smtp: SmtpSink;
  let transport: MailTransport;

  beforeAll(async () => {
    smtp = new SmtpSink(await freePort());
    await smtp.start();
    transport = createMailTransport({
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      mailFrom: 'Postern <no-reply@postern.test>',
      timeoutMs: 5000,
    });
    db = await createTestDatabase();
    orm = await createOrm({ databaseUrl: db.url, poolMax: 4 });
    const logger = createLogger({ level: 'silent', name: 'worker-email-test' });
    boss = createQueueClient({ databaseUrl: db.url, role: 'worker', logger });
    worker = await startRunner({
      boss,
      orm,
      logger,
      clock: systemClock,
      version: 'test',
      handlers: [createEmailJob({ keyring, transport })],
      schedules: [],
      pollingIntervalSeconds: 0.5,
    });
  });

  afterAll(async () => {
    await worker?.stop(5000);
    await orm?.close(true);
    await db?.drop();
    transport?.close();
    await smtp?.stop();
  });

  it('delivers a sealed verification email and keeps neither token nor address in the job row', async () => {
    const token = `vt_${randomBytes(18).toString('base64url')}`;
    const link = `https://postern.example.com/verify-email?token=${token}`;
    const message = verifyEmailMessage({ to: 'ana@example.com', link });
    const id = String(await enqueueEmail(boss, keyring, message));

    const mail = await smtp.waitFor((m) => m.to.includes('ana@example.com'));
    expect(mail.to).toEqual(['ana@example.com']);
    expect(mail.from).toBe('no-reply@postern.test');
    const parsed = parseMail(mail.raw);
    expect(parsed.headers.get('subject')).toBe('Confirm your email address for Postern');
    expect(parsed.headers.get('to')).toBe('ana@example.com');
    expect(parsed.headers.get('from')).toBe('Postern <no-reply@postern.test>');
    expect(parsed.text).toContain(link);
    expect(parsed.html).toContain(`href="${link}"`);

    const job = await waitForJob(boss, id, (j) => j.state === 'completed');
    expect(job.output).toEqual({ messageId: parsed.headers.get('message-id') });
    const stored = JSON.stringify(job.data);
    expect(Object.keys(job.data as object)).toEqual(['sealed']);
    for (const secret of [token, link, 'ana@example.com', 'Confirm your email']) {
      expect(stored).not.toContain(secret);
      expect(JSON.stringify(job.output)).not.toContain(secret);
    }
  });

  it('retries when the SMTP server is down, then delivers once it is back', async () => {
    await smtp.stop();
    const link = `https://postern.example.com/reset?token=rt_${randomBytes(12).toString('hex')}`;
    const id = String(
      await enqueueEmail(
        boss,
        keyring,
        passwordResetMessage({ to: 'ben@example.com', link, expiresInMinutes: 30 }),
        { retryLimit: 1, retryDelay: 1 },
      ),
    );

    // The first attempt fails on the refused connection; pg-boss schedules the retry.
    const failed = await waitForJob(
      boss,
      id,
      (j) => j.state === 'retry' || j.state === 'failed' || j.retryCount >= 1,
    );
    expect(failed.state).toBe('retry');
    expect(JSON.stringify(failed.output)).toMatch(/email not sent: .*(ECONNREFUSED|connect)/i);

    await smtp.start();
    const mail = await smtp.waitFor((m) => m.to.includes('ben@example.com'));
    expect(parseMail(mail.raw).text).toContain(link);
    const job = await waitForJob(boss, id, (j) => j.state === 'completed' || j.state === 'failed');
    expect(job.state).toBe('completed');
    expect(job.retryCount).toBeGreaterThanOrEqual(1);
    expect(job.output).toEqual({ messageId: expect.stringMatching(/^<.+>$/) });
  });

  it('records a refusal without the recipient address', async () => {
    const id = String(
      await enqueueEmail(
        boss,
        keyring,
        verifyEmailMessage({ to: 'refused@example.com', link: 'https://postern.example.com/v?token=x' }),
        { retryLimit: 0 },
      ),
    );
    const job = await waitForJob(boss, id, (j) => j.state === 'failed' || j.state === 'completed');
    expect(job.state).toBe('failed');
    const output = JSON.stringify(job.output);
    expect(output).toMatch(/email not sent/);
    expect(output).toMatch(/mailbox unavailable/);
    expect(output.toLowerCase()).not.toContain('refused@example.com');
  });

  it('verifies the connection, and refuses to send in clear when STARTTLS is required', async () => {
    await transport.verify();
    const strict = createMailTransport({
      smtpUrl: `smtp://127.0.0.1:${smtp.port}?requireTLS=true`,
      mailFrom: 'no-reply@postern.test',
      timeoutMs: 5000,
    });
    try {
      const before = smtp.received.length;
      await expect(
        strict.send(
          verifyEmailMessage({ to: 'tls@example.com', link: 'https://postern.example.com/v?token=y' }),
        ),
      ).rejects.toThrow(/STARTTLS/i);
      await expect(strict.verify()).rejects.toThrow(/STARTTLS/i);
      expect(smtp.received.length).toBe(before);
    } finally {
      strict.close();
    }
  });
});
