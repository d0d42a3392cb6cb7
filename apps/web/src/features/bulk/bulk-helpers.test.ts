import { BULK_PREVIEW_MAX_BYTES, VERDICT_STATUSES } from '@postern/contracts';
import { describe, expect, it } from 'vitest';
import {
  applyProgress,
  type BulkJobDto,
  canRetryUnknown,
  chartSegments,
  columnLabel,
  downloadUrl,
  eventsUrl,
  fileProblem,
  formatEta,
  formatFileSize,
  formatPercent,
  formatShare,
  MAX_UPLOAD_BYTES,
  PREVIEW_BYTES,
  parseProgressEvent,
  percentOf,
  progressText,
  RESULT_FILTERS,
  rejectedRows,
  uploadProblem,
  uploadUrl,
  VERDICTS,
} from './bulk-model.ts';
import { joinedFileName } from './join-card.tsx';
import { columnOption, columnToSend, describeFormat, previewRows, startProblem } from './preview-model.ts';
import { bytesToBase64, uploadFields } from './upload.ts';

const COUNTS = { deliverable: 0, undeliverable: 0, catch_all: 0, risky: 0, do_not_mail: 0, unknown: 0 };

function job(overrides: Partial<BulkJobDto> = {}): BulkJobDto {
  return {
    id: 'job-1',
    name: 'leads.csv',
    status: 'running',
    depth: 'standard',
    total: 10,
    processed: 0,
    percent: 0,
    counts: { ...COUNTS },
    summary: null,
    metadata: null,
    retries: 0,
    createdAt: '2026-11-21T12:00:00.000Z',
    startedAt: null,
    completedAt: null,
    expiresAt: null,
    etaSeconds: null,
    error: null,
    ...overrides,
  };
}

describe('the contract, spelled out', () => {
  it('lists the verdicts and the preview size of the contract', () => {
    expect(VERDICTS).toEqual(VERDICT_STATUSES);
    expect(PREVIEW_BYTES).toBe(BULK_PREVIEW_MAX_BYTES);
    expect(RESULT_FILTERS.map((choice) => choice.value)).toEqual([
      '',
      ...VERDICT_STATUSES,
      'done',
      'pending',
    ]);
  });
});

describe('progress', () => {
  it('computes the percentage with one decimal, never rounding up to 100', () => {
    expect(percentOf(0, 10)).toBe(0);
    expect(percentOf(1, 3)).toBe(33.3);
    expect(percentOf(9_999, 10_000)).toBe(99.9);
    expect(percentOf(10, 10)).toBe(100);
    expect(percentOf(12, 10)).toBe(100);
    expect(percentOf(5, 0)).toBe(0);
  });

  it('formats percentages', () => {
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(42.25)).toBe('42.3%');
    expect(formatPercent(42)).toBe('42%');
    expect(formatPercent(99.96)).toBe('100%');
    expect(formatPercent(100)).toBe('100%');
    expect(formatPercent(140)).toBe('100%');
    expect(formatPercent(-3)).toBe('0%');
    expect(formatPercent(Number.NaN)).toBe('0%');
  });

  it.each([
    [null, null],
    [-1, null],
    [0, 'less than a minute'],
    [45, 'less than a minute'],
    [60, 'about 1 minute'],
    [150, 'about 3 minutes'],
    [3_600, 'about 1 hour'],
    [3_600 + 20 * 60, 'about 1 hour 20 minutes'],
    [2 * 3_600 + 60, 'about 2 hours 1 minute'],
    [50 * 3_600, 'about 2 days'],
  ])('ETA of %s s → %s', (seconds, expected) => {
    expect(formatEta(seconds)).toBe(expected);
  });

  it('says how far along the job is', () => {
    expect(progressText(1_200, 2_840)).toBe('1,200 of 2,840 addresses checked');
    expect(progressText(0, 1)).toBe('0 of 1 address checked');
  });

  it('applies a progress event to its own job only', () => {
    const event = {
      id: 'job-1',
      status: 'completed' as const,
      total: 10,
      processed: 10,
      percent: 100,
      counts: { ...COUNTS, deliverable: 7, unknown: 3 },
      etaSeconds: null,
    };
    const updated = applyProgress(job({ etaSeconds: 30 }), event);
    expect(updated).toMatchObject({ status: 'completed', processed: 10, percent: 100, etaSeconds: null });
    expect(updated.counts.unknown).toBe(3);
    expect(updated.name).toBe('leads.csv');
    expect(applyProgress(job(), { ...event, id: 'other' })).toEqual(job());
  });

  it('reads server-sent progress events, refusing anything else', () => {
    const data = {
      id: 'job-1',
      status: 'running',
      total: 10,
      processed: 4,
      percent: 40,
      counts: { ...COUNTS, deliverable: 4 },
      etaSeconds: 12,
    };
    expect(parseProgressEvent(JSON.stringify(data))).toEqual(data);
    expect(parseProgressEvent(JSON.stringify({ ...data, etaSeconds: null }))?.etaSeconds).toBeNull();
    expect(parseProgressEvent('not json')).toBeUndefined();
    expect(parseProgressEvent(JSON.stringify({ ...data, status: 'exploded' }))).toBeUndefined();
    expect(parseProgressEvent(JSON.stringify({ ...data, counts: { deliverable: 1 } }))).toBeUndefined();
    expect(parseProgressEvent(JSON.stringify({ ...data, processed: -1 }))).toBeUndefined();
    expect(parseProgressEvent('[]')).toBeUndefined();
  });

  it('offers "retry unknown results" once a job with unknown results has stopped with every address checked', () => {
    const unknown = { ...COUNTS, unknown: 2 };
    const all = { processed: 10, total: 10 };
    expect(canRetryUnknown({ status: 'completed', counts: unknown, ...all })).toBe(true);
    expect(canRetryUnknown({ status: 'cancelled', counts: unknown, ...all })).toBe(true);
    expect(canRetryUnknown({ status: 'running', counts: unknown, ...all })).toBe(false);
    expect(canRetryUnknown({ status: 'completed', counts: COUNTS, ...all })).toBe(false);
    // Cancelled (or failed) with addresses unchecked: the server would refuse it.
    expect(canRetryUnknown({ status: 'cancelled', counts: unknown, processed: 4, total: 10 })).toBe(false);
    expect(canRetryUnknown({ status: 'failed', counts: unknown, processed: 4, total: 10 })).toBe(false);
  });
});

describe('chart segments', () => {
  it('has one segment per verdict with results, in order, then what is not checked yet', () => {
    const segments = chartSegments({ ...COUNTS, unknown: 1, deliverable: 5, undeliverable: 2 }, 10);
    expect(segments.map((segment) => [segment.key, segment.count])).toEqual([
      ['deliverable', 5],
      ['undeliverable', 2],
      ['unknown', 1],
      ['pending', 2],
    ]);
    expect(segments.map((segment) => segment.share)).toEqual([0.5, 0.2, 0.1, 0.2]);
    expect(segments[0]?.label).toBe('Deliverable');
    expect(segments[3]?.label).toBe('Not checked yet');
    expect(new Set(segments.map((segment) => segment.colour)).size).toBe(4);
  });

  it('has no pending segment once everything is counted, and nothing for an empty job', () => {
    expect(chartSegments({ ...COUNTS, risky: 3 }, 3)).toEqual([
      expect.objectContaining({ key: 'risky', count: 3, share: 1 }),
    ]);
    expect(chartSegments(COUNTS, 0)).toEqual([]);
    // Counts above the total (a retry in flight) never make shares above 1.
    expect(chartSegments({ ...COUNTS, deliverable: 4 }, 3)[0]?.share).toBe(1);
  });

  it('formats shares', () => {
    expect(formatShare(0)).toBe('0%');
    expect(formatShare(0.0004)).toBe('<0.1%');
    expect(formatShare(0.4567)).toBe('45.7%');
    expect(formatShare(1)).toBe('100%');
  });
});

describe('files', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [1_000, '1,000 bytes'],
    [2_500, '2.4 KB'],
    [10 * 1024, '10 KB'],
    [1536 * 1024, '1.5 MB'],
    [MAX_UPLOAD_BYTES, '100 MB'],
    [3 * 1024 ** 3, '3 GB'],
  ])('%i bytes → %s', (bytes, expected) => {
    expect(formatFileSize(bytes)).toBe(expected);
  });

  it('refuses empty, too large and spreadsheet files before sending them', () => {
    expect(fileProblem({ name: 'a.csv', size: 0 })).toBe('The file is empty.');
    expect(fileProblem({ name: 'a.csv', size: MAX_UPLOAD_BYTES + 1 })).toMatch(
      /^The file is larger than 100 MB \(it is 100 MB\)/,
    );
    expect(fileProblem({ name: 'a.csv', size: 150 * 1024 * 1024 })).toContain('(it is 150 MB)');
    expect(fileProblem({ name: 'leads.xlsx', size: 10 })).toMatch(/Export the sheet as CSV/);
    expect(fileProblem({ name: 'leads.csv', size: MAX_UPLOAD_BYTES })).toBeUndefined();
    expect(fileProblem({ name: 'emails', size: 10 })).toBeUndefined();
  });

  it('explains refused uploads with the server message', () => {
    const tooLarge = uploadProblem(
      413,
      JSON.stringify({
        code: 'PAYLOAD_TOO_LARGE',
        message: 'The file is larger than 100 MiB (the limit)',
        requestId: 'r1',
      }),
    );
    expect(tooLarge).toEqual({
      title: 'The file is too large',
      message: 'The file is larger than 100 MiB (the limit).',
      code: 'PAYLOAD_TOO_LARGE',
      requestId: 'r1',
    });
    // A proxy's own 413 page: no JSON.
    expect(uploadProblem(413, '<html>').message).toBe('The file is larger than 100 MB.');
    expect(
      uploadProblem(
        422,
        JSON.stringify({ code: 'VALIDATION_FAILED', message: 'No email column found: choose the column' }),
      ),
    ).toMatchObject({ title: 'The file was refused', message: 'No email column found: choose the column.' });
    expect(uploadProblem(0, '').title).toBe('The upload did not reach the server');
    expect(
      uploadProblem(500, JSON.stringify({ code: 'INTERNAL', message: 'x', requestId: 'r9' })).message,
    ).toBe('Please try again (request r9).');
    expect(uploadProblem(403, '{}').title).toBe('Not allowed');
    expect(uploadProblem(429, '{}').title).toBe('Too many uploads');
  });

  it('sends the options before the file, as strings', () => {
    expect(
      uploadFields({
        name: ' Leads ',
        depth: 'enhanced',
        column: 2,
        format: 'auto',
        encoding: 'utf-8',
        dedupe: false,
      }),
    ).toEqual([
      ['name', 'Leads'],
      ['depth', 'enhanced'],
      ['column', '2'],
      ['format', 'auto'],
      ['encoding', 'utf-8'],
      ['dedupe', 'false'],
    ]);
    expect(uploadFields({ depth: 'standard', format: 'csv', encoding: 'latin1', dedupe: true })).toEqual([
      ['depth', 'standard'],
      ['format', 'csv'],
      ['encoding', 'latin1'],
      ['dedupe', 'true'],
    ]);
  });

  it('encodes the preview sample as base64', () => {
    const bytes = new TextEncoder().encode('name,email\nAda,ada@example.com\n');
    expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    const large = new Uint8Array(PREVIEW_BYTES).map((_, index) => index % 251);
    expect(bytesToBase64(large)).toBe(Buffer.from(large).toString('base64'));
  });

  it('builds the plain-HTTP URLs', () => {
    expect(uploadUrl('w 1')).toBe('/api/w/w%201/jobs');
    expect(eventsUrl('w1', 'j1')).toBe('/api/w/w1/jobs/j1/events');
    expect(downloadUrl('w1', 'j1', 'csv')).toBe('/api/w/w1/jobs/j1/download?format=csv');
    expect(downloadUrl('w1', 'j1', 'ndjson', 'catch_all')).toBe(
      '/api/w/w1/jobs/j1/download?format=ndjson&status=catch_all',
    );
  });
});

describe('the upload summary', () => {
  it('lists rejected rows by reason, most frequent first, in words', () => {
    const rows = rejectedRows({ no_at_sign: 2, empty: 5, too_long: 1, made_up_reason: 2, zero: 0 });
    expect(rows.map((row) => [row.reason, row.count])).toEqual([
      ['empty', 5],
      ['made_up_reason', 2],
      ['no_at_sign', 2],
      ['too_long', 1],
    ]);
    expect(rows[2]).toMatchObject({ label: 'No at sign', text: 'There is no @ sign in it.' });
    expect(rows[1]?.text).toBeUndefined();
    expect(rejectedRows(null)).toEqual([]);
  });

  it('names columns by header, else by position', () => {
    expect(columnLabel({ index: 1, name: 'Email' })).toBe('Email');
    expect(columnLabel({ index: 2, name: null })).toBe('Column 3');
    expect(columnLabel({ index: 0, name: '  ' })).toBe('Column 1');
  });
});

describe('the column picker', () => {
  const preview = {
    format: 'csv' as const,
    delimiter: ';',
    header: true,
    columns: [
      { index: 0, name: 'name', samples: ['Ada', 'Bob', 'Cy'], emailShare: 0 },
      { index: 1, name: 'email', samples: ['ada@example.com', 'bob@example.com'], emailShare: 1 },
    ],
    detectedColumn: 1,
    sampleRows: 3,
  };

  it('rebuilds rows from the samples', () => {
    expect(previewRows(preview)).toEqual([
      ['Ada', 'ada@example.com'],
      ['Bob', 'bob@example.com'],
      ['Cy', ''],
    ]);
    expect(previewRows({ columns: [] })).toEqual([]);
  });

  it('says how the file is read', () => {
    expect(describeFormat(preview)).toBe('CSV (semicolon-separated), with a header row');
    expect(describeFormat({ format: 'tsv', delimiter: '\t', header: false })).toBe(
      'TSV (tab-separated), without a header row',
    );
    expect(describeFormat({ format: 'list', delimiter: null, header: false })).toBe(
      'A plain list, one value per line',
    );
  });

  it('labels the choices with their share of addresses', () => {
    expect(columnOption(preview.columns[1] as (typeof preview.columns)[1], 1)).toBe(
      'email: 100% addresses (detected)',
    );
    expect(columnOption(preview.columns[0] as (typeof preview.columns)[0], 1)).toBe('name: 0% addresses');
  });

  it('sends a column only when it differs from the detected one', () => {
    expect(columnToSend(1, 1)).toBeUndefined();
    expect(columnToSend(0, 1)).toBe(0);
    expect(columnToSend(2, null)).toBe(2);
    expect(columnToSend(null, null)).toBeUndefined();
    expect(startProblem(undefined, null)).toBe('Choose a file first.');
    expect(startProblem({ detectedColumn: null }, null)).toMatch(/No column holds email addresses/);
    expect(startProblem({ detectedColumn: null }, 0)).toBeUndefined();
  });
});

describe('joinedFileName', () => {
  it('keeps the extension of a CSV or TSV, turns a list into .csv', () => {
    expect(joinedFileName('contacts.csv')).toBe('contacts-with-results.csv');
    expect(joinedFileName('leads.v2.tsv')).toBe('leads.v2-with-results.tsv');
    expect(joinedFileName('list.txt')).toBe('list-with-results.csv');
    expect(joinedFileName('addresses')).toBe('addresses-with-results.csv');
  });
});
