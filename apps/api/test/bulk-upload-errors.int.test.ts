// Bad bulk uploads over HTTP (POST /v1/jobs): every one gets a clear error body, and nothing of it is
// left behind — no bulk_job / bulk_job_chunk row, no file in os.tmpdir() or under the working directory
// holding its content, nothing in any column of any table. Limits are set small for this process
// (BULK_MAX_UPLOAD_BYTES = 1 MiB, BULK_MAX_ROWS = 500); over the byte limit, the 413 arrives while the
// client is still sending, and a socket destroyed mid-upload leaves no row and no open transaction.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  bulkRowCounts,
  createApiKey,
  filesChangedSince,
  filesContaining,
  generatedLines,
  listen,
  multipart,
  multipartStream,
  rawRequest,
} from './support/bulk.ts';
import { expectNoSecretsKept, type Harness, newAccount, startHarness } from './support/harness.ts';

const MAX_BYTES = 1024 * 1024;
const MAX_ROWS = 500;
let h: Harness;
let account: Account;
let key = '';
let baseUrl = '';
const startedAt = Date.now();
/** Every marker put into an upload: none may survive anywhere. */
const markers: string[] = [];

const marker = () => {
  const m = `mk${randomUUID().replace(/-/g, '')}`;
  markers.push(m);
  return m;
};

beforeAll(async () => {
  h = await startHarness({
    env: { BULK_MAX_UPLOAD_BYTES: String(MAX_BYTES), BULK_MAX_ROWS: String(MAX_ROWS) },
  });
  account = await newAccount(h.app);
  key = await createApiKey(account);
  baseUrl = await listen(h);
});

afterAll(async () => {
  await h?.close();
});

async function upload(parts: Parameters<typeof multipart>[0], headers: Record<string, string> = {}) {
  const body = multipart(parts);
  return h.app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { authorization: `Bearer ${key}`, 'content-type': body.contentType, ...headers },
    payload: body.payload,
  });
}

async function expectNothingStored() {
  expect(await bulkRowCounts(h)).toEqual({ jobs: 0, chunks: 0 });
}

describe('bad files', () => {
  it.each([
    {
      what: 'an empty file',
      file: () => Buffer.alloc(0),
      status: 400,
      code: 'BAD_REQUEST',
      message: /empty/,
    },
    {
      what: 'a file without an email column',
      file: () =>
        `name,company\n${Array.from({ length: 20 }, (_, i) => `Person ${marker()},Acme ${i}`).join('\n')}\n`,
      status: 422,
      code: 'VALIDATION_FAILED',
      message: /No email column found/,
    },
    {
      what: 'a binary file',
      file: () => Buffer.concat([Buffer.from(marker()), randomBytes(4096), Buffer.alloc(64)]),
      status: 400,
      code: 'BAD_REQUEST',
      message: /binary file/,
    },
    {
      what: 'more rows than the row limit',
      file: () =>
        `email,note\n${Array.from({ length: MAX_ROWS + 50 }, (_, i) => `row${i}.${marker()}@postern-rows.com,x`).join('\n')}\n`,
      status: 422,
      code: 'VALIDATION_FAILED',
      message: /more than 500 rows/,
    },
    {
      what: 'a row with 100,000 columns',
      file: () =>
        `email,note\nfirst@postern-cols.com,${marker()}\nsecond@postern-cols.com${',x'.repeat(100_000)}\n`,
      status: 422,
      code: 'VALIDATION_FAILED',
      message: /Row 3 has more than 1000 columns/,
    },
    {
      what: 'invalid UTF-8',
      file: () =>
        Buffer.concat([
          Buffer.from(`email,note\nok@postern-utf.com,${marker()}\n`),
          Buffer.from([0x62, 0x61, 0x64, 0xc3, 0x28, 0x40, 0x78, 0x2e, 0x74, 0x65, 0x73, 0x74, 0x0a]),
        ]),
      status: 400,
      code: 'BAD_REQUEST',
      message: /not valid UTF-8 \(first bad byte at offset \d+\)/,
    },
  ])('$what → $status $code, nothing stored', async ({ file, status, code, message }) => {
    const res = await upload([['depth', 'standard'], { content: file(), filename: 'upload.csv' }]);
    expect(res.statusCode).toBe(status);
    const body = res.json();
    expect(body).toMatchObject({ code, requestId: expect.any(String) });
    expect(body.message).toMatch(message);
    expect(Object.keys(body).sort()).toEqual(['code', 'message', 'requestId']);
    await expectNothingStored();
  });
});

describe('bad forms', () => {
  const file = () => ({ content: `email\nform.${marker()}@postern-form.com\n`, filename: 'list.csv' });

  it.each([
    { what: 'no file part', parts: () => [['depth', 'standard']], message: /No file/ },
    {
      what: 'an option after the file',
      parts: () => [file(), ['depth', 'enhanced']],
      message: /"depth" comes after the file/,
    },
    { what: 'a second file part', parts: () => [file(), file()], message: /exactly one file/ },
    {
      what: 'a file part with another name',
      parts: () => [{ ...file(), name: 'upload' }],
      message: /send the file as the part named "file"/,
    },
    {
      what: 'an unknown field',
      parts: () => [['colour', 'red'], file()],
      message: /Unknown form field "colour"/,
    },
    {
      what: 'a field sent twice',
      parts: () => [['depth', 'standard'], ['depth', 'standard'], file()],
      message: /sent twice/,
    },
    { what: 'a bad depth', parts: () => [['depth', 'deepest'], file()], message: /^depth:/ },
    { what: 'a bad dedupe', parts: () => [['dedupe', 'maybe'], file()], message: /^dedupe:/ },
    {
      what: 'metadata that is not JSON',
      parts: () => [['metadata', '{nope'], file()],
      message: /^metadata: must be a JSON object/,
    },
    {
      what: 'metadata with too many keys',
      parts: () => [
        ['metadata', JSON.stringify(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])))],
        file(),
      ],
      message: /^metadata: metadata takes at most 20 keys/,
    },
  ])('$what → 422 VALIDATION_FAILED, nothing stored', async ({ parts, message }) => {
    const res = await upload(parts() as Parameters<typeof multipart>[0]);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(message) });
    await expectNothingStored();
  });

  it('a malformed Idempotency-Key → 422, nothing stored', async () => {
    const res = await upload([file()], { 'idempotency-key': 'has spaces in it' });
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toMatch(/^Idempotency-Key: .*printable ASCII/);
    await expectNothingStored();
  });

  it('a JSON body that is not the contract → 422; no key → 401', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ emails: [] }),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', message: /^emails: / });
    const anonymous = await h.app.inject({ method: 'POST', url: '/v1/jobs', payload: file().content });
    expect(anonymous.statusCode).toBe(401);
    await expectNothingStored();
  });
});

describe('size limit and cut-off uploads (real sockets)', () => {
  it('over the byte limit: 413 arrives while the client is still sending; the server still serves', async () => {
    const m = marker();
    const progress = { sent: 0 };
    const total = 40 * 1024 * 1024;
    const body = multipartStream(
      [['depth', 'standard']],
      { filename: 'big.csv' },
      // Long rows, so the byte limit comes before the row limit (500).
      generatedLines(total, (i) => `big${i}.${m}@postern-big.com,${'x'.repeat(4000)}`),
      progress,
    );
    // Chunked: no Content-Length, so the limit can only be noticed while the bytes stream in.
    let sentWhenAnswered = -1;
    const res = await rawRequest(`${baseUrl}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': body.contentType },
      body: body.stream,
      onResponse: () => {
        sentWhenAnswered = progress.sent;
      },
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'The file is larger than 1 MiB (the limit)',
    });
    // Answered long before the 40 MiB were sent (what was sent is the limit plus socket buffers).
    expect(sentWhenAnswered).toBeLessThan(total / 2);
    await expectNothingStored();
    const after = await rawRequest(`${baseUrl}/v1/jobs`, {
      method: 'GET',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(after.status).toBe(200);
  });

  it('a declared Content-Length over the limit is refused before the body is read', async () => {
    const res = await upload([{ content: Buffer.alloc(MAX_BYTES + 200 * 1024, 0x61), filename: 'big.txt' }]);
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
    await expectNothingStored();
  });

  it('a JSON body over the limit is refused with 413', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: JSON.stringify({
        emails: Array.from({ length: 60_000 }, (_, i) => `json${i}@postern-json.com`),
      }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
    await expectNothingStored();
  });

  it('a socket destroyed mid-upload: no row, no open transaction, and the server still serves', async () => {
    const m = marker();
    const rows = Array.from({ length: 400 }, (_, i) => `cut${i}.${m}@postern-cut.com,${'y'.repeat(1500)}`);
    const body = multipart([
      ['depth', 'standard'],
      { content: `email,pad\n${rows.join('\n')}\n`, filename: 'cut.csv' },
    ]);
    const req = http.request(`${baseUrl}/v1/jobs`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': body.contentType,
        'content-length': String(body.payload.length),
      },
    });
    req.on('error', () => {});
    req.write(body.payload.subarray(0, Math.floor(body.payload.length / 2)));
    // Let the server start extracting (its transaction is open), then cut the connection.
    await new Promise((resolve) => setTimeout(resolve, 300));
    req.destroy();

    const deadline = Date.now() + 10_000;
    for (;;) {
      const open = (await h.orm.em
        .fork()
        .getConnection()
        .execute(
          `select count(*)::int as n from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'`,
        )) as { n: number }[];
      if (open[0]?.n === 0) break;
      if (Date.now() > deadline) throw new Error('a transaction stayed open after the cut-off upload');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await expectNothingStored();
    const list = await h.app.inject({
      method: 'GET',
      url: '/v1/jobs',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({ jobs: [], nextCursor: null });
  });
});

describe('the uploaded file is deleted immediately after extraction — also when extraction fails', () => {
  it('nothing of an upload remains on disk, in any table, or in the logs', async () => {
    const m = marker();
    const addresses = Array.from({ length: 30 }, (_, i) => `kept${i}.${m}@postern-kept.com`);
    const csv = `email,secret note\n${addresses.map((a, i) => `${a},note ${m} ${i}`).join('\n')}\n`;
    const ok = await upload([['depth', 'standard'], { content: csv, filename: 'customers.csv' }]);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ total: 30, name: 'customers.csv', status: 'queued' });

    // The same addresses, then a row over the column limit: extraction fails after reading them.
    const failing = `${csv}${addresses[0]}${',z'.repeat(2000)}\n`;
    const bad = await upload([['depth', 'standard'], { content: failing, filename: 'customers-2.csv' }]);
    expect(bad.statusCode).toBe(422);
    expect(await bulkRowCounts(h)).toEqual({ jobs: 1, chunks: 1 });

    // Files created or changed since this file started, in the temp folder and under the working
    // directory: none holds a marker or an address of any upload made here.
    const changed = [
      ...(await filesChangedSince(tmpdir(), startedAt, 4)),
      ...(await filesChangedSince(process.cwd(), startedAt)),
    ];
    expect(await filesContaining(changed, [...markers, ...addresses])).toEqual([]);
    // No column of any table (every row read as text: text and jsonb as is, bytea as hex, hence the
    // hex forms too) holds a marker or a plaintext address; nor do the logs.
    const plain = [...markers, ...addresses];
    const hex = plain.map((s) => Buffer.from(s).toString('hex'));
    expect(await expectNoSecretsKept(h, [...plain, ...hex])).toEqual([]);
  });
});
