// The whole engine at both depths, against a real local DNS server and a real local SMTP server:
// syntax → DNS (MX) → SMTP probe → verdict.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerificationEngine, type VerificationEngine } from '../src/engine.ts';
import { decide } from '../src/verdict.ts';
import { startDnsServer, type TestDnsServer } from './support/dns-server.ts';
import { startSmtpServer, type TestSmtpServer } from './support/smtp-servers.ts';

let dns: TestDnsServer;
let smtp: TestSmtpServer;
let engine: VerificationEngine;

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
  });
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

  it('carries the greylisting delay to the verdict', async () => {
    const { verdict } = await verdictOf('gus@probe-mail.com');
    expect(verdict.retryAfterMs).toBeGreaterThan(0);
  });
});
