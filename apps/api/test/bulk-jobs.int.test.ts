// Bulk jobs end to end (real worker, local DNS): a CSV upload over /v1 runs to completion while its
// event stream reports progress and `done`; results paged and filtered; CSV (formula cells neutralised),
// JSON and NDJSON downloads; cancel, retry, delete (audited). Creation paths: bulk-create.int.test.ts.
import { randomUUID } from 'node:crypto';
import { type BulkJobDto, ZBulkJob, ZBulkResultsPage, ZBulkRowItem } from '@postern/contracts';
import { CSV_COLUMNS } from '@postern/core';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvents } from './support/bulk.ts';
import { type BulkWorld, slowAddresses, startBulkWorld } from './support/bulk-world.ts';
import type { Harness } from './support/harness.ts';

let w: BulkWorld;
let h: Harness;
let baseUrl = '';

beforeAll(async () => {
  w = await startBulkWorld();
  h = w.h;
  baseUrl = w.baseUrl;
});

afterAll(() => w?.close());

const auth = () => w.auth();
const api: BulkWorld['api'] = (...args) => w.api(...args);
const uploadCsv: BulkWorld['uploadCsv'] = (...args) => w.uploadCsv(...args);
const waitForStatus: BulkWorld['waitForStatus'] = (...args) => w.waitForStatus(...args);

describe('a job over /v1, from upload to delete', () => {
  let job: BulkJobDto;
  const special = ['=cmd@postern-good.com', '+1-cmd@postern-good.com', '-sum@postern-good.com'];
  const csv = `Name,Email\n${[
    ...special.map((e, i) => `Special ${i},${e}`),
    'Ann,ann@postern-good.com',
    'Bob,bob@postern-nullmx.org',
    'Carl,carl@postern-broken.com',
    ...slowAddresses(40, 'hp').map((e, i) => `Slow ${i},${e}`),
  ].join('\n')}\n`;

  it('uploads a CSV: 201 with the job, named after the file, the column found by its header', async () => {
    const res = await uploadCsv(csv, [
      ['depth', 'standard'],
      ['dedupe', 'true'],
    ]);
    expect(res.statusCode).toBe(201);
    job = ZBulkJob.parse(res.json());
    expect(job).toMatchObject({ name: 'customers.csv', total: 46, depth: 'standard', retries: 0 });
    expect(['queued', 'running']).toContain(job.status);
    expect(job.summary).toMatchObject({
      format: 'csv',
      header: true,
      column: { index: 1, name: 'Email', detectedBy: 'header' },
      rowsRead: 46,
      addresses: 46,
    });
    expect(res.headers['x-ratelimit-remaining']).toBeDefined();
  });

  it('streams progress as server-sent events until `done`, then closes', async () => {
    const stream = await readEvents(`${baseUrl}/v1/jobs/${job.id}/events`, auth(), { timeoutMs: 30_000 });
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    expect(stream.closedByServer).toBe(true);
    const names = stream.events.map((e) => e.event);
    expect(names[0]).toBe('progress');
    expect(names.at(-1)).toBe('done');
    expect(names.filter((n) => n === 'done')).toHaveLength(1);
    expect(names.slice(0, -1).every((n) => n === 'progress')).toBe(true);
    const ids = stream.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const progress = stream.events.map((e) => JSON.parse(e.data));
    // Sent only on change: no two consecutive progress events are the same.
    for (let i = 1; i < progress.length - 1; i++) expect(progress[i]).not.toEqual(progress[i - 1]);
    const done = progress.at(-1);
    expect(done).toMatchObject({ id: job.id, status: 'completed', total: 46, processed: 46, percent: 100 });
    expect(Object.keys(done).sort()).toEqual(
      ['counts', 'etaSeconds', 'id', 'percent', 'processed', 'status', 'total'].sort(),
    );
    // The stream saw the job before it was done (at least one intermediate progress event).
    expect(progress.some((p) => p.processed < 46 || p.status !== 'completed')).toBe(true);
  });

  it('counts every verdict', async () => {
    const res = await api('GET', `/v1/jobs/${job.id}`);
    job = ZBulkJob.parse(res.json());
    expect(job).toMatchObject({ status: 'completed', processed: 46, percent: 100, etaSeconds: null });
    expect(job.counts).toMatchObject({ deliverable: 44, undeliverable: 1, unknown: 1 });
    expect(job.expiresAt).not.toBeNull();
  });

  it('pages results by `after`, filters them by status', async () => {
    const first = ZBulkResultsPage.parse((await api('GET', `/v1/jobs/${job.id}/results?limit=10`)).json());
    expect(first.items.map((i) => i.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(first.nextAfter).toBe(10);
    expect(first.items[0]).toMatchObject({ email: '=cmd@postern-good.com', status: 'deliverable' });
    const rest = ZBulkResultsPage.parse(
      (await api('GET', `/v1/jobs/${job.id}/results?after=10&limit=1000`)).json(),
    );
    expect(rest.items).toHaveLength(36);
    expect(rest.nextAfter).toBeNull();
    const unknown = ZBulkResultsPage.parse(
      (await api('GET', `/v1/jobs/${job.id}/results?status=unknown`)).json(),
    );
    expect(unknown.items.map((i) => [i.email, i.status, i.result?.reason])).toEqual([
      ['carl@postern-broken.com', 'unknown', 'dns_error'],
    ]);
    const bad = await api('GET', `/v1/jobs/${job.id}/results?status=maybe`);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().message).toMatch(/^status:/);
  });

  it('downloads CSV: every column, formula cells neutralised, a safe filename', async () => {
    const res = await api('GET', `/v1/jobs/${job.id}/download?format=csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="customers-results.csv"; filename*=UTF-8''customers-results.csv`,
    );
    expect(res.headers['cache-control']).toBe('no-store');
    const rows = parse(res.body) as string[][];
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(47);
    // Every data row, in file order, with the file's row number (the header is row 1).
    expect(rows.slice(1).map((r) => r[0])).toEqual(Array.from({ length: 46 }, (_, i) => String(i + 2)));
    const byEmail = new Map(rows.slice(1).map((r) => [r[1], r]));
    // A spreadsheet would run these as formulas: each got a leading apostrophe (both address columns).
    expect([...byEmail.keys()].filter((e) => /^[=+\-@]/.test(e ?? ''))).toEqual([]);
    for (const email of special)
      expect(byEmail.get(`'${email}`)?.slice(2, 4)).toEqual([`'${email}`, 'deliverable']);
    const ann = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, byEmail.get('ann@postern-good.com')?.[i]]));
    expect(ann).toMatchObject({
      row: '5',
      email_ascii: 'ann@postern-good.com',
      status: 'deliverable',
      action: 'accept',
      policy_action: 'accept',
      duplicate_of: '',
      has_mx: 'true',
      disposable: 'false',
      mx_host: 'mx.postern-good.com',
    });
    expect(ann.checked_at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('downloads JSON (one array) and NDJSON (one item a line), filtered by status', async () => {
    const json = await api('GET', `/v1/jobs/${job.id}/download?format=json`);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.headers['content-disposition']).toContain('filename="customers-results.json"');
    const items = ZBulkRowItem.array().parse(JSON.parse(json.body));
    expect(items.map((i) => [i.row, i.seq])).toEqual(Array.from({ length: 46 }, (_, i) => [i + 2, i + 1]));

    const nd = await api('GET', `/v1/jobs/${job.id}/download?format=ndjson&status=deliverable`);
    expect(nd.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const lines = nd.body.trimEnd().split('\n');
    expect(lines).toHaveLength(44);
    expect(lines.map((l) => ZBulkRowItem.parse(JSON.parse(l)).status).every((s) => s === 'deliverable')).toBe(
      true,
    );

    const undeliverable = parse((await api('GET', `/v1/jobs/${job.id}/download?status=undeliverable`)).body);
    expect(undeliverable.slice(1).map((r: string[]) => [r[0], r[1]])).toEqual([
      ['6', 'bob@postern-nullmx.org'],
    ]);
    const none = await api('GET', `/v1/jobs/${job.id}/download?format=json&status=pending`);
    expect(JSON.parse(none.body)).toEqual([]);
    const badFormat = await api('GET', `/v1/jobs/${job.id}/download?format=xlsx`);
    expect(badFormat.statusCode).toBe(422);
  });

  it('retry puts the unknown results back and runs them again; cancel of an ended job changes nothing', async () => {
    const retried = await api('POST', `/v1/jobs/${job.id}/retry`);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ retries: 1, completedAt: null, expiresAt: null });
    expect(['queued', 'running']).toContain(retried.json().status);
    const again = await waitForStatus(job.id, ['completed']);
    expect(again).toMatchObject({ processed: 46, retries: 1 });
    expect(again.counts.unknown).toBe(1);

    const cancel = await api('POST', `/v1/jobs/${job.id}/cancel`);
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json()).toMatchObject({ status: 'completed', processed: 46 });
  });

  it('cancels a running job; retry is refused while it runs and when nothing is unknown', async () => {
    const slow = await uploadCsv(`email\n${slowAddresses(300, 'cx').join('\n')}\n`);
    expect(slow.statusCode).toBe(201);
    const id = slow.json().id as string;
    const early = await api('POST', `/v1/jobs/${id}/retry`);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'CONFLICT', message: /still running/ });

    const cancelled = await api('POST', `/v1/jobs/${id}/cancel`);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    expect(cancelled.json().processed).toBeLessThan(300);

    // A stream opened on an ended job: its progress, then `done` at once.
    const stream = await readEvents(`${baseUrl}/v1/jobs/${id}/events`, auth(), { timeoutMs: 5000 });
    expect(stream.events.map((e) => e.event)).toEqual(['progress', 'done']);
    expect(JSON.parse(stream.events[1]?.data ?? '{}')).toMatchObject({ id, status: 'cancelled' });

    const nothing = await api('POST', `/v1/jobs/${id}/retry`);
    expect(nothing.statusCode).toBe(400);
    expect(nothing.json().message).toMatch(/no unknown results/);
  });

  it('lists jobs newest first, by cursor', async () => {
    const page = await api('GET', '/v1/jobs?limit=1');
    expect(page.statusCode).toBe(200);
    const first = page.json();
    expect(first.jobs).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    const next = (await api('GET', `/v1/jobs?limit=100&cursor=${first.nextCursor}`)).json();
    expect(next.jobs.map((j: BulkJobDto) => j.id)).toContain(job.id);
    expect(next.jobs.map((j: BulkJobDto) => j.id)).not.toContain(first.jobs[0].id);
    expect((await api('GET', '/v1/jobs?cursor=garbage')).statusCode).toBe(400);
  });

  it('deletes: 204, then 404 everywhere; creation and deletion are audited', async () => {
    const del = await api('DELETE', `/v1/jobs/${job.id}`);
    expect(del.statusCode).toBe(204);
    for (const [method, path] of [
      ['GET', ''],
      ['GET', '/results'],
      ['GET', '/download'],
      ['GET', '/events'],
      ['POST', '/cancel'],
      ['POST', '/retry'],
      ['DELETE', ''],
    ] as const) {
      const res = await api(method, `/v1/jobs/${job.id}${path}`);
      expect(res.statusCode, `${method} ${path}`).toBe(404);
      expect(res.json()).toMatchObject({ code: 'NOT_FOUND', message: 'No such bulk job' });
    }
    expect((await api('GET', `/v1/jobs/${randomUUID()}`)).statusCode).toBe(404);
    expect((await api('GET', '/v1/jobs/not-a-uuid')).statusCode).toBe(404);
    const items = (await h.orm.em
      .fork()
      .getConnection()
      .execute('select count(*)::int as n from bulk_job_chunk where job_id = ?', [job.id])) as {
      n: number;
    }[];
    expect(items[0]?.n).toBe(0);
    const audit = (await h.orm.em
      .fork()
      .getConnection()
      .execute('select event_type, actor_id, metadata from audit_entry where target_id = ? order by seq', [
        job.id,
      ])) as { event_type: string; actor_id: string | null; metadata: Record<string, unknown> }[];
    expect(audit.map((a) => a.event_type)).toEqual([
      'bulk_job.created',
      'bulk_job.retried',
      'bulk_job.deleted',
    ]);
    expect(audit.every((a) => a.actor_id === null && typeof a.metadata.apiKeyId === 'string')).toBe(true);
  });
});
