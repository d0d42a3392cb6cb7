// Column factories of the list kit (#17): a table's columns read as their names and what they show,
// and the cells every list repeats — the row's title, a time ago, a badge — are written once. The id
// (a React key) is the name in kebab case unless given.
import type { ReactNode } from 'react';
import { TimeAgo } from '../time-ago.tsx';
import type { Column } from './data-table.tsx';

type More<Row> = Partial<Omit<Column<Row>, 'header' | 'cell'>>;

const idOf = (header: string) => header.toLowerCase().replace(/[^a-z0-9]+/g, '-');

export function column<Row>(
  header: string,
  cell: (row: Row) => ReactNode,
  more: More<Row> = {},
): Column<Row> {
  return { id: idOf(header), header, cell, ...more };
}

/** The column naming the row: the title of its card on a phone. */
export function titleColumn<Row>(
  header: string,
  cell: (row: Row) => ReactNode,
  more: More<Row> = {},
): Column<Row> {
  return column(header, cell, { primary: true, ...more });
}

/** When something happened, as "5 minutes ago" (the full date on hover). */
export function timeColumn<Row>(
  header: string,
  iso: (row: Row) => string,
  now: number,
  more: More<Row> = {},
): Column<Row> {
  return column(header, (row) => <TimeAgo iso={iso(row)} now={now} />, {
    className: 'whitespace-nowrap text-slate-600',
    ...more,
  });
}

/**
 * A state shown as a badge. The badge sits in a span: in a stacked card the cell is a grid, which
 * would stretch the badge itself over the row.
 */
export function badgeColumn<Row>(
  header: string,
  badge: (row: Row) => ReactNode,
  more: More<Row> = {},
): Column<Row> {
  return column(header, (row) => <span>{badge(row)}</span>, more);
}
