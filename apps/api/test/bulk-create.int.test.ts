// Bulk job creation end to end (a real worker process, a local DNS server): Idempotency-Key under
// concurrency, creation from a JSON array with metadata echoed, and the dashboard's upload, the tRPC
// `bulk` procedures and the notifications of a finished job.
import { randomUUID } from 'node:crypto';
import { type BulkJobDto, ZBulkJob } from '@postern/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, dashboardHeaders, multipart, readEvents } from './support/bulk.ts';
import { type BulkWorld, startBulkWorld } from './support/bulk-world.ts';
import type { Harness } from './support/harness.ts';

let w: BulkWorld;
let h: Harness;
let account: Account;
let baseUrl = '';

beforeAll(async () => {
  w = await startBulkWorld();
  h = w.h;
  account = w.account;
  baseUrl = w.baseUrl;
});

afterAll(async () => {
  await w?.close();
});

const auth = () => w.auth();
const api: BulkWorld['api'] = (...args) => w.api(...args);
const uploadCsv: BulkWorld['uploadCsv'] = (...args) => w.uploadCsv(...args);
const waitForStatus: BulkWorld['waitForStatus'] = (...args) => w.waitForStatus(...args);

describe('Idempotency-Key', () => {
  it('two concurrent uploads with one key create exactly one job; the other is a replay', async () => {
    const idem = `import-${randomUUID()}`;
    const csv = `email\n${Array.from({ length: 3000 }, (_, i) => `idem${i}@postern-good.com`).join('\n')}\n`;
    const [a, b] = await Promise.all([
      uploadCsv(csv, [], { 'idempotency-key': idem }),
      uploadCsv(csv, [], { 'idempotency-key': idem }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json().id).toBe(b.json().id);
    const replayed = a.statusCode === 200 ? a : b;
    const created = a.statusCode === 201 ? a : b;
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(created.headers['idempotent-replayed']).toBeUndefined();
    const rows = (await h.orm.em
      .fork()
      .getConnection()
      .execute('select count(*)::int as n, max(total) as total from bulk_job where idempotency_key = ?', [
        idem,
      ])) as { n: number; total: number }[];
    expect(rows[0]).toEqual({ n: 1, total: 3000 });

    // A later repeat of the same upload (a new multipart boundary) is answered from the first job.
    const later = await uploadCsv(csv, [], { 'idempotency-key': idem });
    expect(later.statusCode).toBe(200);
    expect(later.headers['idempotent-replayed']).toBe('true');
    expect(later.json()).toMatchObject({ id: a.json().id, total: 3000 });
    // Another body, another file, other options or the JSON form under the same key: 422, no job.
    const reused = [
      await h.app.inject({
        method: 'POST',
        url: '/v1/jobs',
        headers: { ...auth(), 'content-type': 'application/json', 'idempotency-key': idem },
        payload: JSON.stringify({ emails: ['other@postern-good.com'] }),
      }),
      await uploadCsv(`${csv}extra@postern-good.com\n`, [], { 'idempotency-key': idem }),
      await uploadCsv(csv, [['name', 'renamed']], { 'idempotency-key': idem }),
    ];
    for (const res of reused) {
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', message: /different request/ });
    }
    const jobs = (await h.orm.em
      .fork()
      .getConnection()
      .execute('select count(*)::int as n from bulk_job where idempotency_key = ?', [idem])) as {
      n: number;
    }[];
    expect(jobs[0]?.n).toBe(1);
    await api('POST', `/v1/jobs/${a.json().id}/cancel`);
  });

  it('two concurrent uploads with one key but different files: one job, the other 422', async () => {
    const idem = `race-${randomUUID()}`;
    const csv = (tag: string) =>
      `email\n${Array.from({ length: 3000 }, (_, i) => `${tag}${i}@postern-good.com`).join('\n')}\n`;
    const [a, b] = await Promise.all([
      uploadCsv(csv('first'), [], { 'idempotency-key': idem }),
      uploadCsv(csv('second'), [], { 'idempotency-key': idem }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 422]);
    const loser = a.statusCode === 422 ? a : b;
    expect(loser.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    const winner = a.statusCode === 201 ? a : b;
    await api('POST', `/v1/jobs/${winner.json().id}/cancel`);
  });

  it('two concurrent JSON creations with one key: one job', async () => {
    const idem = `json-${randomUUID()}`;
    const emails = Array.from({ length: 2000 }, (_, i) => `j${i}@postern-good.com`);
    const send = () =>
      h.app.inject({
        method: 'POST',
        url: '/v1/jobs',
        headers: { ...auth(), 'content-type': 'application/json', 'idempotency-key': idem },
        payload: JSON.stringify({ emails, name: 'json' }),
      });
    const results = await Promise.all([send(), send(), send()]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 201]);
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    // The same body with its keys in another order is the same request; an added option is not.
    const repeat = (payload: string) =>
      h.app.inject({
        method: 'POST',
        url: '/v1/jobs',
        headers: { ...auth(), 'content-type': 'application/json', 'idempotency-key': idem },
        payload,
      });
    const reordered = await repeat(`{"name":"json","emails":${JSON.stringify(emails)}}`);
    expect(reordered.statusCode).toBe(200);
    expect(reordered.json().id).toBe(results[0]?.json().id);
    const withOption = await repeat(JSON.stringify({ emails, name: 'json', dedupe: false }));
    expect(withOption.statusCode).toBe(422);
    expect(withOption.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    await api('POST', `/v1/jobs/${results[0]?.json().id}/cancel`);
  });
});

describe('JSON creation', () => {
  it('creates a job from an array, echoing name and metadata', async () => {
    const metadata = { crm: 'hubspot', batch: 7, vip: true, note: null };
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: { ...auth(), 'content-type': 'application/json' },
      payload: JSON.stringify({
        emails: ['dana@postern-good.com', 'DANA@postern-good.com', 'not an address', 42],
        name: 'From the CRM',
        metadata,
      }),
    });
    expect(res.statusCode).toBe(201);
    const created = ZBulkJob.parse(res.json());
    expect(created).toMatchObject({ name: 'From the CRM', metadata, total: 1, depth: 'standard' });
    expect(created.summary).toMatchObject({ format: 'json', duplicates: 1, addresses: 1 });
    expect(created.summary?.rejected).toMatchObject({ not_a_string: 1 });
    const done = await waitForStatus(created.id, ['completed']);
    expect(done.metadata).toEqual(metadata);
    expect(done.counts.deliverable).toBe(1);
  });
});

describe('the dashboard: /api upload, tRPC procedures, notifications', () => {
  it('uploads with the session (CSRF checked), reads through tRPC, notifies the creator when done', async () => {
    const client = account.client;
    const body = multipart([
      ['name', 'Dashboard list'],
      ['column', '0'],
      ['format', 'list'],
      { content: `eve@postern-good.com\nfrank@postern-nullmx.org\n`, filename: 'list.txt' },
    ]);
    const noCsrf = await h.app.inject({
      method: 'POST',
      url: `/api/w/${account.workspaceId}/jobs`,
      headers: { ...(await dashboardHeaders(client, { csrf: false })), 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json()).toMatchObject({ code: 'FORBIDDEN', message: /CSRF/ });

    const res = await h.app.inject({
      method: 'POST',
      url: `/api/w/${account.workspaceId}/jobs`,
      headers: { ...(await dashboardHeaders(client)), 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(201);
    const created = ZBulkJob.parse(res.json());
    expect(created).toMatchObject({ name: 'Dashboard list', total: 2 });
    expect(created.summary).toMatchObject({ format: 'list', column: { index: 0, detectedBy: 'option' } });

    const live = await readEvents(
      `${baseUrl}/api/w/${account.workspaceId}/jobs/${created.id}/events`,
      await dashboardHeaders(client, { csrf: false }),
      { timeoutMs: 20_000 },
    );
    expect(live.events.at(-1)?.event).toBe('done');

    const got = await client.query<BulkJobDto>('bulk.get', {
      workspaceId: account.workspaceId,
      jobId: created.id,
    });
    expect(got.data).toMatchObject({ id: created.id, status: 'completed', processed: 2 });
    const list = await client.query<{ jobs: BulkJobDto[] }>('bulk.list', {
      workspaceId: account.workspaceId,
    });
    expect(list.data?.jobs[0]?.id).toBe(created.id);
    const results = await client.query<{ items: { email: string; status: string }[] }>('bulk.results', {
      workspaceId: account.workspaceId,
      jobId: created.id,
      status: 'undeliverable',
    });
    expect(results.data?.items.map((i) => i.email)).toEqual(['frank@postern-nullmx.org']);

    const download = await h.app.inject({
      method: 'GET',
      url: `/api/w/${account.workspaceId}/jobs/${created.id}/download?format=ndjson`,
      headers: await dashboardHeaders(client, { csrf: false }),
    });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toContain('filename="Dashboard-list-results.ndjson"');
    expect(download.body.trimEnd().split('\n')).toHaveLength(2);

    // The creator (a member, not a key) is notified.
    const notes = await client.query<{
      notifications: { id: string; kind: string; link: string | null; readAt: string | null }[];
      unread: number;
    }>('notifications.list');
    const note = notes.data?.notifications.find(
      (n) => n.link === `/w/${account.workspaceId}/jobs/${created.id}`,
    );
    expect(note).toMatchObject({ kind: 'bulk_job.completed', readAt: null });
    expect(notes.data?.unread).toBeGreaterThanOrEqual(1);
    const marked = await client.mutate<{ updated: number }>('notifications.markRead', { ids: [note?.id] });
    expect(marked.data).toEqual({ updated: 1 });
    const all = await client.mutate<{ updated: number }>('notifications.markRead', {});
    expect(all.status).toBe(200);
    expect((await client.query<{ unread: number }>('notifications.list')).data?.unread).toBe(0);

    const retry = await client.mutate('bulk.retry', { workspaceId: account.workspaceId, jobId: created.id });
    expect(retry.error?.data.code).toBe('BAD_REQUEST');
    const deleted = await client.mutate('bulk.delete', {
      workspaceId: account.workspaceId,
      jobId: created.id,
    });
    expect(deleted.data).toEqual({ deleted: true });
    const gone = await client.query('bulk.get', { workspaceId: account.workspaceId, jobId: created.id });
    expect(gone.error?.data.code).toBe('NOT_FOUND');
  });

  it('bulk.preview sniffs a sample like extraction does (a cut last line dropped)', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `Person ${i};p${i}@postern-good.com;${i}`);
    const text = `Name;E-Mail;Score\n${rows.join('\n')}\n`;
    const sample = Buffer.from(text).subarray(0, 64 * 1024);
    const res = await account.client.mutate<{
      format: string;
      delimiter: string;
      header: boolean;
      detectedColumn: number | null;
      sampleRows: number;
      columns: { index: number; name: string | null; samples: string[]; emailShare: number }[];
    }>('bulk.preview', { workspaceId: account.workspaceId, sampleBase64: sample.toString('base64') });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ format: 'csv', delimiter: ';', header: true, detectedColumn: 1 });
    expect(res.data?.columns.map((c) => c.name)).toEqual(['Name', 'E-Mail', 'Score']);
    expect(res.data?.columns[1]).toMatchObject({
      emailShare: 1,
      samples: expect.arrayContaining(['p0@postern-good.com']),
    });
    // Only whole lines of the 64 KiB sample are counted.
    const whole = sample.toString('utf8').split('\n').length - 2;
    expect(res.data?.sampleRows).toBe(whole);

    const binary = await account.client.mutate('bulk.preview', {
      workspaceId: account.workspaceId,
      sampleBase64: Buffer.alloc(100).toString('base64'),
    });
    expect(binary.error?.data.code).toBe('BAD_REQUEST');
    expect(binary.error?.message).toMatch(/binary/);
  });
});
