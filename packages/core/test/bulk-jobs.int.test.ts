// Bulk verification jobs against real PostgreSQL and a local DNS server: creation from a CSV stream
// (chunks encrypted, nothing in clear anywhere), chunk processing (counts, results, idempotent retry,
// one DNS lookup per domain), cancel, delete and the 7-day retention purge.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { QUEUES } from '@postern/contracts';
import { BulkJob, BulkJobChunk, BulkJobRows, type MikroORM } from '@postern/db';
import { dumpDatabase as dumpAll, type TestDatabase } from '@postern/db/testing';
import type { PgBoss } from '@postern/runtime';
import { createVerificationEngine, type VerificationEngine } from '@postern/validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY_ZONES, startDnsServer, type TestDnsServer } from '../../validator/test/support/dns-server.ts';
import {
  type BulkEngine,
  type Clock,
  cancelBulkJob,
  createBulkJob,
  createKeyring,
  DomainError,
  deleteBulkJob,
  getBulkJob,
  processBulkChunk,
  purgeExpired,
  readBulkResults,
  rotateEncryptedFields,
} from '../src/index.ts';
import { bulkContextFactory, startBulkStore, stopBulkStore } from './support/bulk-context.ts';

const WORKSPACE = '00000000-0000-4000-8000-0000000000aa';
const ACTOR = '00000000-0000-4000-8000-0000000000bb';
const KEYS = [{ id: 't', key: randomBytes(32) }];
const keyring = createKeyring(KEYS);

let db: TestDatabase;
let orm: MikroORM;
let boss: PgBoss;
let dns: TestDnsServer;
let engine: VerificationEngine;
let now = new Date('2026-11-01T10:00:00Z');
const clock: Clock = { now: () => now };

function csv(addresses: string[]): Readable {
  const text = `name,email\n${addresses.map((a, i) => `Person ${i},${a}`).join('\n')}\n`;
  // Several small buffers: the extractor must stream across chunk boundaries.
  const bytes = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 97) parts.push(bytes.subarray(i, i + 97));
  return Readable.from(parts);
}

const dumpDatabase = () => dumpAll(db.url);

const ctx = bulkContextFactory(() => ({ em: orm.em.fork(), keyring, clock, queue: boss }));

function deps(overrides: Partial<{ engine: BulkEngine; concurrency: number; checkMs: number }> = {}) {
  return {
    engine: overrides.engine ?? engine,
    workerId: 'test-worker',
    ...(overrides.concurrency ? { concurrency: overrides.concurrency } : {}),
    ...(overrides.checkMs !== undefined ? { checkMs: overrides.checkMs } : {}),
  };
}

async function chunksOf(jobId: string) {
  const jobs = await boss.findJobs<{ jobId: string; fromSeq: number; toSeq: number }>(QUEUES.bulkChunk.name, {
    data: { jobId },
  });
  return jobs.map((j) => j.data).sort((a, b) => a.fromSeq - b.fromSeq);
}

beforeAll(async () => {
  ({ db, orm, boss } = await startBulkStore('bulk-test', 4));
  dns = await startDnsServer({
    'postern-good.com': { mx: [{ exchange: 'mx.postern-good.com', priority: 10, ttl: 600 }] },
    'postern-other.net': { mx: [{ exchange: 'mx.postern-other.net', priority: 10, ttl: 600 }] },
    'postern-nullmx.org': { mx: [{ exchange: '.', priority: 0 }] },
    // MX hosts need an address: an MX whose hosts have none is a dangling MX (no_mail_host).
    'mx.postern-good.com': { a: ['192.0.2.25'] },
    'mx.postern-other.net': { a: ['192.0.2.26'] },
  });
  engine = createVerificationEngine({ dns: { servers: [dns.address], timeoutMs: 500, tries: 1 } });
});

afterAll(async () => {
  await engine?.close();
  await stopBulkStore({ db, orm, boss });
  await dns?.close();
});

const addresses = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => {
    const domain = ['postern-good.com', 'postern-other.net', 'postern-nullmx.org', 'postern-missing.io'][
      i % 4
    ];
    return `${prefix}.${i}@${domain}`;
  });

describe('bulk jobs', () => {
  it('creates encrypted chunks from a CSV stream, processes chunks, counts and reads results', async () => {
    const list = addresses(30, 'zebulon');
    const created = await createBulkJob(ctx(ACTOR), WORKSPACE, {
      source: csv(list),
      depth: 'standard',
      chunkSize: 12,
    });
    expect(created).toMatchObject({ status: 'queued', total: 30, processed: 0, chunkSize: 12 });
    const chunks = await chunksOf(created.id);
    expect(chunks).toEqual([
      { jobId: created.id, fromSeq: 1, toSeq: 12 },
      { jobId: created.id, fromSeq: 13, toSeq: 24 },
      { jobId: created.id, fromSeq: 25, toSeq: 30 },
    ]);

    // No address in clear anywhere (items, job, queue).
    let dump = await dumpDatabase();
    expect(dump).toContain(created.id);
    for (const address of list) expect(dump).not.toContain(address);
    expect(dump).not.toContain('zebulon');

    for (const chunk of chunks) await processBulkChunk(ctx(), deps(), chunk);
    const job = await getBulkJob(ctx(), WORKSPACE, created.id);
    expect(job.status).toBe('completed');
    expect(job.processed).toBe(30);
    expect(job.counts).toEqual({
      deliverable: 16,
      undeliverable: 14,
      catch_all: 0,
      risky: 0,
      do_not_mail: 0,
      unknown: 0,
    });
    expect(job.completedAt?.toISOString()).toBe(now.toISOString());
    expect(job.expiresAt?.getTime()).toBe(now.getTime() + 7 * 86_400_000);
    // One lookup per domain for the whole job (the engine's DNS cache).
    expect(dns.queries('postern-good.com', 'MX')).toBe(1);
    expect(dns.queries('postern-nullmx.org', 'MX')).toBe(1);

    // Results are encrypted at rest too.
    dump = await dumpDatabase();
    for (const address of list) expect(dump).not.toContain(address);
    expect(dump).not.toContain('zebulon');
    expect(dump).not.toContain('domain_not_found');

    // Page by page, decrypted, in order.
    const seen: string[] = [];
    let afterSeq: number | undefined;
    for (;;) {
      const page = await readBulkResults(ctx(), WORKSPACE, created.id, {
        limit: 7,
        ...(afterSeq !== undefined ? { afterSeq } : {}),
      });
      seen.push(...page.items.map((i) => i.email));
      for (const item of page.items) expect(item.status).toBe('done');
      if (page.nextAfterSeq === null) break;
      afterSeq = page.nextAfterSeq;
    }
    expect(seen).toEqual(list);
    const nullMx = await readBulkResults(ctx(), WORKSPACE, created.id, {
      status: 'undeliverable',
      limit: 100,
    });
    expect(nullMx.items).toHaveLength(14);
    expect(nullMx.items[0]?.result).toMatchObject({
      status: 'undeliverable',
      depth: 'standard',
      cached: false,
    });

    // A retried chunk (e.g. after a crash) skips done chunks: nothing is written or counted twice.
    const again = await processBulkChunk(ctx(), deps(), chunks[0] as (typeof chunks)[0]);
    expect(again).toMatchObject({ written: 0 });
    const stored = await orm.em.fork().find(BulkJobChunk, { jobId: created.id }, { orderBy: { seq: 'asc' } });
    expect(stored.map((c) => [c.seq, c.fromSeq, c.size, c.status, c.processed, c.version])).toEqual([
      [1, 1, 12, 'done', 12, 1],
      [2, 13, 12, 'done', 12, 1],
      [3, 25, 6, 'done', 6, 1],
    ]);
    expect((await getBulkJob(ctx(), WORKSPACE, created.id)).processed).toBe(30);

    // Another workspace cannot see it.
    await expect(
      readBulkResults(ctx(), '00000000-0000-4000-8000-0000000000cc', created.id, {
        limit: 5,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('leaves nothing behind when extraction fails', async () => {
    const before = await orm.em.fork().count(BulkJob, {});
    const error = await createBulkJob(ctx(ACTOR), WORKSPACE, {
      source: csv(addresses(2500, 'overflow')),
      depth: 'standard',
      maxRows: 2000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(await orm.em.fork().count(BulkJob, {})).toBe(before);
    const dump = await dumpDatabase();
    expect(dump).not.toContain('overflow');
  });

  it('accepts a JSON array and completes an empty job at once', async () => {
    const empty = await createBulkJob(ctx(ACTOR), WORKSPACE, {
      source: ['not an address', 42],
      depth: 'standard',
    });
    expect(empty).toMatchObject({ status: 'completed', total: 0 });
    expect(await chunksOf(empty.id)).toEqual([]);
  });

  it('cancel stops chunks early and keeps partial results', async () => {
    const list = addresses(30, 'cancelme');
    const created = await createBulkJob(ctx(ACTOR), WORKSPACE, {
      source: list,
      depth: 'standard',
      chunkSize: 30,
    });
    let calls = 0;
    let cancelled: Promise<unknown> | undefined;
    const cancelling: BulkEngine = {
      async validate(email, options) {
        calls += 1;
        // The fifth address cancels the job; it and those in flight with it wait for the commit.
        if (calls === 5) cancelled = cancelBulkJob(ctx(), WORKSPACE, created.id);
        if (cancelled) await cancelled;
        return engine.validate(email, options);
      },
      close: async () => {},
    };
    // Checked before every address here (every 250 ms by default): the four runners finish the
    // addresses they hold (at most 8 in all), then stop.
    const outcome = await processBulkChunk(ctx(), deps({ engine: cancelling, concurrency: 4, checkMs: 0 }), {
      jobId: created.id,
      fromSeq: 1,
      toSeq: 30,
    });
    expect(outcome).toMatchObject({ stopped: 'cancelled', completedJob: false });
    expect(outcome.written).toBeGreaterThanOrEqual(5);
    expect(outcome.written).toBeLessThanOrEqual(8);
    const job = await getBulkJob(ctx(), WORKSPACE, created.id);
    expect(job).toMatchObject({ status: 'cancelled', processed: outcome.written });
    const done = await readBulkResults(ctx(), WORKSPACE, created.id, {
      status: 'done',
      limit: 100,
    });
    expect(done.items.map((i) => i.email)).toEqual(list.slice(0, outcome.written));
    const pending = await readBulkResults(ctx(), WORKSPACE, created.id, {
      status: 'pending',
      limit: 100,
    });
    expect(pending.items).toHaveLength(30 - outcome.written);
    expect(pending.items[0]?.result).toBeNull();
  });

  it('many runners finishing together count every result once (no runner takes an address past the end)', async () => {
    // Eight runners that finish their addresses together, then each checks (a query) before taking the
    // next: in the last round fewer addresses are left than runners. Timing-dependent, so repeated.
    const steady: BulkEngine = {
      async validate(email, options) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return engine.validate(email, options);
      },
      close: async () => {},
    };
    for (let round = 0; round < 8; round++) {
      const created = await createBulkJob(ctx(ACTOR), WORKSPACE, {
        source: addresses(50, `racers${round}`),
        depth: 'standard',
        chunkSize: 50,
      });
      const outcome = await processBulkChunk(ctx(), deps({ engine: steady, concurrency: 8, checkMs: 0 }), {
        jobId: created.id,
        fromSeq: 1,
        toSeq: 50,
      });
      expect(outcome).toMatchObject({ written: 50, skipped: 0, completedJob: true });
      const job = await getBulkJob(ctx(), WORKSPACE, created.id);
      expect(job).toMatchObject({ status: 'completed', processed: 50 });
      expect(Object.values(job.counts).reduce((a, b) => a + b, 0)).toBe(50);
      const [chunk] = await orm.em.fork().find(BulkJobChunk, { jobId: created.id });
      expect(chunk).toMatchObject({ size: 50, processed: 50, status: 'done', version: 1 });
    }
  });

  it('pauses while the DNS resolver lies (canaries fail) and resumes when it recovers: no address rejected by the lie', async () => {
    // A resolver that answers NXDOMAIN for every name, the canary domains included.
    const liar = await startDnsServer({}, { canaries: false });
    const watched = createVerificationEngine({
      dns: { servers: [liar.address], timeoutMs: 300, tries: 1 },
      resolverHealth: { intervalMs: 100, unhealthyIntervalMs: 50 },
    });
    try {
      const list = ['a@pause-good.com', 'b@pause-good.com', 'c@pause-missing.com'];
      const created = await createBulkJob(ctx(ACTOR), WORKSPACE, {
        source: list,
        depth: 'standard',
        chunkSize: 10,
      });
      const running = processBulkChunk(ctx(), deps({ engine: watched, checkMs: 0 }), {
        jobId: created.id,
        fromSeq: 1,
        toSeq: 3,
      });
      expect(await watched.resolverHealth?.ready()).toMatchObject({ healthy: false });
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(await getBulkJob(ctx(), WORKSPACE, created.id)).toMatchObject({
        status: 'running',
        processed: 0,
      });
      // The resolver recovers.
      Object.assign(liar.zones, structuredClone(CANARY_ZONES), {
        'pause-good.com': { mx: [{ exchange: 'mx.pause-good.com', priority: 10 }] },
        'mx.pause-good.com': { a: ['192.0.2.25'] },
      });
      const outcome = await running;
      expect(outcome).toMatchObject({ written: 3, stopped: null, completedJob: true });
      const results = await readBulkResults(ctx(), WORKSPACE, created.id, { limit: 10 });
      expect(results.items.map((i) => [i.email, i.result?.reason])).toEqual([
        ['a@pause-good.com', 'mail_host_found'],
        ['b@pause-good.com', 'mail_host_found'],
        ['c@pause-missing.com', 'domain_not_found'],
      ]);
    } finally {
      await watched.close();
      await liar.close();
    }
  });

  it('key rotation re-encrypts chunks: results read the same with the old key gone', async () => {
    const list = addresses(9, 'rotated');
    const created = await createBulkJob(ctx(ACTOR), WORKSPACE, {
      source: list,
      depth: 'standard',
      chunkSize: 4,
    });
    // Two chunks with results, the last one left pending (no results ciphertext yet).
    await processBulkChunk(ctx(), deps(), { jobId: created.id, fromSeq: 1, toSeq: 8 });
    const before = await readBulkResults(ctx(), WORKSPACE, created.id, { limit: 100 });
    expect(before.items.filter((i) => i.status === 'done')).toHaveLength(8);

    const newKey = { id: 'n', key: randomBytes(32) };
    const both = createKeyring([newKey, ...KEYS]);
    const results = await rotateEncryptedFields(orm.em.fork(), both, {
      fields: [
        { table: 'bulk_job_chunk', idColumn: 'id', column: 'addresses' },
        { table: 'bulk_job_chunk', idColumn: 'id', column: 'results' },
      ],
    });
    const mine = await orm.em.fork().find(BulkJobChunk, { jobId: created.id });
    expect(mine).toHaveLength(3);
    for (const r of results) expect(r).toMatchObject({ failed: 0, skipped: 0 });
    expect(results.map((r) => r.rotated)).toEqual([expect.any(Number), expect.any(Number)]);
    for (const chunk of mine) {
      const again = await orm.em.fork().findOneOrFail(BulkJobChunk, { id: chunk.id });
      expect(again.addresses.startsWith('v1.n.')).toBe(true);
      if (again.results) expect(again.results.startsWith('v1.n.')).toBe(true);
    }
    const newOnly = createKeyring([newKey]);
    const after = await readBulkResults({ em: orm.em.fork(), keyring: newOnly }, WORKSPACE, created.id, {
      limit: 100,
    });
    expect(after).toEqual(before);
  });

  it('delete removes the job and its chunks', async () => {
    const created = await createBulkJob(ctx(ACTOR), WORKSPACE, {
      source: addresses(5, 'deleteme'),
      depth: 'standard',
    });
    await deleteBulkJob(ctx(ACTOR), WORKSPACE, created.id);
    expect(await orm.em.fork().count(BulkJob, { id: created.id })).toBe(0);
    expect(await orm.em.fork().count(BulkJobChunk, { jobId: created.id })).toBe(0);
    // A chunk of a deleted job stops quietly.
    expect(await processBulkChunk(ctx(), deps(), { jobId: created.id, fromSeq: 1, toSeq: 5 })).toMatchObject({
      stopped: 'missing',
    });
  });

  it('the retention table purges a job 7 days after completion', async () => {
    now = new Date('2026-11-02T10:00:00Z');
    const created = await createBulkJob(ctx(ACTOR), WORKSPACE, {
      source: addresses(4, 'retain'),
      depth: 'standard',
    });
    await processBulkChunk(ctx(), deps(), { jobId: created.id, fromSeq: 1, toSeq: 4 });
    expect((await getBulkJob(ctx(), WORKSPACE, created.id)).status).toBe('completed');
    const settings = { sessionIdleMs: 30 * 86_400_000, auditRetentionDays: 365 };

    now = new Date('2026-11-09T09:59:00Z');
    await purgeExpired(orm.em.fork(), clock, settings);
    expect(await orm.em.fork().count(BulkJob, { id: created.id })).toBe(1);
    expect(await orm.em.fork().count(BulkJobRows, { jobId: created.id })).toBe(1);

    now = new Date('2026-11-09T10:01:00Z');
    const purged = await purgeExpired(orm.em.fork(), clock, settings);
    expect(purged.find((r) => r.data.startsWith('bulk'))?.deleted).toBeGreaterThanOrEqual(1);
    expect(await orm.em.fork().count(BulkJob, { id: created.id })).toBe(0);
    expect(await orm.em.fork().count(BulkJobChunk, { jobId: created.id })).toBe(0);
    expect(await orm.em.fork().count(BulkJobRows, { jobId: created.id })).toBe(0);
  });
});
