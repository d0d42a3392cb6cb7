// A list read in one answer (API keys, sessions, email accounts) as one piece: ListState's loading /
// error / empty branching around a DataTable of the rows. KeysetTable's sibling for lists that are not
// paged. Test ids follow one name: `<name>-loading`, `<name>-error`, `<name>-empty`, `<name>-table`,
// `<name>-row`.
import { DataTable, type DataTableProps } from './data-table.tsx';
import { ListState, type ListStateProps } from './list-state.tsx';

export function ListTable<Row>({
  state,
  rows,
  ...table
}: Omit<DataTableProps<Row>, 'testId' | 'stale' | 'pagination'> & {
  /** The query, the test ids' prefix (`name`), what is loaded, the skeleton, what an empty list says. */
  state: Omit<ListStateProps, 'isEmpty' | 'children'>;
}) {
  return (
    <ListState {...state} isEmpty={rows.length === 0}>
      <DataTable {...table} rows={rows} testId={`${state.name}-table`} />
    </ListState>
  );
}
