// The worker's erasure job (#28) through the real runner: an account whose deletion grace has ended is
// erased with the workspace it solely owns, a member of a workspace with another owner only leaves
// it, an account still within its grace is left alone, and the person gets a last email. Hourly.
import { randomBytes, randomUUID } from 'node:crypto';
import { QUEUES } from '@postern/contracts';
import { type CoreServices, createKeyring, type SystemMail } from '@postern/core';
import { createOrm, execute, Membership, type MikroORM, User, Workspace } from '@postern/db';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { createLogger, createQueueClient, loadConfig, MemoryKvStore, type PgBoss } from '@postern/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erasureJob } from '../src/jobs/erasure.ts';
import { type RunningWorker, startRunner } from '../src/runner.ts';
import { SCHEDULES } from '../src/schedules.ts';

const DAY = 24 * 60 * 60_000;
let db: TestDatabase;
let orm: MikroORM;
let boss: PgBoss;
let worker: RunningWorker;
const mails: SystemMail[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await createOrm({ databaseUrl: db.appUrl, poolMax: 4 });
  const logger = createLogger({ level: 'silent', name: 'worker-test' });
  boss = createQueueClient({ databaseUrl: db.url, role: 'worker', logger });
  const services: CoreServices = {
    config: loadConfig({ DATABASE_URL: db.appUrl }),
    clock: { now: () => new Date() },
    keyring: createKeyring([{ id: 't', key: randomBytes(32) }]),
    kv: new MemoryKvStore(),
    queue: boss,
    sendMail: async (message) => {
      mails.push(message);
    },
  };
  worker = await startRunner({
    boss,
    orm,
    logger,
    clock: services.clock,
    services,
    version: 'test',
    handlers: [erasureJob],
    schedules: SCHEDULES.filter((s) => s.queue === QUEUES.erasure),
    pollingIntervalSeconds: 0.5,
  });
});

afterAll(async () => {
  await worker?.stop(5000);
  await orm?.close(true);
  await db?.drop();
});

async function waitForJob(id: string) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const [job] = await boss.findJobs(QUEUES.erasure.name, { id });
    if (job && ['completed', 'failed'].includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${id} did not end`);
}

/** An account (deletion requested `daysAgo` days ago, or not) owning a workspace of its own. */
async function account(daysAgo: number | null) {
  const em = orm.em.fork();
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
  Number((await execute<{ n: string }[]>(orm.em.fork(), sql, params))[0]?.n);

describe('the erasure.run job', () => {
  it('is scheduled hourly', async () => {
    const schedules = await boss.getSchedules();
    expect(schedules.map((s) => [s.name, s.cron])).toContainEqual([QUEUES.erasure.name, '41 * * * *']);
  });

  it('erases accounts past their grace with their sole workspaces, and only those', async () => {
    const due = await account(31);
    const recent = await account(5);
    const other = await account(null);
    // The due account also belongs to another account's workspace: that workspace stays.
    const em = orm.em.fork();
    em.create(Membership, { workspaceId: other.workspaceId, userId: due.user.id, role: 'owner' });
    await em.flush();

    const id = await boss.send(QUEUES.erasure.name, {});
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
    expect(mails.map((m) => [m.to, m.subject])).toEqual([
      [due.user.email, 'Your Postern account has been deleted'],
    ]);
    const audit = await count(
      `select count(*) as n from audit_entry where event_type = 'account.erased' and target_id = ?`,
      [due.user.id],
    );
    expect(audit).toBe(1);
  });
});
