// The byte limit and cut-off uploads of POST /v1/jobs over real sockets (BULK_MAX_UPLOAD_BYTES =
// 1 MiB): over the limit, the 413 arrives while the client is still sending; a declared length over it
// is refused before the body is read; a JSON body over its limit is refused naming the multipart
// upload; a socket destroyed mid-upload leaves no row and no open transaction. Nothing of any of them
// is kept anywhere.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkRowCounts, generatedLines, multipart, multipartStream, rawRequest } from './support/bulk.ts';
import { MAX_BYTES, startUploadWorld } from './support/bulk-uploads.ts';
import type { Harness } from './support/harness.ts';

let world: Awaited<ReturnType<typeof startUploadWorld>>;
let h: Harness;
let key = '';
let baseUrl = '';

beforeAll(async () => {
  world = await startUploadWorld();
  ({ h, key, baseUrl } = world);
});

afterAll(() => world?.close());

const marker = () => world.marker();
const upload: typeof world.upload = (...args) => world.upload(...args);
const expectNothingStored = () => world.expectNothingStored();

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
    // The answer says where a larger list goes.
    expect(res.json().message).toMatch(/multipart\/form-data/);
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
    // Let the server start extracting (its upload is staged), then cut the connection.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await bulkRowCounts(h)).uploads).toBe(1);
    req.destroy();
    // The staged upload is removed at once (not left to the sweeper).
    const removedBy = Date.now() + 5000;
    while ((await bulkRowCounts(h)).uploads > 0 && Date.now() < removedBy)
      await new Promise((resolve) => setTimeout(resolve, 50));

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

describe('what the refused uploads left behind', () => {
  it('nothing: no row, no file, no column, no log line holds their content', async () => {
    await expectNothingStored();
    await world.expectNothingKept();
  });
});
