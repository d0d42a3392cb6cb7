// The DataTable's markup, rendered on the server (the e2e suites check it in Chromium at 1440 and 390 px).
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { type Column, DataTable } from './data-table.tsx';

interface Person {
  id: string;
  email: string;
  role: string;
}

const COLUMNS: Column<Person>[] = [
  { id: 'email', header: 'Email', primary: true, cell: (row) => row.email },
  { id: 'role', header: 'Role', from: 'md', testId: 'role', cell: (row) => row.role },
];
const ROWS: Person[] = [
  { id: '1', email: 'ada@example.com', role: 'Owner' },
  { id: '2', email: 'a.very.long.address@subdomain.example.org', role: 'Viewer' },
];

function render(props: Partial<Parameters<typeof DataTable<Person>>[0]> = {}) {
  return renderToStaticMarkup(
    createElement(DataTable<Person>, {
      rows: ROWS,
      columns: COLUMNS,
      rowKey: (row) => row.id,
      caption: 'People',
      testId: 'people',
      rowTestId: 'person',
      rowData: (row) => ({ 'data-email': row.email }),
      ...props,
    }),
  );
}

describe('DataTable', () => {
  it('renders a captioned table with a header per column and a row per item', () => {
    const html = render();
    expect(html).toContain('<caption class="sr-only">People</caption>');
    expect(html.match(/<th scope="col"/g)).toHaveLength(2);
    expect(html.match(/data-testid="person"/g)).toHaveLength(2);
    expect(html).toContain('data-email="ada@example.com"');
    expect(html).toContain('data-testid="role"');
  });

  it('labels each value for the stacked cards of narrow screens, the row title excepted', () => {
    const html = render();
    expect(html.match(/data-label="Role"/g)).toHaveLength(2);
    expect(html).not.toContain('data-label="Email"');
    // A secondary column hides in the mid-width table, never in the cards; values wrap anywhere there.
    expect(html).toContain('sm:hidden md:table-cell');
    expect(html).toContain('max-sm:[overflow-wrap:anywhere]');
  });

  it('adds the actions column and the "Load more" foot when asked', () => {
    const html = render({
      actions: (row) => createElement('button', { type: 'button' }, `Remove ${row.email}`),
      pagination: {
        shown: 2,
        noun: ['person', 'people'],
        endText: 'everyone',
        hasMore: true,
        loading: false,
        failed: false,
        onLoadMore: () => undefined,
        testId: 'people',
      },
    });
    expect(html).toContain('<span class="sr-only">Actions</span>');
    expect(html).toContain('Remove ada@example.com');
    expect(html).toContain('Showing 2 people');
    expect(html).toContain('data-testid="people-load-more"');
  });

  it('keeps its columns (no cards) in the scroll layout, with row headers', () => {
    const html = render({
      layout: 'scroll',
      columns: [{ ...COLUMNS[0], rowHeader: true } as Column<Person>, COLUMNS[1] as Column<Person>],
    });
    expect(html).not.toContain('data-label');
    expect(html).not.toContain('max-sm:block');
    expect(html.match(/<th scope="row"/g)).toHaveLength(2);
    // The sideways-scrolling box is a named region keyboard users can focus (and so scroll).
    expect(html).toMatch(/<div[^>]*tabindex="0"[^>]*role="region"|<div[^>]*role="region"[^>]*tabindex="0"/);
    expect(html).toContain('aria-label="');
    expect(render({})).not.toContain('role="region"');
  });

  it('names the rows of `<name>-table` `<name>-row` unless told otherwise', () => {
    const derived = render({ testId: 'people-table', rowTestId: undefined });
    expect(derived.match(/data-testid="people-row"/g)).toHaveLength(2);
    expect(render({ testId: 'people-table' }).match(/data-testid="person"/g)).toHaveLength(2);
    expect(render({ testId: 'people', rowTestId: undefined })).not.toContain('-row"');
  });
});
