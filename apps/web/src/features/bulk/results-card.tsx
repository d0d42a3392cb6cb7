// A job's results, a page at a time (keyset: each page continues after the last seq seen), filtered by
// status; re-read every few seconds while the job runs.
import type { BulkResultFilter } from '@postern/contracts';
import { type ReactNode, useState } from 'react';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import { FilterIcon } from '../../components/icons.tsx';
import { Select } from '../../components/select.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { cn } from '../../lib/cn.ts';
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

  let body: ReactNode;
  if (page.isPending)
    body = (
      <div data-testid="results-loading" aria-busy="true" className="divide-y divide-slate-100 px-5 sm:px-6">
        {[0, 1, 2, 3].map((row) => (
          <div key={row} className="flex items-center gap-6 py-3">
            <Skeleton className="h-4 w-8" />
            <Skeleton className="h-4 w-56" />
            <Skeleton className="h-5 w-24 rounded-full" />
          </div>
        ))}
      </div>
    );
  else if (page.isError && !page.data)
    body = (
      <LoadError
        title="Could not load the results"
        error={page.error}
        onRetry={() => void page.refetch()}
        retrying={page.isFetching}
        testId="results-error"
        className="m-5 sm:m-6"
      />
    );
  else if (items.length === 0)
    body = (
      <EmptyState
        icon={FilterIcon}
        title={filter ? 'No results with this status' : 'No results yet'}
        testId="results-empty"
      >
        {filter ? 'Choose another status, or all results.' : 'Results appear here as addresses are checked.'}
      </EmptyState>
    );
  else
    body = (
      <div className={cn('overflow-x-auto transition-opacity', page.isPlaceholderData && 'opacity-60')}>
        <table data-testid="results-table" className="w-full text-left text-sm">
          <caption className="sr-only">Results of the job, in file order</caption>
          <thead className="border-b border-slate-100 bg-slate-50/70 text-xs font-medium text-slate-500">
            <tr>
              <th scope="col" className="w-16 px-5 py-2.5 text-right font-medium sm:px-6">
                #
              </th>
              <th scope="col" className="px-3 py-2.5 font-medium">
                Address
              </th>
              <th scope="col" className="px-3 py-2.5 font-medium">
                Status
              </th>
              <th scope="col" className="hidden px-5 py-2.5 font-medium md:table-cell sm:px-6">
                Reason
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {items.map((item) => (
              <tr key={item.seq} data-testid="result-row" data-status={item.status}>
                <td className="px-5 py-2.5 text-right text-xs text-slate-400 tabular-nums sm:px-6">
                  {item.seq}
                </td>
                <td
                  className="max-w-72 truncate px-3 py-2.5 font-mono text-xs text-slate-900"
                  title={item.email}
                >
                  <span data-testid="result-email">{item.email}</span>
                </td>
                <td className="px-3 py-2.5">
                  <ResultStatus item={item} />
                </td>
                <td className="hidden px-5 py-2.5 text-slate-600 md:table-cell sm:px-6">
                  {item.result ? explainReason(item.result).title : <span className="text-slate-400">—</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );

  const hasNext = page.data?.nextAfter !== null && page.data?.nextAfter !== undefined;
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
          {RESULT_FILTERS.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </Select>
      }
    >
      {body}
      {items.length > 0 || pageNumber > 1 ? (
        <div className="flex items-center justify-between gap-3 border-t border-slate-100 px-5 py-3 text-sm text-slate-500 sm:px-6">
          <span data-testid="results-range" className="tabular-nums">
            {items.length
              ? `${formatCount(firstShown)}–${formatCount(firstShown + items.length - 1)}`
              : 'Nothing here'}
            {' · '}page {pageNumber}
          </span>
          <div className="flex gap-2">
            <Button
              variant="secondary"
              className="px-2.5 py-1.5 text-xs"
              disabled={pageNumber === 1}
              onClick={() => setTrail((current) => current.slice(0, -1))}
              data-testid="results-prev"
            >
              Previous
            </Button>
            <Button
              variant="secondary"
              className="px-2.5 py-1.5 text-xs"
              disabled={!hasNext || page.isPlaceholderData}
              onClick={() => {
                const next = page.data?.nextAfter;
                if (typeof next === 'number') setTrail((current) => [...current, next]);
              }}
              data-testid="results-next"
            >
              Next
            </Button>
          </div>
        </div>
      ) : null}
    </Card>
  );
}
