// Validation policies end to end (real worker, local DNS): the default reproduces the engine's action;
// a dry run over the workspace's bulk results (counts before/after, changed rows paged) and over a
// sample file (nothing stored); a saved policy is applied to the single check (tRPC), /v1/validate,
// batch and bulk results; owners and admins edit, members and other workspaces cannot; every change
// is audited with the policy before and after.
import {
  POLICY_DRY_RUN_PAGE,
  type Policy,
  type PolicyDryRunResult,
  type PolicyView,
  ZBulkJob,
  ZBulkResultsPage,
  ZPolicyView,
} from '@postern/contracts';
import { DEFAULT_POLICY } from '@postern/core';
import type { SpawnedApp } from '@postern/runtime/testing';
import { createVerificationEngine } from '@postern/validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../../packages/validator/test/support/dns-server.ts';
import { addMember } from './support/accounts.ts';
import { type Account, createApiKey, multipart, startWorker } from './support/bulk.ts';
import { type Harness, newAccount, startHarness } from './support/harness.ts';

let h: Harness;
let dns: TestDnsServer;
let worker: SpawnedApp;
let owner: Account;
let admin: Account;
let member: Account;
let stranger: Account;
let key = '';
let jobId = '';

const ROLE_ROWS = POLICY_DRY_RUN_PAGE + 5;
const roleAddresses = Array.from({ length: ROLE_ROWS }, (_, i) => `info@d${i}.postern-good.com`);

beforeAll(async () => {
  const good = { mx: [{ exchange: 'mx.postern-good.com', priority: 10, ttl: 600 }] };
  dns = await startDnsServer({
    'postern-good.com': good,
    '*.postern-good.com': good,
    'mx.postern-good.com': { a: ['192.0.2.25'] },
    'postern-nullmx.org': { mx: [{ exchange: '.', priority: 0 }] },
    'postern-broken.com': { rcode: 'SERVFAIL' },
  });
  h = await startHarness({
    engine: () => createVerificationEngine({ dns: { servers: [dns.address], timeoutMs: 500, tries: 1 } }),
  });
  worker = await startWorker(h, dns.address);
  owner = await newAccount(h.app);
  key = await createApiKey(owner, 'policy');
  [admin, member, stranger] = await Promise.all([newAccount(h.app), newAccount(h.app), newAccount(h.app)]);
  await addMember(h, owner.client, owner.workspaceId, admin, 'admin');
  await addMember(h, owner.client, owner.workspaceId, member, 'member');
  const csv = `email\nann@postern-good.com\nbob@postern-nullmx.org\ncarl@postern-broken.com\n${roleAddresses.join('\n')}\n`;
  const body = multipart([{ content: csv, filename: 'list.csv' }]);
  const upload = await h.app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { ...auth(), 'content-type': body.contentType },
    payload: body.payload,
  });
  expect(upload.statusCode).toBe(201);
  jobId = ZBulkJob.parse(upload.json()).id;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = ZBulkJob.parse((await api('GET', `/v1/jobs/${jobId}`)).json());
    if (job.status === 'completed') break;
    if (Date.now() > deadline) throw new Error(`job stayed ${job.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await h?.close();
  await dns?.close();
});

function auth() {
  return { authorization: `Bearer ${key}` };
}

function api(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
  return h.app.inject({
    method,
    url,
    headers: { ...auth(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

const acceptRoles: Policy = { rules: [{ reason: ['role_account'], action: 'accept' }], default: 'engine' };
/** Role accounts accepted, undeliverable kept with caution, everything else rejected. */
const strict: Policy = {
  rules: [
    { reason: ['role_account'], action: 'accept' },
    { status: ['undeliverable'], action: 'accept_with_caution' },
  ],
  default: 'reject',
};

const dryRun = (client: Account, source: unknown, page = 0, policy: Policy = acceptRoles) =>
  client.client.mutate<PolicyDryRunResult>('policies.dryRun', {
    workspaceId: owner.workspaceId,
    policy,
    source,
    page,
  });

async function jobResults() {
  const page = await owner.client.query('bulk.results', {
    workspaceId: owner.workspaceId,
    jobId,
    limit: 100,
  });
  return ZBulkResultsPage.parse(page.data).items;
}

describe('the default policy', () => {
  it('is what a workspace has until it saves one, on tRPC and GET /v1/policy', async () => {
    const view = await member.client.query<PolicyView>('policies.get', { workspaceId: owner.workspaceId });
    expect(view.data).toEqual({ ...DEFAULT_POLICY, updatedAt: null, updatedBy: null });
    const res = await api('GET', '/v1/policy');
    expect(res.statusCode).toBe(200);
    expect(ZPolicyView.parse(res.json())).toEqual(view.data);
  });

  it('gives policy_action = action on /v1/validate, batch and the bulk results', async () => {
    const one = (await api('POST', '/v1/validate', { email: 'info@postern-good.com' })).json();
    expect(one).toMatchObject({
      status: 'risky',
      action: 'accept_with_caution',
      policy_action: 'accept_with_caution',
    });
    const batch = await api('POST', '/v1/validate/batch', {
      emails: ['ann@postern-good.com', 'bob@postern-nullmx.org', 'carl@postern-broken.com'],
    });
    for (const { result } of batch.json().results) expect(result.policy_action).toBe(result.action);
    const items = await jobResults();
    expect(items).toHaveLength(3 + ROLE_ROWS);
    for (const item of items) expect(item.result?.policy_action).toBe(item.result?.action);
  });
});

describe('a dry run', () => {
  it("over the workspace's bulk results: counts before and after, changed rows paged", async () => {
    const first = await dryRun(owner, { kind: 'results' });
    expect(first.status).toBe(200);
    expect(first.data).toMatchObject({
      scanned: 3 + ROLE_ROWS,
      truncated: false,
      changed: ROLE_ROWS,
      nextPage: 1,
    });
    expect(first.data?.before).toEqual({
      accept: 1,
      accept_with_caution: ROLE_ROWS,
      reject: 1,
      retry_later: 1,
    });
    expect(first.data?.after).toEqual({
      accept: 1 + ROLE_ROWS,
      accept_with_caution: 0,
      reject: 1,
      retry_later: 1,
    });
    expect(first.data?.rows).toHaveLength(POLICY_DRY_RUN_PAGE);
    expect(first.data?.rows[0]).toMatchObject({
      jobId,
      status: 'risky',
      reason: 'role_account',
      before: 'accept_with_caution',
      after: 'accept',
    });
    const second = await dryRun(owner, { kind: 'results' }, 1);
    expect(second.data?.rows).toHaveLength(ROLE_ROWS - POLICY_DRY_RUN_PAGE);
    expect(second.data?.nextPage).toBeNull();
    const seen = [...(first.data?.rows ?? []), ...(second.data?.rows ?? [])].map((r) => r.email).sort();
    expect(seen).toEqual([...roleAddresses].sort());
  });

  it('over a sample file, checked in memory: nothing is stored', async () => {
    const before = await counts();
    const csv =
      'name,email\nA,info@postern-good.com\nB,ann@postern-good.com\nC,carl@postern-broken.com\nD,not-an-address\n';
    const res = await dryRun(
      owner,
      { kind: 'sample', fileBase64: Buffer.from(csv).toString('base64') },
      0,
      strict,
    );
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ scanned: 3, changed: 2, nextPage: null });
    expect(res.data?.after).toEqual({ accept: 1, accept_with_caution: 0, reject: 1, retry_later: 1 });
    expect(res.data?.rows.map((r) => [r.email, r.jobId, r.before, r.after])).toEqual([
      ['info@postern-good.com', null, 'accept_with_caution', 'accept'],
      ['ann@postern-good.com', null, 'accept', 'reject'],
    ]);
    expect(await counts()).toEqual(before);
    const view = await owner.client.query<PolicyView>('policies.get', { workspaceId: owner.workspaceId });
    expect(view.data?.updatedAt).toBeNull();
  });

  it('refuses a sample that is not base64, or longer than 200 rows, before checking anything', async () => {
    const res = await dryRun(owner, { kind: 'sample', fileBase64: 'not base64!' });
    expect(res.error?.data.code).toBe('VALIDATION_FAILED');
    const rows = Array.from({ length: 201 }, (_, i) => `x${i}@postern-good.com`).join('\n');
    const long = await dryRun(owner, { kind: 'sample', fileBase64: Buffer.from(rows).toString('base64') });
    expect(long.error?.data.code).toBe('VALIDATION_FAILED');
    expect(long.error?.message).toMatch(/200 rows/);
  });

  it('leaves out results past their retention', async () => {
    await h.orm.em
      .fork()
      .getConnection()
      .execute(`update bulk_job set expires_at = now() - interval '1 minute' where id = ?`, [jobId]);
    try {
      const res = await dryRun(owner, { kind: 'results' });
      expect(res.data).toMatchObject({ scanned: 0, changed: 0, rows: [], nextPage: null });
    } finally {
      await h.orm.em
        .fork()
        .getConnection()
        .execute(`update bulk_job set expires_at = now() + interval '7 days' where id = ?`, [jobId]);
    }
  });
});

async function counts() {
  const rows = (await h.orm.em
    .fork()
    .getConnection()
    .execute(
      `select (select count(*) from bulk_job)::int as jobs, (select count(*) from validation_policy)::int as policies,
              (select count(*) from audit_entry where event_type = 'policy.updated')::int as audits`,
      [],
      'all',
    )) as { jobs: number; policies: number; audits: number }[];
  return rows[0];
}

describe('permissions', () => {
  it('refuses members and viewers-to-be: set and dry run are for owners and admins', async () => {
    const set = await member.client.mutate('policies.set', {
      workspaceId: owner.workspaceId,
      policy: acceptRoles,
    });
    expect(set.error?.data.code).toBe('FORBIDDEN');
    expect((await dryRun(member, { kind: 'results' })).error?.data.code).toBe('FORBIDDEN');
  });

  it("refuses another workspace's member (not found)", async () => {
    const set = await stranger.client.mutate('policies.set', {
      workspaceId: owner.workspaceId,
      policy: acceptRoles,
    });
    expect(set.error?.data.code).toBe('NOT_FOUND');
    const get = await stranger.client.query('policies.get', { workspaceId: owner.workspaceId });
    expect(get.error?.data.code).toBe('NOT_FOUND');
  });

  it('lets an admin save, audited with the policy before and after', async () => {
    const res = await admin.client.mutate<PolicyView>('policies.set', {
      workspaceId: owner.workspaceId,
      policy: acceptRoles,
    });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ ...acceptRoles, updatedBy: admin.userId });
    const log = await owner.client.query<{
      entries: { actorId: string; metadata: Record<string, unknown> }[];
    }>('audit.list', { workspaceId: owner.workspaceId, eventTypes: ['policy.updated'] });
    expect(log.data?.entries).toHaveLength(1);
    expect(log.data?.entries[0]).toMatchObject({
      actorId: admin.userId,
      metadata: { before: { rules: DEFAULT_POLICY.rules, default: 'engine' }, after: acceptRoles },
    });
  });
});

describe('a saved policy', () => {
  it('is applied by the single check (tRPC), /v1/validate and batch; the verdict is unchanged', async () => {
    const put = await api('PUT', '/v1/policy', strict);
    expect(put.statusCode).toBe(200);
    expect(ZPolicyView.parse(put.json())).toMatchObject({ ...strict, updatedBy: null });
    const check = await owner.client.mutate<Record<string, unknown>>('validation.check', {
      workspaceId: owner.workspaceId,
      email: 'info@postern-good.com',
    });
    expect(check.data).toMatchObject({
      status: 'risky',
      reason: 'role_account',
      action: 'accept_with_caution',
    });
    expect(check.data?.policy_action).toBe('accept');
    const one = (await api('POST', '/v1/validate', { email: 'ann@postern-good.com' })).json();
    expect(one).toMatchObject({ status: 'deliverable', action: 'accept', policy_action: 'reject' });
    const batch = await api('POST', '/v1/validate/batch', {
      emails: ['info@postern-good.com', 'bob@postern-nullmx.org', 'carl@postern-broken.com'],
    });
    expect(
      batch.json().results.map((r: { result: { policy_action: string } }) => r.result.policy_action),
    ).toEqual([
      'accept',
      'accept_with_caution',
      // A transient failure stays retry_later: the default does not decide for it.
      'retry_later',
    ]);
  });

  it('is applied to bulk results already stored (tRPC and /v1)', async () => {
    const byEmail = new Map((await jobResults()).map((i) => [i.email, i.result?.policy_action]));
    expect(byEmail.get('ann@postern-good.com')).toBe('reject');
    expect(byEmail.get('bob@postern-nullmx.org')).toBe('accept_with_caution');
    expect(byEmail.get('carl@postern-broken.com')).toBe('retry_later');
    expect(byEmail.get(roleAddresses[0] as string)).toBe('accept');
    const rest = ZBulkResultsPage.parse((await api('GET', `/v1/jobs/${jobId}/results?limit=100`)).json());
    for (const item of rest.items) expect(item.result?.policy_action).toBe(byEmail.get(item.email));
  });

  it("is audited as the key's change, and leaves other workspaces on the default", async () => {
    const log = await owner.client.query<{
      entries: { actorId: string | null; metadata: Record<string, unknown> }[];
    }>('audit.list', { workspaceId: owner.workspaceId, eventTypes: ['policy.updated'] });
    expect(log.data?.entries[0]).toMatchObject({
      actorId: null,
      metadata: { before: acceptRoles, after: strict },
    });
    expect(log.data?.entries[0]?.metadata.apiKeyId).toEqual(expect.any(String));
    const theirs = await stranger.client.mutate<Record<string, unknown>>('validation.check', {
      workspaceId: stranger.workspaceId,
      email: 'ann@postern-good.com',
    });
    expect(theirs.data).toMatchObject({ action: 'accept', policy_action: 'accept' });
  });

  it('refuses an invalid policy over /v1 with 422 and keeps the stored one', async () => {
    const res = await api('PUT', '/v1/policy', { rules: [{ action: 'reject' }], default: 'engine' });
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toMatch(/at least one condition/);
    expect(ZPolicyView.parse((await api('GET', '/v1/policy')).json())).toMatchObject(strict);
  });
});
