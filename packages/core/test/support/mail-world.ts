// Real mail servers for the mailbox tests (core and API): a test CA and certificates, Dovecot (IMAP,
// implicit TLS), smtp-server over implicit TLS, one offering no TLS at all and one presenting a
// certificate for another name, and the test DNS server naming them (`mail.postern.test` →
// 127.0.0.1). `env` is what the configuration needs: DNS_SERVERS, MAILBOX_TLS_CA_FILE and
// MAILBOX_ALLOWED_HOSTS=127.0.0.1 (the SSRF tests change it). Started in beforeAll, stopped in afterAll.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createTestCertificates,
  startDovecot,
  startSmtpServer,
  type TestCertificates,
  type TestDovecot,
  type TestSmtpServer,
} from '@postern/mailer/testing';
import { afterAll, beforeAll } from 'vitest';
import {
  startDnsServer,
  type TestDnsServer,
  type Zones,
} from '../../../validator/test/support/dns-server.ts';

export const MAIL_HOST = 'mail.postern.test';
/** Resolves to 127.0.0.1 too, but the certificate presented there is for another name. */
export const WRONG_NAME_HOST = 'wrong-name.postern.test';
export const PRIVATE_HOST = 'intranet.postern.test';
export const USER = 'alice@example.test';

export interface MailWorld {
  certs: TestCertificates;
  /** Alice's password on both servers (random per run, for the secret scans). */
  password: string;
  smtp: TestSmtpServer;
  /** Offers no STARTTLS (and plain AUTH): credentials must never be sent to it. */
  smtpPlain: TestSmtpServer;
  /** Presents a certificate for other.postern.test, signed by the trusted test CA. */
  smtpWrongName: TestSmtpServer;
  imap: TestDovecot;
  dns: TestDnsServer;
  zones: Zones;
  /** Environment for loadConfig. */
  env: Record<string, string>;
  /** A connect input for Alice (implicit TLS on both sides). */
  connectInput(overrides?: Record<string, unknown>): {
    email: string;
    imap: { host: string; port: number; security: 'tls' | 'starttls' };
    smtp: { host: string; port: number; security: 'tls' | 'starttls' };
    username: string;
    password: string;
    label?: string;
  };
}

/**
 * Starts the servers in a beforeAll registered now (so before the caller's own world), and returns the
 * env object to hand to that world: it is filled in before the world's beforeAll reads it.
 */
export function mailWorld(zones: Zones = {}) {
  const env: Record<string, string> = {};
  let world: MailWorld | undefined;
  let caDir: string | undefined;
  beforeAll(async () => {
    const password = `Pw-${randomBytes(12).toString('hex')}`;
    const certs = createTestCertificates({ hosts: [MAIL_HOST] });
    const wrong = certs.issue(['other.postern.test']);
    const users = { [USER]: password };
    const [smtp, smtpPlain, smtpWrongName, imap] = await Promise.all([
      startSmtpServer({ users, tls: 'implicit', certs }),
      startSmtpServer({ users, tls: 'none' }),
      startSmtpServer({ users, tls: 'implicit', certs: wrong }),
      startDovecot({ users, certs }),
    ]);
    const allZones: Zones = {
      [MAIL_HOST]: { a: ['127.0.0.1'] },
      [WRONG_NAME_HOST]: { a: ['127.0.0.1'] },
      [PRIVATE_HOST]: { a: ['10.1.2.3'] },
      ...zones,
    };
    const dns = await startDnsServer(allZones);
    caDir = mkdtempSync(path.join(tmpdir(), 'postern-mailbox-ca-'));
    const caFile = path.join(caDir, 'ca.pem');
    writeFileSync(caFile, certs.ca);
    Object.assign(env, {
      DNS_SERVERS: dns.address,
      DNS_TIMEOUT_MS: '1000',
      MAILBOX_TLS_CA_FILE: caFile,
      MAILBOX_ALLOWED_HOSTS: '127.0.0.1',
      MAILBOX_CONNECT_TIMEOUT_MS: '5000',
    });
    world = {
      certs,
      password,
      smtp,
      smtpPlain,
      smtpWrongName,
      imap,
      dns,
      zones: allZones,
      env,
      connectInput: (overrides = {}) => ({
        email: USER,
        imap: { host: MAIL_HOST, port: imap.port, security: 'tls' },
        smtp: { host: MAIL_HOST, port: smtp.port, security: 'tls' },
        username: USER,
        password,
        ...overrides,
      }),
    };
  });
  afterAll(async () => {
    await Promise.allSettled([
      world?.smtp.close(),
      world?.smtpPlain.close(),
      world?.smtpWrongName.close(),
      world?.imap.close(),
      world?.dns.close(),
    ]);
    world?.certs.dispose();
    if (caDir) rmSync(caDir, { recursive: true, force: true });
  });
  return {
    env,
    mail(): MailWorld {
      if (!world) throw new Error('the mail world starts in beforeAll');
      return world;
    },
  };
}
