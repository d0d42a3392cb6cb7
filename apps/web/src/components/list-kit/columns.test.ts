// The column factories and ListTable, rendered on the server: the ids, the row's title, times and
// badges as every list shows them, and the empty state instead of an empty table.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { badgeColumn, column, timeColumn, titleColumn } from './columns.tsx';
import { ListTable } from './list-table.tsx';

interface Entry {
  id: string;
  event: string;
  at: string;
}

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const ROWS: Entry[] = [{ id: 'e1', event: 'Signed in', at: new Date(NOW - 5 * 60_000).toISOString() }];
const COLUMNS = [
  titleColumn<Entry>('Event', (row) => row.event),
  timeColumn<Entry>('When', (row) => row.at, NOW),
  badgeColumn<Entry>('State', () => createElement('b', null, 'ok')),
  column<Entry>('IP address', () => '127.0.0.1', { from: 'xl' }),
];
const LOADED = { isPending: false, isError: false, isFetching: false, error: null, refetch: () => {} };

const render = (rows: Entry[]) =>
  renderToStaticMarkup(
    createElement(ListTable<Entry>, {
      state: {
        query: { ...LOADED, data: { rows } },
        name: 'log',
        what: 'the log',
        empty: { icon: () => null, title: 'Nothing yet' },
      },
      rows,
      columns: COLUMNS,
      caption: 'Log',
    }),
  );

describe('column factories', () => {
  it('name columns by their header and make the title column the card title on a phone', () => {
    expect(COLUMNS.map((entry) => entry.id)).toEqual(['event', 'when', 'state', 'ip-address']);
    expect(COLUMNS[0]?.primary).toBe(true);
    expect(COLUMNS[3]?.from).toBe('xl');
  });

  it('show a time ago with the exact instant, and a badge wrapped so a stacked card does not stretch it', () => {
    const html = render(ROWS);
    expect(html).toContain(`<time dateTime="${ROWS[0]?.at}"`);
    expect(html).toContain('5 minutes ago');
    expect(html).toContain('<span><b>ok</b></span>');
  });
});

describe('ListTable', () => {
  it('names the table and its rows after the list', () => {
    const html = render(ROWS);
    expect(html).toContain('data-testid="log-table"');
    expect(html).toContain('data-testid="log-row"');
  });

  it('shows the empty state, not an empty table, when there are no rows', () => {
    const html = render([]);
    expect(html).toContain('data-testid="log-empty"');
    expect(html).not.toContain('<table');
  });
});
