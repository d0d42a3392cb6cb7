// Metering of address checks (docs/api.md "Rate limits"): the dashboard's check draws from the same
// plan buckets as /v1, a batch costs one unit per address, a batched tRPC request has a size cap,
// every check is also charged to the workspace's account (shared by all its workspaces), an account
// owns a limited number of workspaces, and the validation cache is per workspace.
import { TRPC_MAX_BATCH_SIZE } from '@postern/contracts';
import { createVerificationEngine } from '@postern/validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../../packages/validator/test/support/dns-server.ts';
import { type Client, type Harness, newAccount, startHarness } from './support/harness.ts';

let h: Harness;
let dns: TestDnsServer;

beforeAll(async () => {
  dns = await startDnsServer({
    'metered-mail.com': { mx: [{ exchange: 'mx.metered-mail.com', priority: 10, ttl: 600 }] },
    'mx.metered-mail.com': { a: ['192.0.2.25'] },
  });
  h = await startHarness({
    engine: () => createVerificationEngine({ dns: { servers: [dns.address], timeoutMs: 500, tries: 1 } }),
  });
});

afterAll(async () => {
  await h.close();
  await dns.close();
});

async function createKey(client: Client, workspaceId: string) {
  const key = await client.mutate<{ secret: string }>('apiKeys.create', { workspaceId, name: 'metering' });
  expect(key.status).toBe(200);
  return key.data?.secret ?? '';
}

const v1 = (key: string, method: 'GET' | 'POST', url: string, body?: unknown) =>
  h.app.inject({
    method,
    url,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });

const check = (client: Client, workspaceId: string, email: string) =>
  client.mutate<{ cached: boolean; status: string }>('validation.check', { workspaceId, email });

describe('dashboard checks are metered like /v1/validate (F2)', () => {
  it('refuses rapid tRPC checks with 429 once the plan burst is used, with Retry-After', async () => {
    const { client, workspaceId } = await newAccount(h.app);
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => check(client, workspaceId, `rapid${i % 5}@metered-mail.com`)),
    );
    const ok = results.filter((r) => r.status === 200).length;
    const refused = results.filter((r) => r.status === 429);
    // Starter: burst 100, plus the tokens refilled at 1/s while the calls run.
    const seconds = Math.ceil((Date.now() - started) / 1000);
    expect(ok).toBeGreaterThanOrEqual(100);
    expect(ok).toBeLessThanOrEqual(100 + seconds);
    expect(refused.length).toBe(300 - ok);
    expect(refused[0]?.error?.data.code).toBe('RATE_LIMITED');
    expect(Number(refused[0]?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused[0]?.headers['x-ratelimit-remaining']).toBe('0');
    // The same workspace bucket as its API keys: a key of this workspace is out of units too.
    // Under load, seconds may pass before the key's calls: the bucket refills 1/s meanwhile, so send more
    // calls than it can have refilled; a separate bucket (burst 100) would answer all of them.
    const key = await createKey(client, workspaceId);
    const calls = Math.ceil((Date.now() - started) / 1000) + 5;
    const viaKey = await Promise.all(
      Array.from({ length: calls }, () =>
        v1(key, 'POST', '/v1/validate', { email: 'rapid0@metered-mail.com' }),
      ),
    );
    const keyOk = viaKey.filter((r) => r.statusCode === 200).length;
    expect(viaKey.filter((r) => r.statusCode === 429).length).toBe(calls - keyOk);
    expect(keyOk).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1);
    expect(keyOk).toBeLessThan(calls);
  });

  it(`refuses a batched tRPC request of more than ${TRPC_MAX_BATCH_SIZE} calls with a clear error`, async () => {
    const { client, workspaceId } = await newAccount(h.app);
    const batch = (n: number) => {
      const paths = Array.from({ length: n }, () => 'validation.check').join(',');
      const input = Object.fromEntries(
        Array.from({ length: n }, (_, i) => [i, { workspaceId, email: `b${i}@metered-mail.com` }]),
      );
      return client.mutate<unknown>(`${paths}?batch=1`, input);
    };
    const over = await batch(TRPC_MAX_BATCH_SIZE + 1);
    expect(over.status).toBe(400);
    expect(over.error?.message).toMatch(new RegExp(`at most ${TRPC_MAX_BATCH_SIZE} calls`));
    expect(over.error?.data.details).toEqual({ maxBatchSize: TRPC_MAX_BATCH_SIZE });
    const at = await batch(TRPC_MAX_BATCH_SIZE);
    expect(at.status).toBe(200);
  });

  it('charges /v1/validate/batch one unit per address, and the headers say so', async () => {
    const { client, workspaceId } = await newAccount(h.app);
    const key = await createKey(client, workspaceId);
    const me = await v1(key, 'GET', '/v1/me');
    expect(me.headers['x-ratelimit-remaining']).toBe('99');
    const emails = Array.from({ length: 50 }, (_, i) => `unit${i}@metered-mail.com`);
    const res = await v1(key, 'POST', '/v1/validate/batch', { emails });
    expect(res.statusCode).toBe(200);
    // 99 left, the batch's 50 units (one of them paid by the request itself): 49, or 50 after a refill.
    expect(Number(res.headers['x-ratelimit-remaining'])).toBeGreaterThanOrEqual(49);
    expect(Number(res.headers['x-ratelimit-remaining'])).toBeLessThanOrEqual(50);
    expect(res.headers['ratelimit-policy']).toMatch(/^"workspace";q=100;w=100, "account";q=100;w=100$/);
    expect(res.headers.ratelimit).toMatch(/^"workspace";r=(49|50);t=\d+, "account";r=(50|51);t=\d+$/);
    // Another 50 do not fit the 49 or so left: refused whole, nothing taken.
    const second = await v1(key, 'POST', '/v1/validate/batch', { emails });
    expect(second.statusCode).toBe(429);
    expect(second.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const single = await v1(key, 'POST', '/v1/validate', { email: 'unit0@metered-mail.com' });
    expect(single.statusCode).toBe(200);
  });
});

describe('the validation cache is per workspace (F5)', () => {
  it('does not tell workspace B that workspace A checked an address', async () => {
    const a = await newAccount(h.app);
    const b = await newAccount(h.app);
    const email = `cache.${Date.now()}@metered-mail.com`;
    expect((await check(a.client, a.workspaceId, email)).data?.cached).toBe(false);
    expect((await check(a.client, a.workspaceId, email)).data?.cached).toBe(true);
    expect((await check(b.client, b.workspaceId, email)).data?.cached).toBe(false);
    // Also through the public API, and in a second workspace of the same account.
    const other = await a.client.mutate<{ id: string }>('workspaces.create', { name: 'Second' });
    const key = await createKey(a.client, other.data?.id ?? '');
    expect((await v1(key, 'POST', '/v1/validate', { email })).json()).toMatchObject({ cached: false });
    expect((await v1(key, 'POST', '/v1/validate', { email })).json()).toMatchObject({ cached: true });
  });
});

describe('more workspaces do not multiply the limits (F8)', () => {
  it(`refuses the account's 11th workspace (MAX_WORKSPACES_PER_ACCOUNT, default 10), also when created at once`, async () => {
    const { client } = await newAccount(h.app);
    // Sign-up made the first; 11 more at the same time: exactly 9 are created.
    const attempts = await Promise.all(
      Array.from({ length: 11 }, (_, i) => client.mutate('workspaces.create', { name: `W${i}` })),
    );
    expect(attempts.filter((r) => r.status === 200)).toHaveLength(9);
    const refused = attempts.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(2);
    expect(refused[0]?.status).toBe(403);
    expect(refused[0]?.error?.data.code).toBe('FORBIDDEN');
    expect(refused[0]?.error?.message).toMatch(/most one account may own \(10\)/);
    const list = await client.query<{ workspaces: unknown[] }>('workspaces.list');
    expect(list.data?.workspaces).toHaveLength(10);
  });

  it("charges every workspace's checks to its owner account too: two workspaces share one budget", async () => {
    const { client, workspaceId: first } = await newAccount(h.app);
    const second =
      (await client.mutate<{ id: string }>('workspaces.create', { name: 'Second' })).data?.id ?? '';
    const [key1, key2] = [await createKey(client, first), await createKey(client, second)];
    const emails = Array.from({ length: 50 }, (_, i) => `share${i}@metered-mail.com`);
    // 100 units of the account's 100 spent in the first workspace (50 through its key, 50 from the
    // dashboard: the account is the same whoever asks).
    expect((await v1(key1, 'POST', '/v1/validate/batch', { emails })).statusCode).toBe(200);
    const dashboard = await Promise.all(emails.map((e) => check(client, first, e)));
    expect(dashboard.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(49);
    // The second workspace's own bucket is untouched, but the account's is empty.
    const refused = await v1(key2, 'POST', '/v1/validate/batch', { emails: emails.slice(0, 10) });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().message).toMatch(/account that owns this workspace/);
    // Refused whole, before the body is read: nothing was taken from the second workspace's bucket.
    expect(refused.headers.ratelimit).toMatch(/^"workspace";r=100;t=0, "account";r=\d;t=\d+$/);
    expect((await check(client, second, 'share0@metered-mail.com')).status).toBe(429);
    // Requests that check nothing are not charged to the account.
    expect((await v1(key2, 'GET', '/v1/me')).statusCode).toBe(200);
  });
});
