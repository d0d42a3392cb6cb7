// Bulk job lifecycle beyond processing: the events a job's end writes to the outbox (in the same
// transaction), the creator's notification, a failed job, retry of `unknown` results, idempotent
// creation under concurrency, paging of the job list and the audit entries of deletions and purges.
import { randomBytes, randomUUID } from 'node:crypto';
import { QUEUES, ZBulkJob, ZBulkJobEventData } from '@postern/contracts';
import {
  AuditEntry,
  BulkJob,
  Membership,
  type MikroORM,
  Notification,
  OutboxEvent,
  Workspace,
} from '@postern/db';
import type { TestDatabase } from '@postern/db/testing';
import type { PgBoss } from '@postern/runtime';
import { createVerificationEngine, type VerificationEngine } from '@postern/validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../validator/test/support/dns-server.ts';
import { ensureAuditSealing } from '../src/audit/record.ts';
import {
  bulkJobDto,
  type Clock,
  cancelBulkJob,
  createBulkJob,
  createKeyring,
  deleteBulkJob,
  failBulkJob,
  getBulkJob,
  listBulkJobs,
  listNotifications,
  markNotificationsRead,
  processBulkChunk,
  purgeExpired,
  readBulkResults,
  retryUnknownResults,
} from '../src/index.ts';
import { bulkContextFactory, startBulkStore, stopBulkStore } from './support/bulk-context.ts';

const keyring = createKeyring([{ id: 't', key: randomBytes(32) }]);
let db: TestDatabase;
let orm: MikroORM;
let boss: PgBoss;
let dns: TestDnsServer;
let engine: VerificationEngine;
let now = new Date('2026-11-01T10:00:00Z');
const clock: Clock = { now: () => now };

/** A workspace with one member (the creator of the jobs). */
async function workspace() {
  const workspaceId = randomUUID();
  const userId = randomUUID();
  const em = orm.em.fork();
  em.create(Workspace, { id: workspaceId, name: 'Lifecycle' });
  em.create(Membership, { workspaceId, userId, role: 'member' });
  await em.flush();
  return { workspaceId, userId };
}

const ctx = bulkContextFactory(() => ({ em: orm.em.fork(), keyring, clock, queue: boss }));
const chunkDeps = (withEngine: VerificationEngine = engine) => ({
  engine: withEngine,
  workerId: 'lifecycle-test',
});
const runAll = async (jobId: string, withEngine?: VerificationEngine) => {
  const job = await orm.em.fork().findOneOrFail(BulkJob, { id: jobId });
  return processBulkChunk(ctx(), chunkDeps(withEngine), { jobId, fromSeq: 1, toSeq: job.total });
};

beforeAll(async () => {
  ({ db, orm, boss } = await startBulkStore('bulk-lifecycle', 6));
  ensureAuditSealing(orm.em, keyring);
  dns = await startDnsServer({
    'life-good.com': { mx: [{ exchange: 'mx.life-good.com', priority: 10, ttl: 600 }] },
    'life-flaky.net': { rcode: 'SERVFAIL' },
    'life-broken.net': { rcode: 'SERVFAIL' },
    // MX hosts need an address: an MX whose hosts have none is a dangling MX (no_mail_host).
    'mx.life-good.com': { a: ['192.0.2.25'] },
    'mx.life-flaky.net': { a: ['192.0.2.26'] },
  });
  engine = createVerificationEngine({ dns: { servers: [dns.address], timeoutMs: 300, tries: 1 } });
});

afterAll(async () => {
  await engine?.close();
  await stopBulkStore({ db, orm, boss });
  await dns?.close();
});

describe('bulk job lifecycle', () => {
  it('completion writes bulk_job.completed to the outbox and notifies the creator, exactly once', async () => {
    const { workspaceId, userId } = await workspace();
    const created = await createBulkJob(ctx(userId), workspaceId, {
      source: ['a@life-good.com', 'b@life-good.com', 'c@life-good.com'],
      depth: 'standard',
      name: 'march.csv',
      metadata: { campaign: 'spring' },
    });
    expect(await orm.em.fork().count(OutboxEvent, { workspaceId })).toBe(0);
    const outcome = await runAll(created.id);
    expect(outcome.completedJob).toBe(true);
    // A duplicated chunk changes nothing and records nothing more.
    await runAll(created.id);

    const events = await orm.em.fork().find(OutboxEvent, { workspaceId });
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('bulk_job.completed');
    const data = ZBulkJobEventData.parse(events[0]?.payload);
    expect(data).toMatchObject({
      job_id: created.id,
      name: 'march.csv',
      status: 'completed',
      total: 3,
      processed: 3,
      metadata: { campaign: 'spring' },
    });
    expect(data.counts.deliverable + data.counts.risky + data.counts.catch_all).toBeGreaterThan(0);
    // Counts and ids only: no address in the event.
    expect(JSON.stringify(events[0]?.payload)).not.toContain('life-good.com');

    const inbox = await listNotifications({ em: orm.em.fork() }, userId);
    expect(inbox.unread).toBe(1);
    expect(inbox.notifications[0]).toMatchObject({
      kind: 'bulk_job.completed',
      title: 'march.csv finished',
      link: `/w/${workspaceId}/jobs/${created.id}`,
    });
    expect(await markNotificationsRead({ em: orm.em.fork(), clock }, userId)).toBe(1);
    expect((await listNotifications({ em: orm.em.fork() }, userId)).unread).toBe(0);
    // Another user cannot mark it (or see it).
    expect(await markNotificationsRead({ em: orm.em.fork(), clock }, randomUUID())).toBe(0);

    // A member who leaves the workspace no longer sees its notifications.
    await orm.em
      .getConnection()
      .execute('delete from workspace_member where workspace_id = ?', [workspaceId]);
    expect((await listNotifications({ em: orm.em.fork() }, userId)).notifications).toHaveLength(0);
  });

  it('cancel records bulk_job.completed with status cancelled; fail records bulk_job.failed once', async () => {
    const { workspaceId, userId } = await workspace();
    const toCancel = await createBulkJob(ctx(userId), workspaceId, {
      source: ['x@life-good.com'],
      depth: 'standard',
    });
    await boss.deleteAllJobs(QUEUES.webhookDispatch.name);
    await cancelBulkJob(ctx(userId), workspaceId, toCancel.id);
    // The cancellation asks a worker to deliver its event now (the dispatch queue), after the commit.
    expect(await boss.findJobs(QUEUES.webhookDispatch.name)).toHaveLength(1);
    await boss.deleteAllJobs(QUEUES.webhookDispatch.name);
    // A second cancel changes nothing, records nothing and wakes nobody.
    await cancelBulkJob(ctx(userId), workspaceId, toCancel.id);
    expect(await boss.findJobs(QUEUES.webhookDispatch.name)).toHaveLength(0);
    const toFail = await createBulkJob(ctx(userId), workspaceId, {
      source: ['y@life-good.com'],
      depth: 'standard',
    });
    expect(await failBulkJob(ctx(), toFail.id, 'chunk 1–1 exhausted its retries')).toBe(true);
    expect(await failBulkJob(ctx(), toFail.id, 'again')).toBe(false);

    const events = await orm.em.fork().find(OutboxEvent, { workspaceId }, { orderBy: { createdAt: 'asc' } });
    expect(events.map((e) => [e.type, e.payload.status])).toEqual([
      ['bulk_job.completed', 'cancelled'],
      ['bulk_job.failed', 'failed'],
    ]);
    const failed = await getBulkJob(ctx(), workspaceId, toFail.id);
    expect(failed).toMatchObject({ status: 'failed', error: 'chunk 1–1 exhausted its retries' });
    expect(failed.expiresAt?.getTime()).toBe(now.getTime() + 7 * 86_400_000);
    const kinds = (await listNotifications({ em: orm.em.fork() }, userId)).notifications
      .map((n) => n.kind)
      .sort();
    expect(kinds).toEqual(['bulk_job.completed', 'bulk_job.failed']);
    const audit = await orm.em.fork().find(AuditEntry, { workspaceId, eventType: 'bulk_job.cancelled' });
    expect(audit).toHaveLength(1);
  });

  it('retries unknown results: only those results run again, counters stay consistent, a new event follows', async () => {
    const { workspaceId, userId } = await workspace();
    const created = await createBulkJob(ctx(userId), workspaceId, {
      source: ['ok1@life-good.com', 'f1@life-flaky.net', 'ok2@life-good.com', 'f2@life-flaky.net'],
      depth: 'standard',
      chunkSize: 2,
    });
    await expect(retryUnknownResults(ctx(), workspaceId, created.id)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await runAll(created.id);
    const first = await getBulkJob(ctx(), workspaceId, created.id);
    expect(first.status).toBe('completed');
    expect(first.counts.unknown).toBe(2);
    const goodBefore = await readBulkResults(ctx(), workspaceId, created.id, {
      status: 'done',
      limit: 10,
    });

    // The flaky domain recovers; a fresh engine (no negative cache) checks again.
    dns.zones['life-flaky.net'] = { mx: [{ exchange: 'mx.life-flaky.net', priority: 10 }] };
    const recovered = createVerificationEngine({ dns: { servers: [dns.address], timeoutMs: 300, tries: 1 } });
    try {
      const queued = await retryUnknownResults(ctx(userId), workspaceId, created.id);
      expect(queued).toMatchObject({
        status: 'queued',
        processed: 2,
        retries: 1,
        completedAt: null,
        expiresAt: null,
      });
      expect(queued.counts.unknown).toBe(0);
      const chunks = await boss.findJobs<{ jobId: string; fromSeq: number; toSeq: number }>(
        QUEUES.bulkChunk.name,
        {
          data: { jobId: created.id },
        },
      );
      // Two chunks at creation, and again the two holding a retried result (seq 2 and 4).
      expect(chunks.map((c) => [c.data.fromSeq, c.data.toSeq]).sort()).toEqual([
        [1, 2],
        [1, 2],
        [3, 4],
        [3, 4],
      ]);
      const first = await processBulkChunk(ctx(), chunkDeps(recovered), {
        jobId: created.id,
        fromSeq: 1,
        toSeq: 2,
      });
      expect(first).toMatchObject({ written: 1, skipped: 1, completedJob: false });
      const second = await processBulkChunk(ctx(), chunkDeps(recovered), {
        jobId: created.id,
        fromSeq: 3,
        toSeq: 4,
      });
      expect(second).toMatchObject({ written: 1, skipped: 1, completedJob: true });
    } finally {
      await recovered.close();
    }
    const after = await getBulkJob(ctx(), workspaceId, created.id);
    expect(after).toMatchObject({ status: 'completed', processed: 4, total: 4 });
    expect(after.counts.unknown).toBe(0);
    const sum = Object.values(after.counts).reduce((a, b) => a + b, 0);
    expect(sum).toBe(4);
    // Results that were not unknown are untouched.
    const all = await readBulkResults(ctx(), workspaceId, created.id, { limit: 10 });
    for (const item of goodBefore.items.filter((i) => i.result?.status !== 'unknown'))
      expect(all.items.find((i) => i.seq === item.seq)?.result).toEqual(item.result);
    const events = await orm.em.fork().find(OutboxEvent, { workspaceId });
    expect(events.map((e) => e.type)).toEqual(['bulk_job.completed', 'bulk_job.completed']);
    await expect(retryUnknownResults(ctx(), workspaceId, created.id)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(await orm.em.fork().count(AuditEntry, { workspaceId, eventType: 'bulk_job.retried' })).toBe(1);
  });

  it('a job that ended with addresses unchecked cannot retry its unknown results (it could never complete)', async () => {
    const { workspaceId, userId } = await workspace();
    const created = await createBulkJob(ctx(userId), workspaceId, {
      source: ['u1@life-broken.net', 'ok1@life-good.com', 'ok2@life-good.com'],
      depth: 'standard',
      chunkSize: 1,
    });
    await processBulkChunk(ctx(), chunkDeps(engine), { jobId: created.id, fromSeq: 1, toSeq: 1 });
    await cancelBulkJob(ctx(userId), workspaceId, created.id);
    const cancelled = await getBulkJob(ctx(), workspaceId, created.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', processed: 1, total: 3 });
    expect(cancelled.counts.unknown).toBe(1);
    await expect(retryUnknownResults(ctx(userId), workspaceId, created.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('2 addresses unchecked'),
    });
    // Nothing moved: the job, its counters and its unknown result stay as they were.
    expect(await getBulkJob(ctx(), workspaceId, created.id)).toEqual(cancelled);
    const unknown = await readBulkResults(ctx(), workspaceId, created.id, {
      status: 'unknown',
      limit: 10,
    });
    expect(unknown.items.map((i) => i.email)).toEqual(['u1@life-broken.net']);
  });

  it('an idempotency key yields one job under concurrent creation; another workspace keeps its own', async () => {
    const { workspaceId, userId } = await workspace();
    const other = await workspace();
    const key = `import-${randomUUID()}`;
    const jobs = await Promise.all(
      Array.from({ length: 6 }, () =>
        createBulkJob(ctx(userId), workspaceId, {
          source: ['i1@life-good.com', 'i2@life-good.com'],
          depth: 'standard',
          idempotencyKey: key,
        }),
      ),
    );
    expect(new Set(jobs.map((j) => j.id)).size).toBe(1);
    expect(await orm.em.fork().count(BulkJob, { workspaceId })).toBe(1);
    const theirs = await createBulkJob(ctx(other.userId), other.workspaceId, {
      source: ['i1@life-good.com'],
      depth: 'standard',
      idempotencyKey: key,
    });
    expect(theirs.id).not.toBe(jobs[0]?.id);
  });

  it("chunk jobs are queued in the job's transaction: a failure after queueing leaves neither", async () => {
    const { workspaceId, userId } = await workspace();
    let queued = 0;
    const failingAfterInsert = {
      insert: async (...args: Parameters<PgBoss['insert']>) => {
        await boss.insert(...args);
        queued += 1;
        throw new Error('connection lost after the insert');
      },
    };
    await expect(
      createBulkJob({ ...ctx(userId), queue: failingAfterInsert }, workspaceId, {
        source: ['t1@life-good.com', 't2@life-good.com'],
        depth: 'standard',
      }),
    ).rejects.toThrow('connection lost');
    expect(queued).toBe(1);
    expect(await orm.em.fork().count(BulkJob, { workspaceId })).toBe(0);
    const rows = (await orm.em.getConnection().execute(
      `select count(*)::int as n from pgboss.job where name = ? and data->>'jobId' is not null
                  and data->>'jobId' not in (select id::text from bulk_job)`,
      [QUEUES.bulkChunk.name],
    )) as { n: number }[];
    expect(rows[0]?.n).toBe(0);
  });

  it('lists jobs newest first with a cursor, and the DTO carries percent and ETA', async () => {
    const { workspaceId, userId } = await workspace();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      now = new Date(now.getTime() + 1000);
      ids.push(
        (
          await createBulkJob(ctx(userId), workspaceId, {
            source: [`l${i}@life-good.com`],
            depth: 'standard',
          })
        ).id,
      );
    }
    const first = await listBulkJobs(ctx(), workspaceId, { limit: 2 });
    expect(first.jobs.map((j) => j.id)).toEqual([ids[4], ids[3]]);
    const second = await listBulkJobs(ctx(), workspaceId, {
      limit: 2,
      cursor: first.nextCursor ?? '',
    });
    const third = await listBulkJobs(ctx(), workspaceId, {
      limit: 2,
      cursor: second.nextCursor ?? '',
    });
    expect([...second.jobs, ...third.jobs].map((j) => j.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(third.nextCursor).toBeNull();
    await expect(listBulkJobs(ctx(), workspaceId, { limit: 2, cursor: 'garbage' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });

    const view = await getBulkJob(ctx(), workspaceId, ids[0] as string);
    const running = {
      ...view,
      status: 'running' as const,
      total: 1000,
      processed: 250,
      startedAt: new Date(now.getTime() - 10_000),
    };
    const dto = ZBulkJob.parse(bulkJobDto(running, now));
    expect(dto.percent).toBe(25);
    expect(dto.etaSeconds).toBe(30);
    expect(bulkJobDto({ ...running, status: 'completed' }, now).etaSeconds).toBeNull();
  });

  it('deleting a job and the retention purge are both audited', async () => {
    const { workspaceId, userId } = await workspace();
    const deleted = await createBulkJob(ctx(userId), workspaceId, {
      source: ['d@life-good.com'],
      depth: 'standard',
      name: 'gone.csv',
    });
    await deleteBulkJob(
      { ...ctx(userId), meta: { ip: '203.0.113.9', userAgent: 'vitest' } },
      workspaceId,
      deleted.id,
    );
    const expiring = await createBulkJob(ctx(userId), workspaceId, {
      source: ['e@life-good.com'],
      depth: 'standard',
    });
    await runAll(expiring.id);
    now = new Date(now.getTime() + 8 * 86_400_000);
    await purgeExpired(orm.em.fork(), clock, { sessionIdleMs: 30 * 86_400_000, auditRetentionDays: 365 });
    const entries = await orm.em
      .fork()
      .find(
        AuditEntry,
        { workspaceId, eventType: { $in: ['bulk_job.deleted', 'bulk_job.purged'] } },
        { orderBy: { seq: 'asc' } as never },
      );
    expect(entries.map((e) => [e.eventType, e.targetId, e.actorId])).toEqual([
      ['bulk_job.deleted', deleted.id, userId],
      ['bulk_job.purged', expiring.id, null],
    ]);
    // The IP is sealed (chain version 2): the actor here has no account, so no key, and it is not kept.
    expect([entries[0]?.ip, entries[0]?.userAgent]).toEqual([null, null]);
    expect(await orm.em.fork().count(BulkJob, { workspaceId })).toBe(0);
    // Notifications outlive the job (they hold no address); the link then shows "not found".
    expect(await orm.em.fork().count(Notification, { workspaceId })).toBe(1);
  });
});
