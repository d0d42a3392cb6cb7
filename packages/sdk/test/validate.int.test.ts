// validate() and validateBatch() from the built SDK against the real API, which resolves through a
// real local DNS server; client.policy (the workspace's validation policy, which validate() applies).
import { ZPolicyView, ZValidationResult } from '@postern/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../validator/test/support/dns-server.ts';
import { loadBuiltEsm, newApiKey, type RunningApi, startApi } from './helpers.ts';

describe('validate', () => {
  let dns: TestDnsServer;
  let api: RunningApi;
  let client: ReturnType<Awaited<ReturnType<typeof loadBuiltEsm>>['createClient']>;

  beforeAll(async () => {
    dns = await startDnsServer({
      'sdk-mail.com': { mx: [{ exchange: 'mx.sdk-mail.com', priority: 10 }] },
      'nullmx-sdk.org': { mx: [{ exchange: '.', priority: 0 }] },
      'sdk-policy.com': { mx: [{ exchange: 'mx.sdk-mail.com', priority: 10 }] },
      'mx.sdk-mail.com': { a: ['192.0.2.25'] }, // without an address the MX would be dangling
    });
    api = await startApi({ DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: '500' });
    const key = await newApiKey(api.url);
    const sdk = await loadBuiltEsm();
    client = sdk.createClient({ baseUrl: api.url, apiKey: key.secret });
  });

  afterAll(async () => {
    await api?.stop();
    await dns?.close();
  });

  it('checks one address', async () => {
    const result = await client.validate('someone@sdk-mail.com');
    expect(ZValidationResult.parse(result)).toEqual(result);
    expect(result).toMatchObject({
      status: 'deliverable',
      reason: 'mail_host_found',
      action: 'accept',
      depth: 'standard',
    });
    expect(await client.validate('someone@nullmx-sdk.org')).toMatchObject({
      status: 'undeliverable',
      reason: 'null_mx',
    });
  });

  it('checks a batch, and refuses more than 50 before sending', async () => {
    const { results } = await client.validateBatch(['a@sdk-mail.com', 'not an address']);
    expect(results.map((r) => [r.email, r.result.status])).toEqual([
      ['a@sdk-mail.com', 'deliverable'],
      ['not an address', 'undeliverable'],
    ]);
    expect(() => client.validateBatch(Array.from({ length: 51 }, (_, i) => `x${i}@sdk-mail.com`))).toThrow(
      /1 to 50/,
    );
  });

  it('reads the default, saves a policy that validate() then applies', async () => {
    const initial = await client.policy.get();
    expect(ZPolicyView.parse(initial)).toEqual(initial);
    expect(initial).toMatchObject({ default: 'engine', updatedAt: null });
    expect(await client.validate('info@sdk-policy.com')).toMatchObject({
      reason: 'role_account',
      action: 'accept_with_caution',
      policy_action: 'accept_with_caution',
    });
    const saved = await client.policy.set({
      rules: [{ reason: ['role_account'], action: 'accept' }],
      default: 'engine',
    });
    expect(saved.updatedAt).toEqual(expect.any(String));
    expect(await client.policy.get()).toEqual(saved);
    expect(await client.validate('info@sdk-policy.com')).toMatchObject({
      action: 'accept_with_caution',
      policy_action: 'accept',
    });
  });

  it('refuses an invalid policy with a typed error and keeps the saved one', async () => {
    const before = await client.policy.get();
    const error = await client.policy
      .set({ rules: [{ action: 'reject' }], default: 'engine' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PosternError', code: 'VALIDATION_FAILED', httpStatus: 422 });
    expect(await client.policy.get()).toEqual(before);
    expect(() => client.policy.set(null as never)).toThrow(/rules/);
  });
});
