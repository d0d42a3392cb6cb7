// The one table of the dashboard (#17): columns declared once, rows as a real <table> on wide screens
// and as stacked cards below 640 px (each value under its column's name, nothing cut off, long
// addresses wrapping at any character rather than a few per line), row actions in the last column or
// at the foot of a card, and keyset pagination ("Load more") driven by the server's cursors.
import type { ReactNode } from 'react';
import { cn } from '../../lib/cn.ts';
import { LoadMoreFooter, type LoadMoreProps } from './load-more-footer.tsx';

/** From which width a secondary column shows in the table layout (the stacked cards show every column). */
export type Breakpoint = 'sm' | 'md' | 'lg' | 'xl';

export interface Column<Row> {
  id: string;
  /** The column's name: its header, and the label of the value in a stacked card. */
  header: string;
  cell: (row: Row) => ReactNode;
  from?: Breakpoint;
  align?: 'right';
  /** The row's title in a stacked card: no label, full width. */
  primary?: boolean;
  className?: string;
  testId?: string;
  title?: (row: Row) => string | undefined;
  /** Extra classes of one row's cell (e.g. the chosen column). */
  cellClassName?: (row: Row) => string | false | undefined;
  /** The cell names its row (`<th scope="row">`), as in a matrix. */
  rowHeader?: boolean;
  /** The header, when more than the name (the name still labels stacked cards). */
  headerContent?: ReactNode;
  headerClassName?: string;
  headerData?: DataAttributes;
}

type DataAttributes = Record<`data-${string}` | `aria-${string}`, string | number | boolean | undefined>;

// Literal class names (Tailwind only emits classes it finds spelled out in the sources).
const SHOW_FROM: Record<Breakpoint, string> = {
  sm: '',
  md: 'sm:hidden md:table-cell',
  lg: 'sm:hidden lg:table-cell',
  xl: 'sm:hidden xl:table-cell',
};
const HEADER_FROM: Record<Breakpoint, string> = {
  sm: 'hidden sm:table-cell',
  md: 'hidden md:table-cell',
  lg: 'hidden lg:table-cell',
  xl: 'hidden xl:table-cell',
};
// The outer cells line up with the card's padding; in stacked cards the row carries it instead.
const EDGE = 'sm:first:pl-6 sm:last:pr-6';
const SCROLL_EDGE = 'first:pl-5 last:pr-5 sm:first:pl-6 sm:last:pr-6';
const CELL =
  'px-3 py-3 align-top max-sm:grid max-sm:grid-cols-[6.5rem_minmax(0,1fr)] max-sm:gap-x-3 max-sm:px-0 max-sm:py-1 max-sm:text-left max-sm:[overflow-wrap:anywhere] max-sm:before:font-sans max-sm:before:text-xs max-sm:before:font-medium max-sm:before:leading-5 max-sm:before:text-slate-500 max-sm:before:content-[attr(data-label)]';
const SCROLL_CELL = 'px-3 py-3 align-top';
const COMPACT = 'py-2';
const PRIMARY_CELL = 'max-sm:block max-sm:pb-1.5 max-sm:before:content-none';
const ACTIONS_CELL =
  'px-3 py-3 text-right align-top whitespace-nowrap max-sm:flex max-sm:flex-wrap max-sm:justify-end max-sm:gap-2 max-sm:px-0 max-sm:pt-2 max-sm:pb-0 max-sm:empty:hidden';

export interface DataTableProps<Row> {
  rows: readonly Row[];
  columns: ReadonlyArray<Column<Row>>;
  /** A row's React key; by default its `id`. */
  rowKey?: (row: Row) => string;
  /** Screen-reader caption: what the rows are. */
  caption: string;
  /** `<name>-table`; its rows are then `<name>-row` unless `rowTestId` says otherwise. */
  testId?: string;
  rowTestId?: string;
  /** `data-*` attributes of a row (tests and styles select on them). */
  rowData?: (row: Row) => DataAttributes;
  rowClassName?: (row: Row) => string | false | undefined;
  /** Buttons or a menu acting on one row. */
  actions?: (row: Row) => ReactNode;
  actionsHeader?: string;
  /** The rows shown are a previous answer while a new one loads (filters changed). */
  stale?: boolean;
  /** Keyset pagination: the foot with the count and "Load more". */
  pagination?: LoadMoreProps;
  /**
   * `stack` (default): rows become cards below 640 px. `scroll`: the table keeps its columns and
   * scrolls sideways, for grids whose columns are the point (a permission matrix, a file preview).
   */
  layout?: 'stack' | 'scroll';
  density?: 'normal' | 'compact';
  className?: string;
  tableClassName?: string;
}

export function DataTable<Row>({
  rows,
  columns,
  rowKey = (row) => String((row as { id?: unknown }).id),
  caption,
  testId,
  rowTestId = testId?.endsWith('-table') ? `${testId.slice(0, -'-table'.length)}-row` : undefined,
  rowData,
  rowClassName,
  actions,
  actionsHeader = 'Actions',
  stale = false,
  pagination,
  layout = 'stack',
  density = 'normal',
  className,
  tableClassName,
}: DataTableProps<Row>) {
  const stack = layout === 'stack';
  const cellClass = (column: Column<Row>, row: Row) =>
    cn(
      stack ? CELL : SCROLL_CELL,
      stack ? EDGE : SCROLL_EDGE,
      density === 'compact' && COMPACT,
      stack && column.primary && PRIMARY_CELL,
      column.from && (stack ? SHOW_FROM[column.from] : HEADER_FROM[column.from]),
      column.align === 'right' && 'text-right tabular-nums',
      column.className,
      column.cellClassName?.(row),
    );
  return (
    <>
      {/* A grid that scrolls sideways is a focusable, named region: keyboard users can scroll it too
          (axe scrollable-region-focusable). */}
      <div
        className={cn(
          'relative overflow-x-auto transition-opacity',
          !stack &&
            'rounded focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600',
          stale && 'opacity-60',
          className,
        )}
        {...(stack ? {} : { tabIndex: 0, role: 'region', 'aria-label': caption })}
      >
        <table
          data-testid={testId}
          className={cn('w-full text-left text-sm', stack && 'max-sm:block', tableClassName)}
        >
          <caption className="sr-only">{caption}</caption>
          <thead
            className={cn(
              'border-b border-slate-100 bg-slate-50/70 text-xs font-medium text-slate-500',
              stack && 'max-sm:sr-only',
            )}
          >
            <tr>
              {columns.map((column) => (
                <th
                  key={column.id}
                  scope="col"
                  {...column.headerData}
                  className={cn(
                    'px-3 py-2.5 font-medium',
                    SCROLL_EDGE,
                    density === 'compact' && COMPACT,
                    column.from && HEADER_FROM[column.from],
                    column.align === 'right' && 'text-right',
                    column.headerClassName,
                  )}
                >
                  {column.headerContent ?? column.header}
                </th>
              ))}
              {actions ? (
                <th scope="col" className={cn('px-3 py-2.5', SCROLL_EDGE)}>
                  <span className="sr-only">{actionsHeader}</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody className={cn('divide-y divide-slate-100', stack && 'max-sm:block')}>
            {rows.map((row) => (
              <tr
                key={rowKey(row)}
                data-testid={rowTestId}
                {...rowData?.(row)}
                className={cn(
                  'hover:bg-slate-50/70',
                  stack && 'max-sm:block max-sm:px-5 max-sm:py-3',
                  rowClassName?.(row),
                )}
              >
                {columns.map((column) => {
                  const Cell = column.rowHeader ? 'th' : 'td';
                  return (
                    <Cell
                      key={column.id}
                      scope={column.rowHeader ? 'row' : undefined}
                      data-label={stack && !column.primary ? column.header : undefined}
                      data-testid={column.testId}
                      title={column.title?.(row)}
                      className={cellClass(column, row)}
                    >
                      {column.cell(row)}
                    </Cell>
                  );
                })}
                {actions ? <td className={cn(ACTIONS_CELL, EDGE)}>{actions(row)}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pagination ? <LoadMoreFooter {...pagination} /> : null}
    </>
  );
}
