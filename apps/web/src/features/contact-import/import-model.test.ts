import { describe, expect, it } from 'vitest';
import {
  assignColumn,
  attributeKeyOf,
  columnRef,
  columnRole,
  columnUse,
  hasProblems,
  importFields,
  importPath,
  initialMapping,
  type Mapping,
  mappingProblems,
  progressText,
  reportCsvUrl,
} from './import-model.ts';

const column = (index: number, name: string | null) => ({ index, name, samples: [], emailShare: 0 });
const preview = {
  header: true,
  columns: [
    column(0, 'Email'),
    column(1, 'Full name'),
    column(2, 'Company'),
    column(3, 'Plan'),
    column(4, 'plan'),
  ],
};
const LIST = '5d3f0b9e-8a1c-4f7e-9b2d-1c0e7a6b5f40';
const choices = {
  listId: LIST,
  basis: 'consent' as const,
  express: true,
  verify: false,
  format: 'auto' as const,
  encoding: 'utf-8' as const,
};

describe('the column mapping', () => {
  it('starts from the preview’s email and name columns', () => {
    expect(initialMapping({ emailColumn: 0, nameColumn: 1 })).toEqual({ email: 0, name: 1, attributes: {} });
    expect(initialMapping({ emailColumn: 2, nameColumn: 2 })).toEqual({
      email: 2,
      name: null,
      attributes: {},
    });
    expect(initialMapping({ emailColumn: null, nameColumn: null }).email).toBeNull();
  });

  it('requires an email column', () => {
    const problems = mappingProblems({ email: null, name: 1, attributes: {} });
    expect(problems.email).toBe('Choose the column that holds the email addresses.');
    expect(hasProblems(problems)).toBe(true);
    expect(hasProblems(mappingProblems({ email: 0, name: null, attributes: {} }))).toBe(false);
  });

  it('gives each column one role: choosing the email column elsewhere frees the old one', () => {
    let mapping: Mapping = { email: 0, name: 1, attributes: {} };
    mapping = assignColumn(mapping, 2, 'attribute', 'Company name');
    expect(mapping.attributes).toEqual({ 2: 'company_name' });
    mapping = assignColumn(mapping, 2, 'email', 'Company name');
    expect(mapping).toEqual({ email: 2, name: 1, attributes: {} });
    mapping = assignColumn(mapping, 1, 'email', 'Full name');
    expect(mapping).toEqual({ email: 1, name: null, attributes: {} });
    expect(columnUse(mapping, 1)).toBe('email');
    expect(columnUse(mapping, 2)).toBe('skip');
    mapping = assignColumn(mapping, 1, 'skip', 'Full name');
    expect(mapping.email).toBeNull();
    expect(columnRole({ email: 0, name: null, attributes: { 3: 'plan' } }, 3)).toBe('Attribute “plan”');
  });

  it('refuses attribute keys the server would refuse, and two columns under one key', () => {
    const problems = mappingProblems({
      email: 0,
      name: null,
      attributes: { 2: '9lives', 3: 'plan', 4: 'Plan', 1: '' },
    });
    expect(Object.keys(problems.attributes).map(Number).sort()).toEqual([2, 4]);
    expect(problems.attributes[2]).toMatch(/Start with a letter/);
    expect(problems.attributes[4]).toMatch(/already imported as “Plan”/);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [i + 1, `k${i}`]));
    expect(mappingProblems({ email: 0, name: null, attributes: many }).general).toMatch(/at most 50/);
  });

  it('keys attributes after their header, valid for the server', () => {
    expect(attributeKeyOf('Company name', 2)).toBe('company_name');
    expect(attributeKeyOf('Société', 2)).toBe('societe');
    expect(attributeKeyOf('2025 revenue', 5)).toBe('_2025_revenue');
    expect(attributeKeyOf(null, 5)).toBe('column_6');
    expect(attributeKeyOf('!!!', 0)).toBe('column_1');
    expect(attributeKeyOf('x'.repeat(80), 0)).toHaveLength(64);
  });
});

describe('the upload fields', () => {
  it('names columns by header when unique, by index otherwise, in the order the server reads them', () => {
    expect(columnRef(preview, 0)).toBe('Email');
    expect(columnRef(preview, 3)).toBe('3'); // "Plan" and "plan" are one name to the server
    expect(columnRef({ ...preview, header: false }, 0)).toBe('0');
    const fields = importFields(
      preview,
      { email: 0, name: 1, attributes: { 2: 'company', 3: 'plan', 4: ' ' } },
      {
        ...choices,
        source: 'leads.csv',
      },
    );
    expect(fields).toEqual([
      ['listId', LIST],
      ['basis', 'consent'],
      ['emailColumn', 'Email'],
      ['nameColumn', 'Full name'],
      ['attributeColumns', JSON.stringify({ Company: 'company', 3: 'plan' })],
      ['verify', 'false'],
      ['express', 'true'],
      ['format', 'auto'],
      ['encoding', 'utf-8'],
      ['hasHeader', 'true'],
      ['source', 'leads.csv'],
    ]);
  });

  it('sends express consent only with the consent basis, and nothing optional that was not chosen', () => {
    const fields = importFields(
      preview,
      { email: 0, name: null, attributes: {} },
      { ...choices, basis: 'contract' },
    );
    expect(Object.fromEntries(fields)).toEqual({
      listId: LIST,
      basis: 'contract',
      emailColumn: 'Email',
      verify: 'false',
      express: 'false',
      format: 'auto',
      encoding: 'utf-8',
      hasHeader: 'true',
    });
    expect(() => importFields(preview, { email: null, name: null, attributes: {} }, choices)).toThrow();
  });
});

describe('the import page', () => {
  it('words the progress and builds its URLs', () => {
    expect(progressText({ rows: 0, processed: 0 })).toBe('Counting the rows…');
    expect(progressText({ rows: 12_000, processed: 1_500 })).toBe('1,500 of 12,000 rows');
    expect(importPath('w1', LIST, 'i 1')).toBe(`/w/w1/lists/${LIST}/imports/i%201`);
    expect(reportCsvUrl('w1', 'i1')).toBe('/api/w/w1/contact-imports/i1/report.csv');
  });
});
