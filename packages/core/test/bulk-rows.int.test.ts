// What bulk downloads keep of every data row of an upload (bulk_job_rows, rows.ts) and how they read it
// back (file-rows.ts), against real PostgreSQL: file order across row blocks and chunks, refused and
// duplicate rows with their row numbers, blank lines counted, the address as uploaded; the blocks are
// ciphertexts bound to their row (a copied block does not open), covered by key rotation, and removed
// with the job (delete, purge) or with a failed upload.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BulkRowItemDto } from '@postern/contracts';
import { BulkJob, BulkJobRows, type MikroORM } from '@postern/db';
import type { TestDatabase } from '@postern/db/testing';
import type { PgBoss } from '@postern/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRowBlock, ROWS_PER_BLOCK, type RowBlockRecord } from '../src/bulk/rows.ts';
import {
  type Clock,
  createBulkJob,
  createKeyring,
  DEFAULT_POLICY,
  deleteBulkJob,
  ENCRYPTED_FIELDS,
  fileRowPages,
  rotateEncryptedFields,
} from '../src/index.ts';
import { bulkContextFactory, startBulkStore, stopBulkStore } from './support/bulk-context.ts';

const WORKSPACE = '00000000-0000-4000-8000-0000000000a1';
const ACTOR = '00000000-0000-4000-8000-0000000000b1';
const KEYS = [{ id: 't', key: randomBytes(32) }];
const keyring = createKeyring(KEYS);
const clock: Clock = { now: () => new Date('2026-11-01T10:00:00Z') };

let db: TestDatabase;
let orm: MikroORM;
let boss: PgBoss;

beforeAll(async () => {
  ({ db, orm, boss } = await startBulkStore('bulk-rows-test', 4));
});

afterAll(async () => {
  await stopBulkStore({ db, orm, boss });
});

const ctx = bulkContextFactory(() => ({ em: orm.em.fork(), keyring, clock, queue: boss }));

/** In 97-byte pieces: the extractor streams across them. */
function pieces(text: string): Readable {
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 97) out.push(bytes.subarray(i, i + 97));
  return Readable.from(out);
}

async function allRows(jobId: string, status?: 'pending' | 'deliverable', keys = keyring) {
  const rows: BulkRowItemDto[] = [];
  const read = { em: orm.em.fork(), keyring: keys };
  for await (const page of fileRowPages(read, WORKSPACE, jobId, { status, policy: DEFAULT_POLICY }))
    rows.push(...page);
  return rows;
}

const blocksOf = (jobId: string) =>
  orm.em
    .fork()
    .getConnection()
    .execute(
      'select id, seq, from_row, from_seq, size, rows from bulk_job_rows where job_id = ? order by seq',
      [jobId],
      'all',
    ) as Promise<RowBlockRecord[]>;

describe('the rows of an upload', () => {
  it('lists every data row in file order across blocks and chunks: refused, duplicate, IDN, blank lines counted', async () => {
    // 4,600 data rows (three blocks of 2,000), a blank line every 500 rows, every 7th row refused,
    // every 11th a repeat of the row above it; chunks of 300 addresses.
    const lines = ['name,email'];
    const expected: [number, string, string, string | number | null][] = [];
    let row = 1;
    for (let i = 0; i < 4600; i++) {
      if (i > 0 && i % 500 === 0) {
        lines.push('');
        row += 1;
      }
      row += 1;
      if (i % 7 === 3) {
        lines.push(`P${i},"no at sign ${i}"`);
        expected.push([row, `no at sign ${i}`, 'rejected', 'invalid_syntax']);
      } else if (i % 11 === 5 && expected.at(-1)?.[2] === 'pending') {
        // The same address, the local part in capitals: listed as its (Unicode) form.
        const previous = expected.at(-1) as [number, string, string, string | number | null];
        const repeat = previous[1].replace(/^[^@]+/, (local) => local.toUpperCase());
        lines.push(`P${i},${repeat}`);
        expected.push([row, repeat, 'duplicate', previous[0]]);
      } else {
        const email = i % 13 === 0 ? `jörg${i}@bücher.example` : `p${i}@example.com`;
        lines.push(`P${i},${email}`);
        expected.push([row, email, 'pending', null]);
      }
    }
    const job = await createBulkJob(ctx(ACTOR), WORKSPACE, {
      source: pieces(`${lines.join('\r\n')}\r\n`),
      depth: 'standard',
      chunkSize: 300,
    });
    expect(job.summary).toMatchObject({ headerRow: 1, rowsRead: 4600 });
    const blocks = await blocksOf(job.id);
    expect(blocks.map((b) => b.size)).toEqual([ROWS_PER_BLOCK, ROWS_PER_BLOCK, 600]);

    const rows = await allRows(job.id);
    expect(
      rows.map((r) => [r.row, r.email, r.status, r.status === 'duplicate' ? r.duplicate_of : r.reason]),
    ).toEqual(expected);
    // Verified rows carry their sequence number and both forms of the address.
    const verified = rows.filter((r) => r.status === 'pending');
    expect(verified.map((r) => r.seq)).toEqual(verified.map((_, i) => i + 1));
    expect(verified.length).toBe(job.total);
    const idn = verified.find((r) => r.email.startsWith('jörg13@'));
    expect(idn).toMatchObject({
      email: 'jörg13@bücher.example',
      email_ascii: 'jörg13@xn--bcher-kva.example',
    });
    expect(rows.find((r) => r.status === 'rejected')).toMatchObject({
      seq: null,
      email_ascii: '',
      action: 'reject',
      policy_action: 'reject',
      syntax_error: 'no_at_sign',
    });
    // A filter lists verified addresses only.
    expect((await allRows(job.id, 'pending')).map((r) => r.row)).toEqual(verified.map((r) => r.row));
  }, 60_000);

  it('a JSON array: rows are its 1-based indexes; a list of refused rows only still lists them', async () => {
    const job = await createBulkJob(ctx(ACTOR), WORKSPACE, {
      source: ['a@example.com', 42, 'A@example.com', ''],
      depth: 'standard',
    });
    expect((await allRows(job.id)).map((r) => [r.row, r.status, r.reason])).toEqual([
      [1, 'pending', null],
      [2, 'rejected', 'not_a_string'],
      [3, 'duplicate', 'duplicate'],
      [4, 'rejected', 'empty'],
    ]);
    const none = await createBulkJob(ctx(ACTOR), WORKSPACE, {
      source: pieces('email\nnope\n\n=1+2\n'),
      depth: 'standard',
    });
    expect(none.total).toBe(0);
    expect((await allRows(none.id)).map((r) => [r.row, r.email, r.status])).toEqual([
      [2, 'nope', 'rejected'],
      [4, '=1+2', 'rejected'],
    ]);
  });

  it('blocks are ciphertexts bound to their row, re-encrypted by key rotation', async () => {
    const job = await createBulkJob(ctx(ACTOR), WORKSPACE, {
      source: pieces('email\nsecret-marker@example.com\nnot an address marker\n'),
      depth: 'standard',
    });
    const [block] = await blocksOf(job.id);
    if (!block) throw new Error('no block');
    expect(block.rows).not.toContain('marker');
    expect(openRowBlock(keyring, block)).toHaveLength(2);
    // Moved to another row (or job), it does not open.
    expect(() => openRowBlock(keyring, { ...block, id: '00000000-0000-4000-8000-000000000001' })).toThrow();

    expect(ENCRYPTED_FIELDS).toContainEqual({ table: 'bulk_job_rows', idColumn: 'id', column: 'rows' });
    const before = await allRows(job.id);
    const newKey = { id: 'n', key: randomBytes(32) };
    const results = await rotateEncryptedFields(orm.em.fork(), createKeyring([newKey, ...KEYS]), {
      fields: ENCRYPTED_FIELDS.filter((f) => f.table.startsWith('bulk_job_')),
    });
    expect(results.map((r) => r.table)).toContain('bulk_job_rows');
    for (const result of results) expect(result).toMatchObject({ failed: 0, skipped: 0 });
    const [rotated] = await blocksOf(job.id);
    expect(rotated?.rows.startsWith('v1.n.')).toBe(true);
    expect(await allRows(job.id, undefined, createKeyring([newKey]))).toEqual(before);
  });

  it('row blocks go with the job (delete) and with a failed upload', async () => {
    const job = await createBulkJob(ctx(ACTOR), WORKSPACE, {
      source: ['x@example.com', 'bad'],
      depth: 'standard',
    });
    expect(await orm.em.fork().count(BulkJobRows, { jobId: job.id })).toBe(1);
    await deleteBulkJob(ctx(ACTOR), WORKSPACE, job.id);
    expect(await orm.em.fork().count(BulkJobRows, { jobId: job.id })).toBe(0);

    // 7,000 rows then one too many: the first batches (chunks and row blocks) were written, then removed.
    const rows = Array.from({ length: 7001 }, (_, i) => `f${i}@example.com`);
    const failed = createBulkJob(ctx(ACTOR), WORKSPACE, {
      source: pieces(`email\n${rows.join('\n')}\n`),
      depth: 'standard',
      maxRows: 7000,
    });
    await expect(failed).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const orphans = (await orm.em
      .fork()
      .getConnection()
      .execute(
        'select count(*)::int as n from bulk_job_rows r where not exists (select 1 from bulk_job j where j.id = r.job_id)',
        [],
        'all',
      )) as { n: number }[];
    expect(orphans[0]?.n).toBe(0);
    expect(await orm.em.fork().count(BulkJob, { workspaceId: WORKSPACE, total: 7000 })).toBe(0);
  }, 30_000);
});
