// Contact import (#30) through the real endpoints and a real worker process: a CSV uploaded to the
// dashboard's POST /api/dashboard/contact-imports (and /v1/contact-imports with an API key) is mapped,
// imported and reported; the declaration of a basis is required; hostile files get the bulk uploads'
// errors with nothing left behind; a slow client holds no database connection; another workspace is
// refused everywhere; suppressed addresses are never subscribed; with verification on, the real
// validator (resolving through a local DNS server) and the workspace's policy reject addresses, which
// are reported and not subscribed.
import { QUEUES } from '@postern/contracts';
import { ensureQueues } from '@postern/runtime';
import type { SpawnedApp } from '@postern/runtime/testing';
import { createVerificationEngine } from '@postern/validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../../packages/validator/test/support/dns-server.ts';
import {
  createApiKey,
  dashboardHeaders,
  listen,
  multipart,
  multipartStream,
  rawRequest,
  startWorker,
} from './support/bulk.ts';
import { type Harness, newAccount, startHarness } from './support/harness.ts';

const MAX_BYTES = 256 * 1024;
let h: Harness;
let base: string;
let dns: TestDnsServer;
let worker: SpawnedApp;
type Account = Awaited<ReturnType<typeof newAccount>>;
let owner: Account;
let listId: string;

beforeAll(async () => {
  dns = await startDnsServer({
    'good-mail.com': { mx: [{ exchange: 'mx.good-mail.com', priority: 10 }] },
    'mx.good-mail.com': { a: ['192.0.2.25'] },
    'gone-mail.com': { rcode: 'NXDOMAIN' },
  });
  h = await startHarness({
    env: {
      BULK_MAX_UPLOAD_BYTES: String(MAX_BYTES),
      HTTP_BODY_MIN_BYTES_PER_SECOND: '1024',
      HTTP_BODY_RATE_WINDOW_SECONDS: '3',
      // More slow uploads than the pool has connections, none refused for being too many at once.
      BULK_MAX_CONCURRENT_UPLOADS: '20',
    },
    engine: () => createVerificationEngine({ dns: { servers: [dns.address], timeoutMs: 500, tries: 1 } }),
  });
  await ensureQueues(h.boss, [QUEUES.contactImport]);
  base = await listen(h);
  worker = await startWorker(h, dns.address);
  owner = await newAccount(h.app);
  const list = await owner.client.mutate<{ id: string }>('contacts.lists.create', {
    workspaceId: owner.workspaceId,
    name: 'Customers',
    doubleOptIn: false,
  });
  listId = list.data?.id ?? '';
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  await h?.close();
  await dns?.close();
});

type Fields = Record<string, string>;
const fieldsOf = (over: Fields = {}): [string, string][] =>
  Object.entries({ listId, basis: 'consent', emailColumn: 'email', nameColumn: 'name', ...over }).filter(
    ([, v]) => v !== '',
  );

async function upload(
  account: Account,
  csv: string | Buffer,
  over: Fields = {},
  workspaceId = account.workspaceId,
) {
  const body = multipart([...fieldsOf(over), { content: csv, filename: 'people.csv' }]);
  const res = await h.app.inject({
    method: 'POST',
    url: `/api/dashboard/contact-imports?workspaceId=${workspaceId}`,
    headers: { ...(await dashboardHeaders(account.client)), 'content-type': body.contentType },
    payload: body.payload,
  });
  return {
    status: res.statusCode,
    body: res.json() as { importId?: string; code?: string; message?: string },
  };
}

interface ImportDto {
  status: string;
  counts: {
    rows: number;
    imported: number;
    skipped: number;
    rejected: number;
    byReason: Record<string, number>;
  };
}

async function finished(account: Account, importId: string): Promise<ImportDto> {
  for (let i = 0; i < 200; i++) {
    const res = await account.client.query<ImportDto>('contactImports.get', {
      workspaceId: account.workspaceId,
      importId,
    });
    const dto = res.data as ImportDto;
    if (['completed', 'failed', 'cancelled'].includes(dto?.status)) return dto;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the import did not end');
}

const sql = async <T>(query: string, params: unknown[] = []) =>
  (await h.orm.em.fork().getConnection().execute(query, params)) as T[];

describe('contact import', () => {
  it('imports a mapped CSV end to end: contacts with name and attributes, report, CSV download', async () => {
    const csv =
      'E-mail,Full name,Company\nana@example.com,Ana,Acme\nnot-an-address,X,Y\nbob@example.com,,Initech\n';
    const res = await upload(owner, csv, {
      emailColumn: 'E-mail',
      nameColumn: 'Full name',
      attributeColumns: JSON.stringify({ Company: 'company' }),
    });
    expect(res.status).toBe(201);
    const dto = await finished(owner, res.body.importId as string);
    expect(dto).toMatchObject({ status: 'completed', counts: { rows: 3, imported: 2, skipped: 1 } });
    const [ana] = await sql<{ name: string; attributes: object }>(
      'select name, attributes from contact where email_normalized = ? and workspace_id = ?',
      ['ana@example.com', owner.workspaceId],
    );
    expect(ana).toEqual({ name: 'Ana', attributes: { company: 'Acme' } });
    const report = await owner.client.query<{ items: { row: number; reason: string; email: string }[] }>(
      'contactImports.report',
      { workspaceId: owner.workspaceId, importId: res.body.importId },
    );
    expect(report.data?.items).toEqual([
      expect.objectContaining({ row: 3, reason: 'invalid_address', email: 'not-an-address' }),
    ]);
    const csvOut = await h.app.inject({
      method: 'GET',
      url: `/api/w/${owner.workspaceId}/contact-imports/${res.body.importId}/report.csv`,
      headers: await dashboardHeaders(owner.client, { csrf: false }),
    });
    expect(csvOut.statusCode).toBe(200);
    expect(csvOut.headers['content-type']).toMatch(/text\/csv/);
    expect(csvOut.body.split('\n')[0]).toBe('row,email,reason,detail');
    expect(csvOut.body.split('\n')[1]).toMatch(/^3,not-an-address,invalid_address,/);
  });

  it('requires the declaration of how consent was obtained', async () => {
    const res = await upload(owner, 'email\nc@example.com\n', { basis: '' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.message).toMatch(/basis/);
    const wrong = await upload(owner, 'email\nc@example.com\n', { basis: 'we_bought_it' });
    expect(wrong.status).toBe(422);
  });

  it('refuses hostile files with the bulk uploads errors and leaves nothing behind', async () => {
    const before = await sql<{ n: number }>('select count(*)::int as n from contact_import');
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('email\nd@example.com\n', 'utf16le'),
    ]);
    expect((await upload(owner, utf16)).status).toBe(400);
    const badUtf8 = Buffer.concat([
      Buffer.from('email,name\ne@example.com,'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('\n'),
    ]);
    const bad = await upload(owner, badUtf8);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/UTF-8/);
    const wide = `email,name,${Array.from({ length: 1000 }, (_, i) => `c${i}`).join(',')}\nf@example.com,F\n`;
    const tooWide = await upload(owner, wide);
    expect(tooWide.status).toBe(422);
    expect(tooWide.body.message).toMatch(/more than 1000 columns/);
    const big = `email,name\n${'g@example.com,G\n'.repeat(Math.ceil(MAX_BYTES / 15) + 10)}`;
    const tooBig = await upload(owner, big);
    expect(tooBig.status).toBe(413);
    const after = await sql<{ n: number }>('select count(*)::int as n from contact_import');
    expect(after[0]?.n).toBe(before[0]?.n);
    const [chunks] = await sql<{ n: number }>(
      `select count(*)::int as n from contact_import_chunk c join contact_import i on i.id = c.import_id where i.status = 'uploading'`,
    );
    expect(chunks?.n).toBe(0);
  });

  it('holds no database connection while a slow client sends its file', async () => {
    const session = await dashboardHeaders(owner.client);
    const uploads = Array.from({ length: 8 }, () => {
      const stream = multipartStream(
        fieldsOf(),
        { filename: 'slow.csv' },
        (async function* () {
          yield Buffer.from('email,name\n');
          for (let i = 0; i < 100; i++) {
            yield Buffer.from(`slow${i}@example.com,S\n`);
            await new Promise((r) => setTimeout(r, 2000));
          }
        })(),
      );
      return rawRequest(`${base}/api/dashboard/contact-imports?workspaceId=${owner.workspaceId}`, {
        method: 'POST',
        headers: { ...session, 'content-type': stream.contentType, 'transfer-encoding': 'chunked' },
        body: stream.stream,
      }).catch(() => ({ status: 0 }));
    });
    await new Promise((r) => setTimeout(r, 1500));
    const [held] = await sql<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
    );
    expect(held?.n).toBe(0);
    const t0 = Date.now();
    const list = await owner.client.query('contactImports.list', { workspaceId: owner.workspaceId });
    expect(list.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(2000);
    // The slow uploads are cut at the minimum transfer rate; nothing of them remains.
    const outcomes = await Promise.all(uploads);
    expect(outcomes.map((o) => o.status).filter((s) => s !== 408 && s !== 0)).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    const [left] = await sql<{ n: number }>(
      `select count(*)::int as n from contact_import where status = 'uploading'`,
    );
    expect(left?.n).toBe(0);
  }, 30_000);
});

describe('contact import: tenancy, suppression, verification, API keys', () => {
  it('refuses another workspace: its upload path, its imports, its report', async () => {
    const stranger = await newAccount(h.app);
    const intruding = await upload(stranger, 'email,name\nh@example.com,H\n', {}, owner.workspaceId);
    expect([403, 404]).toContain(intruding.status);
    // A list of another workspace named from one's own workspace is not found.
    const foreignList = await upload(stranger, 'email,name\nh@example.com,H\n');
    expect(foreignList.status).toBe(404);
    const mine = await upload(owner, 'email,name\ni@example.com,I\n');
    const importId = mine.body.importId as string;
    const read = await stranger.client.query('contactImports.get', {
      workspaceId: stranger.workspaceId,
      importId,
    });
    expect(read.status).toBe(404);
    const report = await h.app.inject({
      method: 'GET',
      url: `/api/w/${stranger.workspaceId}/contact-imports/${importId}/report.csv`,
      headers: await dashboardHeaders(stranger.client, { csrf: false }),
    });
    expect(report.statusCode).toBe(404);
    const key = await createApiKey(stranger, 'stranger', ['contacts:read', 'contacts:write']);
    const v1 = await h.app.inject({
      method: 'GET',
      url: `/v1/contact-imports/${importId}`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect(v1.statusCode).toBe(404);
  });

  it('never subscribes a suppressed address', async () => {
    await owner.client.mutate('contacts.suppressions.add', {
      workspaceId: owner.workspaceId,
      emails: ['blocked@example.com'],
    });
    const res = await upload(owner, 'email,name\nblocked@example.com,B\nfree@example.com,F\n');
    const dto = await finished(owner, res.body.importId as string);
    expect(dto.counts).toMatchObject({ imported: 1, byReason: { suppressed: 1 } });
    const subs = await sql<{ n: number }>(
      `select count(*)::int as n from subscription s join contact c on c.id = s.contact_id
        where c.email_normalized = 'blocked@example.com' and s.list_id = ?`,
      [listId],
    );
    expect(subs[0]?.n).toBe(0);
  });

  it('with verification on, reports and does not subscribe what the policy rejects', async () => {
    const res = await upload(owner, 'email,name\nok@good-mail.com,Ok\nnobody@gone-mail.com,Gone\n', {
      verify: 'true',
    });
    expect(res.status).toBe(201);
    const dto = await finished(owner, res.body.importId as string);
    expect(dto.counts).toMatchObject({ imported: 1, rejected: 1, byReason: { rejected_by_verification: 1 } });
    const report = await owner.client.query<{ items: { email: string; reason: string; detail: string }[] }>(
      'contactImports.report',
      { workspaceId: owner.workspaceId, importId: res.body.importId },
    );
    expect(report.data?.items).toEqual([
      expect.objectContaining({ email: 'nobody@gone-mail.com', reason: 'rejected_by_verification' }),
    ]);
    const [gone] = await sql<{ n: number }>(
      `select count(*)::int as n from contact where email_normalized = 'nobody@gone-mail.com'`,
    );
    expect(gone?.n).toBe(0);
  });

  it('takes uploads from an API key with contacts:write only', async () => {
    const body = multipart([
      ...fieldsOf(),
      { content: 'email,name\nkey@example.com,K\n', filename: 'k.csv' },
    ]);
    const readOnly = await createApiKey(owner, 'read-only', ['contacts:read']);
    const refused = await h.app.inject({
      method: 'POST',
      url: '/v1/contact-imports',
      headers: { authorization: `Bearer ${readOnly}`, 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(refused.statusCode).toBe(403);
    const writer = await createApiKey(owner, 'writer', ['contacts:read', 'contacts:write']);
    const created = await h.app.inject({
      method: 'POST',
      url: '/v1/contact-imports',
      headers: { authorization: `Bearer ${writer}`, 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(created.statusCode).toBe(201);
    const { importId } = created.json() as { importId: string };
    expect((await finished(owner, importId)).counts.imported).toBe(1);
  });
});
