import { describe, expect, it } from 'vitest';
import type { DnsOutcome, SmtpResult } from '../src/types.ts';
import { decide, type Evidence } from '../src/verdict.ts';

const ok = {
  valid: true as const,
  local: 'ann',
  domain: 'example.com',
  ascii: 'ann@example.com',
  unicode: 'ann@example.com',
  smtputf8: false,
};
const lists = { disposable: false, freeProvider: false, roleAccount: false, suggestion: null };
const dns = (outcome: DnsOutcome) => ({ domain: 'example.com', outcome, cached: false, ms: 1 });
const mx: DnsOutcome = {
  status: 'mx',
  hosts: [{ exchange: 'mx.example.com', priority: 10 }],
  ttlSeconds: 300,
};
const smtp = (status: SmtpResult['status'], extra: Partial<SmtpResult> = {}): SmtpResult => ({
  status,
  retryAfterMs: null,
  catchAll: null,
  evidence: {
    failure: status === 'unknown' ? 'session' : null,
    mxHost: 'mx.example.com',
    replyCode: 250,
    enhancedCode: null,
    message: null,
    startTls: false,
    ms: 5,
  },
  ...extra,
});
const evidence = (e: Partial<Evidence>): Evidence => ({ syntax: ok, dns: dns(mx), smtp: null, lists, ...e });

describe('decide', () => {
  it.each([
    [
      'bad syntax',
      evidence({ syntax: { valid: false, reason: 'no_at_sign' } }),
      'undeliverable',
      'invalid_syntax',
      'reject',
    ],
    [
      'NXDOMAIN',
      evidence({ dns: dns({ status: 'nxdomain', ttlSeconds: 300 }) }),
      'undeliverable',
      'domain_not_found',
      'reject',
    ],
    [
      'null MX',
      evidence({ dns: dns({ status: 'null_mx', ttlSeconds: 300 }) }),
      'undeliverable',
      'null_mx',
      'reject',
    ],
    [
      'no mail host',
      evidence({ dns: dns({ status: 'no_mail_host', ttlSeconds: 300 }) }),
      'undeliverable',
      'no_mail_host',
      'reject',
    ],
    ['SERVFAIL', evidence({ dns: dns({ status: 'servfail' }) }), 'unknown', 'dns_error', 'retry_later'],
    ['DNS timeout', evidence({ dns: dns({ status: 'timeout' }) }), 'unknown', 'dns_error', 'retry_later'],
    [
      'disposable',
      evidence({ lists: { ...lists, disposable: true } }),
      'do_not_mail',
      'disposable_domain',
      'reject',
    ],
    ['standard depth, MX found', evidence({}), 'deliverable', 'mail_host_found', 'accept'],
    ['mailbox exists', evidence({ smtp: smtp('accepted') }), 'deliverable', 'mailbox_exists', 'accept'],
    [
      'mailbox missing',
      evidence({ smtp: smtp('mailbox_not_found') }),
      'undeliverable',
      'mailbox_not_found',
      'reject',
    ],
    [
      'mailbox full',
      evidence({ smtp: smtp('mailbox_full') }),
      'risky',
      'mailbox_full',
      'accept_with_caution',
    ],
    [
      'greylisted',
      evidence({ smtp: smtp('greylisted', { retryAfterMs: 120_000 }) }),
      'unknown',
      'greylisted',
      'retry_later',
    ],
    ['blocked', evidence({ smtp: smtp('blocked') }), 'unknown', 'blocked_by_server', 'accept_with_caution'],
    [
      'SMTP session refused',
      evidence({ smtp: smtp('unknown') }),
      'unknown',
      'smtp_unavailable',
      'retry_later',
    ],
    [
      'SMTP timed out',
      evidence({ smtp: smtp('unknown', { evidence: { ...smtp('unknown').evidence, failure: 'timeout' } }) }),
      'unknown',
      'smtp_timeout',
      'retry_later',
    ],
    [
      'SMTP connect failed',
      evidence({ smtp: smtp('unknown', { evidence: { ...smtp('unknown').evidence, failure: 'connect' } }) }),
      'unknown',
      'smtp_connect_failed',
      'retry_later',
    ],
    [
      'dangling MX',
      evidence({ dns: dns({ status: 'no_mail_host', ttlSeconds: 60, danglingMx: ['gone.example.com'] }) }),
      'undeliverable',
      'no_mail_host',
      'reject',
    ],
    [
      'NXDOMAIN from an unhealthy resolver',
      evidence({ dns: dns({ status: 'nxdomain', ttlSeconds: 300 }), resolverHealthy: false }),
      'unknown',
      'dns_error',
      'retry_later',
    ],
    [
      'no mail host from an unhealthy resolver',
      evidence({ dns: dns({ status: 'no_mail_host', ttlSeconds: 300 }), resolverHealthy: false }),
      'unknown',
      'dns_error',
      'retry_later',
    ],
    [
      'MX found while the resolver is unhealthy (a positive answer stands)',
      evidence({ resolverHealthy: false }),
      'deliverable',
      'mail_host_found',
      'accept',
    ],
    [
      'catch-all',
      evidence({ smtp: smtp('catch_all', { catchAll: true }) }),
      'catch_all',
      'catch_all',
      'accept_with_caution',
    ],
    [
      'no SMTPUTF8',
      evidence({ smtp: smtp('smtputf8_unsupported') }),
      'undeliverable',
      'smtputf8_unsupported',
      'reject',
    ],
    [
      'role account',
      evidence({ smtp: smtp('accepted'), lists: { ...lists, roleAccount: true } }),
      'risky',
      'role_account',
      'accept_with_caution',
    ],
    [
      'typo',
      evidence({ lists: { ...lists, suggestion: 'ann@gmail.com' } }),
      'risky',
      'possible_typo',
      'accept_with_caution',
    ],
  ] as const)('%s', (_name, input, status, reason, action) => {
    expect(decide(input)).toMatchObject({ status, reason, action });
  });

  it('keeps the greylisting delay and the flags', () => {
    const v = decide(
      evidence({
        smtp: smtp('greylisted', { retryAfterMs: 120_000 }),
        lists: { ...lists, freeProvider: true },
      }),
    );
    expect(v.retryAfterMs).toBe(120_000);
    expect(v.flags).toMatchObject({ free_provider: true, has_mx: true, implicit_mx: false });
  });

  it('flags implicit MX', () => {
    const v = decide(
      evidence({
        dns: dns({
          status: 'implicit_mx',
          hosts: [{ exchange: 'example.com', priority: 0 }],
          ttlSeconds: 60,
        }),
      }),
    );
    expect(v.flags).toMatchObject({ implicit_mx: true, has_mx: false });
    expect(v.status).toBe('deliverable');
  });
});
