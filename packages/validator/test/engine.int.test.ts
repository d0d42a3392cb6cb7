// The whole engine at both depths, against a real local DNS server and a real local SMTP server:
// syntax → DNS (MX) → SMTP probe → verdict.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerificationEngine, type VerificationEngine } from '../src/engine.ts';
import { decide } from '../src/verdict.ts';
import { startDnsServer, type TestDnsServer } from './support/dns-server.ts';
import { startSmtpServer, type TestSmtpServer } from './support/smtp-servers.ts';

let dns: TestDnsServer;
let smtp: TestSmtpServer;
let engine: VerificationEngine;
/** Accepts TCP connections and never says a word (the greeting times out). */
let mute: net.Server;
let muteConnections = 0;
const muteSockets = new Set<net.Socket>();

beforeAll(async () => {
  smtp = await startSmtpServer({
    mailboxes: { ann: 'accept', bob: 'not_found', gus: 'greylist', fay: 'full' },
    catchAllDomains: ['anything-goes.com'],
  });
  dns = await startDnsServer({
    'probe-mail.com': { mx: [{ exchange: smtp.host, priority: 10 }] },
    'anything-goes.com': { mx: [{ exchange: smtp.host, priority: 10 }] },
    // MX by host name: the name exists only on the test DNS server, not for the system resolver.
    'named-mx.com': {
      mx: [
        { exchange: 'gone.mx.postern.test', priority: 5 },
        { exchange: 'mx.postern.test', priority: 10 },
      ],
    },
    'mx.postern.test': { a: [smtp.host], ttl: 600 },
    'gone.mx.postern.test': { rcode: 'NXDOMAIN' },
    // Dangling MX: the MX names exist nowhere (NXDOMAIN) or have no address (NODATA).
    'dangling-mx.com': {
      mx: [
        { exchange: 'gone.mx.postern.test', priority: 10 },
        { exchange: 'nodata.mx.postern.test', priority: 20 },
      ],
    },
    'nodata.mx.postern.test': {},
    // The MX host lookup fails: no verdict from that.
    'mx-servfail.com': { mx: [{ exchange: 'broken.mx.postern.test', priority: 10 }] },
    'broken.mx.postern.test': { rcode: 'SERVFAIL' },
    // Nothing listens on this loopback address: connection refused.
    'refused-mx.com': { mx: [{ exchange: 'refused.mx.postern.test', priority: 10 }] },
    'refused.mx.postern.test': { a: ['127.0.0.1'] },
    // Accepts the connection, never greets: a timeout.
    'mute-mx.com': { mx: [{ exchange: 'mute.mx.postern.test', priority: 10 }] },
    'mute.mx.postern.test': { a: ['127.0.0.1'] },
  });
  mute = net.createServer((socket) => {
    muteConnections++;
    muteSockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
  engine = createVerificationEngine({
    dns: { servers: [dns.address], timeoutMs: 500, tries: 1 },
    smtp: {
      heloName: 'verify.postern.example',
      mailFrom: 'probe@postern.example',
      port: smtp.port,
      commandTimeoutMs: 2000,
      connectTimeoutMs: 2000,
    },
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    mute.close(() => resolve());
    for (const socket of muteSockets) socket.destroy();
  });
  await engine.close();
  await smtp.close();
  await dns.close();
});

const verdictOf = async (email: string, depth: 'standard' | 'enhanced' = 'enhanced') => {
  const result = await engine.validate(email, { depth });
  return { result, verdict: decide(result) };
};

describe('verification engine', () => {
  it('standard depth stops at DNS: no SMTP session', async () => {
    const before = smtp.connections();
    const { verdict, result } = await verdictOf('ann@probe-mail.com', 'standard');
    expect(verdict).toMatchObject({ status: 'deliverable', reason: 'mail_host_found' });
    expect(result.smtp).toBeNull();
    expect(smtp.connections()).toBe(before);
  });

  it.each([
    ['ann@probe-mail.com', 'deliverable', 'mailbox_exists', 'accept'],
    ['bob@probe-mail.com', 'undeliverable', 'mailbox_not_found', 'reject'],
    ['gus@probe-mail.com', 'unknown', 'greylisted', 'retry_later'],
    ['fay@probe-mail.com', 'risky', 'mailbox_full', 'accept_with_caution'],
    ['whoever@anything-goes.com', 'catch_all', 'catch_all', 'accept_with_caution'],
  ])('enhanced: %s → %s / %s', async (email, status, reason, action) => {
    const { verdict, result } = await verdictOf(email);
    expect(verdict).toMatchObject({ status, reason, action });
    expect(result.smtp?.evidence.mxHost).toBe(smtp.host);
  });

  it("says HELO with the configured name, never the target's", () => {
    expect(smtp.sessions.length).toBeGreaterThan(0);
    for (const session of smtp.sessions) expect(session.heloName).toBe('verify.postern.example');
  });

  it('resolves MX host names through the configured DNS servers (cached), skipping a name without address', async () => {
    const first = await verdictOf('ann@named-mx.com');
    expect(first.verdict).toMatchObject({ status: 'deliverable', reason: 'mailbox_exists' });
    expect(first.result.smtp?.evidence.mxHost).toBe('mx.postern.test');
    const second = await verdictOf('bob@named-mx.com');
    expect(second.verdict).toMatchObject({ status: 'undeliverable', reason: 'mailbox_not_found' });
    expect(dns.queries('mx.postern.test', 'A')).toBe(1);
    expect(dns.queries('gone.mx.postern.test', 'A')).toBe(1);
  });

  it.each(['standard', 'enhanced'] as const)(
    '%s: a dangling MX (hosts NXDOMAIN/NODATA) is undeliverable/no_mail_host, with no SMTP session',
    async (depth) => {
      const before = smtp.connections();
      const { verdict, result } = await verdictOf('ann@dangling-mx.com', depth);
      expect(verdict).toMatchObject({ status: 'undeliverable', reason: 'no_mail_host', action: 'reject' });
      expect(result.dns?.outcome).toMatchObject({
        status: 'no_mail_host',
        danglingMx: ['gone.mx.postern.test', 'nodata.mx.postern.test'],
      });
      expect(result.smtp).toBeNull();
      expect(smtp.connections()).toBe(before);
    },
  );

  it.each(['standard', 'enhanced'] as const)(
    '%s: an MX host lookup that fails stays unknown/dns_error',
    async (depth) => {
      const { verdict } = await verdictOf('ann@mx-servfail.com', depth);
      expect(verdict).toMatchObject({ status: 'unknown', reason: 'dns_error', action: 'retry_later' });
    },
  );

  it('tells a timeout (smtp_timeout) from a refused connection (smtp_connect_failed)', async () => {
    const fast = (port: number) =>
      createVerificationEngine({
        dns: { servers: [dns.address], timeoutMs: 500, tries: 1 },
        smtp: {
          heloName: 'verify.postern.example',
          mailFrom: 'probe@postern.example',
          port,
          commandTimeoutMs: 300,
          connectTimeoutMs: 300,
        },
      });
    const mutePort = (mute.address() as net.AddressInfo).port;
    const timeouts = fast(mutePort);
    const closedPort = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const refusals = fast(closedPort);
    try {
      const slow = await timeouts.validate('ann@mute-mx.com', { depth: 'enhanced' });
      expect(decide(slow)).toMatchObject({
        status: 'unknown',
        reason: 'smtp_timeout',
        action: 'retry_later',
      });
      expect(slow.smtp?.evidence).toMatchObject({ failure: 'timeout', mxHost: 'mute.mx.postern.test' });
      expect(muteConnections).toBeGreaterThan(0);
      const refused = await refusals.validate('ann@refused-mx.com', { depth: 'enhanced' });
      expect(decide(refused)).toMatchObject({
        status: 'unknown',
        reason: 'smtp_connect_failed',
        action: 'retry_later',
      });
      expect(refused.smtp?.evidence.failure).toBe('connect');
      expect(refused.smtp?.evidence.message).toMatch(/ECONNREFUSED/);
    } finally {
      await timeouts.close();
      await refusals.close();
    }
  });

  it('carries the greylisting delay to the verdict', async () => {
    const { verdict } = await verdictOf('gus@probe-mail.com');
    expect(verdict.retryAfterMs).toBeGreaterThan(0);
  });
});
