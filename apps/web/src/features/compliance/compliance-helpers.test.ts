import { describe, expect, it } from 'vitest';
import { canLift, importSummary, isReason, liftRefusal, REASONS } from './compliance-model.ts';
import { ImportStopped, sendInBatches } from './import-run.ts';
import {
  batches,
  csvCell,
  exportName,
  firstField,
  invalidPositions,
  parseAddressFile,
  suppressionsCsv,
} from './suppression-csv.ts';

describe('reading a file of addresses', () => {
  it('takes one address per line or the first column, skipping a header row', () => {
    const text =
      '\uFEFFemail,name\r\nada@example.com,Ada\r\n"bob@example.com","Bob, B."\r\n\r\ncy@example.org\n';
    expect(parseAddressFile(text)).toEqual({
      addresses: ['ada@example.com', 'bob@example.com', 'cy@example.org'],
      skipped: [],
      header: true,
    });
  });

  it('reads a file without a header from its first line', () => {
    expect(parseAddressFile('ada@example.com\nbob@example.com').addresses).toEqual([
      'ada@example.com',
      'bob@example.com',
    ]);
    expect(parseAddressFile('ada@example.com').header).toBe(false);
  });

  it('reports duplicates (ignoring case) and lines that are not addresses, with their line numbers', () => {
    const parsed = parseAddressFile(
      'ada@example.com\nADA@example.com\nnot an address\n@example.com\nbob@x.io',
    );
    expect(parsed.addresses).toEqual(['ada@example.com', 'bob@x.io']);
    expect(parsed.skipped).toEqual([
      { line: 2, value: 'ADA@example.com', reason: 'duplicate' },
      { line: 3, value: 'not an address', reason: 'not_an_address' },
      { line: 4, value: '@example.com', reason: 'not_an_address' },
    ]);
  });

  it('splits on semicolons and tabs too, and unquotes doubled quotes', () => {
    const lines = [
      ['ada@example.com;Ada', 'ada@example.com'],
      ['ada@example.com\tAda', 'ada@example.com'],
      ['"a""b"', 'a"b'],
      ['  ', ''],
    ] as const;
    for (const [line, first] of lines) expect(firstField(line)).toBe(first);
  });
});

describe('batches and refusals', () => {
  it('cuts a list into batches of at most the size', () => {
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batches([], 2)).toEqual([]);
    expect(() => batches([1], 0)).toThrow(RangeError);
  });

  it('reads the positions the server named as invalid, ignoring junk', () => {
    expect(
      invalidPositions({ invalid: [{ index: 2, reason: 'syntax' }, { index: 'x' }, null, { index: -1 }] }),
    ).toEqual([2]);
    expect(invalidPositions(undefined)).toEqual([]);
    expect(invalidPositions({ invalid: 'no' })).toEqual([]);
  });
});

describe('the CSV export', () => {
  it('writes a header and one quoted-when-needed line per entry', () => {
    const csv = suppressionsCsv([
      {
        email: 'ada@example.com',
        reason: 'manual',
        source: 'crm, old',
        createdAt: '2026-12-06T04:00:00.000Z',
      },
      { email: 'bob@example.com', reason: 'bounced', source: null, createdAt: '2026-12-06T05:00:00.000Z' },
    ]);
    expect(csv).toBe(
      'email,reason,source,suppressed_at\r\n' +
        'ada@example.com,manual,"crm, old",2026-12-06T04:00:00.000Z\r\n' +
        'bob@example.com,bounced,,2026-12-06T05:00:00.000Z\r\n',
    );
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('plain')).toBe('plain');
  });

  it('names the file after the day', () => {
    expect(exportName(Date.UTC(2026, 11, 6, 23, 0))).toBe('suppressions-2026-12-06.csv');
  });
});

describe('reasons', () => {
  it('lets the workspace lift manual entries only, and says who can lift the others', () => {
    expect(REASONS.filter(canLift)).toEqual(['manual']);
    expect(liftRefusal('manual')).toBeUndefined();
    for (const reason of ['unsubscribed', 'bounced', 'complained'] as const)
      expect(liftRefusal(reason)).toBe(
        'Only the person can lift this, by subscribing again with double opt-in.',
      );
    expect(isReason('bounced')).toBe(true);
    expect(isReason('nope')).toBe(false);
  });

  it('sums up an import', () => {
    expect(importSummary({ added: 12, existing: 3, skipped: 2 })).toBe(
      '12 added, 3 already suppressed, 2 skipped',
    );
    expect(importSummary({ added: 0, existing: 0, skipped: 0 })).toBe('Nothing to add');
  });
});

describe('sending an import in batches', () => {
  const refusal = (invalid: number[]) =>
    Object.assign(new Error('refused'), {
      data: {
        code: 'VALIDATION_FAILED',
        details: { invalid: invalid.map((index) => ({ index, reason: 'x' })) },
      },
    });

  it('sends every batch and adds up what the server answered', async () => {
    const sent: string[][] = [];
    const progress: number[] = [];
    const counts = await sendInBatches(
      ['a@x.io', 'b@x.io', 'c@x.io'],
      async (emails) => {
        sent.push(emails);
        return { added: emails.length - 1, existing: 1 };
      },
      (now) => progress.push(now.done),
      2,
    );
    expect(sent).toEqual([['a@x.io', 'b@x.io'], ['c@x.io']]);
    expect(counts).toEqual({ added: 1, existing: 2, invalid: 0, done: 3 });
    expect(progress).toEqual([2, 3]);
  });

  it('leaves out the addresses the server refuses and sends the rest of the batch again', async () => {
    const sent: string[][] = [];
    const counts = await sendInBatches(['a@x.io', 'bad@x', 'c@x.io'], async (emails) => {
      sent.push(emails);
      if (emails.includes('bad@x')) throw refusal([emails.indexOf('bad@x')]);
      return { added: emails.length, existing: 0 };
    });
    expect(sent).toEqual([
      ['a@x.io', 'bad@x', 'c@x.io'],
      ['a@x.io', 'c@x.io'],
    ]);
    expect(counts).toEqual({ added: 2, existing: 0, invalid: 1, done: 3 });
  });

  it('stops on a refusal that names no address, with the counts so far', async () => {
    let calls = 0;
    const run = sendInBatches(
      ['a@x.io', 'b@x.io'],
      async () => {
        calls += 1;
        if (calls === 2) throw Object.assign(new Error('nope'), { data: { code: 'FORBIDDEN' } });
        return { added: 1, existing: 0 };
      },
      () => {},
      1,
    );
    await expect(run).rejects.toBeInstanceOf(ImportStopped);
    await run.catch((error: ImportStopped) =>
      expect(error.counts).toEqual({ added: 1, existing: 0, invalid: 0, done: 1 }),
    );
  });
});
