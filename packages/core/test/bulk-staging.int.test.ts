// Job creation stages an upload in short statements and promotes it in one short transaction at the
// end: no transaction is open while the source is read, a failed or abandoned upload is removed at
// once, an upload whose process stopped is removed by the 5-minute sweep (the retention table), and a
// workspace has at most N uploads in progress.
import { randomBytes, randomUUID } from 'node:crypto';
import { BulkJob, BulkJobChunk, BulkUpload, type MikroORM } from '@postern/db';
import type { TestDatabase } from '@postern/db/testing';
import type { PgBoss } from '@postern/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Clock,
  createBulkJob,
  createKeyring,
  DomainError,
  purgeExpired,
  STAGING_STALE_MS,
} from '../src/index.ts';
import { bulkContextFactory, startBulkStore, stopBulkStore } from './support/bulk-context.ts';

const keyring = createKeyring([{ id: 't', key: randomBytes(32) }]);
let db: TestDatabase;
let orm: MikroORM;
let boss: PgBoss;
const now = new Date('2026-11-01T10:00:00Z');
const clock: Clock = { now: () => now };
const ctx = bulkContextFactory(() => ({ em: orm.em.fork(), keyring, clock, queue: boss }));
const settings = { sessionIdleMs: 30 * 86_400_000, auditRetentionDays: 365 };

/** Open transactions of this database other than the asking one. */
async function openTransactions(): Promise<number> {
  const rows = (await orm.em
    .fork()
    .getConnection()
    .execute(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null`,
    )) as { n: number }[];
  return rows[0]?.n ?? -1;
}

/** A source that yields a head, then waits until released (a client still sending). */
function pausedSource(lines: number) {
  let release: (value?: unknown) => void = () => {};
  const gate = new Promise((resolve) => {
    release = resolve;
  });
  let fail: Error | null = null;
  async function* source() {
    yield Buffer.from(
      `email\n${Array.from({ length: lines }, (_, i) => `s${i}@stage.example.com`).join('\n')}\n`,
    );
    await gate;
    if (fail) throw fail;
  }
  return {
    source: source(),
    release: () => release(),
    failWith: (error: Error) => {
      fail = error;
      release();
    },
  };
}

const TABLES = { BulkUpload: 'bulk_upload', BulkJobChunk: 'bulk_job_chunk', BulkJob: 'bulk_job' } as const;
const COLUMNS: Record<string, string> = { workspaceId: 'workspace_id', jobId: 'job_id', id: 'id' };
/** Rows of `entity`'s table matching `where` (equality on one column). */
async function count(
  entity: typeof BulkUpload | typeof BulkJobChunk | typeof BulkJob,
  where: Record<string, string> = {},
): Promise<number> {
  const [column, value] = Object.entries(where)[0] ?? [];
  const rows = (await orm.em
    .fork()
    .getConnection()
    .execute(
      `select count(*)::int as n from ${TABLES[entity.name as keyof typeof TABLES]}${column ? ` where ${COLUMNS[column]} = ?` : ''}`,
      column ? [value] : [],
    )) as { n: number }[];
  return rows[0]?.n ?? -1;
}

const until = async (what: string, check: () => Promise<boolean>) => {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

beforeAll(async () => {
  ({ db, orm, boss } = await startBulkStore('test', 4));
});

afterAll(async () => {
  await stopBulkStore({ db, orm, boss });
});

describe('staged bulk uploads', () => {
  it('holds no transaction while the source is read, and promotes the upload in one step at the end', async () => {
    const workspaceId = randomUUID();
    // 12,000 addresses: two full batches of chunks are written while the source is still open.
    const upload = pausedSource(12_000);
    const creating = createBulkJob(ctx(), workspaceId, { source: upload.source, depth: 'standard' });
    await until('staged chunks', async () => (await count(BulkJobChunk)) > 0);
    expect(await count(BulkUpload, { workspaceId })).toBe(1);
    expect(await count(BulkJob, { workspaceId })).toBe(0);
    expect(await openTransactions()).toBe(0);
    upload.release();
    const job = await creating;
    expect(job.total).toBe(12_000);
    expect(await count(BulkUpload, { workspaceId })).toBe(0);
    expect(await count(BulkJobChunk, { jobId: job.id })).toBe(24);
  });

  it('removes what was staged at once when the source fails', async () => {
    const workspaceId = randomUUID();
    const upload = pausedSource(12_000);
    const creating = createBulkJob(ctx(), workspaceId, { source: upload.source, depth: 'standard' });
    await until('staged chunks', async () => (await count(BulkUpload, { workspaceId })) === 1);
    upload.failWith(new DomainError('BAD_REQUEST', 'The upload was cut off'));
    await expect(creating).rejects.toThrow('cut off');
    expect(await count(BulkUpload, { workspaceId })).toBe(0);
    const orphans = (await orm.em
      .fork()
      .getConnection()
      .execute(
        'select count(*)::int as n from bulk_job_chunk c where not exists (select 1 from bulk_job j where j.id = c.job_id)',
      )) as { n: number }[];
    expect(orphans[0]?.n).toBe(0);
  });

  it('refuses more than N uploads in progress per workspace (429), and not another workspace', async () => {
    const workspaceId = randomUUID();
    const uploads = [pausedSource(10), pausedSource(10)];
    const running = uploads.map((u) =>
      createBulkJob(ctx(), workspaceId, {
        source: u.source,
        depth: 'standard',
        maxConcurrentUploads: 2,
      }),
    );
    await until('two uploads', async () => (await count(BulkUpload, { workspaceId })) === 2);
    await expect(
      createBulkJob(ctx(), workspaceId, {
        source: ['a@stage.example.com'],
        depth: 'standard',
        maxConcurrentUploads: 2,
      }),
    ).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 5 } });
    const other = await createBulkJob(ctx(), randomUUID(), {
      source: ['a@stage.example.com'],
      depth: 'standard',
      maxConcurrentUploads: 2,
    });
    expect(other.total).toBe(1);
    for (const u of uploads) u.release();
    await Promise.all(running);
  });

  it('the 5-minute sweep removes an upload whose process stopped (no heartbeat), with its chunks', async () => {
    const workspaceId = randomUUID();
    const dead = randomUUID();
    const live = randomUUID();
    const em = orm.em.fork();
    const stale = new Date(now.getTime() - STAGING_STALE_MS - 1000);
    em.create(BulkUpload, {
      id: dead,
      workspaceId,
      idempotencyKey: null,
      createdAt: stale,
      touchedAt: stale,
    });
    em.create(BulkUpload, { id: live, workspaceId, idempotencyKey: null, createdAt: stale, touchedAt: now });
    for (const jobId of [dead, live])
      em.create(BulkJobChunk, { jobId, seq: 1, fromSeq: 1, size: 1, addresses: 'sealed' });
    await em.flush();
    const results = await purgeExpired(orm.em.fork(), clock, settings, { frequentOnly: true });
    // The frequent rules (contact-import uploads have one too); this test is about the bulk one.
    const bulk = results.filter(
      (r) =>
        r.data === 'bulk uploads in progress (staged encrypted chunks) whose request ended without a job',
    );
    expect(bulk).toHaveLength(1);
    expect(bulk[0]?.deleted).toBe(1);
    expect(await count(BulkUpload, { id: dead })).toBe(0);
    expect(await count(BulkJobChunk, { jobId: dead })).toBe(0);
    expect(await count(BulkUpload, { id: live })).toBe(1);
    expect(await count(BulkJobChunk, { jobId: live })).toBe(1);
    // (Clean up the live one.)
    await orm.em.fork().nativeDelete(BulkUpload, { id: live });
    await orm.em.fork().nativeDelete(BulkJobChunk, { jobId: live });
  });
});
