import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../src/errors.ts';
import {
  dedupeKey,
  type ExtractedAddress,
  type ExtractOptions,
  extractAddresses,
  extractFromArray,
  firstInvalidUtf8,
} from '../src/ingest/index.ts';

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** Splits `buf` at the given offsets. */
function splitAt(buf: Buffer, ...offsets: number[]): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (const offset of [...offsets, buf.length]) {
    parts.push(buf.subarray(start, offset));
    start = offset;
  }
  return parts;
}

function chunksOf(buf: Buffer, size: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return parts;
}

/** A real stream over lazily produced chunks that records how far it was read and whether it was closed. */
function tracked(chunks: Iterable<Buffer>) {
  const state = { pulled: 0, closed: false };
  function* produce() {
    try {
      for (const chunk of chunks) {
        state.pulled++;
        yield chunk;
      }
    } finally {
      state.closed = true;
    }
  }
  return { stream: Readable.from(produce()), state };
}

async function run(input: Buffer | Buffer[], options: ExtractOptions = {}) {
  const addresses: ExtractedAddress[] = [];
  const summary = await extractAddresses(Readable.from(Array.isArray(input) ? input : [input]), {
    ...options,
    onAddress: (address) => {
      addresses.push(address);
    },
  });
  return { summary, addresses, ascii: addresses.map((a) => a.ascii) };
}

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected the extraction to fail');
}

/** Runs `input` (with a long tail of valid rows behind it) and checks the error and that the source was closed. */
async function failsCleanly(head: Buffer, options: ExtractOptions, tailRows = 0) {
  const tail = function* () {
    yield* chunksOf(head, 4096);
    for (let i = 0; i < tailRows; i++) yield utf8(`tail${i}@example.com\n`);
  };
  const { stream, state } = tracked(tail());
  const error = await failure(extractAddresses(stream, options));
  expect(stream.destroyed).toBe(true);
  await tick();
  expect(state.closed).toBe(true);
  return { error, state };
}

const SAMPLE_CSV =
  'Name,Email,Notes\r\n' +
  'José Núñez,Jose.Nunez@Example.COM,"likes ""quotes"", commas"\r\n' +
  '"Doe, Jane",jane@example.org,"two\r\nlines"\r\n' +
  'Jörg,jörg@bücher.example,\r\n' +
  'Nobody,,\r\n' +
  'Broken,not-an-address,x\r\n';

describe('extractAddresses: CSV basics', () => {
  it('detects the format and the column by header name, and returns the canonical forms', async () => {
    const { summary, addresses } = await run(utf8(SAMPLE_CSV));
    expect(summary).toEqual({
      format: 'csv',
      delimiter: ',',
      header: true,
      headerRow: 1,
      column: { index: 1, name: 'Email', detectedBy: 'header' },
      rowsRead: 5,
      addresses: 3,
      duplicates: 0,
      rejected: { empty: 1, no_at_sign: 1 },
      bytes: Buffer.byteLength(SAMPLE_CSV),
    });
    // Rows of the file: the header is row 1; a quoted line break does not start a row.
    expect(addresses).toEqual([
      { row: 2, ascii: 'Jose.Nunez@example.com', unicode: 'Jose.Nunez@example.com' },
      { row: 3, ascii: 'jane@example.org', unicode: 'jane@example.org' },
      { row: 4, ascii: 'jörg@xn--bcher-kva.example', unicode: 'jörg@bücher.example' },
    ]);
  });

  it('gives the same result whatever the chunk boundaries (inside a UTF-8 character, a quoted field, CR|LF)', async () => {
    const buf = utf8(`\uFEFF${SAMPLE_CSV}`);
    const expected = await run(buf);
    // Every single split point, then 1-, 2- and 3-byte chunks.
    for (let at = 1; at < buf.length; at++) {
      const got = await run(splitAt(buf, at));
      expect(got.summary, `split at ${at}`).toEqual(expected.summary);
      expect(got.addresses, `split at ${at}`).toEqual(expected.addresses);
    }
    for (const size of [1, 2, 3]) {
      const got = await run(chunksOf(buf, size));
      expect(got.addresses).toEqual(expected.addresses);
      expect(got.summary.rejected).toEqual(expected.summary.rejected);
    }
    // The awkward places are really inside those splits:
    const text = buf.toString('latin1');
    expect(text.indexOf('\r\n')).toBeGreaterThan(0); // CR|LF
    expect(buf.indexOf(utf8('é'))).toBeGreaterThan(0); // a two-byte character
  });

  it('strips a UTF-8 BOM, even split byte by byte', async () => {
    const { summary } = await run(chunksOf(utf8('\uFEFFemail\nbob@example.com\n'), 1));
    expect(summary.column).toEqual({ index: 0, name: 'email', detectedBy: 'header' });
    expect(summary.addresses).toBe(1);
    expect(summary.bytes).toBe(3 + 22);
  });

  it('handles quoted fields, escaped quotes, embedded delimiters and line breaks, and LF / CR / CRLF', async () => {
    for (const eol of ['\n', '\r', '\r\n']) {
      const csv = [
        'id,comment,mail',
        '1,"a, b",one@example.com',
        `2,"He said ""hi""${eol}then left",two@example.com`,
        '3,"",  three@example.com  ',
        '"4","x","four@example.com"',
      ].join(eol);
      const { summary, ascii } = await run(chunksOf(utf8(csv), 7));
      expect(ascii).toEqual(['one@example.com', 'two@example.com', 'three@example.com', 'four@example.com']);
      expect(summary.column.name).toBe('mail');
      expect(summary.rowsRead).toBe(4);
    }
  });

  it('copes with ragged rows: uses what is there, a row without the email column counts as empty', async () => {
    const csv = 'first,last,email\na,b,a@example.com\nshort,row\nlong,row,b@example.com,extra,extra2\nonly\n';
    const { summary, addresses } = await run(utf8(csv));
    expect(addresses.map((a) => [a.row, a.ascii])).toEqual([
      [2, 'a@example.com'],
      [4, 'b@example.com'],
    ]);
    expect(summary).toMatchObject({ rowsRead: 4, addresses: 2, rejected: { empty: 2 } });
  });

  it('skips blank lines (they are not data rows) but counts them in row numbers, in CSV and plain lists', async () => {
    const { summary, addresses } = await run(utf8('email\n\na@example.com\n\n\nb@example.com\n\n'));
    expect(summary.rowsRead).toBe(2);
    expect(addresses.map((a) => a.row)).toEqual([3, 6]);
    const list = await run(utf8('\r\na@example.com\r\n\r\nb@example.com'));
    expect(list.summary).toMatchObject({ format: 'list', header: false, headerRow: null, rowsRead: 2 });
    expect(list.addresses.map((a) => a.row)).toEqual([2, 4]);
    const leading = await run(utf8('\n\nname,email\nAnn,a@example.com\n'));
    expect(leading.summary.headerRow).toBe(3);
    expect(leading.addresses.map((a) => a.row)).toEqual([4]);
  });

  it('reports refused and duplicate rows, in file order with the addresses, with their rows', async () => {
    const csv = 'name,email\nA,a@example.com\nB,not-an-address\n\nC,A@EXAMPLE.com\nD,=cmd@x\nE,\n';
    const events: unknown[] = [];
    await extractAddresses(Readable.from([utf8(csv)]), {
      onAddress: (a) => void events.push(['address', a.row, a.ascii]),
      onSkipped: (s) => void events.push(s),
    });
    expect(events).toEqual([
      ['address', 2, 'a@example.com'],
      { kind: 'rejected', row: 3, reason: 'no_at_sign', value: 'not-an-address' },
      { kind: 'duplicate', row: 5, of: 2, ascii: 'A@example.com', unicode: 'A@example.com' },
      { kind: 'rejected', row: 6, reason: expect.any(String), value: '=cmd@x' },
      { kind: 'rejected', row: 7, reason: 'empty', value: '' },
    ]);
  });
});

describe('extractAddresses: formats and encodings', () => {
  it('reads a semicolon CSV', async () => {
    const csv = 'Nom;Courriel;Ville\n"Dupont; Jean";jean@exemple.fr;Paris\nMarie;marie@exemple.fr;Lyon\n';
    const { summary, ascii } = await run(utf8(csv));
    expect(summary).toMatchObject({
      format: 'csv',
      delimiter: ';',
      column: { index: 1, name: 'Courriel', detectedBy: 'header' },
    });
    expect(ascii).toEqual(['jean@exemple.fr', 'marie@exemple.fr']);
  });

  it('reads a TSV', async () => {
    const tsv = 'name\temail address\tcity\nAnn, B.\tann@example.com\tRome\nBo\tbo@example.com\tOslo\n';
    const { summary, ascii } = await run(utf8(tsv));
    expect(summary).toMatchObject({
      format: 'tsv',
      delimiter: '\t',
      column: { index: 1, name: 'email address', detectedBy: 'header' },
    });
    expect(ascii).toEqual(['ann@example.com', 'bo@example.com']);
    expect((await run(utf8(tsv), { format: 'tsv' })).ascii).toEqual(ascii);
  });

  it('reads a plain list (with or without a header, quoted lines, CRLF split across chunks)', async () => {
    const list = utf8(
      'a@example.com\r\n"b@example.com"\r\n\r\nnot an address\r\n"q,uote"@example.com\r\nc@example.com',
    );
    const { summary, ascii } = await run(list);
    expect(summary).toMatchObject({
      format: 'list',
      delimiter: null,
      header: false,
      column: { index: 0, name: null, detectedBy: 'content' },
      rowsRead: 5,
      addresses: 3,
      rejected: { no_at_sign: 1, quoted_local_not_allowed: 1 },
    });
    expect(ascii).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    for (let at = 1; at < list.length; at++) {
      expect((await run(splitAt(list, at))).ascii, `split at ${at}`).toEqual(ascii);
    }
    const withHeader = await run(utf8('Email\nx@example.com\ny@example.com\n'));
    expect(withHeader.summary).toMatchObject({
      format: 'list',
      header: true,
      column: { index: 0, name: 'Email', detectedBy: 'header' },
      rowsRead: 2,
      addresses: 2,
    });
  });

  it('reads Latin-1 when asked (é in names), and refuses it as UTF-8 with the offset of the first bad byte', async () => {
    const latin1 = Buffer.from('nom,email\nJosé,jose@example.com\nRenée,renee@example.com\n', 'latin1');
    const { summary, ascii } = await run(chunksOf(latin1, 5), { encoding: 'latin1' });
    expect(summary).toMatchObject({ format: 'csv', rowsRead: 2, addresses: 2, bytes: latin1.length });
    expect(ascii).toEqual(['jose@example.com', 'renee@example.com']);

    // A non-ASCII local part in Latin-1 comes through as the proper character.
    const accented = await run(Buffer.from('email\njosé@example.com\n', 'latin1'), { encoding: 'latin1' });
    expect(accented.addresses).toEqual([{ row: 2, ascii: 'josé@example.com', unicode: 'josé@example.com' }]);

    const offset = latin1.indexOf(0xe9);
    const error = await failure(extractAddresses(Readable.from([latin1])));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe(
      `The file is not valid UTF-8 (first bad byte at offset ${offset}); save it as UTF-8 or choose Latin-1`,
    );
  });

  it('reports invalid UTF-8 at the right offset across chunks and for a sequence cut off at the end', async () => {
    // A valid two-byte character split across chunks, then an overlong encoding deep in the file.
    const good = utf8(`email\n${'ü@example.com\n'.repeat(2000)}`);
    const bad = Buffer.concat([good, Buffer.from([0xc0, 0xaf]), utf8('@example.com\n')]);
    const { error, state } = await failsCleanly(bad, {}, 10_000);
    expect(error.message).toBe(
      `The file is not valid UTF-8 (first bad byte at offset ${good.length}); save it as UTF-8 or choose Latin-1`,
    );
    expect(error.details).toEqual({ offset: good.length });
    expect(state.pulled).toBeLessThan(100); // stopped there, not at the end of the tail

    const truncated = Buffer.concat([utf8('email\na@example.com\n'), Buffer.from([0xe2, 0x82])]);
    const cut = await failure(extractAddresses(Readable.from(chunksOf(truncated, 1))));
    expect(cut.message).toContain(`first bad byte at offset ${truncated.length - 2}`);
  });

  it('refuses UTF-16 (with or without a BOM)', async () => {
    const text = 'email\r\na@example.com\r\n';
    const withBom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const noBom = Buffer.from(text, 'utf16le');
    for (const input of [withBom, noBom]) {
      const error = await failure(extractAddresses(Readable.from([input])));
      expect(error).toMatchObject({
        code: 'BAD_REQUEST',
        message: 'UTF-16 files are not supported; save as UTF-8',
      });
    }
  });

  it('finds the email column by content when the header does not name it, or when there is no header', async () => {
    const named = await run(utf8('Contact,Value\nAnn,ann@example.com\nBo,bo@example.com\nCy,\n'));
    expect(named.summary).toMatchObject({
      header: true,
      column: { index: 1, name: 'Value', detectedBy: 'content' },
      rowsRead: 3,
      addresses: 2,
      rejected: { empty: 1 },
    });
    const headerless = await run(utf8('Ann;ann@example.com\nBo;bo@example.com\n'));
    expect(headerless.summary).toMatchObject({
      header: false,
      column: { index: 1, name: null, detectedBy: 'content' },
      rowsRead: 2,
    });
    expect(headerless.addresses[0]?.row).toBe(1);
  });

  it('takes the column by name (case-, space- and underscore-insensitive) or by 0-based index', async () => {
    const csv = utf8('Work Email,Home_Email\nw1@example.com,h1@example.com\nw2@example.com,h2@example.com\n');
    const byName = await run(csv, { column: 'home email' });
    expect(byName.summary.column).toEqual({ index: 1, name: 'Home_Email', detectedBy: 'option' });
    expect(byName.ascii).toEqual(['h1@example.com', 'h2@example.com']);
    const byIndex = await run(csv, { column: 0 });
    expect(byIndex.summary.column).toEqual({ index: 0, name: 'Work Email', detectedBy: 'option' });
    expect(byIndex.ascii).toEqual(['w1@example.com', 'w2@example.com']);

    const unknown = await failure(run(csv, { column: 'fax' }));
    expect(unknown).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'Column "fax" not found in the header',
      details: { columns: ['Work Email', 'Home_Email'] },
    });
    const outOfRange = await failure(run(csv, { column: 5 }));
    expect(outOfRange).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'Column 5 does not exist: the file has 2 columns (counted from 0)',
    });
    const noHeader = await failure(run(utf8('a@example.com\n'), { column: 'email' }));
    expect(noHeader.code).toBe('VALIDATION_FAILED');
    expect(noHeader.message).toMatch(/^Column "email" not found: the file has no header row/);
  });

  it('counts rejections by reason (parser reasons, empty, too_long) and never aborts on them', async () => {
    const long = `${'x'.repeat(5000)}@example.com`;
    const csv = `email\n" "\nno-at-sign\n@example.com\nuser@\n${long}\nok@example.com\n`;
    const { summary } = await run(utf8(csv));
    expect(summary.rowsRead).toBe(6);
    expect(summary.addresses).toBe(1);
    expect(summary.rejected).toEqual({
      empty: 1,
      no_at_sign: 1,
      local_empty: 1,
      domain_empty: 1,
      too_long: 1,
    });
  });
});

describe('extractAddresses: de-duplication', () => {
  const csv = utf8(
    'email\nAnn@Example.com\nann@example.COM\nANN@EXAMPLE.COM\nbob@bücher.example\nbob@xn--bcher-kva.example\nann@example.com\ncy@example.com\n',
  );

  it('drops repeats by the normalised address, local part case-insensitively, first spelling kept', async () => {
    const { summary, ascii } = await run(csv);
    expect(summary).toMatchObject({ rowsRead: 7, addresses: 3, duplicates: 4 });
    expect(ascii).toEqual(['Ann@example.com', 'bob@xn--bcher-kva.example', 'cy@example.com']);
  });

  it('keeps every row with dedupe off', async () => {
    const { summary } = await run(csv, { dedupe: false });
    expect(summary).toMatchObject({ addresses: 7, duplicates: 0 });
  });

  it('keys are 20-byte digests, salted', () => {
    expect(dedupeKey('A@example.com')).toHaveLength(20);
    expect(dedupeKey('A@example.com')).toBe(dedupeKey('a@EXAMPLE.com'));
    expect(dedupeKey('A@example.com', 'salt')).toBe(dedupeKey('a@example.com', 'salt'));
    expect(dedupeKey('A@example.com', 'salt')).not.toBe(dedupeKey('A@example.com'));
  });

  it('finds repeats across the growth of the table (200,000 distinct addresses, each seen again)', async () => {
    const DISTINCT = 200_000;
    const address = (i: number) => `user.${i}@host${i % 997}.example`;
    // Every address, then each again in another case and order; then a third time for a tenth of them.
    const emails: string[] = [];
    for (let i = 0; i < DISTINCT; i++) emails.push(address(i));
    for (let i = DISTINCT - 1; i >= 0; i--) emails.push(address(i).toUpperCase());
    for (let i = 0; i < DISTINCT; i += 10) emails.push(`User.${i}@HOST${i % 997}.example`);
    const seen: ExtractedAddress[] = [];
    const summary = await extractFromArray(emails, {
      maxRows: emails.length,
      onAddress: (a) => void seen.push(a),
    });
    expect(summary).toMatchObject({
      rowsRead: emails.length,
      addresses: DISTINCT,
      duplicates: DISTINCT + DISTINCT / 10,
      rejected: {},
    });
    // The first spelling of each, in file order.
    expect(seen.map((a) => a.row)).toEqual(Array.from({ length: DISTINCT }, (_, i) => i + 1));
    expect(seen[12_345]?.ascii).toBe(address(12_345));

    // The same through an upload, with the repeats interleaved.
    const rows: string[] = ['email'];
    for (let i = 0; i < DISTINCT; i++) {
      rows.push(address(i));
      if (i % 3 === 0) rows.push(address(i >> 1).toUpperCase());
    }
    const upload = await extractAddresses(Readable.from(chunksOf(utf8(`${rows.join('\n')}\n`), 65_536)));
    expect(upload).toMatchObject({ rowsRead: rows.length - 1, addresses: DISTINCT });
    expect(upload.duplicates).toBe(rows.length - 1 - DISTINCT);
  });
});

describe('extractAddresses: bad input (a clear error, the source closed)', () => {
  it('an empty file', async () => {
    for (const input of [Buffer.alloc(0), utf8('\uFEFF'), utf8('\n\r\n\n'), utf8(',,\n,,\n')]) {
      const error = await failure(extractAddresses(Readable.from([input])));
      expect(error).toMatchObject({ code: 'BAD_REQUEST', message: 'The file is empty' });
    }
    const nothing = await failure(extractAddresses(Readable.from([])));
    expect(nothing.message).toBe('The file is empty');
  });

  it('a header and no rows', async () => {
    for (const input of ['email\n', 'name,email\r\n\r\n', 'name;email']) {
      const error = await failure(extractAddresses(Readable.from([utf8(input)])));
      expect(error).toMatchObject({ code: 'BAD_REQUEST', message: 'The file has a header but no rows' });
    }
  });

  it('no email column', async () => {
    const rows = Array.from(
      { length: 60 },
      (_, i) => `name${i},${i},${i % 3 === 0 ? `u${i}@example.com` : ''}`,
    );
    const { error } = await failsCleanly(utf8(`name,phone,other\n${rows.join('\n')}\n`), {}, 5000);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/^No email column found: /);
    expect(error.details).toEqual({ columns: ['name', 'phone', 'other'] });
  });

  it('a binary file (2 MB of random bytes), refused from its first bytes', async () => {
    const random = randomBytes(2 * 1024 * 1024);
    const { error, state } = await failsCleanly(random, {});
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/^This looks like a binary file/);
    expect(state.pulled).toBeLessThanOrEqual(3); // the 8 KiB head, not the 2 MB
    const controls = Buffer.from('email\n'.repeat(10).replace(/\n/g, '\x01\x02\x03\n'));
    expect((await failure(run(controls))).message).toMatch(/^This looks like a binary file/);
  });

  it('an upload over the size limit: stops reading at once', async () => {
    const { error, state } = await failsCleanly(utf8('email\n'), { maxBytes: 100_000 }, 1_000_000);
    expect(error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'The file is larger than 100,000 bytes (the limit)',
      details: { maxBytes: 100_000 },
    });
    // 100,000 bytes of ~20-byte rows: the limit is hit after ~5,000 chunks, not the 1,000,000 offered.
    expect(state.pulled).toBeLessThan(5_200);
    const mib = await failure(run(Buffer.alloc(2 * 1024 * 1024 + 1, 'a'), { maxBytes: 2 * 1024 * 1024 }));
    expect(mib.message).toBe('The file is larger than 2 MiB (the limit)');
  });

  it('more rows than the limit (1,001 rows, limit 1,000; exactly 1,000 is fine)', async () => {
    const rows = (n: number) =>
      utf8(`email\n${Array.from({ length: n }, (_, i) => `u${i}@example.com`).join('\n')}\n`);
    const ok = await run(rows(1000), { maxRows: 1000 });
    expect(ok.summary).toMatchObject({ rowsRead: 1000, addresses: 1000 });
    const { error, state } = await failsCleanly(rows(1001), { maxRows: 1000 }, 100_000);
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'The file has more than 1,000 rows (the limit)',
      details: { maxRows: 1000 },
    });
    // Read-ahead is a few stream buffers (tens of KiB), not the 100,000 rows offered.
    expect(state.pulled).toBeLessThan(10_000);
  });

  it('more rows than the default limit of 1,000,000 (1,000,001 rows generated lazily)', async () => {
    // A plain list, generated 50,000 rows a chunk; no sink and no dedupe to keep it quick.
    const chunk = (from: number) =>
      utf8(Array.from({ length: 50_000 }, (_, i) => `u${from + i}@example.com\n`).join(''));
    function* rows() {
      for (let from = 0; from < 1_000_000; from += 50_000) yield chunk(from);
      yield utf8('last@example.com\n');
    }
    const error = await failure(extractAddresses(Readable.from(rows()), { dedupe: false }));
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'The file has more than 1,000,000 rows (the limit)',
    });
  }, 60_000);

  it('a row with 100,000 columns: refused at column 1,001, without reading (or building) the rest of the row', async () => {
    const wide = utf8(`${'x,'.repeat(99_999)}x\n`);
    const { error } = await failsCleanly(Buffer.concat([utf8('name,email\na,a@example.com\n'), wide]), {});
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'Row 3 has more than 1000 columns',
      details: { row: 3, maxColumns: 1000 },
    });
    // 10 million columns offered in 1 KiB chunks: the parser stops a few chunks past column 1,000.
    function* huge() {
      yield utf8('email,x\na@example.com,');
      for (let i = 0; i < 20_000; i++) yield utf8('y,'.repeat(512));
    }
    const { stream, state } = tracked(huge());
    const error2 = await failure(extractAddresses(stream, { maxColumns: 50 }));
    expect(error2.message).toBe('Row 2 has more than 50 columns');
    expect(state.pulled).toBeLessThan(100);
    // A header row too wide.
    const header = await failure(run(utf8(`${'h,'.repeat(1000)}email\na@example.com\n`)));
    expect(header.message).toBe('Row 1 has more than 1000 columns');
  });

  it('an upload cut off mid-stream (the source errors)', async () => {
    const stream = new Readable({ read() {} });
    stream.push(utf8('email\na@example.com\nb@exa'));
    setTimeout(() => stream.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })), 5);
    const seen: string[] = [];
    const error = await failure(extractAddresses(stream, { onAddress: (a) => void seen.push(a.ascii) }));
    expect(error).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'The upload was cut off before the end of the file; upload it again',
      details: { cause: 'ECONNRESET' },
    });
    expect(stream.destroyed).toBe(true);

    async function* aborted() {
      yield utf8('email\n');
      yield utf8('a@example.com\n');
      throw new Error('client went away');
    }
    const error2 = await failure(extractAddresses(aborted()));
    expect(error2.message).toBe('The upload was cut off before the end of the file; upload it again');
  });

  it('an unterminated quote at the end of the file names the row', async () => {
    const csv = utf8('name,email\nAnn,ann@example.com\n"Bob,bob@example.com\n');
    const error = await failure(run(chunksOf(csv, 4)));
    expect(error).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'Row 3 has a quoted field that is never closed: the file may be cut off or badly quoted',
      details: { row: 3 },
    });
  });

  it('an unclosed quote early in a large file is stopped by the row size limit', async () => {
    const head = utf8('name,email\n"Ann,ann@example.com\n');
    const { error } = await failsCleanly(head, { maxRowBytes: 64 * 1024 }, 100_000);
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'Row 2 is larger than 64 KiB; check for a quote that is never closed',
    });
  });

  it('a failing sink: its error passes through and the source is closed', async () => {
    const { stream, state } = tracked(
      (function* () {
        yield utf8('email\n');
        for (let i = 0; i < 100_000; i++) yield utf8(`u${i}@example.com\n`);
      })(),
    );
    const boom = new Error('database down');
    await expect(
      extractAddresses(stream, {
        onAddress: async (a) => {
          if (a.row === 60) throw boom;
        },
      }),
    ).rejects.toBe(boom);
    expect(stream.destroyed).toBe(true);
    await tick();
    expect(state.closed).toBe(true);
    expect(state.pulled).toBeLessThan(10_000);
  });

  it('firstInvalidUtf8 follows the Unicode well-formedness table', () => {
    expect(firstInvalidUtf8(utf8('aé€😀'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // surrogate
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe0, 0x80, 0x80]))).toBe(1); // overlong
    expect(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // > U+10FFFF
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xc3]))).toBe(2); // cut off
    expect(firstInvalidUtf8(Buffer.from([0x80]))).toBe(0);
  });
});

describe('extractAddresses: scale', () => {
  it.each([
    // 16 MiB: the 4 MiB table plus chunks in flight, which grow when other test files load the CPU; a
    // file held whole would be ≥ 18 MB of buffers alone (plus its decoded text), so this still catches it.
    { dedupe: true, limit: 16 * 1024 * 1024 },
    { dedupe: false, limit: 6 * 1024 * 1024 },
  ])(
    'streams 200,000 rows with an async sink in flat memory (dedupe $dedupe)',
    async ({ dedupe, limit }) => {
      const ROWS = 200_000;
      function* rows() {
        yield utf8('id,first,last,email,company,notes\r\n');
        for (let from = 0; from < ROWS; from += 2000) {
          let text = '';
          for (let i = from; i < from + 2000; i++) {
            text += `${i},First${i},"Last, ${i}",User.${i}@Company${i % 5000}.example,"Company ${i % 5000}",note ${i}\r\n`;
          }
          yield utf8(text);
        }
      }
      // Live heap (after a full GC), not garbage waiting to be collected, and array buffers (the
      // chunks, and the de-duplication table, which is kept outside the heap).
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const used = () => {
        gc();
        const memory = process.memoryUsage();
        return memory.heapUsed + memory.arrayBuffers;
      };
      const before = used();
      let peak = before;
      let received = 0;
      const summary = await extractAddresses(Readable.from(rows()), {
        dedupe,
        onAddress: async () => {
          received++;
          if (received % 20_000 === 0) {
            peak = Math.max(peak, used());
            await tick();
          }
        },
      });
      expect(summary).toMatchObject({
        format: 'csv',
        column: { index: 3, name: 'email', detectedBy: 'header' },
        rowsRead: ROWS,
        addresses: ROWS,
        duplicates: 0,
        rejected: {},
      });
      expect(received).toBe(ROWS);
      expect(summary.bytes).toBeGreaterThan(15 * 1024 * 1024);
      // The file is ~18 MB; what is held is the de-duplication table (4 MiB for 200k keys), else nothing.
      expect(peak - before).toBeLessThan(limit);
    },
    60_000,
  );
});

describe('extractFromArray', () => {
  it('gives the same summary and reasons as an upload', async () => {
    const seen: ExtractedAddress[] = [];
    const summary = await extractFromArray(
      ['a@example.com', 'A@EXAMPLE.com', '', 'nope', 42, null, 'x'.repeat(5000), 'jörg@bücher.example'],
      { onAddress: (a) => void seen.push(a) },
    );
    expect(summary).toEqual({
      format: 'json',
      delimiter: null,
      header: false,
      headerRow: null,
      column: { index: 0, name: null, detectedBy: 'option' },
      rowsRead: 8,
      addresses: 2,
      duplicates: 1,
      rejected: { empty: 2, no_at_sign: 1, not_a_string: 1, too_long: 1 },
      bytes: expect.any(Number),
    });
    expect(seen).toEqual([
      { row: 1, ascii: 'a@example.com', unicode: 'a@example.com' },
      { row: 8, ascii: 'jörg@xn--bcher-kva.example', unicode: 'jörg@bücher.example' },
    ]);
  });

  it('applies the same limits', async () => {
    await expect(extractFromArray([])).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'The list of addresses is empty',
    });
    const many = Array.from({ length: 11 }, (_, i) => `u${i}@example.com`);
    await expect(extractFromArray(many, { maxRows: 10 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'The list has more than 10 addresses (the limit)',
    });
    expect((await extractFromArray(many, { maxRows: 11, dedupe: false })).addresses).toBe(11);
  });
});
