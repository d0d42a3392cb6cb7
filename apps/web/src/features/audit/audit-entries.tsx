// The audit log's entries: newest first, "Load older entries" (keyset pages), a Details button per
// entry; while loading, failed or empty, what KeysetTable shows.

import { Badge } from '../../components/badge.tsx';
import { NONE } from '../../components/detail-row.tsx';
import { ScrollIcon } from '../../components/icons.tsx';
import type { Column } from '../../components/list-kit/data-table.tsx';
import { KeysetTable } from '../../components/list-kit/keyset-table.tsx';
import type { EmptyWords } from '../../components/list-kit/list-state.tsx';
import { DetailsButton } from '../../components/list-kit/row-button.tsx';
import { TimeAgo } from '../../components/time-ago.tsx';
import { eventLabel, eventTone, targetText } from './audit-events.ts';
import { EntryChanges } from './entry-changes.tsx';
import type { AuditEntry, useAuditLog } from './use-audit.ts';

const SKELETON = ['h-4 w-24', 'h-5 w-36 rounded-full', 'h-4 w-44', 'ml-auto h-4 w-20'];
function auditColumns(now: number): Column<AuditEntry>[] {
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
      cell: (entry) => (
        <span
          data-actor-type={entry.actorType}
          className={entry.actorType === 'system' ? 'text-slate-500' : undefined}
        >
          {entry.actorLabel}
        </span>
      ),
    },
    {
      id: 'target',
      header: 'Target',
      from: 'lg',
      testId: 'audit-target',
      className: 'text-slate-600 sm:max-w-64',
      cell: (entry) => (
        <>
          <span className="block sm:truncate">{targetText(entry) ?? NONE}</span>
          <EntryChanges metadata={entry.metadata} className="mt-1" />
        </>
      ),
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
  now,
  onSelect,
}: {
  log: ReturnType<typeof useAuditLog>;
  filtered: boolean;
  onClearFilters: () => void;
  now: number;
  onSelect: (entry: AuditEntry) => void;
}) {
  const empty: EmptyWords = {
    icon: ScrollIcon,
    title: 'Nothing recorded yet',
    children: 'Changes to members, API keys and settings of this workspace will appear here.',
    filtered: filtered
      ? {
          title: 'No entries match these filters',
          hint: 'Try a wider date range or fewer event types.',
          onClear: onClearFilters,
        }
      : undefined,
  };
  return (
    <KeysetTable
      log={log}
      rows={log.data?.pages.flatMap((page) => page.entries) ?? []}
      state={{ name: 'audit', what: 'the audit log', skeleton: { rows: 5, cells: SKELETON }, empty }}
      words={{ noun: ['entry', 'entries'], endText: 'end of the log', buttonLabel: 'Load older entries' }}
      columns={auditColumns(now)}
      caption="Audit log entries, newest first"
      rowData={(entry) => ({ 'data-event-type': entry.eventType, 'data-seq': entry.seq })}
      actionsHeader="Details"
      actions={(entry) => (
        <DetailsButton
          label={`Details of entry #${entry.seq}: ${eventLabel(entry.eventType)}`}
          testId="audit-details"
          onClick={() => onSelect(entry)}
        />
      )}
    />
  );
}
