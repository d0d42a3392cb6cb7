// An endpoint's settings: URL, description and events (saved together, only what changed), the
// enabled switch (applies at once), and deletion (confirmed).
import type { EventType } from '@postern/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ProblemAlert } from '../../components/alert.tsx';
import { DeleteButton } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { useConfirmMutation } from '../../components/confirm-mutation.ts';
import { EditForm, useEditForm } from '../../components/edit-form.tsx';
import { cn } from '../../lib/cn.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { useCurrentWorkspace, useInvalidateWorkspaces } from '../workspaces/use-workspaces.ts';
import { EndpointDescriptionField, EndpointUrlField } from './endpoint-inputs.tsx';
import { EventTypesField } from './event-types-field.tsx';
import { useRefreshWebhooks, type WebhookEndpoint } from './use-webhooks.ts';
import { type WebhookProblem, webhookActionError } from './webhook-errors.ts';
import { webhooksPath } from './webhook-paths.ts';
import { endpointChanges, eventTypeLabel, urlProblem } from './webhooks-model.ts';

function EnabledSwitch({
  endpoint,
  canManage,
  onProblem,
}: {
  endpoint: WebhookEndpoint;
  canManage: boolean;
  onProblem: (problem: WebhookProblem | undefined) => void;
}) {
  const { workspace } = useCurrentWorkspace();
  const trpc = useTRPC();
  const refresh = useRefreshWebhooks();
  const invalidateWorkspaces = useInvalidateWorkspaces();
  const toggle = useMutation(
    trpc.webhooks.update.mutationOptions({
      onMutate: () => onProblem(undefined),
      onSuccess: () => void refresh(),
      onError: (error, variables) => {
        const problem = webhookActionError(error, variables.enabled ? 'enable' : 'disable');
        onProblem(problem);
        if (problem.staleRole) void invalidateWorkspaces();
      },
    }),
  );
  const on = toggle.isPending ? Boolean(toggle.variables?.enabled) : endpoint.enabled;
  return (
    <div className="flex items-start justify-between gap-4 rounded-lg border border-slate-200 px-4 py-3">
      <div>
        <p className="text-sm font-medium text-slate-900" id="endpoint-enabled-label">
          {on ? 'Enabled' : 'Disabled'}
        </p>
        <p className="text-xs text-slate-500">
          {on
            ? 'Events are sent to this endpoint as they happen.'
            : 'No events are sent. Enabling it clears its failure count.'}
        </p>
      </div>
      <button
        type="button"
        role="switch"
        aria-checked={on}
        aria-labelledby="endpoint-enabled-label"
        data-testid="endpoint-enabled-switch"
        disabled={!canManage || toggle.isPending}
        onClick={() =>
          toggle.mutate({ workspaceId: workspace.id, endpointId: endpoint.id, enabled: !endpoint.enabled })
        }
        className={cn(
          'relative inline-flex h-6 w-11 shrink-0 cursor-pointer rounded-full transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-60',
          on ? 'bg-indigo-600' : 'bg-slate-300',
        )}
      >
        <span className="sr-only">{on ? 'Disable the endpoint' : 'Enable the endpoint'}</span>
        <span
          aria-hidden="true"
          className={cn(
            'pointer-events-none mt-0.5 inline-block size-5 rounded-full bg-white shadow ring-0 transition-transform',
            on ? 'translate-x-5.5' : 'translate-x-0.5',
          )}
        />
      </button>
    </div>
  );
}

type Offered = ReadonlyArray<{ type: EventType; description: string }>;

/** The server's list, plus any type the endpoint has that is no longer offered (so it can be unticked). */
function eventChoices(offered: Offered, current: readonly EventType[]) {
  return [
    ...offered,
    ...current
      .filter((type) => !offered.some((choice) => choice.type === type))
      .map((type) => ({ type, description: eventTypeLabel(type) })),
  ];
}

/** Deleting the endpoint (confirmed): the page then goes back to the list, saying so. */
function DeleteEndpoint({ endpoint }: { endpoint: WebhookEndpoint }) {
  const { workspace } = useCurrentWorkspace();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const refusal = useRefusal((error) => webhookActionError(error, 'delete'));
  const remove = useMutation(
    trpc.webhooks.delete.mutationOptions({
      onSuccess: () => {
        confirm.close();
        // The list forgets the endpoint once this page is gone (re-reading it here would answer 404).
        navigate(webhooksPath(workspace.id), {
          state: {
            notice: `The endpoint ${endpoint.url} was deleted. Nothing more is sent to it.`,
            deletedEndpointId: endpoint.id,
          },
        });
      },
      onError: refusal.onError,
    }),
  );
  const confirm = useConfirmMutation(remove, refusal.problem);
  return (
    <div className="flex flex-col gap-3 border-t border-slate-100 pt-5 sm:flex-row sm:items-center sm:justify-between">
      <div>
        <p className="text-sm font-medium text-slate-900">Delete the endpoint</p>
        <p className="text-xs text-slate-500">Stops all deliveries to it and deletes its delivery log.</p>
      </div>
      <DeleteButton variant="destructive" onClick={confirm.ask} data-testid="delete-endpoint" />
      <ConfirmAction
        {...confirm.dialog}
        testId="delete-endpoint-dialog"
        title="Delete this endpoint?"
        confirmLabel="Delete endpoint"
        onConfirm={() => remove.mutate({ workspaceId: workspace.id, endpointId: endpoint.id })}
      >
        <p>
          Postern stops sending events to{' '}
          <span className="font-mono text-xs break-all text-slate-900">{endpoint.url}</span>, including
          retries still waiting, and deletes its delivery log. This cannot be undone.
        </p>
      </ConfirmAction>
    </div>
  );
}

/** What the settings form edits; event types sorted, so that another order is no change. */
const draftOf = (endpoint: WebhookEndpoint) => ({
  url: endpoint.url,
  description: endpoint.description ?? '',
  eventTypes: [...endpoint.eventTypes].sort(),
});

const problemsOf = ({ url, eventTypes }: ReturnType<typeof draftOf>) => ({
  url: urlProblem(url),
  eventTypes: eventTypes.length === 0 ? 'Choose at least one event type.' : undefined,
});

export function EndpointSettingsCard({
  endpoint,
  offered,
  canManage,
}: {
  endpoint: WebhookEndpoint;
  offered: Offered | undefined;
  canManage: boolean;
}) {
  const { workspace } = useCurrentWorkspace();
  const trpc = useTRPC();
  const refresh = useRefreshWebhooks();
  const refusal = useRefusal((error) => webhookActionError(error, 'update'));
  const save = useMutation(
    trpc.webhooks.update.mutationOptions({ onSuccess: () => void refresh(), onError: refusal.onError }),
  );
  const saveProblem = refusal.problem(save);
  const [switchProblem, setSwitchProblem] = useState<WebhookProblem>();
  const edit = useEditForm({
    saved: draftOf(endpoint),
    changesOf: (draft) => endpointChanges(endpoint, draft),
    problemsOf,
    mutation: save,
    variables: (changes) => ({ workspaceId: workspace.id, endpointId: endpoint.id, ...changes }),
    canEdit: canManage,
  });
  const { draft, errors } = edit;
  const urlRefused = saveProblem?.field === 'url' ? saveProblem.message : undefined;

  return (
    <Card
      id="endpoint-settings"
      testId="endpoint-settings"
      title="Settings"
      description="Where events go and which ones."
    >
      <div className="space-y-5">
        <EnabledSwitch endpoint={endpoint} canManage={canManage} onProblem={setSwitchProblem} />
        <ProblemAlert problem={switchProblem} testId="switch-error" />
        <EditForm
          edit={edit}
          name="settings"
          problem={urlRefused ? undefined : saveProblem}
          savedText="Saved. The next events use these settings."
          className="space-y-5"
        >
          <EndpointUrlField
            testId="settings-url"
            value={draft.url}
            disabled={!canManage}
            onChange={(event) => {
              edit.change({ url: event.target.value });
              if (urlRefused) save.reset();
            }}
            error={errors.url ?? urlRefused}
          />
          <EndpointDescriptionField
            testId="settings-description"
            value={draft.description}
            disabled={!canManage}
            onChange={(event) => edit.change({ description: event.target.value })}
          />
          <EventTypesField
            offered={eventChoices(offered ?? [], endpoint.eventTypes)}
            selected={draft.eventTypes}
            disabled={!canManage}
            onChange={(eventTypes) => edit.change({ eventTypes })}
            error={errors.eventTypes}
          />
        </EditForm>
        {canManage ? <DeleteEndpoint endpoint={endpoint} /> : null}
      </div>
    </Card>
  );
}
