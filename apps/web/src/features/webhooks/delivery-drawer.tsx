// One delivery in full: its state, the payload sent (the same bytes on every attempt), every attempt
// with the receiver's answer, and "Re-send" (same webhook-id, attempted now).

import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Notice, ProblemAlert } from '../../components/alert.tsx';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { DetailRow, NONE } from '../../components/detail-row.tsx';
import { Drawer } from '../../components/dialog.tsx';
import { RefreshIcon } from '../../components/icons.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { AttemptItem } from './attempt-item.tsx';
import { useRefreshWebhooks, useReplaceDelivery, type WebhookDelivery } from './use-webhooks.ts';
import { webhookActionError } from './webhook-errors.ts';
import {
  deliveryStatus,
  eventTypeLabel,
  nextAttemptText,
  prettyJson,
  relativeTime,
} from './webhooks-model.ts';

function Row(props: { label: string; children: ReactNode; testId?: string }) {
  return <DetailRow {...props} className="py-2.5" />;
}

const none = NONE;

function When({ iso, now }: { iso: string | null; now: number }) {
  if (!iso) return none;
  return (
    <time dateTime={iso} title={iso}>
      {formatDateTime(iso)} <span className="text-slate-500">({relativeTime(iso, now)})</span>
    </time>
  );
}

/** What the panel needs besides the delivery: who looks, whether re-sending can work, and the time. */
interface Viewing {
  canManage: boolean;
  endpointEnabled: boolean;
  now: number;
}

export function DeliveryDrawer({
  delivery,
  onClose,
  ...viewing
}: Viewing & { delivery: WebhookDelivery | undefined; onClose: () => void }) {
  return (
    <Drawer
      item={delivery}
      onClose={onClose}
      testId="delivery-drawer"
      title={(shown) => eventTypeLabel(shown.eventType)}
      description={(shown) => `Created ${formatDateTime(shown.createdAt)}`}
    >
      {(shown) => <DeliveryDetails key={shown.id} delivery={shown} {...viewing} />}
    </Drawer>
  );
}

function DeliveryDetails({
  delivery,
  canManage,
  endpointEnabled,
  now,
}: Viewing & { delivery: WebhookDelivery }) {
  const { workspace } = useCurrentWorkspace();
  const trpc = useTRPC();
  const replace = useReplaceDelivery();
  const refresh = useRefreshWebhooks();
  const refusal = useRefusal((error) => webhookActionError(error, 'resend'));
  const [notice, setNotice] = useState<string>();
  const resend = useMutation(
    trpc.webhooks.resend.mutationOptions({
      onMutate: () => setNotice(undefined),
      onSuccess: ({ delivery: queued }) => {
        replace(queued);
        setNotice('Queued for an attempt now, with the same webhook-id. This panel follows its progress.');
        void refresh();
      },
      onError: refusal.onError,
    }),
  );
  const problem = refusal.problem(resend);
  const status = deliveryStatus(delivery);
  // The server re-sends finished deliveries of enabled endpoints only (a pending one retries on its own).
  const resendBlocked = !endpointEnabled
    ? 'Enable the endpoint to re-send deliveries.'
    : delivery.status === 'pending'
      ? 'Still pending: it is attempted again on its own.'
      : undefined;
  const payload = prettyJson(delivery.payload);

  return (
    <div className="space-y-6" data-testid="delivery-details-panel" data-status={delivery.status}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <Badge tone={status.tone} dot testId="drawer-status">
          {status.label}
        </Badge>
        {canManage ? (
          <Button
            variant="secondary"
            onClick={() => resend.mutate({ workspaceId: workspace.id, deliveryId: delivery.id })}
            loading={resend.isPending}
            disabled={resendBlocked !== undefined}
            title={resendBlocked}
            data-testid="resend-delivery"
          >
            {resend.isPending ? null : <RefreshIcon className="size-4 text-slate-500" />}
            Re-send
          </Button>
        ) : null}
      </div>
      {canManage && resendBlocked && !notice ? (
        <p className="text-xs text-slate-500" data-testid="resend-blocked">
          {resendBlocked}
        </p>
      ) : null}
      <Notice testId="resend-notice">{notice}</Notice>
      <ProblemAlert problem={problem} testId="resend-error" />
      <dl className="divide-y divide-slate-100">
        <Row label="Event type">
          <code className="font-mono text-xs">{delivery.eventType}</code>
        </Row>
        <Row label="webhook-id" testId="drawer-msg-id">
          <span className="flex items-center gap-2">
            <code className="min-w-0 font-mono text-xs break-all">{delivery.msgId}</code>
            <CopyButton text={delivery.msgId} label="Copy" variant="ghost" className="px-2 py-1 text-xs" />
          </span>
        </Row>
        <Row label="Attempts" testId="drawer-attempts">
          {delivery.attempts}
        </Row>
        <Row label="Created">
          <When iso={delivery.createdAt} now={now} />
        </Row>
        <Row label="Last attempt">
          <When iso={delivery.lastAttemptAt} now={now} />
        </Row>
        {delivery.status === 'pending' ? (
          <Row label="Next attempt" testId="drawer-next-attempt">
            {nextAttemptText(delivery, now)}
            {delivery.nextAttemptAt ? (
              <span className="text-slate-500"> ({formatDateTime(delivery.nextAttemptAt)})</span>
            ) : null}
          </Row>
        ) : (
          <Row label="Completed">
            <When iso={delivery.completedAt} now={now} />
          </Row>
        )}
        {delivery.lastError ? (
          <Row label="Last error">
            <span className="text-rose-700">{delivery.lastError}</span>
          </Row>
        ) : null}
      </dl>
      <section aria-labelledby="delivery-payload">
        <div className="flex items-center justify-between gap-3">
          <h3 id="delivery-payload" className="text-sm font-semibold text-slate-900">
            Payload
          </h3>
          <CopyButton
            text={delivery.payload}
            label="Copy JSON"
            variant="ghost"
            className="px-2 py-1 text-xs"
          />
        </div>
        <pre
          data-testid="delivery-payload"
          className="mt-2 max-h-80 overflow-auto rounded-lg bg-slate-900 p-4 font-mono text-xs leading-relaxed break-words whitespace-pre-wrap text-slate-100"
        >
          {payload}
        </pre>
      </section>
      <section aria-labelledby="delivery-attempts">
        <h3 id="delivery-attempts" className="text-sm font-semibold text-slate-900">
          Attempts <span className="font-normal text-slate-500">(newest first)</span>
        </h3>
        {delivery.attemptLog.length ? (
          <ol className="mt-2 space-y-2" data-testid="attempt-log">
            {delivery.attemptLog.map((attempt) => (
              <AttemptItem key={`${attempt.attempt}-${attempt.startedAt}`} attempt={attempt} />
            ))}
          </ol>
        ) : (
          <p className="mt-2 text-sm text-slate-500" data-testid="no-attempts">
            Not attempted yet.
          </p>
        )}
      </section>
    </div>
  );
}
