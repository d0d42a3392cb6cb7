// One webhook endpoint: its settings (URL, description, events, enabled, delete), its signing secret
// (reveal, rotate), a test event, how to verify signatures, and its delivery log.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert, Notice, ProblemAlert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { SendIcon, WebhookIcon } from '../../components/icons.tsx';
import { BackLink, ItemHeader, ItemNotFound, ItemRoute, ItemState } from '../../components/item-page.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { pageTitle, useDocumentTitle } from '../../lib/use-document-title.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { DeliveriesCard } from './deliveries-card.tsx';
import { EndpointSettingsCard } from './endpoint-settings-card.tsx';
import { EndpointStatusBadge } from './endpoint-status.tsx';
import { SecretCard } from './secret-card.tsx';
import {
  useEndpointQuery,
  useEndpointsQuery,
  useRefreshWebhooks,
  type WebhookEndpoint,
} from './use-webhooks.ts';
import { VerifyCard } from './verify-card.tsx';
import { webhookActionError } from './webhook-errors.ts';
import { isEndpointId, webhooksPath } from './webhook-paths.ts';
import { endpointState, urlHost } from './webhooks-model.ts';

const backToEndpoints = (workspaceId: string) => (
  <BackLink to={webhooksPath(workspaceId)} testId="back-to-endpoints">
    All endpoints
  </BackLink>
);

const NOT_FOUND = { icon: WebhookIcon, title: 'Endpoint not found', testId: 'endpoint-not-found' } as const;
function EndpointNotFound() {
  const { workspace } = useCurrentWorkspace();
  return <ItemNotFound {...NOT_FOUND} listPath={webhooksPath(workspace.id)} listLabel="See the endpoints" />;
}

export function EndpointPage() {
  return (
    <ItemRoute param="endpointId" isId={isEndpointId} notFound={<EndpointNotFound />} view={EndpointView} />
  );
}

function EndpointView({ id: endpointId }: { id: string }) {
  const { workspace } = useCurrentWorkspace();
  const [pending, setPending] = useState(false);
  const endpoint = useEndpointQuery(workspace.id, endpointId, { poll: pending });
  const endpoints = useEndpointsQuery(workspace.id);
  useDocumentTitle(pageTitle(endpoint.data && urlHost(endpoint.data.url), 'Webhooks', workspace.name));
  // Deleted meanwhile (another tab, another member): whatever is still cached is gone (not found).
  const back = backToEndpoints(workspace.id);
  return (
    <ItemState
      query={endpoint}
      name="endpoint"
      what="the endpoint"
      skeleton={<Skeleton className="h-64" />}
      back={back}
      notFound={<EndpointNotFound />}
    >
      {(shown) => (
        <EndpointDetails endpoint={shown} offered={endpoints.data?.eventTypes} onPendingChange={setPending} />
      )}
    </ItemState>
  );
}

function EndpointDetails({
  endpoint,
  offered,
  onPendingChange,
}: {
  endpoint: WebhookEndpoint;
  offered: ReadonlyArray<{ type: WebhookEndpoint['eventTypes'][number]; description: string }> | undefined;
  onPendingChange: (pending: boolean) => void;
}) {
  const { workspace, can } = useCurrentWorkspace();
  const trpc = useTRPC();
  const refresh = useRefreshWebhooks();
  const refusal = useRefusal((error) => webhookActionError(error, 'sendTest'));
  const canManage = can('webhooks.manage');
  const [testNotice, setTestNotice] = useState<string>();
  const sendTest = useMutation(
    trpc.webhooks.sendTest.mutationOptions({
      onMutate: () => setTestNotice(undefined),
      onSuccess: ({ delivery }) => {
        setTestNotice(
          `Test event queued (webhook-id ${delivery.msgId}). It appears in the delivery log below; the log refreshes until it is delivered.`,
        );
        void refresh();
      },
      onError: refusal.onError,
    }),
  );
  const testProblem = refusal.problem(sendTest);

  return (
    <div className="space-y-6" data-testid="endpoint-page" data-endpoint-id={endpoint.id}>
      {backToEndpoints(workspace.id)}
      <ItemHeader
        title={urlHost(endpoint.url)}
        titleTestId="endpoint-title"
        badge={<EndpointStatusBadge endpoint={endpoint} testId="endpoint-state" />}
        description={
          <span className="font-mono break-all" data-testid="endpoint-full-url">
            {endpoint.url}
          </span>
        }
        details={
          endpoint.description ? <p className="mt-1 text-sm text-slate-600">{endpoint.description}</p> : null
        }
        actions={canManage ? <SendTestButton endpoint={endpoint} sendTest={sendTest} /> : null}
      />

      {!endpoint.enabled || endpoint.consecutiveFailures > 0 ? (
        <Alert
          tone={endpoint.enabled ? 'warning' : endpoint.disabledReason === 'manual' ? 'info' : 'error'}
          title={endpoint.enabled ? 'Deliveries to this endpoint are failing' : 'This endpoint is disabled'}
          testId="endpoint-state-alert"
        >
          <p data-testid="endpoint-reason">{endpointState(endpoint).reason}</p>
          <p className="mt-1">
            {endpoint.enabled
              ? 'Failed deliveries are retried with growing delays; the endpoint is disabled after failing for a day.'
              : 'It receives no events until it is enabled again (in the settings below); enabling clears its failure count.'}
          </p>
        </Alert>
      ) : null}
      <Notice testId="test-notice">{testNotice}</Notice>
      <ProblemAlert problem={testProblem} testId="test-error" />

      <div className="grid items-start gap-6 lg:grid-cols-2">
        <EndpointSettingsCard endpoint={endpoint} offered={offered} canManage={canManage} />
        <SecretCard endpoint={endpoint} canManage={canManage} />
      </div>

      <DeliveriesCard endpoint={endpoint} canManage={canManage} onPendingChange={onPendingChange} />

      <VerifyCard />
    </div>
  );
}

/** "Send test event": queues a test delivery to the endpoint (only an enabled one receives it). */
function SendTestButton({
  endpoint,
  sendTest,
}: {
  endpoint: WebhookEndpoint;
  sendTest: { mutate: (input: { workspaceId: string; endpointId: string }) => void; isPending: boolean };
}) {
  const { workspace } = useCurrentWorkspace();
  return (
    <Button
      variant="secondary"
      onClick={() => sendTest.mutate({ workspaceId: workspace.id, endpointId: endpoint.id })}
      loading={sendTest.isPending}
      disabled={!endpoint.enabled}
      title={endpoint.enabled ? undefined : 'Enable the endpoint to send it a test event'}
      data-testid="send-test"
    >
      {sendTest.isPending ? null : <SendIcon className="size-4 text-slate-500" />}
      Send test event
    </Button>
  );
}
