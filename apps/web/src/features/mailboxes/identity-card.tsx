// A mailbox's sender identity: its label, the name recipients see, where replies go, the daily cap
// and the warm-up ramp (campaigns read them). Owners and admins edit; others read.
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Alert, ProblemAlert } from '../../components/alert.tsx';
import { Card } from '../../components/card.tsx';
import { CheckboxField, Field } from '../../components/field.tsx';
import { FormActions } from '../../components/form-actions.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import {
  type IdentityDraft,
  type IdentityErrors,
  identityChanges,
  identityDraftOf,
  identityProblems,
  rampText,
} from './identity-model.ts';
import { mailboxActionError } from './mailbox-errors.ts';
import { type Mailbox, useMailboxUpdated } from './use-mailboxes.ts';

/** The draft, following the saved values when they change (after a save, or another member's). */
function useIdentityDraft(mailbox: Mailbox) {
  const [draft, setDraft] = useState<IdentityDraft>(() => identityDraftOf(mailbox));
  const savedKey = JSON.stringify(identityDraftOf(mailbox));
  useEffect(() => setDraft(identityDraftOf(mailbox)), [savedKey]);
  return [draft, setDraft, () => setDraft(identityDraftOf(mailbox))] as const;
}

function WarmupFields({
  draft,
  errors,
  disabled,
  onChange,
}: {
  draft: IdentityDraft;
  errors: IdentityErrors;
  disabled: boolean;
  onChange: (next: Partial<IdentityDraft>) => void;
}) {
  const ramp = draft.warmupEnabled ? rampText(draft) : undefined;
  return (
    <fieldset className="space-y-3 rounded-lg border border-slate-200 px-4 py-3">
      <legend className="px-1 text-sm font-medium text-slate-800">Warm-up</legend>
      {disabled ? (
        <p className="text-sm text-slate-700">{draft.warmupEnabled ? 'On' : 'Off'}</p>
      ) : (
        <CheckboxField
          testId="warmup-enabled"
          checked={draft.warmupEnabled}
          onChange={(warmupEnabled) => onChange({ warmupEnabled })}
        >
          <span>
            <span className="font-medium text-slate-900">Ramp up slowly</span>
            <span className="block text-xs text-slate-500">
              A new address that suddenly sends a lot looks like spam to mailbox providers.
            </span>
          </span>
        </CheckboxField>
      )}
      {draft.warmupEnabled ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field
            label="First day"
            inputMode="numeric"
            testId="warmup-start"
            value={draft.startPerDay}
            disabled={disabled}
            onChange={(event) => onChange({ startPerDay: event.target.value })}
            error={errors.startPerDay}
            hint="Messages on day 1."
          />
          <Field
            label="More each day"
            inputMode="numeric"
            testId="warmup-increment"
            value={draft.incrementPerDay}
            disabled={disabled}
            onChange={(event) => onChange({ incrementPerDay: event.target.value })}
            error={errors.incrementPerDay}
            hint="Added every following day."
          />
        </div>
      ) : null}
      {ramp ? (
        <p className="text-xs text-slate-600" data-testid="warmup-ramp">
          {ramp}
        </p>
      ) : null}
    </fieldset>
  );
}

function IdentityFields({
  draft,
  errors,
  disabled,
  onChange,
}: {
  draft: IdentityDraft;
  errors: IdentityErrors;
  disabled: boolean;
  onChange: (next: Partial<IdentityDraft>) => void;
}) {
  return (
    <>
      <Field
        label="Label (optional)"
        testId="identity-label"
        autoComplete="off"
        placeholder="Sales team"
        value={draft.label}
        disabled={disabled}
        onChange={(event) => onChange({ label: event.target.value })}
        error={errors.label}
      />
      <Field
        label="From name"
        testId="identity-from-name"
        autoComplete="off"
        placeholder="Anna from Example"
        value={draft.fromName}
        disabled={disabled}
        onChange={(event) => onChange({ fromName: event.target.value })}
        error={errors.fromName}
        hint="Shown to recipients next to the address. Empty: the address alone."
      />
      <Field
        label="Reply-to (optional)"
        type="email"
        testId="identity-reply-to"
        autoComplete="off"
        spellCheck={false}
        value={draft.replyTo}
        disabled={disabled}
        onChange={(event) => onChange({ replyTo: event.target.value })}
        error={errors.replyTo}
        hint="Where replies go when not to this address."
      />
      <Field
        label="Daily cap"
        inputMode="numeric"
        testId="identity-daily-cap"
        value={draft.dailyCap}
        disabled={disabled}
        onChange={(event) => onChange({ dailyCap: event.target.value })}
        error={errors.dailyCap}
        hint="The most messages this account sends in a day, whatever the campaigns ask."
      />
    </>
  );
}

function useSaveIdentity(onSaved: (saved: boolean) => void) {
  const trpc = useTRPC();
  const updated = useMailboxUpdated();
  const refusal = useRefusal((error) => mailboxActionError(error, 'identity'));
  const save = useMutation(
    trpc.mailboxes.updateIdentity.mutationOptions({
      onMutate: () => onSaved(false),
      onSuccess: (mailbox) => {
        onSaved(true);
        void updated(mailbox);
      },
      onError: refusal.onError,
    }),
  );
  return { save, problem: refusal.problem(save) };
}

export function IdentityCard({ mailbox }: { mailbox: Mailbox }) {
  const { workspace, can } = useCurrentWorkspace();
  const canManage = can('mailboxes.manage');
  const [draft, setDraft, discard] = useIdentityDraft(mailbox);
  const [errors, setErrors] = useState<IdentityErrors>({});
  const [saved, setSaved] = useState(false);
  const { save, problem } = useSaveIdentity(setSaved);
  const changes = identityChanges(mailbox, draft);
  const dirty = Object.keys(changes).length > 0;
  const shown: IdentityErrors = {
    ...(problem?.field && problem.field in draft ? { [problem.field]: problem.message } : {}),
    ...errors,
  };
  const change = (next: Partial<IdentityDraft>) => {
    setSaved(false);
    setDraft((current) => ({ ...current, ...next }));
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = identityProblems(draft);
    setErrors(next);
    if (Object.keys(next).length > 0 || !dirty) return;
    save.mutate({ workspaceId: workspace.id, mailboxId: mailbox.id, ...changes });
  }

  return (
    <Card
      id="identity"
      testId="identity-card"
      title="Sender identity"
      description="How messages sent through this account look, and how many it sends."
    >
      <form noValidate onSubmit={submit} className="space-y-4" data-testid="identity-form">
        <ProblemAlert problem={problem?.field ? undefined : problem} testId="identity-error" />
        {saved && !dirty ? (
          <Alert tone="success" testId="identity-saved">
            Saved. The next messages use these settings.
          </Alert>
        ) : null}
        <IdentityFields draft={draft} errors={shown} disabled={!canManage} onChange={change} />
        <WarmupFields draft={draft} errors={shown} disabled={!canManage} onChange={change} />
        {canManage ? (
          <FormActions
            label="Save changes"
            busy={save.isPending}
            disabled={!dirty}
            testId="identity-save"
            onCancel={() => {
              discard();
              setErrors({});
              save.reset();
            }}
            cancelLabel="Discard changes"
            cancelVariant="ghost"
            cancelDisabled={!dirty}
          />
        ) : null}
      </form>
    </Card>
  );
}
