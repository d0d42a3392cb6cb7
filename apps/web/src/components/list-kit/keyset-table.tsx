// A server-paged list as one piece (#17): ListState's loading / error / empty branching around a
// DataTable fed by an infinite query's pages, with the "Load more" foot and the rows dimmed while new
// filters load. Test ids follow one name: `<name>-loading`, `<name>-error`, `<name>-empty`,
// `<name>-table`, `<name>-row`, `<name>-count`, `<name>-load-more`.
import { DataTable, type DataTableProps } from './data-table.tsx';
import { ListState, type ListStateProps } from './list-state.tsx';
import { infinitePagination, type LoadMoreProps } from './load-more-footer.tsx';
import type { QueryLike } from './query-state.tsx';

type InfiniteLog = QueryLike &
  Parameters<typeof infinitePagination>[0] & {
    isPlaceholderData: boolean;
  };

export function KeysetTable<Row>({
  log,
  rows,
  state,
  words,
  ...table
}: Omit<DataTableProps<Row>, 'rows' | 'stale' | 'pagination' | 'testId'> & {
  log: InfiniteLog;
  /** The loaded pages' rows, in order. */
  rows: readonly Row[];
  /** The test ids' prefix (`name`), what is loaded, the skeleton, what an empty list says. */
  state: Omit<ListStateProps, 'query' | 'isEmpty' | 'children'>;
  /** The foot's words: ['contact', 'contacts'], 'all of them', the button's accessible name. */
  words: Pick<LoadMoreProps, 'noun' | 'endText' | 'buttonLabel'>;
}) {
  return (
    <ListState {...state} query={log} isEmpty={rows.length === 0}>
      <DataTable
        {...table}
        rows={rows}
        testId={`${state.name}-table`}
        stale={log.isPlaceholderData}
        pagination={infinitePagination(log, rows.length, { ...words, testId: state.name })}
      />
    </ListState>
  );
}
