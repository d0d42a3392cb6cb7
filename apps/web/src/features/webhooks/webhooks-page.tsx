// Webhook endpoints of the workspace (owners and admins): what each receives, whether it is healthy
// (or why it was disabled), its last success and failures; add an endpoint (its secret shown once).
import { WEBHOOK_MAX_ENDPOINTS } from '@postern/contracts/constants';
import { type ReactNode, useEffect } from 'react';
import { Link, useLocation } from 'react-router';
import { Alert, Notice } from '../../components/alert.tsx';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { useDialogOpener } from '../../components/dialog.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { ChevronDownIcon, PlusIcon, WebhookIcon } from '../../components/icons.tsx';
import { QueryState } from '../../components/list-kit/query-state.tsx';
import { Page } from '../../components/page-header.tsx';
import { Truncated } from '../../components/truncated.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useNow } from '../../lib/use-now.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { CreateEndpointDialog } from './create-endpoint-dialog.tsx';
import { EndpointReason, EndpointStatusBadge } from './endpoint-status.tsx';
import { SigningExplainer } from './signing-explainer.tsx';
import {
  type OfferedEventType,
  useEndpointsQuery,
  useForgetEndpoint,
  type WebhookEndpoint,
} from './use-webhooks.ts';
import { webhookPath } from './webhook-paths.ts';
import { lastSuccessText, orderedTypes } from './webhooks-model.ts';

const MAX_ENDPOINTS = WEBHOOK_MAX_ENDPOINTS;

function NoEndpoints({ addButton }: { addButton: ReactNode }) {
  return (
    <EmptyState
      accent
      icon={WebhookIcon}
      title="No webhook endpoints yet"
      testId="endpoints-empty"
      extra={
        <SigningExplainer className="mx-auto max-w-lg rounded-lg border border-slate-200 bg-slate-50 px-4 py-3 text-left text-sm text-slate-600" />
      }
      action={addButton}
    >
      Add the URL of your server and Postern POSTs a signed JSON event to it whenever something happens, such
      as a bulk verification job finishing, instead of your code polling the API.
    </EmptyState>
  );
}

function EndpointRow({
  workspaceId,
  endpoint,
  offered,
  now,
}: {
  workspaceId: string;
  endpoint: WebhookEndpoint;
  offered: readonly string[];
  now: number;
}) {
  return (
    <li data-testid="endpoint-row" data-endpoint-id={endpoint.id}>
      <Link
        to={webhookPath(workspaceId, endpoint.id)}
        className="group flex items-start gap-4 px-5 py-4 hover:bg-slate-50/70 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 sm:px-6"
      >
        <div className="min-w-0 flex-1 space-y-1.5">
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <Truncated
              text={endpoint.url}
              testId="endpoint-url"
              className="min-w-0 font-mono text-sm font-medium text-slate-900 group-hover:text-indigo-700"
            />
            <EndpointStatusBadge endpoint={endpoint} testId="endpoint-state" />
          </div>
          {endpoint.description ? (
            <p className="text-sm text-slate-600" data-testid="endpoint-description">
              {endpoint.description}
            </p>
          ) : null}
          <ul className="flex flex-wrap gap-1.5" aria-label="Events sent">
            {orderedTypes(endpoint.eventTypes, offered).map((type) => (
              <li key={type}>
                <Badge tone="indigo" testId="endpoint-event-type">
                  <code className="font-mono text-[0.7rem]">{type}</code>
                </Badge>
              </li>
            ))}
          </ul>
          <EndpointReason endpoint={endpoint} testId="endpoint-reason" />
          <p className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-500">
            <span
              data-testid="endpoint-last-success"
              title={endpoint.lastSuccessAt ? formatDateTime(endpoint.lastSuccessAt) : undefined}
            >
              {lastSuccessText(endpoint.lastSuccessAt, now)}
            </span>
            <span data-testid="endpoint-failures">
              {endpoint.consecutiveFailures === 0
                ? 'No recent failures'
                : `${endpoint.consecutiveFailures} consecutive ${endpoint.consecutiveFailures === 1 ? 'failure' : 'failures'}`}
            </span>
          </p>
        </div>
        <ChevronDownIcon className="mt-1 size-4 shrink-0 -rotate-90 text-slate-500 group-hover:text-slate-600" />
      </Link>
    </li>
  );
}

function stateText(state: unknown, key: 'notice' | 'deletedEndpointId'): string | undefined {
  const value = (state as Record<string, unknown> | null)?.[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The "Add endpoint" dialog and the notice above the list, which starts with what a deletion on the
 * endpoint's page says coming back here (and the list forgets that endpoint).
 */
function useAddDialog() {
  const location = useLocation();
  const adding = useDialogOpener(() => stateText(location.state, 'notice'));
  const deletedId = stateText(location.state, 'deletedEndpointId');
  const forgetEndpoint = useForgetEndpoint();
  useEffect(() => {
    if (deletedId) forgetEndpoint(deletedId);
  }, [deletedId, forgetEndpoint]);
  return adding;
}

// Members and viewers never get here: the workspace layout refuses the section to their role.
export function WebhooksPage() {
  const { workspace, can } = useCurrentWorkspace();
  useDocumentTitle(`Webhooks · ${workspace.name}`);
  const endpoints = useEndpointsQuery(workspace.id);
  const now = useNow(30_000);
  const adding = useAddDialog();
  const canManage = can('webhooks.manage');
  const list = endpoints.data?.endpoints ?? [];
  const offered: readonly OfferedEventType[] = endpoints.data?.eventTypes ?? [];
  const full = list.length >= MAX_ENDPOINTS;

  const addButton = (
    <Button onClick={adding.show} disabled={full || !endpoints.data} data-testid="add-endpoint">
      <PlusIcon className="size-4" />
      Add endpoint
    </Button>
  );

  const body = (
    <QueryState
      query={endpoints}
      what="the webhook endpoints"
      testId="endpoints"
      skeleton={{ rows: 2, cells: ['h-4 w-72', 'h-5 w-32 rounded-full', 'h-5 w-28 rounded-full'] }}
      isEmpty={list.length === 0}
      empty={<NoEndpoints addButton={canManage ? addButton : null} />}
    >
      <ul className="divide-y divide-slate-100" data-testid="endpoints-list">
        {list.map((endpoint) => (
          <EndpointRow
            key={endpoint.id}
            workspaceId={workspace.id}
            endpoint={endpoint}
            offered={offered.map(({ type }) => type)}
            now={now}
          />
        ))}
      </ul>
    </QueryState>
  );

  return (
    <Page
      testId="webhooks-page"
      title="Webhooks"
      description={
        <>
          Events of <span className="font-medium text-slate-700">{workspace.name}</span>, pushed to your
          servers as they happen and signed so you can trust them.
        </>
      }
    >
      <Notice testId="endpoints-notice">{adding.notice}</Notice>
      <Card
        id="endpoints"
        testId="endpoints-card"
        bodyClassName="p-0"
        title="Endpoints"
        description={
          list.length
            ? `${list.length} of ${MAX_ENDPOINTS} endpoints. Each receives the events it subscribes to.`
            : 'URLs that receive this workspace’s events.'
        }
        actions={canManage && list.length > 0 ? addButton : undefined}
      >
        {full && canManage ? (
          <Alert tone="info" className="mx-5 mt-5 sm:mx-6">
            This workspace has the most endpoints allowed ({MAX_ENDPOINTS}). Delete one to add another.
          </Alert>
        ) : null}
        {body}
      </Card>
      {canManage ? (
        <CreateEndpointDialog
          {...adding.dialog}
          workspaceId={workspace.id}
          offered={offered}
          onCreated={(endpoint) => {
            adding.setNotice(`The endpoint ${endpoint.url} was added.`);
            void endpoints.refetch();
          }}
        />
      ) : null}
    </Page>
  );
}
