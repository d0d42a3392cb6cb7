// The audit log's entries: newest first, "Load older entries" (keyset pages), a Details button per
// entry; while loading, failed or empty, what QueryState shows.

import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { ScrollIcon } from '../../components/icons.tsx';
import { type Column, DataTable } from '../../components/list-kit/data-table.tsx';
import { infinitePagination } from '../../components/list-kit/load-more-footer.tsx';
import { QueryState } from '../../components/list-kit/query-state.tsx';
import { TimeAgo } from '../../components/time-ago.tsx';
import { describeTarget, eventLabel, eventTone } from './audit-events.ts';
import type { AuditEntry, useAuditLog } from './use-audit.ts';

const NONE = <span className="text-slate-500">—</span>;

function auditColumns(now: number, emailsByUserId: ReadonlyMap<string, string>): Column<AuditEntry>[] {
  return [
    {
      id: 'when',
      header: 'When',
      className: 'whitespace-nowrap text-slate-600',
      cell: (entry) => (
        <>
          <TimeAgo iso={entry.occurredAt} now={now} />
          <span className="block text-xs text-slate-500 tabular-nums">#{entry.seq}</span>
        </>
      ),
    },
    {
      id: 'event',
      header: 'Event',
      cell: (entry) => (
        <>
          <span className="block font-medium text-slate-900">{eventLabel(entry.eventType)}</span>
          <Badge tone={eventTone(entry.eventType)} className="mt-1">
            <code className="font-mono text-[0.7rem]" data-testid="audit-event-type">
              {entry.eventType}
            </code>
          </Badge>
        </>
      ),
    },
    {
      id: 'actor',
      header: 'Actor',
      from: 'md',
      testId: 'audit-actor',
      className: 'text-slate-700',
      cell: (entry) => entry.actorEmail ?? <span className="text-slate-500">System</span>,
    },
    {
      id: 'target',
      header: 'Target',
      from: 'lg',
      className: 'text-slate-600 sm:max-w-56 sm:truncate',
      cell: (entry) => describeTarget(entry, emailsByUserId) ?? NONE,
    },
    {
      id: 'ip',
      header: 'IP address',
      from: 'xl',
      className: 'font-mono text-xs text-slate-500',
      cell: (entry) => entry.ip ?? '—',
    },
  ];
}

export function AuditEntries({
  log,
  filtered,
  onClearFilters,
  emailsByUserId,
  now,
  onSelect,
}: {
  log: ReturnType<typeof useAuditLog>;
  filtered: boolean;
  onClearFilters: () => void;
  emailsByUserId: ReadonlyMap<string, string>;
  now: number;
  onSelect: (entry: AuditEntry) => void;
}) {
  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];
  return (
    <QueryState
      query={log}
      what="the audit log"
      testId="audit"
      skeleton={{ rows: 5, cells: ['h-4 w-24', 'h-5 w-36 rounded-full', 'h-4 w-44', 'ml-auto h-4 w-20'] }}
      isEmpty={entries.length === 0}
      empty={
        <EmptyState
          icon={ScrollIcon}
          title={filtered ? 'No entries match these filters' : 'Nothing recorded yet'}
          testId="audit-empty"
          action={
            filtered ? (
              <Button variant="secondary" onClick={onClearFilters}>
                Clear filters
              </Button>
            ) : undefined
          }
        >
          {filtered
            ? 'Try a wider date range or fewer event types.'
            : 'Changes to members, API keys and settings of this workspace will appear here.'}
        </EmptyState>
      }
    >
      <DataTable
        rows={entries}
        columns={auditColumns(now, emailsByUserId)}
        caption="Audit log entries, newest first"
        testId="audit-table"
        rowTestId="audit-row"
        rowData={(entry) => ({ 'data-event-type': entry.eventType, 'data-seq': entry.seq })}
        stale={log.isPlaceholderData}
        actionsHeader="Details"
        actions={(entry) => (
          <Button
            variant="ghost"
            className="px-2.5 py-1.5 text-xs"
            data-testid="audit-details"
            aria-label={`Details of entry #${entry.seq}: ${eventLabel(entry.eventType)}`}
            onClick={() => onSelect(entry)}
          >
            Details
          </Button>
        )}
        pagination={infinitePagination(log, entries.length, {
          noun: ['entry', 'entries'],
          endText: 'end of the log',
          buttonLabel: 'Load older entries',
          testId: 'audit',
        })}
      />
    </QueryState>
  );
}
