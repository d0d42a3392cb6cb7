// Bulk results joined back to the uploaded file, against the real API and worker: the downloads list
// every data row in file order (refused and duplicate rows, the address as uploaded — IDN in Unicode —
// and its ASCII form, formula cells neutralised), and `postern verify in.csv -o out.csv` writes the
// original file byte for byte with the verdict columns appended (BOM, `;`, quoted fields, CRLF kept).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { domainToASCII } from 'node:url';
import { promisify } from 'node:util';
import { ZBulkRowItem } from '@postern/contracts';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../validator/test/support/dns-server.ts';
import { CLI_ENTRY, loadBuiltEsm, newApiKey, type RunningApi, startApi } from './helpers.ts';

const run = promisify(execFile);
const IDN = 'bücher-join.de';
const MX = { mx: [{ exchange: 'mx.join-good.com', priority: 10 }] };

// Records of the file, each with its line break: a BOM, `;` delimiters, quoted fields with the
// delimiter, doubled quotes and a line break, a blank line, refused, duplicate and formula-looking rows.
const RECORDS = [
  '\uFEFF"Name";"E-mail";"Note"\r\n',
  '"Müller; Jörg";müller@bücher-join.de;"line one\r\nline ""two"""\r\n',
  'Ann;ann@join-good.com;=1+2\r\n',
  '\r\n',
  'Bad;not-an-address;x\r\n',
  'Dup;ANN@join-good.com;dup\r\n',
  'Formula;=cmd@join-good.com;@SUM(A1)\r\n',
  'Empty;;none\r\n',
  'Last;-minus@join-good.com;no line break at the end',
];
const FILE = RECORDS.join('');

let dns: TestDnsServer;
let api: RunningApi;
let dir: string;
let secret: string;

beforeAll(async () => {
  dns = await startDnsServer({
    'join-good.com': MX,
    [domainToASCII(IDN)]: MX,
    'mx.join-good.com': { a: ['192.0.2.25'] },
  });
  [api, dir] = await Promise.all([
    startApi({ DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: '1000' }, { worker: true }),
    mkdtemp(join(tmpdir(), 'postern-sdk-join-')),
  ]);
  ({ secret } = await newApiKey(api.url));
  await writeFile(join(dir, 'in.csv'), FILE);
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await dns?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const text = (stream: ReadableStream<Uint8Array>) => new Response(stream).text();

describe('bulk results joined back to the file', () => {
  it('downloads: every data row in file order, refused and duplicate rows, IDN in Unicode, formula cells neutralised', async () => {
    const sdk = await loadBuiltEsm();
    const client = sdk.createClient({ baseUrl: api.url, apiKey: secret });
    const job = await client.jobs.create({ file: join(dir, 'in.csv') });
    expect(job.summary).toMatchObject({
      delimiter: ';',
      header: true,
      headerRow: 1,
      rowsRead: 7,
      duplicates: 1,
    });
    await client.jobs.wait(job.id, { timeoutMs: 30_000 });

    const csv = parseCsv(await text(await client.jobs.download(job.id)), { columns: true }) as Record<
      string,
      string
    >[];
    // The row, both forms of the address, then the columns a join appends (pinned in the browser test).
    expect(Object.keys(csv[0] ?? {})).toEqual(['row', 'email', 'email_ascii', ...sdk.BULK_JOIN_COLUMNS]);
    expect(csv.map((r) => [r.row, r.email, r.email_ascii, r.status, r.reason, r.duplicate_of])).toEqual([
      ['2', 'müller@bücher-join.de', `müller@${domainToASCII(IDN)}`, 'deliverable', 'mail_host_found', ''],
      ['3', 'ann@join-good.com', 'ann@join-good.com', 'deliverable', 'mail_host_found', ''],
      ['5', 'not-an-address', '', 'rejected', 'invalid_syntax', ''],
      ['6', 'ANN@join-good.com', 'ANN@join-good.com', 'duplicate', 'duplicate', '3'],
      ['7', "'=cmd@join-good.com", "'=cmd@join-good.com", 'deliverable', 'mail_host_found', ''],
      ['8', '', '', 'rejected', 'empty', ''],
      ['9', "'-minus@join-good.com", "'-minus@join-good.com", 'deliverable', 'mail_host_found', ''],
    ]);
    expect(csv[0]).toMatchObject({ action: 'accept', policy_action: 'accept', mx_host: 'mx.join-good.com' });
    expect(csv[2]).toMatchObject({ action: 'reject', policy_action: 'reject' });

    const json = JSON.parse(await text(await client.jobs.download(job.id, { format: 'json' }))) as unknown[];
    const rows = json.map((item) => ZBulkRowItem.parse(item));
    expect(rows.map((r) => [r.row, r.seq])).toEqual([
      [2, 1],
      [3, 2],
      [5, null],
      [6, null],
      [7, 3],
      [8, null],
      [9, 4],
    ]);
    expect(rows[2]).toMatchObject({
      email: 'not-an-address',
      syntax_error: expect.any(String),
      result: null,
    });
    expect(rows[0]?.result?.policy_action).toBe('accept');
    // Filtered: only the verified addresses with that verdict.
    const ndjson = (
      await text(await client.jobs.download(job.id, { format: 'ndjson', status: 'deliverable' }))
    )
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { row: number }).row);
    expect(ndjson).toEqual([2, 3, 7, 9]);

    // The workspace's policy is applied on every download (the stored verdicts do not change).
    await client.policy.set({
      rules: [
        { status: ['deliverable'], action: 'accept_with_caution' },
        { reason: ['invalid_syntax'], action: 'accept_with_caution' },
      ],
      default: 'engine',
    });
    const withPolicy = (await text(await client.jobs.download(job.id, { format: 'ndjson' })))
      .trim()
      .split('\n')
      .map((line) => ZBulkRowItem.parse(JSON.parse(line)))
      .map((r) => [r.row, r.action, r.policy_action, r.result?.policy_action ?? null]);
    expect(withPolicy).toEqual([
      [2, 'accept', 'accept_with_caution', 'accept_with_caution'],
      [3, 'accept', 'accept_with_caution', 'accept_with_caution'],
      [5, 'reject', 'accept_with_caution', null],
      [6, null, null, null],
      [7, 'accept', 'accept_with_caution', 'accept_with_caution'],
      [8, 'reject', 'accept_with_caution', null],
      [9, 'accept', 'accept_with_caution', 'accept_with_caution'],
    ]);
    const page = await client.jobs.listPage();
    expect(page.jobs[0]?.id).toBe(job.id);
    for await (const item of client.jobs.results(job.id))
      expect(item.result?.policy_action).toBe('accept_with_caution');
    await client.policy.set({ rules: [], default: 'engine' });
  }, 60_000);

  it('postern verify in.csv -o out.csv: the original file byte for byte, the verdict columns appended', async () => {
    const result = await run(
      process.execPath,
      [CLI_ENTRY, 'verify', 'in.csv', '-o', 'out.csv', '-q', '--api-url', api.url],
      { cwd: dir, timeout: 60_000, env: { PATH: process.env.PATH, POSTERN_API_KEY: secret } },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(result).toMatchObject({ stderr: '' });
    const out = await readFile(join(dir, 'out.csv'));

    // The expected file, built from the CSV download (its columns after email_ascii are the appended
    // ones, formula cells neutralised alike; none here holds a `;` or a quote): each record, then `;`
    // and its cells, then its own line break.
    const sdk = await loadBuiltEsm();
    const client = sdk.createClient({ baseUrl: api.url, apiKey: secret });
    const [job] = (await client.jobs.listPage()).jobs;
    const download = parseCsv(await text(await client.jobs.download(job?.id as string))) as string[][];
    expect(download[0]?.slice(3)).toEqual([...sdk.BULK_JOIN_COLUMNS]);
    const byRow = new Map(download.slice(1).map((cells) => [Number(cells[0]), cells.slice(3)]));
    const expected = RECORDS.map((record, index) => {
      const body = record.replace(/\r\n$/, '');
      const eol = record.slice(body.length);
      const cells = index === 0 ? sdk.BULK_JOIN_COLUMNS : byRow.get(index + 1);
      return cells ? `${body};${cells.join(';')}${eol}` : record;
    }).join('');
    expect(out.toString('utf8')).toBe(expected);
    expect(out.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  }, 90_000);
});
