// Add an endpoint: URL, description, event types, enabled; then its signing secret, shown this once
// (later only "Reveal" on the endpoint's page shows it, and that is audited).
import type { EventType } from '@postern/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '../../components/button.tsx';
import type { OpenDialogProps } from '../../components/dialog.tsx';
import { DialogForm } from '../../components/dialog-form.tsx';
import { CheckboxField } from '../../components/field.tsx';
import { SecretOnce, SecretOnceDialog } from '../../components/secret-once-dialog.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { DESCRIPTION_MAX, EndpointDescriptionField, EndpointUrlField } from './endpoint-inputs.tsx';
import { EventTypesField } from './event-types-field.tsx';
import type { OfferedEventType, WebhookEndpoint } from './use-webhooks.ts';
import { webhookActionError } from './webhook-errors.ts';
import { webhookPath } from './webhook-paths.ts';
import { urlProblem } from './webhooks-model.ts';

interface Created {
  endpoint: WebhookEndpoint;
  secret: string;
}

function EndpointForm({
  workspaceId,
  offered,
  onCreated,
}: {
  workspaceId: string;
  offered: readonly OfferedEventType[];
  onCreated: (created: Created) => void;
}) {
  const trpc = useTRPC();
  const refusal = useRefusal((error) => webhookActionError(error, 'create'));
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [eventTypes, setEventTypes] = useState<EventType[]>(() => offered.map(({ type }) => type));
  const [enabled, setEnabled] = useState(true);
  const [errors, setErrors] = useState<{ url?: string; description?: string; eventTypes?: string }>({});
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: (result) => onCreated({ endpoint: result.endpoint, secret: result.secret }),
      onError: refusal.onError,
    }),
  );
  const urlRefused = refusal.about(create, 'url');

  function submit() {
    const next = {
      url: urlProblem(url),
      description:
        description.trim().length > DESCRIPTION_MAX
          ? `Keep the description under ${DESCRIPTION_MAX} characters.`
          : undefined,
      eventTypes: eventTypes.length === 0 ? 'Choose at least one event type.' : undefined,
    };
    setErrors(next);
    if (next.url || next.description || next.eventTypes) return;
    create.mutate({
      workspaceId,
      url: url.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      eventTypes,
      enabled,
    });
  }

  return (
    <DialogForm
      testId="create-endpoint-form"
      onSubmit={submit}
      {...refusal.form(create, 'Add endpoint', 'url')}
    >
      <EndpointUrlField
        name="endpoint-url"
        testId="endpoint-url"
        placeholder="https://example.com/webhooks/postern"
        value={url}
        onChange={(event) => {
          setUrl(event.target.value);
          if (urlRefused) create.reset();
        }}
        error={errors.url ?? urlRefused}
        hint="Postern POSTs JSON here. Private, loopback and cloud metadata addresses are refused."
        autoFocus
      />
      <EndpointDescriptionField
        name="endpoint-description"
        testId="endpoint-description"
        placeholder="Order service, production"
        value={description}
        onValue={setDescription}
        error={errors.description}
      />
      <EventTypesField
        offered={offered}
        selected={eventTypes}
        onChange={setEventTypes}
        error={errors.eventTypes}
      />
      <CheckboxField testId="endpoint-enabled" checked={enabled} onChange={setEnabled}>
        <span>
          <span className="font-medium text-slate-900">Enabled</span>
          <span className="block text-xs text-slate-500">
            Start sending events at once. A disabled endpoint receives nothing until you enable it.
          </span>
        </span>
      </CheckboxField>
    </DialogForm>
  );
}

function CreatedView({
  workspaceId,
  created,
  onDone,
}: {
  workspaceId: string;
  created: Created;
  onDone: () => void;
}) {
  const navigate = useNavigate();
  return (
    <div className="space-y-5" data-testid="endpoint-created">
      <SecretOnce
        warningTitle="Copy the signing secret now"
        warning={
          <>
            Your receiver needs it to check the <code className="font-mono text-xs">webhook-signature</code>{' '}
            header of every request. It is shown here once; later, owners and admins can reveal it on the
            endpoint's page (each reveal is recorded in the audit log).
          </>
        }
        label={
          <>
            Signing secret of <span className="break-all text-slate-900">{created.endpoint.url}</span>
          </>
        }
        secret={created.secret}
        testId="created-secret"
      />
      <div className="flex flex-col-reverse gap-2 border-t border-slate-100 pt-5 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onDone} data-testid="created-done">
          Done
        </Button>
        <Button
          data-testid="open-created-endpoint"
          onClick={() => {
            onDone();
            navigate(webhookPath(workspaceId, created.endpoint.id));
          }}
        >
          Open the endpoint
        </Button>
      </div>
    </div>
  );
}

export function CreateEndpointDialog({
  workspaceId,
  offered,
  onCreated,
  ...dialog
}: OpenDialogProps & {
  workspaceId: string;
  offered: readonly OfferedEventType[];
  /** The endpoint exists (the list should be re-read), whether or not the dialog is still open. */
  onCreated: (endpoint: WebhookEndpoint) => void;
}) {
  return (
    <SecretOnceDialog<Created>
      {...dialog}
      testId="create-endpoint-dialog"
      className="max-w-xl"
      formTitle="Add a webhook endpoint"
      formDescription="Postern sends the chosen events to this URL as they happen, signed with the endpoint’s secret."
      secretTitle="Endpoint added"
      form={(created) => <EndpointForm workspaceId={workspaceId} offered={offered} onCreated={created} />}
      onCreated={(result) => onCreated(result.endpoint)}
      shown={(created, done) => <CreatedView workspaceId={workspaceId} created={created} onDone={done} />}
    />
  );
}
