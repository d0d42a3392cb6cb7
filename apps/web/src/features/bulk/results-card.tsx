// A job's results, a page at a time (keyset: each page continues after the last seq seen), filtered by
// status; re-read every few seconds while the job runs.
import type { BulkResultFilter } from '@postern/contracts';
import { useState } from 'react';
import { Badge } from '../../components/badge.tsx';
import { Card } from '../../components/card.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { FilterIcon } from '../../components/icons.tsx';
import { badgeColumn, column } from '../../components/list-kit/columns.tsx';
import { type Column, DataTable } from '../../components/list-kit/data-table.tsx';
import { PageSteps } from '../../components/list-kit/page-steps.tsx';
import { QueryState } from '../../components/list-kit/query-state.tsx';
import { Options, Select } from '../../components/select.tsx';
import { explainReason, STATUS_INFO } from '../check/explain.ts';
import { formatCount, RESULT_FILTERS, verdictLabel } from './bulk-model.ts';
import { type BulkResult, RESULTS_PAGE_SIZE, useResultsPage } from './use-bulk.ts';

function ResultStatus({ item }: { item: BulkResult }) {
  if (item.status === 'pending')
    return (
      <Badge tone="slate" testId="result-status">
        {verdictLabel('pending')}
      </Badge>
    );
  return (
    <Badge tone={STATUS_INFO[item.status].tone} dot testId="result-status">
      {STATUS_INFO[item.status].label}
    </Badge>
  );
}

const RESULT_COLUMNS: Column<BulkResult>[] = [
  column('#', (item) => item.seq, { id: 'seq', align: 'right', className: 'w-16 text-xs text-slate-500' }),
  column('Address', (item) => <span data-testid="result-email">{item.email}</span>, {
    className: 'font-mono text-xs text-slate-900 sm:max-w-72 sm:truncate',
    title: (item) => item.email,
  }),
  badgeColumn('Status', (item) => <ResultStatus item={item} />),
  column(
    'Reason',
    (item) => (item.result ? explainReason(item.result).title : <span className="text-slate-500">—</span>),
    { from: 'md', className: 'text-slate-600' },
  ),
];

export function ResultsCard({
  workspaceId,
  jobId,
  live,
}: {
  workspaceId: string;
  jobId: string;
  live: boolean;
}) {
  const [filter, setFilter] = useState<BulkResultFilter | ''>('');
  /** The `after` of each page opened so far: the last one is on screen. */
  const [trail, setTrail] = useState<number[]>([0]);
  const after = trail[trail.length - 1] ?? 0;
  const page = useResultsPage(workspaceId, jobId, filter || undefined, after, live);
  const items = page.data?.items ?? [];
  const pageNumber = trail.length;
  const firstShown = (pageNumber - 1) * RESULTS_PAGE_SIZE + 1;
  const next = page.data?.nextAfter;

  return (
    <Card
      id="job-results"
      testId="results-card"
      bodyClassName="p-0"
      title="Results"
      description="In file order."
      actions={
        <Select
          aria-label="Show results with status"
          data-testid="results-filter"
          value={filter}
          onChange={(event) => {
            setFilter(event.target.value as BulkResultFilter | '');
            setTrail([0]);
          }}
          wrapperClassName="w-52"
        >
          <Options choices={RESULT_FILTERS} />
        </Select>
      }
    >
      <QueryState
        query={page}
        what="the results"
        testId="results"
        skeleton={{ rows: 4, cells: ['h-4 w-8', 'h-4 w-56', 'h-5 w-24 rounded-full'] }}
        isEmpty={items.length === 0}
        empty={
          <EmptyState
            icon={FilterIcon}
            title={filter ? 'No results with this status' : 'No results yet'}
            testId="results-empty"
          >
            {filter
              ? 'Choose another status, or all results.'
              : 'Results appear here as addresses are checked.'}
          </EmptyState>
        }
      >
        <DataTable
          rows={items}
          columns={RESULT_COLUMNS}
          rowKey={(item) => String(item.seq)}
          caption="Results of the job, in file order"
          testId="results-table"
          rowData={(item) => ({ 'data-status': item.status })}
          stale={page.isPlaceholderData}
        />
      </QueryState>
      {items.length > 0 || pageNumber > 1 ? (
        <PageSteps
          testId="results"
          range={`${
            items.length
              ? `${formatCount(firstShown)}–${formatCount(firstShown + items.length - 1)}`
              : 'Nothing here'
          } · page ${pageNumber}`}
          canPrevious={pageNumber > 1}
          canNext={typeof next === 'number' && !page.isPlaceholderData}
          onPrevious={() => setTrail((current) => current.slice(0, -1))}
          onNext={() => {
            if (typeof next === 'number') setTrail((current) => [...current, next]);
          }}
        />
      ) : null}
    </Card>
  );
}
