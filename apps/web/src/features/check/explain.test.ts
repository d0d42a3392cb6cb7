import { readFileSync } from 'node:fs';
import { ZValidationResult } from '@postern/contracts';
import { describe, expect, it } from 'vitest';
import {
  ACTION_INFO,
  activeFlags,
  explainReason,
  FLAG_INFO,
  formatDelay,
  formatMs,
  humanize,
  REASON_CODES,
  REASON_INFO,
  STATUS_INFO,
  SYNTAX_REASON_CODES,
  SYNTAX_REASON_TEXT,
} from './explain.ts';

const docs = (name: string) => readFileSync(new URL(`../../../../../docs/${name}`, import.meta.url), 'utf8');

/** The rows of the markdown table that follows `heading`, as arrays of cells. */
function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`no heading ${heading}`);
  const rows: string[][] = [];
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('|')) {
      inTable = true;
      rows.push(
        line
          .slice(1, -1)
          .split('|')
          .map((cell) => cell.trim()),
      );
    } else if (inTable) break;
  }
  // Header and separator rows.
  return rows.slice(2);
}

const codesIn = (cell: string) => [...cell.matchAll(/`([a-z0-9_]+)`/g)].map((match) => match[1] as string);

describe('the explanations cover the docs', () => {
  const validation = docs('validation.md');

  it('has a text for every primary reason of docs/validation.md, and no other', () => {
    const rows = tableAfter(validation, '## Verdicts, in order of precedence');
    const reasons = rows.map((row) => codesIn(row[2] ?? '')[0]);
    expect(reasons.length).toBeGreaterThan(10);
    for (const reason of reasons) {
      expect(reason, 'a reason cell without a code').toBeDefined();
      const info = REASON_INFO[reason as keyof typeof REASON_INFO];
      expect(info, `no text for ${reason}`).toBeDefined();
      expect(info.title.length).toBeGreaterThan(3);
      expect(info.text.length).toBeGreaterThan(10);
    }
    expect([...REASON_CODES].sort()).toEqual([...new Set(reasons)].sort());
  });

  it('has a label for every status, action and flag of the docs and the contract', () => {
    const fields = tableAfter(validation, '## A result');
    const cell = (field: string) => fields.find((row) => row[0] === `\`${field}\``)?.[1] ?? '';
    expect(Object.keys(STATUS_INFO).sort()).toEqual(codesIn(cell('status')).sort());
    expect(Object.keys(ACTION_INFO).sort()).toEqual(codesIn(cell('action')).sort());
    expect(Object.keys(FLAG_INFO).sort()).toEqual(codesIn(cell('flags')).sort());
    expect(Object.keys(STATUS_INFO).sort()).toEqual([...ZValidationResult.shape.status.options].sort());
    expect(Object.keys(ACTION_INFO).sort()).toEqual([...ZValidationResult.shape.action.options].sort());
    expect(Object.keys(FLAG_INFO).sort()).toEqual(Object.keys(ZValidationResult.shape.flags.shape).sort());
  });

  it('has a text for every syntax reason of docs/validation-syntax.md, and no other', () => {
    const rows = tableAfter(docs('validation-syntax.md'), '## Reason codes');
    const reasons = rows.map((row) => codesIn(row[0] ?? '')[0] as string);
    expect(reasons.length).toBeGreaterThan(15);
    for (const reason of reasons)
      expect(SYNTAX_REASON_TEXT[reason as keyof typeof SYNTAX_REASON_TEXT], `no text for ${reason}`).toMatch(
        /\w{3}/,
      );
    expect([...SYNTAX_REASON_CODES].sort()).toEqual([...reasons].sort());
  });
});

describe('explainReason', () => {
  const checks = (reason: string | null) => ({
    syntax: { valid: reason === null, reason, smtputf8: false },
    dns: null,
    smtp: null,
  });

  it('explains the primary reason', () => {
    expect(explainReason({ reason: 'domain_not_found', checks: checks(null) })).toEqual(
      REASON_INFO.domain_not_found,
    );
  });

  it('details invalid syntax with the syntax reason', () => {
    expect(explainReason({ reason: 'invalid_syntax', checks: checks('no_at_sign') })).toEqual({
      title: REASON_INFO.invalid_syntax.title,
      text: SYNTAX_REASON_TEXT.no_at_sign,
    });
  });

  it('still says something about codes it does not know', () => {
    expect(explainReason({ reason: 'brand_new', checks: checks(null) }).title).toBe('Brand new');
    expect(explainReason({ reason: 'invalid_syntax', checks: checks('odd_thing') }).text).toBe('Odd thing');
  });
});

describe('formatting', () => {
  it('lists the set flags in display order', () => {
    const flags = Object.fromEntries(Object.keys(FLAG_INFO).map((flag) => [flag, false])) as Record<
      keyof typeof FLAG_INFO,
      boolean
    >;
    expect(activeFlags(flags)).toEqual([]);
    expect(activeFlags({ ...flags, smtputf8: true, has_mx: true, free_provider: true })).toEqual([
      'has_mx',
      'free_provider',
      'smtputf8',
    ]);
  });

  it('formats durations', () => {
    expect([0.42, 12.3, 1530].map(formatMs)).toEqual(['0.4 ms', '12 ms', '1.5 s']);
    expect([45_000, 60_000, 300_000, 7_200_000].map((ms) => formatDelay(ms))).toEqual([
      '45 seconds',
      '1 minute',
      '5 minutes',
      '2 hours',
    ]);
    expect(humanize('mail_host_found')).toBe('Mail host found');
  });
});
