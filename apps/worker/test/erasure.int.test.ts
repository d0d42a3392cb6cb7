// The worker's erasure job (#28) through the real runner: an account whose deletion grace has ended is
// erased with the workspace it solely owns, a member of a workspace with another owner only leaves
// it, an account still within its grace is left alone, and the person gets a last email. Hourly.
import { randomUUID } from 'node:crypto';
import { QUEUES } from '@postern/contracts';
import { execute, Membership, User, Workspace } from '@postern/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erasureJob } from '../src/jobs/erasure.ts';
import { startTestRunner, type TestRunner } from './support/runner.ts';

const DAY = 24 * 60 * 60_000;
let runner: TestRunner;

beforeAll(async () => {
  runner = await startTestRunner({ handlers: [erasureJob] });
});

afterAll(async () => {
  await runner?.stop();
});

const waitForJob = (id: string) => runner.waitForJob(QUEUES.erasure.name, id);

/** An account (deletion requested `daysAgo` days ago, or not) owning a workspace of its own. */
async function account(daysAgo: number | null) {
  const em = runner.orm.em.fork();
  const user = em.create(User, {
    email: `${randomUUID()}@example.test`,
    emailVerifiedAt: new Date(),
    passwordHash: 'x',
    passwordChangedAt: null,
    totpSecret: null,
    totpEnabledAt: null,
    totpLastStep: null,
    deletionRequestedAt: daysAgo === null ? null : new Date(Date.now() - daysAgo * DAY),
  });
  const ws = em.create(Workspace, { name: 'Own', plan: 'starter' });
  em.create(Membership, { workspaceId: ws.id, userId: user.id, role: 'owner' });
  await em.flush();
  return { user, workspaceId: ws.id };
}

const count = async (sql: string, params: unknown[]) =>
  Number((await execute<{ n: string }[]>(runner.orm.em.fork(), sql, params))[0]?.n);

describe('the erasure.run job', () => {
  it('is scheduled hourly', async () => {
    const schedules = await runner.boss.getSchedules();
    expect(schedules.map((s) => [s.name, s.cron])).toContainEqual([QUEUES.erasure.name, '41 * * * *']);
  });

  it('erases accounts past their grace with their sole workspaces, and only those', async () => {
    const due = await account(31);
    const recent = await account(5);
    const other = await account(null);
    // The due account also belongs to another account's workspace: that workspace stays.
    const em = runner.orm.em.fork();
    em.create(Membership, { workspaceId: other.workspaceId, userId: due.user.id, role: 'owner' });
    await em.flush();

    const id = await runner.boss.send(QUEUES.erasure.name, {});
    const job = await waitForJob(id ?? '');
    expect(job.state).toBe('completed');
    expect(job.output).toMatchObject({ accounts: 1 });

    expect(await count('select count(*) as n from app_user where id = ?', [due.user.id])).toBe(0);
    expect(await count('select count(*) as n from workspace where id = ?', [due.workspaceId])).toBe(0);
    expect(await count('select count(*) as n from workspace_member where user_id = ?', [due.user.id])).toBe(
      0,
    );
    expect(await count('select count(*) as n from workspace where id = ?', [other.workspaceId])).toBe(1);
    expect(await count('select count(*) as n from app_user where id = ?', [recent.user.id])).toBe(1);
    expect(runner.mails.map((m) => [m.to, m.subject])).toEqual([
      [due.user.email, 'Your Postern account has been deleted'],
    ]);
    const audit = await count(
      `select count(*) as n from audit_entry where event_type = 'account.erased' and target_id = ?`,
      [due.user.id],
    );
    expect(audit).toBe(1);
  });
});
