// The endpoint's delivery log: filters (status, event type, days) kept in the URL, newest first with
// "Load more", refreshed every few seconds while a delivery is pending; a delivery's payload, its
// attempts and "Re-send" in a side panel.
import { useEffect, useMemo, useState } from 'react';
import { SendIcon } from '../../components/icons.tsx';
import { FilterBar } from '../../components/list-kit/filter-bar.tsx';
import { LogCard } from '../../components/list-kit/log-card.tsx';
import { SelectField } from '../../components/select.tsx';
import { dayRangeProblem } from '../../lib/day-range.ts';
import { useNow } from '../../lib/use-now.ts';
import { useUrlFilters } from '../../lib/use-url-filters.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { DeliveryDrawer } from './delivery-drawer.tsx';
import {
  DELIVERY_FILTERS_CODEC,
  type DeliveryFilters,
  deliveriesInput,
  isFiltered,
  NO_FILTERS,
} from './delivery-filters.ts';
import { DeliveryTable } from './delivery-table.tsx';
import { useDeliveriesLog, type WebhookEndpoint } from './use-webhooks.ts';
import {
  anyPending,
  DELIVERY_STATUS,
  DELIVERY_STATUSES,
  eventTypeLabel,
  TEST_EVENT,
} from './webhooks-model.ts';

function DeliveryFilterBar({
  filters,
  onChange,
  eventChoices,
}: {
  filters: DeliveryFilters;
  onChange: (next: DeliveryFilters) => void;
  eventChoices: readonly string[];
}) {
  return (
    <FilterBar
      testId="delivery-filters"
      filters={filters}
      onChange={onChange}
      cleared={NO_FILTERS}
      dates
      clearTestId="clear-delivery-filters"
      gridClassName="lg:grid-cols-[minmax(0,1fr)_minmax(0,1.3fr)_minmax(0,1fr)_minmax(0,1fr)_auto]"
    >
      <SelectField
        label="Status"
        testId="status-filter"
        value={filters.status ?? ''}
        onChange={(event) =>
          onChange({ ...filters, status: DELIVERY_STATUSES.find((status) => status === event.target.value) })
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
        onChange={(event) => onChange({ ...filters, eventType: event.target.value || undefined })}
      >
        <option value="">All events</option>
        {eventChoices.map((type) => (
          <option key={type} value={type}>
            {eventTypeLabel(type)} ({type})
          </option>
        ))}
      </SelectField>
    </FilterBar>
  );
}

function emptyText(filtered: boolean, canManage: boolean): string {
  if (filtered) return 'Try another status, event type or a wider date range.';
  return canManage
    ? 'Events appear here as they are sent. Send a test event to try the endpoint now.'
    : 'Events appear here as they are sent.';
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
  const [filters, setFilters] = useUrlFilters(DELIVERY_FILTERS_CODEC);
  const rangeProblem = dayRangeProblem(filters);
  const input = useMemo(
    () => deliveriesInput(workspace.id, endpoint.id, filters),
    [workspace.id, endpoint.id, filters],
  );
  const log = useDeliveriesLog(input, !rangeProblem);
  const deliveries = useMemo(() => log.data?.pages.flatMap((page) => page.deliveries) ?? [], [log.data]);
  const pending = anyPending(deliveries);
  useEffect(() => onPendingChange(pending), [pending, onPendingChange]);
  const [selectedId, setSelectedId] = useState<string>();
  const filtered = isFiltered(filters);
  // The endpoint's events, the test event, and whatever the URL asks for.
  const eventChoices = [
    ...new Set([...endpoint.eventTypes, TEST_EVENT, ...(filters.eventType ? [filters.eventType] : [])]),
  ];

  return (
    <LogCard
      id="deliveries"
      testId="deliveries-card"
      title="Delivery log"
      description={
        pending
          ? 'Newest first. Refreshing every 5 seconds while a delivery is pending.'
          : 'Newest first. Kept for 30 days.'
      }
      log={log}
    >
      <DeliveryFilterBar filters={filters} onChange={setFilters} eventChoices={eventChoices} />
      {rangeProblem ? null : (
        <DeliveryTable
          log={log}
          deliveries={deliveries}
          empty={{
            icon: SendIcon,
            title: 'Nothing delivered yet',
            children: emptyText(false, canManage),
            filtered: filtered
              ? {
                  title: 'No deliveries match these filters',
                  hint: emptyText(true, canManage),
                  onClear: () => setFilters(NO_FILTERS),
                }
              : undefined,
          }}
          now={now}
          selectedId={selectedId}
          onSelect={setSelectedId}
        />
      )}
      <DeliveryDrawer
        delivery={deliveries.find((delivery) => delivery.id === selectedId)}
        canManage={canManage}
        endpointEnabled={endpoint.enabled}
        now={now}
        onClose={() => setSelectedId(undefined)}
      />
    </LogCard>
  );
}
