// The single check, through the dashboard (tRPC) and the public API, against a real local DNS server.
// Nothing about the address is kept: after many checks, PostgreSQL, Redis and the logs are scanned.

import { createVerificationEngine } from '@postern/validator';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../../packages/validator/test/support/dns-server.ts';
import { dumpRedis } from './support/dumps.ts';
import { findStoredSecrets, type Harness, newAccount, startHarness } from './support/harness.ts';

let h: Harness;
let dns: TestDnsServer;
let apiKey = '';
let account: Awaited<ReturnType<typeof newAccount>>;
const checked: string[] = [];

beforeAll(async () => {
  dns = await startDnsServer({
    'postern-mail.com': { mx: [{ exchange: 'mx.postern-mail.com', priority: 10, ttl: 600 }] },
    'implicit-host.net': { a: ['192.0.2.10'] },
    'nullmx-domain.org': { mx: [{ exchange: '.', priority: 0 }] },
    'broken-dns.net': { rcode: 'SERVFAIL' },
    'gmail.com': { mx: [{ exchange: 'gmail-smtp-in.l.google.com', priority: 5 }] },
    'gmial.com': { mx: [{ exchange: 'mx.gmial.com', priority: 5 }] },
    'mailinator.com': { mx: [{ exchange: 'mx.mailinator.com', priority: 5 }] },
    // MX hosts need an address: an MX whose hosts have none is a dangling MX (no_mail_host).
    'mx.postern-mail.com': { a: ['192.0.2.25'] },
    'mx.gmial.com': { a: ['192.0.2.26'] },
    'mx.mailinator.com': { a: ['192.0.2.27'] },
  });
  h = await startHarness({
    engine: () => createVerificationEngine({ dns: { servers: [dns.address], timeoutMs: 500, tries: 1 } }),
  });
  account = await newAccount(h.app);
  const key = await account.client.mutate<{ secret: string }>('apiKeys.create', {
    workspaceId: account.workspaceId,
    name: 'checks',
  });
  apiKey = key.data?.secret ?? '';
});

afterAll(async () => {
  await h.close();
  await dns.close();
});

const post = (app: FastifyInstance, url: string, body: unknown) =>
  app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });

async function validate(email: string) {
  checked.push(email);
  const res = await post(h.app, '/v1/validate', { email });
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe('single check', () => {
  it.each([
    ['ann.deliverable@postern-mail.com', 'deliverable', 'mail_host_found', 'accept'],
    ['bob@implicit-host.net', 'deliverable', 'mail_host_found', 'accept'],
    ['carol@nullmx-domain.org', 'undeliverable', 'null_mx', 'reject'],
    ['dave@no-such-domain-xyz.com', 'undeliverable', 'domain_not_found', 'reject'],
    ['erin@broken-dns.net', 'unknown', 'dns_error', 'retry_later'],
    ['frank@mailinator.com', 'do_not_mail', 'disposable_domain', 'reject'],
    ['info@postern-mail.com', 'risky', 'role_account', 'accept_with_caution'],
    ['not an address', 'undeliverable', 'invalid_syntax', 'reject'],
  ])('%s → %s / %s', async (email, status, reason, action) => {
    expect(await validate(email)).toMatchObject({ status, reason, action });
  });

  it('flags implicit MX and null MX', async () => {
    expect((await validate('gail@implicit-host.net')).flags).toMatchObject({
      implicit_mx: true,
      has_mx: false,
    });
    expect((await validate('hank@nullmx-domain.org')).flags).toMatchObject({ null_mx: true });
  });

  it('suggests a fix for a typo of a big provider', async () => {
    const result = await validate('ivan.typo@gmial.com');
    expect(result).toMatchObject({ suggestion: 'ivan.typo@gmail.com', reason: 'possible_typo' });
  });

  it('answers a repeat from the cache without asking DNS again', async () => {
    const first = await validate('judy.cache@postern-mail.com');
    const queries = dns.queries('postern-mail.com');
    const second = await validate('judy.cache@postern-mail.com');
    expect(first.cached).toBe(false);
    expect(second).toMatchObject({ cached: true, status: first.status, reason: first.reason });
    expect(dns.queries('postern-mail.com')).toBe(queries);
  });

  it('checks a batch of up to 50, and refuses 51 with a clear error', async () => {
    const emails = Array.from({ length: 50 }, (_, i) => `batch${i}@postern-mail.com`);
    checked.push(...emails);
    const res = await post(h.app, '/v1/validate/batch', { emails });
    expect(res.statusCode).toBe(200);
    expect(res.json().results).toHaveLength(50);
    const tooMany = await post(h.app, '/v1/validate/batch', {
      emails: [...emails, 'one-more@postern-mail.com'],
    });
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/At most 50/),
    });
  });

  it('refuses a malformed body and an address of absurd length', async () => {
    expect((await post(h.app, '/v1/validate', { mail: 'x' })).statusCode).toBe(422);
    expect((await post(h.app, '/v1/validate', { email: 'a'.repeat(600) })).statusCode).toBe(422);
    expect(
      (await post(h.app, '/v1/validate', { email: 'a@postern-mail.com', depth: 'deep' })).statusCode,
    ).toBe(422);
  });

  it('works from the dashboard too', async () => {
    checked.push('kate.dashboard@postern-mail.com');
    const res = await account.client.mutate<{ status: string }>('validation.check', {
      workspaceId: account.workspaceId,
      email: 'kate.dashboard@postern-mail.com',
    });
    expect(res.data?.status).toBe('deliverable');
  });

  it('keeps no address anywhere: PostgreSQL, Redis and the logs', async () => {
    const distinct = [...new Set(checked)].filter((e) => e.includes('@'));
    expect(distinct.length).toBeGreaterThan(50);
    expect(await findStoredSecrets(h.db, distinct)).toEqual([]);
    const logs = h.logs.join('');
    expect(distinct.filter((e) => logs.includes(e))).toEqual([]);
    // Redis: every key and value this API wrote (its key prefix; the validation cache lives there).
    // Other test files run at the same time against the same server: their keys are not ours to judge.
    const redis = await dumpRedis(h.redisPrefix);
    const cacheKeys = [...redis.keys()].filter((k) => k.startsWith('vcache:'));
    expect(cacheKeys.length).toBeGreaterThan(10);
    const dump = [...redis.values()].join('\n');
    expect(distinct.filter((e) => dump.includes(e) || dump.includes(e.split('@')[0] ?? e))).toEqual([]);
  });
});
