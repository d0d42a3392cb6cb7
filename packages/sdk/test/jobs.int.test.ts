// client.jobs from the built SDK against the real API and worker processes on a test database; the
// worker resolves through a real local DNS server (no traffic leaves the machine).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import {
  ZBulkJob,
  ZBulkJobList,
  ZBulkProgressEvent,
  ZBulkResultItem,
  ZBulkRowItem,
} from '@postern/contracts';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../validator/test/support/dns-server.ts';
import {
  CLI_ENTRY,
  ESM_ENTRY,
  type LocalServer,
  loadBuiltEsm,
  newApiKey,
  type RunningApi,
  startApi,
  startLocalServer,
} from './helpers.ts';

type Sdk = Awaited<ReturnType<typeof loadBuiltEsm>>;
type Client = ReturnType<Sdk['createClient']>;
type BulkProgressEvent = import('../src/index.ts').BulkProgressEvent;

const run = promisify(execFile);

let dns: TestDnsServer;
let api: RunningApi;
let sdk: Sdk;
let dir: string;

beforeAll(async () => {
  dns = await startDnsServer({
    'sdk-bulk.com': { mx: [{ exchange: 'mx.sdk-bulk.com', priority: 10 }] },
    'nullmx-bulk.org': { mx: [{ exchange: '.', priority: 0 }] },
    'servfail-bulk.net': { rcode: 'SERVFAIL' },
    // Every name under it answers after 120 ms: jobs that take a few seconds.
    '*.slow-bulk.com': { delayMs: 120, mx: [{ exchange: 'mx.sdk-bulk.com', priority: 10 }] },
    // Slower still: rounds of 20 take 0.6 s, so the worker writes results about once a second.
    '*.slower-bulk.com': { delayMs: 600, mx: [{ exchange: 'mx.sdk-bulk.com', priority: 10 }] },
    'mx.sdk-bulk.com': { a: ['192.0.2.25'] }, // without an address the MX would be dangling
  });
  [api, sdk, dir] = await Promise.all([
    startApi({ DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: '1000' }, { worker: true }),
    loadBuiltEsm(),
    mkdtemp(join(tmpdir(), 'postern-sdk-jobs-')),
  ]);
});

afterAll(async () => {
  await api?.stop();
  await dns?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A client of a fresh workspace (its own rate-limit bucket). */
async function newClient(options: Partial<Parameters<Sdk['createClient']>[0]> = {}) {
  const key = await newApiKey(api.url);
  return { client: sdk.createClient({ baseUrl: api.url, apiKey: key.secret, ...options }), key };
}

const slow = (n: number, tag: string, zone = 'slow-bulk.com') =>
  Array.from({ length: n }, (_, i) => `u${i}@d${i}.${tag}.${zone}`);

async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    return error as InstanceType<Sdk['PosternError']>;
  }
  throw new Error('expected the call to fail');
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe('jobs: create, wait, results, download', () => {
  let client: Client;
  let apiKey: string;

  beforeAll(async () => {
    let key: { secret: string };
    ({ client, key } = await newClient());
    apiKey = key.secret;
  });

  it('create({ emails }) -> wait with progress -> completed, results and filtered results', async () => {
    const emails = [
      ...slow(160, 'progress', 'slower-bulk.com'),
      'a@sdk-bulk.com',
      'b@nullmx-bulk.org',
      'not an address',
      'a@sdk-bulk.com', // a duplicate: dropped
    ];
    const { data: job, meta } = await client.jobs
      .create({ emails, name: 'from emails', metadata: { campaign: 'spring', n: 1 } })
      .withMeta();
    expect(meta.httpStatus).toBe(201);
    expect(ZBulkJob.parse(job)).toEqual(job);
    expect(job).toMatchObject({
      name: 'from emails',
      depth: 'standard',
      total: 162,
      metadata: { campaign: 'spring', n: 1 },
    });
    expect(['queued', 'running']).toContain(job.status);

    const seen: BulkProgressEvent[] = [];
    const done = await client.jobs.wait(job.id, { onProgress: (p) => seen.push(p), timeoutMs: 30_000 });
    expect(ZBulkJob.parse(done)).toEqual(done);
    expect(done).toMatchObject({ id: job.id, status: 'completed', processed: 162, percent: 100 });
    expect(done.counts).toMatchObject({ deliverable: 161, undeliverable: 1 });
    expect(done.summary?.rejected).toBeDefined();
    // Progress: several events, never going back, the last one the completed job.
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const event of seen) expect(ZBulkProgressEvent.parse(event)).toEqual(event);
    const processed = seen.map((p) => p.processed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    expect(seen.some((p) => p.processed > 0 && p.processed < 162)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ status: 'completed', processed: 162, percent: 100 });
    // Never the same progress twice: not queued and then running at the same count, not running at
    // 100 % and then completed, not the stream's `done` and the final read of the job again.
    expect(new Set(processed).size).toBe(processed.length);

    // Every item, in order, over several pages.
    const items = [];
    for await (const item of client.jobs.results(job.id, { pageSize: 50 })) items.push(item);
    expect(items).toHaveLength(162);
    expect(items.map((i) => i.seq)).toEqual(Array.from({ length: 162 }, (_, i) => i + 1));
    for (const item of items.slice(0, 3)) expect(ZBulkResultItem.parse(item)).toEqual(item);
    expect(items.find((i) => i.email === 'b@nullmx-bulk.org')).toMatchObject({
      status: 'undeliverable',
      result: { reason: 'null_mx' },
    });

    const undeliverable = [];
    for await (const item of client.jobs.results(job.id, { status: 'undeliverable' }))
      undeliverable.push(item);
    expect(undeliverable.map((i) => i.email)).toEqual(['b@nullmx-bulk.org']);
  });

  it('create({ file: path }) uploads multipart with options; downloads as CSV, JSON and NDJSON', async () => {
    const path = join(dir, 'contacts.csv');
    const rows = ['name,email', 'Ann,ann@sdk-bulk.com', 'Bob,bob@nullmx-bulk.org', 'Cy,cy@sdk-bulk.com'];
    await writeFile(path, `${rows.join('\n')}\n`);
    const job = await client.jobs.create({
      file: path,
      column: 'email',
      dedupe: false,
      metadata: { src: 'csv' },
    });
    expect(job).toMatchObject({ name: 'contacts.csv', total: 3, metadata: { src: 'csv' } });
    expect(job.summary).toMatchObject({ format: 'csv', header: true, column: { name: 'email', index: 1 } });
    const done = await client.jobs.wait(job.id, { timeoutMs: 20_000 });
    expect(done.counts).toMatchObject({ deliverable: 2, undeliverable: 1 });

    const csv = parseCsv(await text(await client.jobs.download(job.id)), { columns: true }) as Record<
      string,
      string
    >[];
    expect(csv.map((r) => [r.email, r.status])).toEqual([
      ['ann@sdk-bulk.com', 'deliverable'],
      ['bob@nullmx-bulk.org', 'undeliverable'],
      ['cy@sdk-bulk.com', 'deliverable'],
    ]);
    const json = JSON.parse(await text(await client.jobs.download(job.id, { format: 'json' })));
    expect(json.map((i: { seq: number; row: number }) => [i.row, i.seq])).toEqual([
      [2, 1],
      [3, 2],
      [4, 3],
    ]);
    for (const item of json) expect(ZBulkRowItem.parse(item)).toEqual(item);
    const { data: stream, meta } = await client.jobs
      .download(job.id, { format: 'ndjson', status: 'deliverable' })
      .withMeta();
    expect(meta.httpStatus).toBe(200);
    const lines = (await text(stream))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((i: { email: string }) => i.email)).toEqual(['ann@sdk-bulk.com', 'cy@sdk-bulk.com']);
  });

  it('create({ file }) from a Blob, bytes and a stream (sent once, never retried)', async () => {
    const csv = 'email\nx1@sdk-bulk.com\nx2@sdk-bulk.com\n';
    const fromBlob = await client.jobs.create({ file: new Blob([csv]), filename: 'blob.csv' });
    expect(fromBlob).toMatchObject({ name: 'blob.csv', total: 2 });
    const fromBytes = await client.jobs.create({ file: new TextEncoder().encode(csv) });
    expect(fromBytes).toMatchObject({ name: 'upload.csv', total: 2 });
    const fromStream = await client.jobs.create({
      file: Readable.from([
        Buffer.from('email\n'),
        Buffer.from('y1@sdk-bulk.com\ny2@sdk-bulk.com\ny3@sdk-bulk.com\n'),
      ]),
      filename: 'stream.csv',
    });
    expect(fromStream).toMatchObject({ name: 'stream.csv', total: 3 });
  });

  it('idempotent create: the same key answers the first job (200), a new call gets a new job', async () => {
    const idempotencyKey = `sdk-test-${Date.now()}`;
    const first = await client.jobs.create({ emails: ['i1@sdk-bulk.com'], idempotencyKey }).withMeta();
    const again = await client.jobs.create({ emails: ['i1@sdk-bulk.com'], idempotencyKey }).withMeta();
    expect(first.meta.httpStatus).toBe(201);
    expect(again.meta.httpStatus).toBe(200);
    expect(again.data.id).toBe(first.data.id);
    expect(again.data.total).toBe(1);
    // The key with another list is another request: refused (422), not answered with the first job.
    await expect(client.jobs.create({ emails: ['i2@sdk-bulk.com'], idempotencyKey })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      httpStatus: 422,
    });
    // Without a key the SDK sends a fresh one per call: two calls, two jobs.
    const a = await client.jobs.create({ emails: ['i3@sdk-bulk.com'] });
    const b = await client.jobs.create({ emails: ['i3@sdk-bulk.com'] });
    expect(a.id).not.toBe(b.id);
  });

  it('listPage() pages newest first with a cursor', async () => {
    const page = await client.jobs.listPage({ limit: 2 });
    expect(ZBulkJobList.parse(page)).toEqual(page);
    expect(page.jobs).toHaveLength(2);
    expect(page.nextCursor).toEqual(expect.any(String));
    const next = await client.jobs.listPage({ limit: 2, cursor: page.nextCursor ?? '' });
    expect((next.jobs[0]?.createdAt ?? '') <= (page.jobs[1]?.createdAt ?? '')).toBe(true);
    expect(next.jobs.map((j) => j.id)).not.toContain(page.jobs[0]?.id);
  });

  it('list() goes through every page: the same jobs as listPage() followed by hand', async () => {
    const byHand: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.jobs.listPage({ limit: 100, ...(cursor ? { cursor } : {}) });
      byHand.push(...page.jobs.map((job) => job.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(byHand.length).toBeGreaterThan(3);
    const seen: string[] = [];
    const requests: string[] = [];
    const counting = sdk.createClient({
      baseUrl: api.url,
      apiKey,
      fetch: (input, init) => {
        requests.push(String(input));
        return fetch(input, init);
      },
    });
    for await (const job of counting.jobs.list({ limit: 2 })) {
      expect(ZBulkJob.parse(job)).toEqual(job);
      seen.push(job.id);
    }
    expect(seen).toEqual(byHand);
    // Pages of 2, asked for one after another, each with the previous page's cursor (a full last
    // page may still carry a cursor, answered by an empty page).
    expect(requests.length).toBeGreaterThanOrEqual(Math.ceil(byHand.length / 2));
    expect(requests.length).toBeLessThanOrEqual(Math.ceil(byHand.length / 2) + 1);
    expect(requests[1]).toMatch(/[?&]cursor=/);
    expect(() => client.jobs.list({ limit: 0 })).toThrow(/limit must be an integer from 1 to 100/);
  });

  it('API refusals are typed errors', async () => {
    const badDepth = await failure(
      client.jobs.create({ emails: ['a@sdk-bulk.com'], depth: 'deep' as 'standard' }),
    );
    expect(badDepth).toMatchObject({ code: 'VALIDATION_FAILED', httpStatus: 422, attempts: 1 });
    expect(badDepth.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const noColumn = await failure(
      client.jobs.create({ file: new Blob(['email\na@sdk-bulk.com\n']), column: 'nope' }),
    );
    expect(noColumn).toMatchObject({ code: 'VALIDATION_FAILED', httpStatus: 422 });
    expect(noColumn.message).toMatch(/Column "nope" not found/);
    expect(() => client.jobs.create({ emails: [] })).toThrow(/non-empty array/);
    expect(() => client.jobs.get('')).toThrow(/job id/);
    expect(() => client.jobs.wait('x', { pollIntervalMs: 500 })).toThrow(/at least 2000/);
  });
});

describe('jobs: cancel, retry, delete', () => {
  let client: Client;

  beforeAll(async () => {
    ({ client } = await newClient());
  });

  it('cancel() stops a running job; wait() resolves with it cancelled', async () => {
    const job = await client.jobs.create({ emails: slow(3000, 'cancel') });
    let cancelling: Promise<unknown> | undefined;
    const ended = await client.jobs.wait(job.id, {
      onProgress: (p) => {
        if (p.processed > 0) cancelling ??= client.jobs.cancel(job.id);
      },
    });
    await cancelling;
    expect(ended.status).toBe('cancelled');
    expect(ended.processed).toBeLessThan(3000);
    expect(ended.completedAt).not.toBeNull();
    // Cancelling again changes nothing.
    expect((await client.jobs.cancel(job.id)).status).toBe('cancelled');
  });

  it('retry() checks the unknown results again', async () => {
    const job = await client.jobs.create({ emails: ['r1@servfail-bulk.net', 'r2@sdk-bulk.com'] });
    const first = await client.jobs.wait(job.id, { timeoutMs: 20_000 });
    expect(first.counts).toMatchObject({ unknown: 1, deliverable: 1 });
    const retried = await client.jobs.retry(job.id);
    expect(retried).toMatchObject({ retries: 1, processed: 1 });
    expect(['queued', 'running']).toContain(retried.status);
    const second = await client.jobs.wait(job.id, { timeoutMs: 20_000 });
    expect(second).toMatchObject({ status: 'completed', retries: 1, processed: 2 });
    // The resolver still fails for that domain: the retried address is unknown again.
    expect(second.counts).toMatchObject({ unknown: 1, deliverable: 1 });
  });

  it('delete() answers 204; the job is then a NOT_FOUND PosternError', async () => {
    const job = await client.jobs.create({ emails: ['d1@sdk-bulk.com'] });
    await client.jobs.wait(job.id, { timeoutMs: 20_000 });
    const { data, meta } = await client.jobs.delete(job.id).withMeta();
    expect(data).toBeUndefined();
    expect(meta.httpStatus).toBe(204);
    const gone = await failure(client.jobs.get(job.id));
    expect(sdk.isPosternError(gone)).toBe(true);
    expect(gone).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404, attempts: 1 });
    expect((await failure(client.jobs.delete(job.id))).code).toBe('NOT_FOUND');
    expect((await failure(client.jobs.wait(job.id))).code).toBe('NOT_FOUND');
  });

  it('wait() rejects with TIMEOUT after timeoutMs and with ABORTED on abort; the job runs on', async () => {
    const job = await client.jobs.create({ emails: slow(400, 'timeout') });
    const timedOut = await failure(client.jobs.wait(job.id, { timeoutMs: 300 }));
    expect(timedOut).toMatchObject({ code: 'TIMEOUT' });
    expect(timedOut.message).toMatch(/did not end within 300 ms/);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    expect((await failure(client.jobs.wait(job.id, { signal: controller.signal }))).code).toBe('ABORTED');
    expect(['queued', 'running']).toContain((await client.jobs.get(job.id)).status);
    await client.jobs.cancel(job.id);
  });
});

describe('jobs.wait() falls back to polling when the event stream fails', () => {
  let proxy: LocalServer;
  const seen: string[] = [];

  beforeAll(async () => {
    // A reverse proxy in front of the real API that cannot stream: /events gets its 502 page.
    const target = new URL(api.url);
    proxy = await startLocalServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url?.endsWith('/events')) {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<h1>502 Bad Gateway</h1>');
        return;
      }
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
  });

  afterAll(async () => {
    await proxy?.close();
  });

  it('polls get() every 2 s and resolves with the ended job', async () => {
    const key = await newApiKey(api.url);
    const client = sdk.createClient({
      baseUrl: proxy.url,
      apiKey: key.secret,
      retry: { maxRetries: 1, baseDelayMs: 10 },
    });
    const job = await client.jobs.create({ emails: slow(60, 'poll') });
    const progress: BulkProgressEvent[] = [];
    const started = performance.now();
    const done = await client.jobs.wait(job.id, { onProgress: (p) => progress.push(p), timeoutMs: 30_000 });
    expect(done.status).toBe('completed');
    expect(progress.at(-1)).toMatchObject({ status: 'completed', processed: 60 });
    const events = seen.filter((line) => line.endsWith(`/v1/jobs/${job.id}/events`));
    const polls = seen.filter((line) => line === `GET /v1/jobs/${job.id}`);
    expect(events).toHaveLength(2); // the stream and its one retry
    expect(polls.length).toBeGreaterThanOrEqual(1);
    // At most one poll per 2 s (plus the first).
    expect(polls.length).toBeLessThanOrEqual(1 + Math.floor((performance.now() - started) / 2000));
  });
});

describe('uploads stream from disk', () => {
  it('a 200 MB file is sent with flat memory (peak RSS far below its size)', async () => {
    const path = join(dir, 'big.csv');
    const line = 'someone.with.a.long.name@sdk-bulk.com\n';
    const chunk = line.repeat(Math.ceil((1024 * 1024) / line.length));
    await writeFile(path, '');
    const { open } = await import('node:fs/promises');
    const handle = await open(path, 'w');
    for (let i = 0; i < 200; i++) await handle.write(chunk);
    await handle.close();
    // A server that counts the bytes and answers like the API (the API would refuse 200 MB).
    let received = 0;
    const sink = await startLocalServer((req, res) => {
      req.on('data', (c: Buffer) => {
        received += c.length;
      });
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'x', bytes: received, length: req.headers['content-length'] }));
      });
    });
    try {
      const script = `
        import { readFileSync } from 'node:fs';
        const { createClient } = await import(${JSON.stringify(ESM_ENTRY)});
        const client = createClient({ baseUrl: process.argv[1], apiKey: process.env.KEY });
        const answer = await client.jobs.create({ file: process.argv[2] });
        const hwm = Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
        console.log(JSON.stringify({ answer, hwm }));
      `;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, sink.url, path], {
        env: { ...process.env, KEY: (await import('./helpers.ts')).wellFormedKey() },
        timeout: 60_000,
      });
      const out = JSON.parse(stdout) as { answer: { bytes: number; length: string }; hwm: number };
      expect(out.answer.bytes).toBeGreaterThan(200 * 1024 * 1024);
      expect(Number(out.answer.length)).toBe(out.answer.bytes);
      expect(out.hwm).toBeLessThan(150);
    } finally {
      await sink.close();
      await rm(path, { force: true });
    }
  });
});

describe('the postern CLI', () => {
  const cli = CLI_ENTRY;
  let secret: string;

  beforeAll(async () => {
    ({ secret } = await newApiKey(api.url));
  });

  const postern = (args: string[], env: Record<string, string | undefined>) =>
    run(process.execPath, [cli, ...args], {
      cwd: dir,
      timeout: 45_000,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
    );

  it('verify list.csv -o out.csv: exit 0, the file with the verdicts, progress lines on a non-TTY stderr', async () => {
    const emails = [...slow(80, 'cli'), 'z@nullmx-bulk.org'];
    await writeFile(join(dir, 'list.csv'), `first,email\n${emails.map((e, i) => `n${i},${e}`).join('\n')}\n`);
    const result = await postern(
      ['verify', 'list.csv', '-o', 'out.csv', '--column', 'email', '--api-url', api.url],
      {
        POSTERN_API_KEY: secret,
      },
    );
    expect(result.stderr).toMatch(/Job [0-9a-f-]{36}: 81 addresses/);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^progress: +\d+\.\d% +\d+\/81 +/m);
    expect(result.stderr).toMatch(/^progress: 100\.0% +81\/81 .*completed$/m);
    expect(result.stderr).toMatch(/Wrote list\.csv with the verdict columns added to out\.csv/);
    expect(result.stderr).not.toContain('\r');
    const rows = parseCsv(await readFile(join(dir, 'out.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows).toHaveLength(81);
    expect(rows.map((r) => r.email)).toEqual(emails);
    expect(rows.map((r) => r.first)).toEqual(emails.map((_, i) => `n${i}`));
    expect(rows.find((r) => r.email === 'z@nullmx-bulk.org')?.status).toBe('undeliverable');

    // --results-only: the download, one row per row of the file.
    const download = await postern(
      ['verify', 'list.csv', '-o', 'results.csv', '--results-only', '-q', '--api-url', api.url],
      { POSTERN_API_KEY: secret },
    );
    expect(download.code).toBe(0);
    const results = parseCsv(await readFile(join(dir, 'results.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(results.map((r) => [r.row, r.email])).toEqual(emails.map((e, i) => [String(i + 2), e]));

    // Several statuses, NDJSON to standard output.
    const filtered = await postern(
      [
        'verify',
        'list.csv',
        '--status',
        'undeliverable,deliverable',
        '--format',
        'ndjson',
        '-q',
        '--api-url',
        api.url,
      ],
      { POSTERN_API_KEY: secret },
    );
    expect(filtered.code).toBe(0);
    expect(filtered.stderr).toBe('');
    const lines = filtered.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: string });
    expect(lines).toHaveLength(81);
    expect(lines[0]?.status).toBe('undeliverable');
  });

  it('--json: the outcome as one JSON object on stdout; the installation from POSTERN_API_URL', async () => {
    await writeFile(join(dir, 'json.csv'), 'email\na@sdk-bulk.com\nb@nullmx-bulk.org\n');
    const env = { POSTERN_API_KEY: secret, POSTERN_API_URL: api.url };
    const done = await postern(['verify', 'json.csv', '-o', 'json-out.ndjson', '--json'], env);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    const outcome = JSON.parse(done.stdout) as { job: unknown; output: string };
    expect(ZBulkJob.parse(outcome.job)).toEqual(outcome.job);
    expect(outcome).toMatchObject({ output: 'json-out.ndjson', job: { status: 'completed', total: 2 } });
    const lines = (await readFile(join(dir, 'json-out.ndjson'), 'utf8')).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { email: string }).email).sort()).toEqual([
      'a@sdk-bulk.com',
      'b@nullmx-bulk.org',
    ]);

    const { wellFormedKey } = await import('./helpers.ts');
    const refused = await postern(['verify', 'json.csv', '-o', 'x.csv', '--json'], {
      ...env,
      POSTERN_API_KEY: wellFormedKey(),
    });
    expect(refused.code).toBe(3);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      error: { code: 'UNAUTHENTICATED', httpStatus: 401, requestId: expect.any(String) },
      job: null,
    });
    // The outcome takes standard output: the results need a file.
    const noOutput = await postern(['verify', 'json.csv', '--json'], env);
    expect(noOutput.code).toBe(2);
    expect(noOutput.stderr).toMatch(/--json .* give -o <file>/);
  });

  it('refuses a missing key (exit 2) and reports a key the API refuses (exit 3)', async () => {
    await writeFile(join(dir, 'one.csv'), 'email\na@sdk-bulk.com\n');
    const missing = await postern(['verify', 'one.csv', '-o', 'o.csv', '--api-url', api.url], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/POSTERN_API_KEY is not set/);
    const flag = await postern(['verify', 'one.csv', '--api-key', secret], {});
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/read from POSTERN_API_KEY only/);
    const usage = await postern(['verify'], { POSTERN_API_KEY: secret });
    expect(usage.code).toBe(2);
    const { wellFormedKey } = await import('./helpers.ts');
    const refused = await postern(['verify', 'one.csv', '-o', 'o.csv', '--api-url', api.url], {
      POSTERN_API_KEY: wellFormedKey(),
    });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/UNAUTHENTICATED \(HTTP 401, request [0-9a-f-]{36}\)/);
  });

  it('Ctrl-C cancels the job and says so (exit 130)', async () => {
    await writeFile(join(dir, 'long.csv'), `email\n${slow(3000, 'sigint').join('\n')}\n`);
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [cli, 'verify', 'long.csv', '-o', 'long-out.csv', '--api-url', api.url],
      {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, POSTERN_API_KEY: secret },
      },
    );
    let stderr = '';
    const jobId = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no job line: ${stderr}`)), 20_000);
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /Job ([0-9a-f-]{36}):/.exec(stderr);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toMatch(new RegExp(`Interrupted: cancelled job ${jobId}`));
    expect(code).toBe(130);
    const client = sdk.createClient({ baseUrl: api.url, apiKey: secret });
    expect((await client.jobs.get(jobId)).status).toBe('cancelled');
  });
});
