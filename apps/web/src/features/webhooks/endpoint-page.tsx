// One webhook endpoint: its settings (URL, description, events, enabled, delete), its signing secret
// (reveal, rotate), a test event, how to verify signatures, and its delivery log.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Notice, ProblemAlert } from '../../components/alert.tsx';
import { Button, buttonClass } from '../../components/button.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import { ArrowLeftIcon, SendIcon, WebhookIcon } from '../../components/icons.tsx';
import { PageSkeleton, Skeleton } from '../../components/skeleton.tsx';
import { StatePanel } from '../../components/state-panel.tsx';
import { errorCode } from '../../lib/api-errors.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
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

function BackLink({ workspaceId }: { workspaceId: string }) {
  return (
    <Link
      to={webhooksPath(workspaceId)}
      className="inline-flex items-center gap-1.5 text-sm font-medium text-slate-500 hover:text-slate-800"
      data-testid="back-to-endpoints"
    >
      <ArrowLeftIcon className="size-4" />
      All endpoints
    </Link>
  );
}

function EndpointNotFound({ workspaceId }: { workspaceId: string }) {
  return (
    <StatePanel
      icon={WebhookIcon}
      tone="neutral"
      heading="h1"
      title="Endpoint not found"
      testId="endpoint-not-found"
      className="mx-auto mt-8 max-w-lg"
      action={
        <Link to={webhooksPath(workspaceId)} className={buttonClass('secondary')}>
          See the endpoints
        </Link>
      }
    >
      It was deleted, or it belongs to another workspace.
    </StatePanel>
  );
}

function EndpointSkeleton() {
  return (
    <PageSkeleton label="Loading the endpoint…" testId="endpoint-loading">
      <Skeleton className="h-8 w-80" />
      <div className="grid gap-6 lg:grid-cols-2">
        <Skeleton className="h-72" />
        <Skeleton className="h-72" />
      </div>
      <Skeleton className="h-64" />
    </PageSkeleton>
  );
}

export function EndpointPage() {
  const { workspace } = useCurrentWorkspace();
  const { endpointId } = useParams();
  if (!isEndpointId(endpointId)) return <EndpointNotFound workspaceId={workspace.id} />;
  return <EndpointView key={endpointId} endpointId={endpointId} />;
}

function EndpointView({ endpointId }: { endpointId: string }) {
  const { workspace } = useCurrentWorkspace();
  const [pending, setPending] = useState(false);
  const endpoint = useEndpointQuery(workspace.id, endpointId, { poll: pending });
  const endpoints = useEndpointsQuery(workspace.id);
  useDocumentTitle(
    endpoint.data
      ? `${urlHost(endpoint.data.url)} · Webhooks · ${workspace.name}`
      : `Webhooks · ${workspace.name}`,
  );

  if (endpoint.isPending) return <EndpointSkeleton />;
  // Deleted meanwhile (another tab, another member): whatever is still cached is gone.
  if (errorCode(endpoint.error) === 'NOT_FOUND') return <EndpointNotFound workspaceId={workspace.id} />;
  if (endpoint.isError && !endpoint.data) {
    return (
      <div className="space-y-6">
        <BackLink workspaceId={workspace.id} />
        <LoadError title="Could not load the endpoint" query={endpoint} testId="endpoint-error" />
      </div>
    );
  }
  return (
    <EndpointDetails
      endpoint={endpoint.data}
      offered={endpoints.data?.eventTypes}
      onPendingChange={setPending}
    />
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
      <BackLink workspaceId={workspace.id} />
      <div className="flex flex-col gap-3 border-b border-slate-200 pb-5 sm:flex-row sm:items-end sm:justify-between">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1
              className="truncate text-2xl font-semibold tracking-tight text-slate-900"
              data-testid="endpoint-title"
            >
              {urlHost(endpoint.url)}
            </h1>
            <EndpointStatusBadge endpoint={endpoint} testId="endpoint-state" />
          </div>
          <p className="mt-1 font-mono text-sm break-all text-slate-500" data-testid="endpoint-full-url">
            {endpoint.url}
          </p>
          {endpoint.description ? (
            <p className="mt-1 text-sm text-slate-600">{endpoint.description}</p>
          ) : null}
        </div>
        {canManage ? (
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
        ) : null}
      </div>

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
