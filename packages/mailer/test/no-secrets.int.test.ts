// Nothing the mailer prints may contain a password: a child process logs in successfully and with a
// wrong password over SMTP and IMAP, and everything it wrote to stdout and stderr (console, loggers
// writing straight to the file descriptors) is searched for the passwords, plain and base64.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createTestCertificates,
  startDovecot,
  startSmtpServer,
  type TestCertificates,
  type TestDovecot,
  type TestSmtpServer,
} from '../src/testing/index.ts';

const HOST = 'mail.postern.test';
const PASS = 'S3cret-Pass-4417';
const WRONG = 'Wr0ng-Pass-9931';

let certs: TestCertificates;
let smtp: TestSmtpServer;
let dovecot: TestDovecot;

beforeAll(async () => {
  certs = createTestCertificates({ hosts: [HOST] });
  [smtp, dovecot] = await Promise.all([
    startSmtpServer({ users: { alice: PASS }, tls: 'starttls', certs }),
    startDovecot({ users: { alice: PASS }, certs }),
  ]);
});

afterAll(async () => {
  await Promise.all([smtp?.close(), dovecot?.close()]);
  certs?.dispose();
});

it('prints no password, in clear or base64, during succeeding and failing logins', async () => {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'logins.ts');
  const env = {
    host: HOST,
    ca: certs.ca,
    smtpPort: smtp.port,
    imapPort: dovecot.port,
    user: 'alice',
    pass: PASS,
    wrongPass: WRONG,
  };
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [script], {
    env: { ...process.env, MAILER_LOGINS: JSON.stringify(env), DEBUG: '*', NODE_DEBUG: 'tls,net' },
    timeout: 60_000,
  });
  const printed = `${stdout}\n${stderr}`;
  expect(stdout).toContain('RESULTS ok,ok,auth_failed,auth_failed');
  for (const secret of [PASS, WRONG]) {
    expect(printed).not.toContain(secret);
    expect(printed).not.toContain(Buffer.from(secret).toString('base64'));
    expect(printed).not.toContain(Buffer.from(`\u0000alice\u0000${secret}`).toString('base64'));
  }
  expect(smtp.authAttempts.map((a) => a.ok)).toEqual([true, false]);
});
