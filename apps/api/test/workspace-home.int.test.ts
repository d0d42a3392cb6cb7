// The workspace home (usage against the plan's limits, recent jobs, a checklist read from real rows),
// the account's own security log, and the workspace setting that requires two-factor authentication
// (enforced on the server for every workspace procedure), through the real API.
import { PLANS } from '@postern/contracts';
import { createBulkJob } from '@postern/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardHeaders } from './support/bulk.ts';
import {
  addMember,
  Client,
  type Harness,
  newAccount,
  STRONG_PASSWORD,
  signUpAndIn,
  startHarness,
  uniqueEmail,
} from './support/harness.ts';
import { twoFactorHelpers } from './support/signed-in.ts';

let h: Harness;
const { enrolled, totp, nextStep } = twoFactorHelpers(() => h, new Set());

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

type Overview = {
  usage: { plan: string; limits: { perMinute: number; burst: number }; remaining: number } | null;
  recentJobs: { id: string }[] | null;
  checklist: { step: string; done: boolean }[];
  requireTwoFactor: boolean;
};

const stepsDone = (overview: Overview | undefined) =>
  Object.fromEntries((overview?.checklist ?? []).map((item) => [item.step, item.done]));

describe('home.overview', () => {
  it("shows the plan's per-minute and burst limits and ticks each checklist step from real data", async () => {
    const a = await newAccount(h.app);
    const first = await a.client.query<Overview>('home.overview', { workspaceId: a.workspaceId });
    expect(first.data?.usage?.limits).toEqual({
      perMinute: PLANS.starter.perMinute,
      burst: PLANS.starter.burst,
    });
    expect(first.data?.recentJobs).toEqual([]);
    expect(stepsDone(first.data)).toEqual({
      two_factor: false,
      api_key: false,
      first_check: false,
      first_bulk_job: false,
      webhook: false,
    });

    const made = [
      await a.client.mutate('apiKeys.create', {
        workspaceId: a.workspaceId,
        name: 'home',
        scopes: ['validate:write'],
      }),
      await a.client.mutate('validation.check', { workspaceId: a.workspaceId, email: 'not-an-address' }),
      await a.client.mutate('webhooks.create', {
        workspaceId: a.workspaceId,
        url: 'https://hooks.example.test/home',
        eventTypes: ['bulk_job.completed'],
      }),
    ];
    expect(made.map((res) => res.error?.message ?? res.status)).toEqual([200, 200, 200]);
    const after = await a.client.query<Overview>('home.overview', { workspaceId: a.workspaceId });
    expect(stepsDone(after.data)).toEqual({
      two_factor: false,
      api_key: true,
      first_check: true,
      first_bulk_job: false,
      webhook: true,
    });

    const job = await createBulkJob(
      {
        em: h.orm.em.fork(),
        keyring: h.keyring,
        clock: h.clock,
        queue: h.boss,
        actor: null,
        meta: { ip: null, userAgent: null },
      },
      a.workspaceId,
      { source: ['ada@postern-home.com'], depth: 'standard' },
    );
    const withJob = await a.client.query<Overview>('home.overview', { workspaceId: a.workspaceId });
    expect(stepsDone(withJob.data).first_bulk_job).toBe(true);
    expect(withJob.data?.recentJobs?.map((j) => j.id)).toEqual([job.id]);
  });

  it('ticks "check an address" for a check made through the API with a key', async () => {
    const a = await newAccount(h.app);
    const key = await a.client.mutate<{ secret: string }>('apiKeys.create', {
      workspaceId: a.workspaceId,
      name: 'api check',
      scopes: ['validate:write'],
    });
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/validate',
      headers: { authorization: `Bearer ${key.data?.secret}`, 'content-type': 'application/json' },
      payload: { email: 'not-an-address' },
    });
    expect(res.statusCode).toBe(200);
    const overview = await a.client.query<Overview>('home.overview', { workspaceId: a.workspaceId });
    expect(stepsDone(overview.data).first_check).toBe(true);
  });

  it("does not count another workspace's rows, and refuses another workspace's id", async () => {
    const a = await newAccount(h.app);
    const b = await newAccount(h.app);
    const theirKey = await b.client.mutate('apiKeys.create', {
      workspaceId: b.workspaceId,
      name: 'b only',
      scopes: ['validate:write'],
    });
    expect(theirKey.status).toBe(200);
    const mine = await a.client.query<Overview>('home.overview', { workspaceId: a.workspaceId });
    expect(stepsDone(mine.data).api_key).toBe(false);
    const theirs = await a.client.query('home.overview', { workspaceId: b.workspaceId });
    expect(theirs.error?.data.code).toBe('NOT_FOUND');
  });
});

type LogPage = {
  entries: { eventType: string; ip: string | null; device: { browser: string } | null }[];
  nextCursor: number | null;
};

describe('account.securityLog', () => {
  it("lists the caller's own sign-ins and failed attempts with the device, page by page, and exports them", async () => {
    const email = uniqueEmail();
    const client = new Client(h.app, { ip: '10.9.8.7' });
    await signUpAndIn(client, email);
    const intruder = new Client(h.app, { ip: '10.6.6.6' });
    await intruder.mutate('auth.signIn', { email, password: 'Not-The-Password-1' });

    const page = await client.query<LogPage>('account.securityLog', { limit: 2 });
    expect(page.data?.entries.map((e) => e.eventType)).toEqual(['auth.login_failed', 'auth.login_succeeded']);
    expect(page.data?.entries[0]?.ip).toBe('10.6.6.6');
    expect(page.data?.entries[1]?.device?.browser).toMatch(/^Chrome/);
    const rest = await client.query<LogPage>('account.securityLog', {
      limit: 2,
      cursor: page.data?.nextCursor,
    });
    expect(rest.data?.entries.map((e) => e.eventType)).toEqual(['auth.signed_up']);
    expect(rest.data?.nextCursor).toBeNull();

    const file = await client.mutate<{ filename: string; body: string; rows: number }>(
      'account.exportSecurityLog',
    );
    expect(file.data?.rows).toBe(3);
    expect(file.data?.filename).toMatch(/^security-log-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(file.data?.body.split('\n')[0]).toBe('occurredAt,eventType,ip,location,device,details');
    expect(file.data?.body).toContain('auth.login_failed,10.6.6.6');
  });

  it("cannot read another account's log, even when naming its user", async () => {
    const a = await newAccount(h.app);
    const b = new Client(h.app, { ip: '10.44.44.44' });
    const bEmail = uniqueEmail();
    const bIn = await signUpAndIn(b, bEmail);
    const asked = await a.client.query<LogPage>('account.securityLog', { userId: bIn.data?.user.id });
    expect(asked.data?.entries.length).toBeGreaterThan(0);
    expect(asked.data?.entries.some((e) => e.ip === '10.44.44.44')).toBe(false);
    const file = await a.client.mutate<{ body: string }>('account.exportSecurityLog');
    expect(file.data?.body).not.toContain('10.44.44.44');
    const anonymous = await new Client(h.app).query('account.securityLog', {});
    expect(anonymous.error?.data.code).toBe('UNAUTHENTICATED');
  });
});

describe('workspaces.setRequireTwoFactor', () => {
  it('is for owners only, and an owner without two-factor cannot lock themselves out', async () => {
    const owner = await newAccount(h.app);
    const admin = await newAccount(h.app);
    await addMember(h, owner.client, owner.workspaceId, admin, 'admin');
    const byAdmin = await admin.client.mutate('workspaces.setRequireTwoFactor', {
      workspaceId: owner.workspaceId,
      required: true,
    });
    expect(byAdmin.error?.data.code).toBe('FORBIDDEN');
    const byOwner = await owner.client.mutate('workspaces.setRequireTwoFactor', {
      workspaceId: owner.workspaceId,
      required: true,
    });
    expect(byOwner.error?.data.code).toBe('CONFLICT');
    const list = await owner.client.query<{ workspaces: { id: string; requireTwoFactor: boolean }[] }>(
      'workspaces.list',
    );
    expect(list.data?.workspaces.find((w) => w.id === owner.workspaceId)?.requireTwoFactor).toBe(false);
  });

  it('refuses members without two-factor with TWO_FACTOR_REQUIRED until they enrol', async () => {
    const owner = await enrolled();
    const ownerWorkspace = await owner.client.query<{ workspaces: { id: string }[] }>('workspaces.list');
    const workspaceId = ownerWorkspace.data?.workspaces[0]?.id ?? '';
    const member = await newAccount(h.app);
    await addMember(h, owner.client, workspaceId, member, 'member');

    const set = await owner.client.mutate<{ requireTwoFactor: boolean; membersWithoutTwoFactor: number }>(
      'workspaces.setRequireTwoFactor',
      { workspaceId, required: true },
    );
    expect(set.data).toEqual({ requireTwoFactor: true, membersWithoutTwoFactor: 1 });

    // Refused on every workspace procedure, reads and writes alike; the owner (with 2FA) is not.
    for (const [kind, path, input] of [
      ['query', 'members.list', { workspaceId }],
      ['query', 'home.overview', { workspaceId }],
      ['mutation', 'validation.check', { workspaceId, email: 'ada@example.test' }],
    ] as const) {
      const res =
        kind === 'query' ? await member.client.query(path, input) : await member.client.mutate(path, input);
      expect({ path, code: res.error?.data.code, status: res.status }).toEqual({
        path,
        code: 'TWO_FACTOR_REQUIRED',
        status: 403,
      });
    }
    expect((await owner.client.query('members.list', { workspaceId })).status).toBe(200);
    // The dashboard's plain-HTTP routes go through the same check (refused before the body is read).
    const upload = await h.app.inject({
      method: 'POST',
      url: `/api/w/${workspaceId}/jobs`,
      headers: { ...(await dashboardHeaders(member.client)), 'content-type': 'text/csv' },
      payload: 'email\nada@example.test\n',
    });
    expect({ status: upload.statusCode, code: upload.json().code }).toEqual({
      status: 403,
      code: 'TWO_FACTOR_REQUIRED',
    });
    // The dashboard still lists the workspace, marked, to show the enrolment prompt.
    const listed = await member.client.query<{ workspaces: { id: string; requireTwoFactor: boolean }[] }>(
      'workspaces.list',
    );
    expect(listed.data?.workspaces.find((w) => w.id === workspaceId)?.requireTwoFactor).toBe(true);

    const enrol = await member.client.mutate<{ secret: string }>('account.enrolTwoFactor', {
      password: STRONG_PASSWORD,
    });
    await member.client.mutate('account.activateTwoFactor', { code: totp(enrol.data?.secret ?? '') });
    nextStep();
    expect((await member.client.query('members.list', { workspaceId })).status).toBe(200);

    const audit = await owner.client.query<{ entries: { eventType: string; metadata: unknown }[] }>(
      'audit.list',
      { workspaceId, eventTypes: ['workspace.two_factor_policy_changed'] },
    );
    expect(audit.data?.entries.map((e) => e.metadata)).toEqual([{ from: false, to: true }]);
  });

  it('lets members without two-factor back in once the owner turns the requirement off', async () => {
    const owner = await enrolled();
    const ws = await owner.client.query<{ workspaces: { id: string }[] }>('workspaces.list');
    const workspaceId = ws.data?.workspaces[0]?.id ?? '';
    const member = await newAccount(h.app);
    await addMember(h, owner.client, workspaceId, member, 'viewer');
    await owner.client.mutate('workspaces.setRequireTwoFactor', { workspaceId, required: true });
    expect((await member.client.query('members.list', { workspaceId })).error?.data.code).toBe(
      'TWO_FACTOR_REQUIRED',
    );
    await owner.client.mutate('workspaces.setRequireTwoFactor', { workspaceId, required: false });
    expect((await member.client.query('members.list', { workspaceId })).status).toBe(200);
  });

  it('lets a member without two-factor leave a workspace that requires it, and nothing else', async () => {
    const owner = await enrolled();
    const ws = await owner.client.query<{ workspaces: { id: string }[] }>('workspaces.list');
    const workspaceId = ws.data?.workspaces[0]?.id ?? '';
    const member = await newAccount(h.app);
    await addMember(h, owner.client, workspaceId, member, 'member');
    await owner.client.mutate('workspaces.setRequireTwoFactor', { workspaceId, required: true });
    expect((await member.client.query('workspaces.get', { workspaceId })).error?.data.code).toBe(
      'TWO_FACTOR_REQUIRED',
    );
    expect((await member.client.mutate('workspaces.leave', { workspaceId })).status).toBe(200);
    const left = await member.client.query<{ workspaces: { id: string }[] }>('workspaces.list');
    expect(left.data?.workspaces.map((w) => w.id)).not.toContain(workspaceId);
  });
});
