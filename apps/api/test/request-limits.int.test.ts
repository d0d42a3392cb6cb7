// Request limits on every route, over real sockets: a body that arrives slower than the minimum
// transfer rate is answered 408 and its connection closed — on /v1, on tRPC, on the dashboard's
// upload — while a body at a normal pace is not; and a workspace has at most
// BULK_MAX_CONCURRENT_UPLOADS uploads in progress (one more: 429 with Retry-After).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  bulkRowCounts,
  createApiKey,
  dashboardHeaders,
  listen,
  multipart,
} from './support/bulk.ts';
import { type Harness, newAccount, startHarness } from './support/harness.ts';

const WINDOW_S = 1;
let h: Harness;
let account: Account;
let key = '';
let baseUrl = '';

beforeAll(async () => {
  h = await startHarness({
    env: {
      HTTP_BODY_MIN_BYTES_PER_SECOND: '1000',
      HTTP_BODY_RATE_WINDOW_SECONDS: String(WINDOW_S),
      BULK_MAX_CONCURRENT_UPLOADS: '1',
    },
  });
  account = await newAccount(h.app);
  key = await createApiKey(account);
  baseUrl = await listen(h);
});

/** Client requests still sending: cut before the server closes (it waits for requests in flight). */
const sending = new Set<http.ClientRequest>();

afterAll(async () => {
  for (const req of sending) req.destroy();
  await h?.close();
});

/** Sends `head`, then `piece` every `everyMs` until the server answers or closes; never ends the body. */
function trickle(
  path: string,
  headers: Record<string, string>,
  head: string,
  piece: string,
  everyMs: number,
) {
  const started = Date.now();
  return new Promise<{ status: number | 'reset'; ms: number; body: string; req: http.ClientRequest }>(
    (resolve) => {
      const req = http.request(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { ...headers, 'transfer-encoding': 'chunked' },
      });
      sending.add(req);
      const timer = setInterval(() => req.write(piece), everyMs);
      const done = (status: number | 'reset', body = '') => {
        clearInterval(timer);
        sending.delete(req);
        resolve({ status, ms: Date.now() - started, body, req });
      };
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => done(res.statusCode ?? 0, body));
      });
      req.on('error', () => done('reset'));
      req.write(head);
    },
  );
}

describe('the minimum transfer rate', () => {
  it('cuts a JSON body on /v1 that trickles in: 408 within two windows, the one error shape', async () => {
    const res = await trickle(
      '/v1/validate',
      { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      '{"email": "',
      'a',
      200,
    );
    expect(res.status).toBe(408);
    expect(res.ms).toBeLessThan(2 * WINDOW_S * 1000 + 1000);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'BAD_REQUEST', message: /slower than 1000 bytes/ });
  });

  it('cuts a tRPC mutation body and a dashboard upload that trickle in', async () => {
    const trpc = await trickle(
      '/trpc/auth.signIn',
      { 'content-type': 'application/json' },
      '{"email":"',
      'b',
      200,
    );
    expect(trpc.status).toBe(408);
    const form = multipart([{ content: 'email\n', filename: 'x.csv' }]);
    const head = form.payload.subarray(0, form.payload.length - 60).toString();
    const upload = await trickle(
      `/api/w/${account.workspaceId}/jobs`,
      { ...(await dashboardHeaders(account.client)), 'content-type': form.contentType },
      head,
      'c',
      200,
    );
    expect(upload.status).toBe(408);
    // What it staged is gone.
    expect((await bulkRowCounts(h)).uploads).toBe(0);
  });

  it('leaves a body at a normal pace alone, however long it takes', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => `paced${i}@postern-paced.com`).join('\n');
    const form = multipart([{ content: `email\n${lines}\n`, filename: 'paced.csv' }]);
    const started = Date.now();
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${baseUrl}/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': form.contentType },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // ~2.5 KB/s for ~3 windows: above the minimum all along.
      let at = 0;
      const timer = setInterval(() => {
        req.write(form.payload.subarray(at, at + 500));
        at += 500;
        if (at >= form.payload.length) {
          clearInterval(timer);
          req.end();
        }
      }, 200);
    });
    expect(status).toBe(201);
    expect(Date.now() - started).toBeGreaterThan(WINDOW_S * 1000);
  });
});

describe('uploads in progress per workspace', () => {
  it('refuses one more than BULK_MAX_CONCURRENT_UPLOADS with 429 and Retry-After', async () => {
    const form = multipart([{ content: 'email\nheld@postern-held.com\n', filename: 'held.csv' }]);
    // One upload in progress: head sent, the rest arriving fast enough not to be cut (a byte pattern
    // the CSV parser keeps reading as one long field).
    const head = form.payload.subarray(0, form.payload.length - 60).toString();
    const first = trickle(
      '/v1/jobs',
      { authorization: `Bearer ${key}`, 'content-type': form.contentType },
      `${head}`,
      'x'.repeat(400),
      200,
    );
    const deadline = Date.now() + 5000;
    while ((await bulkRowCounts(h)).uploads === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await h.app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ emails: ['second@postern-held.com'] }),
    });
    expect(second.statusCode).toBe(429);
    expect(second.headers['retry-after']).toBe('5');
    expect(second.json()).toMatchObject({ code: 'RATE_LIMITED', message: /at most 1 at a time/ });
    // The first upload is still in progress (never cut: it keeps up the rate); the client stops it.
    for (const req of sending) req.destroy();
    expect(await first).toMatchObject({ status: 'reset' });
    // …and what it staged is removed at once.
    const gone = Date.now() + 5000;
    while ((await bulkRowCounts(h)).uploads > 0 && Date.now() < gone)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await bulkRowCounts(h)).uploads).toBe(0);
  });
});
