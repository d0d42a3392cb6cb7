// The rows of the delivery log: event, status, attempts, last response, duration, times; "Details"
// opens the delivery's side panel.
import { Badge } from '../../components/badge.tsx';
import { titleColumn } from '../../components/list-kit/columns.tsx';
import type { Column } from '../../components/list-kit/data-table.tsx';
import { KeysetTable } from '../../components/list-kit/keyset-table.tsx';
import type { EmptyWords } from '../../components/list-kit/list-state.tsx';
import { DetailsButton } from '../../components/list-kit/row-button.tsx';
import { formatDateTime } from '../../lib/time.ts';
import type { useDeliveriesLog, WebhookDelivery } from './use-webhooks.ts';
import {
  deliveryStatus,
  eventTypeLabel,
  formatDuration,
  lastDuration,
  nextAttemptText,
  relativeTime,
  statusCodeText,
  statusCodeTone,
} from './webhooks-model.ts';

function deliveryColumns(now: number): Column<WebhookDelivery>[] {
  return [
    titleColumn('Event', (delivery) => (
      <>
        <span className="block font-medium text-slate-900">{eventTypeLabel(delivery.eventType)}</span>
        <code className="block font-mono text-[0.7rem] text-slate-500" data-testid="delivery-event-type">
          {delivery.eventType}
        </code>
      </>
    )),
    {
      id: 'status',
      header: 'Status',
      cell: (delivery) => {
        const status = deliveryStatus(delivery);
        return (
          <span>
            <Badge tone={status.tone} dot testId="delivery-status">
              {status.label}
            </Badge>
          </span>
        );
      },
    },
    {
      id: 'attempts',
      header: 'Attempts',
      align: 'right',
      testId: 'delivery-attempts',
      className: 'text-slate-700',
      cell: (delivery) => delivery.attempts,
    },
    {
      id: 'response',
      header: 'Last response',
      testId: 'delivery-status-code',
      cell: (delivery) =>
        delivery.lastStatusCode !== null || delivery.lastError ? (
          <span>
            <Badge tone={statusCodeTone(delivery.lastStatusCode)} title={delivery.lastError ?? undefined}>
              {statusCodeText(delivery.lastStatusCode, delivery.lastError)}
            </Badge>
          </span>
        ) : (
          <span className="text-slate-500">—</span>
        ),
    },
    {
      id: 'duration',
      header: 'Duration',
      align: 'right',
      from: 'md',
      testId: 'delivery-duration',
      className: 'text-slate-600',
      cell: (delivery) => formatDuration(lastDuration(delivery)),
    },
    {
      id: 'created',
      header: 'Created',
      className: 'whitespace-nowrap text-slate-600',
      cell: (delivery) => (
        <time dateTime={delivery.createdAt} title={formatDateTime(delivery.createdAt)}>
          {relativeTime(delivery.createdAt, now)}
        </time>
      ),
    },
    {
      id: 'next',
      header: 'Next attempt',
      from: 'lg',
      testId: 'delivery-next-attempt',
      className: 'whitespace-nowrap text-slate-600',
      title: (delivery) => (delivery.nextAttemptAt ? formatDateTime(delivery.nextAttemptAt) : undefined),
      cell: (delivery) => nextAttemptText(delivery, now),
    },
  ];
}

export function DeliveryTable({
  log,
  deliveries,
  empty,
  now,
  selectedId,
  onSelect,
}: {
  log: ReturnType<typeof useDeliveriesLog>;
  deliveries: readonly WebhookDelivery[];
  empty: EmptyWords;
  now: number;
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}) {
  return (
    <KeysetTable
      log={log}
      rows={deliveries}
      state={{ name: 'deliveries', what: 'the delivery log', empty }}
      words={{ noun: ['delivery', 'deliveries'], endText: 'end of the log' }}
      columns={deliveryColumns(now)}
      caption="Deliveries to this endpoint, newest first"
      rowData={(delivery) => ({
        'data-delivery-id': delivery.id,
        'data-msg-id': delivery.msgId,
        'data-status': delivery.status,
      })}
      rowClassName={(delivery) => selectedId === delivery.id && 'bg-indigo-50/40'}
      actionsHeader="Details"
      actions={(delivery) => (
        <DetailsButton
          label={`Details of the ${eventTypeLabel(delivery.eventType)} delivery (${delivery.msgId})`}
          testId="delivery-details"
          onClick={() => onSelect(delivery.id)}
        />
      )}
    />
  );
}
