// Bad bulk uploads over HTTP (POST /v1/jobs): every one gets a clear error body, and nothing of it is
// left behind — no bulk_job / bulk_job_chunk / staged bulk_upload row, no file in os.tmpdir() or under
// the working directory holding its content, nothing in any column of any table. Limits are small
// (BULK_MAX_UPLOAD_BYTES = 1 MiB, BULK_MAX_ROWS = 500); the byte limit and cut-off uploads over real
// sockets: bulk-upload-limits.int.test.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkRowCounts, type multipart } from './support/bulk.ts';
import { MAX_ROWS, startUploadWorld } from './support/bulk-uploads.ts';
import type { Harness } from './support/harness.ts';

let world: Awaited<ReturnType<typeof startUploadWorld>>;
let h: Harness;
let key = '';

beforeAll(async () => {
  world = await startUploadWorld();
  ({ h, key } = world);
});

afterAll(() => world?.close());

const marker = () => world.marker();
const upload: typeof world.upload = (...args) => world.upload(...args);
const expectNothingStored = () => world.expectNothingStored();

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
    expect(await bulkRowCounts(h)).toEqual({ jobs: 1, chunks: 1, uploads: 0 });

    // No file, table column or log line holds a marker or an address of any upload made here.
    await world.expectNothingKept(addresses);
  });
});
