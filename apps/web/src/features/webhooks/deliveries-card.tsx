// The endpoint's delivery log: filters (status, event type, days) kept in the URL, newest first with
// "Load more", refreshed every few seconds while a delivery is pending; a delivery's payload, its
// attempts and "Re-send" in a side panel.
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import { Field } from '../../components/field.tsx';
import { SendIcon } from '../../components/icons.tsx';
import { LoadMoreFooter } from '../../components/load-more-footer.tsx';
import { SelectField } from '../../components/select.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { cn } from '../../lib/cn.ts';
import { formatDateTime } from '../../lib/time.ts';
import { useNow } from '../../lib/use-now.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { DeliveryDrawer } from './delivery-drawer.tsx';
import { useDeliveriesLog, type WebhookEndpoint } from './use-webhooks.ts';
import {
  anyPending,
  DELIVERY_STATUS,
  DELIVERY_STATUSES,
  type DeliveryFilters,
  dateRangeProblem,
  deliveriesInput,
  deliveryStatus,
  eventTypeLabel,
  filtersFromSearch,
  filtersToSearch,
  formatDuration,
  isFiltered,
  lastDuration,
  NO_FILTERS,
  nextAttemptText,
  relativeTime,
  sameFilters,
  statusCodeText,
  statusCodeTone,
  TEST_EVENT,
} from './webhooks-model.ts';

function TableSkeleton() {
  return (
    <div data-testid="deliveries-loading" aria-busy="true" className="divide-y divide-slate-100 px-5 sm:px-6">
      <span className="sr-only">Loading the delivery log…</span>
      {[0, 1, 2].map((row) => (
        <div key={row} className="flex items-center gap-6 py-3.5">
          <Skeleton className="h-4 w-36" />
          <Skeleton className="h-5 w-20 rounded-full" />
          <Skeleton className="h-4 w-16" />
          <Skeleton className="ml-auto h-4 w-24" />
        </div>
      ))}
    </div>
  );
}

export function DeliveriesCard({
  endpoint,
  canManage,
  onPendingChange,
}: {
  endpoint: WebhookEndpoint;
  canManage: boolean;
  onPendingChange: (pending: boolean) => void;
}) {
  const { workspace } = useCurrentWorkspace();
  const now = useNow(5_000);
  const [params, setParams] = useSearchParams();
  // The URL holds the filters; this copy answers at once and follows the URL when it changes (back).
  const [filters, setFilterState] = useState(() => filtersFromSearch(params));
  useEffect(() => {
    const fromUrl = filtersFromSearch(params);
    setFilterState((current) => (sameFilters(current, fromUrl) ? current : fromUrl));
  }, [params]);
  const setFilters = (next: DeliveryFilters) => {
    setFilterState(next);
    setParams(filtersToSearch(next), { replace: true });
  };
  const rangeProblem = dateRangeProblem(filters);
  const input = useMemo(
    () => deliveriesInput(workspace.id, endpoint.id, filters),
    [workspace.id, endpoint.id, filters],
  );
  const log = useDeliveriesLog(input, !rangeProblem);
  const deliveries = useMemo(() => log.data?.pages.flatMap((page) => page.deliveries) ?? [], [log.data]);
  const pending = anyPending(deliveries);
  useEffect(() => onPendingChange(pending), [pending, onPendingChange]);
  const [selectedId, setSelectedId] = useState<string>();
  const selected = deliveries.find((delivery) => delivery.id === selectedId);
  const filtered = isFiltered(filters);

  // The endpoint's events, the test event, and whatever the URL asks for.
  const eventChoices = [
    ...new Set([...endpoint.eventTypes, TEST_EVENT, ...(filters.eventType ? [filters.eventType] : [])]),
  ];

  let body: ReactNode;
  if (rangeProblem) body = null;
  else if (log.isPending) body = <TableSkeleton />;
  else if (log.isError && !log.data)
    body = (
      <LoadError
        title="Could not load the delivery log"
        error={log.error}
        onRetry={() => void log.refetch()}
        retrying={log.isFetching}
        testId="deliveries-error"
        className="m-5 sm:m-6"
      />
    );
  else if (deliveries.length === 0)
    body = (
      <EmptyState
        icon={SendIcon}
        title={filtered ? 'No deliveries match these filters' : 'Nothing delivered yet'}
        testId="deliveries-empty"
        action={
          filtered ? (
            <Button variant="secondary" onClick={() => setFilters(NO_FILTERS)}>
              Clear filters
            </Button>
          ) : undefined
        }
      >
        {filtered
          ? 'Try another status, event type or a wider date range.'
          : canManage
            ? 'Events appear here as they are sent. Send a test event to try the endpoint now.'
            : 'Events appear here as they are sent.'}
      </EmptyState>
    );
  else
    body = (
      <>
        <div className={cn('overflow-x-auto transition-opacity', log.isPlaceholderData && 'opacity-60')}>
          <table data-testid="deliveries-table" className="w-full text-left text-sm">
            <caption className="sr-only">Deliveries to this endpoint, newest first</caption>
            <thead className="border-b border-slate-100 bg-slate-50/70 text-xs font-medium text-slate-500">
              <tr>
                <th scope="col" className="px-5 py-2.5 font-medium sm:px-6">
                  Event
                </th>
                <th scope="col" className="px-3 py-2.5 font-medium">
                  Status
                </th>
                <th scope="col" className="px-3 py-2.5 text-right font-medium">
                  Attempts
                </th>
                <th scope="col" className="px-3 py-2.5 font-medium">
                  Last response
                </th>
                <th scope="col" className="hidden px-3 py-2.5 text-right font-medium md:table-cell">
                  Duration
                </th>
                <th scope="col" className="hidden px-3 py-2.5 font-medium sm:table-cell">
                  Created
                </th>
                <th scope="col" className="hidden px-3 py-2.5 font-medium lg:table-cell">
                  Next attempt
                </th>
                <th scope="col" className="px-5 py-2.5 text-right font-medium sm:px-6">
                  <span className="sr-only">Details</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {deliveries.map((delivery) => {
                const status = deliveryStatus(delivery);
                return (
                  <tr
                    key={delivery.id}
                    data-testid="delivery-row"
                    data-delivery-id={delivery.id}
                    data-msg-id={delivery.msgId}
                    data-status={delivery.status}
                    className={cn('hover:bg-slate-50/70', selectedId === delivery.id && 'bg-indigo-50/40')}
                  >
                    <td className="px-5 py-3 sm:px-6">
                      <span className="block font-medium text-slate-900">
                        {eventTypeLabel(delivery.eventType)}
                      </span>
                      <code
                        className="block font-mono text-[0.7rem] text-slate-500"
                        data-testid="delivery-event-type"
                      >
                        {delivery.eventType}
                      </code>
                    </td>
                    <td className="px-3 py-3">
                      <Badge tone={status.tone} dot testId="delivery-status">
                        {status.label}
                      </Badge>
                    </td>
                    <td
                      className="px-3 py-3 text-right text-slate-700 tabular-nums"
                      data-testid="delivery-attempts"
                    >
                      {delivery.attempts}
                    </td>
                    <td className="px-3 py-3" data-testid="delivery-status-code">
                      {delivery.lastStatusCode !== null || delivery.lastError ? (
                        <Badge
                          tone={statusCodeTone(delivery.lastStatusCode)}
                          title={delivery.lastError ?? undefined}
                        >
                          {statusCodeText(delivery.lastStatusCode, delivery.lastError)}
                        </Badge>
                      ) : (
                        <span className="text-slate-400">—</span>
                      )}
                    </td>
                    <td
                      className="hidden px-3 py-3 text-right text-slate-600 tabular-nums md:table-cell"
                      data-testid="delivery-duration"
                    >
                      {formatDuration(lastDuration(delivery))}
                    </td>
                    <td className="hidden px-3 py-3 whitespace-nowrap text-slate-600 sm:table-cell">
                      <time dateTime={delivery.createdAt} title={formatDateTime(delivery.createdAt)}>
                        {relativeTime(delivery.createdAt, now)}
                      </time>
                    </td>
                    <td
                      className="hidden px-3 py-3 whitespace-nowrap text-slate-600 lg:table-cell"
                      data-testid="delivery-next-attempt"
                      title={delivery.nextAttemptAt ? formatDateTime(delivery.nextAttemptAt) : undefined}
                    >
                      {nextAttemptText(delivery, now)}
                    </td>
                    <td className="px-5 py-3 text-right sm:px-6">
                      <Button
                        variant="ghost"
                        className="px-2.5 py-1.5 text-xs"
                        data-testid="delivery-details"
                        aria-label={`Details of the ${eventTypeLabel(delivery.eventType)} delivery (${delivery.msgId})`}
                        onClick={() => setSelectedId(delivery.id)}
                      >
                        Details
                      </Button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <LoadMoreFooter
          shown={deliveries.length}
          noun={['delivery', 'deliveries']}
          endText="end of the log"
          hasMore={log.hasNextPage}
          loading={log.isFetchingNextPage}
          failed={log.isFetchNextPageError}
          onLoadMore={() => void log.fetchNextPage()}
          testId="deliveries"
        />
      </>
    );

  return (
    <Card
      id="deliveries"
      testId="deliveries-card"
      bodyClassName="p-0"
      title="Delivery log"
      description={
        pending
          ? 'Newest first. Refreshing every 5 seconds while a delivery is pending.'
          : 'Newest first. Kept for 30 days.'
      }
      actions={
        log.isFetching && !log.isFetchingNextPage && !log.isPending ? (
          <Spinner className="size-4 text-slate-400" />
        ) : undefined
      }
    >
      <div
        className="border-b border-slate-100 bg-slate-50/40 px-5 py-4 sm:px-6"
        data-testid="delivery-filters"
      >
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.3fr)_minmax(0,1fr)_minmax(0,1fr)_auto] lg:items-end">
          <SelectField
            label="Status"
            testId="status-filter"
            value={filters.status ?? ''}
            onChange={(event) =>
              setFilters({
                ...filters,
                status: DELIVERY_STATUSES.find((status) => status === event.target.value),
              })
            }
          >
            <option value="">Any status</option>
            {DELIVERY_STATUSES.map((status) => (
              <option key={status} value={status}>
                {DELIVERY_STATUS[status].label}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Event type"
            testId="event-filter"
            value={filters.eventType ?? ''}
            onChange={(event) => setFilters({ ...filters, eventType: event.target.value || undefined })}
          >
            <option value="">All events</option>
            {eventChoices.map((type) => (
              <option key={type} value={type}>
                {eventTypeLabel(type)} ({type})
              </option>
            ))}
          </SelectField>
          <Field
            label="From"
            type="date"
            testId="from-filter"
            value={filters.from ?? ''}
            max={filters.to}
            onChange={(event) => setFilters({ ...filters, from: event.target.value || undefined })}
            error={rangeProblem}
          />
          <Field
            label="To"
            type="date"
            testId="to-filter"
            value={filters.to ?? ''}
            min={filters.from}
            onChange={(event) => setFilters({ ...filters, to: event.target.value || undefined })}
          />
          <Button
            variant="ghost"
            onClick={() => setFilters(NO_FILTERS)}
            disabled={!filtered}
            data-testid="clear-delivery-filters"
          >
            Clear
          </Button>
        </div>
      </div>
      {body}
      <DeliveryDrawer
        delivery={selected}
        canManage={canManage}
        endpointEnabled={endpoint.enabled}
        now={now}
        onClose={() => setSelectedId(undefined)}
      />
    </Card>
  );
}
