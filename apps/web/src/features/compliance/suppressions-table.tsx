// The suppression list as a table: address, reason (with what it means), source, date; Remove on
// manual entries (owners and admins), and for the others why the workspace cannot lift them.
import { Badge } from '../../components/badge.tsx';
import { ShieldBanIcon } from '../../components/icons.tsx';
import type { Column } from '../../components/list-kit/data-table.tsx';
import { KeysetTable } from '../../components/list-kit/keyset-table.tsx';
import { RowButton } from '../../components/list-kit/row-button.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { liftRefusal, REASON_STYLES } from './compliance-model.ts';
import type { Suppression, useSuppressionsLog } from './use-suppressions.ts';

const columns: Column<Suppression>[] = [
  {
    id: 'email',
    header: 'Address',
    primary: true,
    testId: 'suppression-email',
    className: 'font-medium break-all text-slate-900',
    cell: (row) => row.email,
  },
  {
    id: 'reason',
    header: 'Reason',
    testId: 'suppression-reason',
    cell: (row) => (
      <span>
        <Badge tone={REASON_STYLES[row.reason].tone} title={REASON_STYLES[row.reason].meaning}>
          {REASON_STYLES[row.reason].label}
        </Badge>
      </span>
    ),
  },
  {
    id: 'source',
    header: 'Source',
    from: 'md',
    className: 'text-slate-600 [overflow-wrap:anywhere]',
    cell: (row) => row.source ?? <span className="text-slate-500">—</span>,
  },
  {
    id: 'date',
    header: 'Since',
    from: 'lg',
    className: 'whitespace-nowrap text-slate-600',
    cell: (row) => <time dateTime={row.createdAt}>{formatDateTime(row.createdAt)}</time>,
  },
];

export function SuppressionsTable({
  log,
  onClearFilters,
  canManage,
  onRemove,
}: {
  log: ReturnType<typeof useSuppressionsLog>;
  /** Set while filters hide rows: the empty list's way back to everything. */
  onClearFilters: (() => void) | undefined;
  canManage: boolean;
  onRemove: (row: Suppression) => void;
}) {
  return (
    <KeysetTable
      log={log}
      rows={log.data?.pages.flatMap((page) => page.suppressions) ?? []}
      state={{
        name: 'suppressions',
        what: 'the suppression list',
        skeleton: { rows: 4, cells: ['h-4 w-56', 'h-5 w-24 rounded-full', 'h-4 w-32', 'ml-auto h-4 w-28'] },
        empty: {
          icon: ShieldBanIcon,
          title: 'No suppressed addresses',
          children:
            'Addresses land here when people unsubscribe from everything, when mail to them bounces or they complain, and when you add them.',
          filtered: onClearFilters
            ? {
                title: 'No suppressions for this reason',
                hint: 'Try another reason.',
                onClear: onClearFilters,
              }
            : undefined,
        },
      }}
      columns={columns}
      caption="Suppressed addresses, newest first"
      rowData={(row) => ({ 'data-reason': row.reason, 'data-email': row.email })}
      actions={(row) => {
        if (!canManage) return null;
        const refusal = liftRefusal(row.reason);
        if (refusal)
          return (
            <span
              className="block max-w-56 text-left text-xs whitespace-normal text-slate-500"
              data-testid="suppression-locked"
            >
              {refusal}
            </span>
          );
        return (
          <RowButton
            testId="remove-suppression"
            label={`Remove the suppression of ${row.email}`}
            onClick={() => onRemove(row)}
          >
            Remove
          </RowButton>
        );
      }}
      words={{
        noun: ['address', 'addresses'],
        endText: 'the whole list',
        buttonLabel: 'Load more addresses',
      }}
    />
  );
}
