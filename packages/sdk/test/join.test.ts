// joinResults (src/join.ts), pure: the original bytes kept exactly, the verdict cells appended by row
// number, whatever the line breaks, quoting, BOM, delimiter or a missing final line break.
import { describe, expect, it } from 'vitest';
import { BULK_JOIN_COLUMNS, type BulkRowItem, joinResults, ndjsonRows } from '../src/join.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

function row(
  n: number,
  status: BulkRowItem['status'] = 'deliverable',
  extra: Partial<BulkRowItem> = {},
): BulkRowItem {
  return {
    row: n,
    seq: null,
    email: `r${n}@example.com`,
    email_ascii: `r${n}@example.com`,
    status,
    reason: null,
    action: null,
    policy_action: null,
    duplicate_of: null,
    syntax_error: null,
    result: null,
    ...extra,
  };
}

async function joined(file: Uint8Array, rows: BulkRowItem[], options: Parameters<typeof joinResults>[2]) {
  const parts: Uint8Array[] = [];
  for await (const part of joinResults(file, rows, options)) parts.push(part);
  return Buffer.concat(parts);
}

/** The cells a row gets for these tests' items (no result): status then blanks, duplicate_of 5th. */
const tail = (status: string, d = ',', duplicateOf = '') =>
  [status, '', '', '', duplicateOf, ...Array(BULK_JOIN_COLUMNS.length - 5).fill('')].join(d);

describe('joinResults', () => {
  it('appends to each data row by number, keeps BOM, quotes, CRLF / LF / CR and a missing final line break', async () => {
    const text = '\uFEFFname,email\r\n"Doe, ""J""\r\nline",a@example.com\n\nB,b@example.com\rC,c@example.com';
    const out = await joined(
      utf8(text),
      [row(2), row(4, 'rejected'), row(5, 'duplicate', { duplicate_of: 2 })],
      {
        delimiter: ',',
        headerRow: 1,
      },
    );
    const expected =
      `\uFEFFname,email,${BULK_JOIN_COLUMNS.join(',')}\r\n` +
      `"Doe, ""J""\r\nline",a@example.com,${tail('deliverable')}\n` +
      '\n' +
      `B,b@example.com,${tail('rejected')}\r` +
      `C,c@example.com,${tail('duplicate', ',', '2')}`;
    expect(out.toString('utf8')).toBe(expected);
  });

  it('uses the file delimiter (quoting cells that hold it), neutralises formula-looking cells', async () => {
    const out = await joined(utf8('x;y\n'), [row(1, 'deliverable', { reason: '=a;b', action: '-1' })], {
      delimiter: ';',
    });
    expect(out.toString('utf8')).toBe(`x;y;deliverable;"'=a;b";'-1;;${Array(10).fill('').join(';')}\n`);
  });

  it('a plain list: quotes are not special, cells appended with commas; Latin-1 bytes kept as they are', async () => {
    const file = Buffer.concat([Buffer.from('"odd\n'), Buffer.from('jos\xe9@example.com\n', 'latin1')]);
    const out = await joined(file, [row(1, 'rejected'), row(2)], { delimiter: null });
    expect(out).toEqual(
      Buffer.concat([
        Buffer.from(`"odd,${tail('rejected')}\n`),
        Buffer.from('jos\xe9@example.com', 'latin1'),
        Buffer.from(`,${tail('deliverable')}\n`),
      ]),
    );
  });

  it('refuses results that do not fit the file, or without row numbers', async () => {
    await expect(joined(utf8('a@example.com\n'), [row(3)], { delimiter: null })).rejects.toThrow(
      /row 3, which the file does not have/,
    );
    await expect(
      joined(utf8('a@example.com\n'), [{ ...row(1), row: null }], { delimiter: null }),
    ).rejects.toThrow(/no row numbers/);
  });

  it('ndjsonRows parses a download split anywhere', async () => {
    const text = `${JSON.stringify(row(1))}\n${JSON.stringify(row(2, 'müller' as never))}\n`;
    const bytes = utf8(text);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) =>
      bytes.subarray(i * 7, i * 7 + 7),
    );
    const rows: BulkRowItem[] = [];
    for await (const item of ndjsonRows(chunks as unknown as AsyncIterable<Uint8Array>)) rows.push(item);
    expect(rows.map((r) => [r.row, r.status])).toEqual([
      [1, 'deliverable'],
      [2, 'müller'],
    ]);
  });
});
