// A mailbox's sender identity: its label, the name recipients see, where replies go, the daily cap
// and the warm-up ramp (campaigns read them). Owners and admins edit; others read.
import { useMutation } from '@tanstack/react-query';
import { Card } from '../../components/card.tsx';
import { type DraftInput, DraftInputs } from '../../components/draft-inputs.tsx';
import { EditForm, useEditForm } from '../../components/edit-form.tsx';
import { OptionCheckbox } from '../../components/form-fields.tsx';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import {
  type IdentityDraft,
  type IdentityErrors,
  type IdentityField,
  identityChanges,
  identityDraftOf,
  identityProblems,
  rampText,
} from './identity-model.ts';
import { type Mailbox, useMailboxChange } from './use-mailboxes.ts';

/** The draft being edited, its errors, whether it can be edited, and the change of some fields. */
interface IdentityForm {
  draft: IdentityDraft;
  errors: IdentityErrors;
  disabled: boolean;
  onChange: (next: Partial<IdentityDraft>) => void;
}

const IDENTITY_INPUTS: ReadonlyArray<DraftInput<IdentityField>> = [
  { key: 'label', testId: 'identity-label', label: 'Label (optional)', placeholder: 'Sales team' },
  { key: 'fromName', testId: 'identity-from-name', label: 'From name', placeholder: 'Anna from Example' },
  { key: 'replyTo', testId: 'identity-reply-to', label: 'Reply-to (optional)', kind: 'email' },
  { key: 'dailyCap', testId: 'identity-daily-cap', label: 'Daily cap', kind: 'numeric' },
];
const WARMUP_INPUTS: ReadonlyArray<DraftInput<IdentityField>> = [
  { key: 'startPerDay', testId: 'warmup-start', label: 'First day', kind: 'numeric' },
  { key: 'incrementPerDay', testId: 'warmup-increment', label: 'More each day', kind: 'numeric' },
];
const HINTS: Partial<Record<IdentityField, string>> = {
  fromName: 'Shown to recipients next to the address. Empty: the address alone.',
  replyTo: 'Where replies go when not to this address.',
  dailyCap: 'The most messages this account sends in a day, whatever the campaigns ask.',
  startPerDay: 'Messages on day 1.',
  incrementPerDay: 'Added every following day.',
};

function WarmupFields({ form }: { form: IdentityForm }) {
  const { draft, disabled, onChange } = form;
  const ramp = draft.warmupEnabled ? rampText(draft) : undefined;
  return (
    <fieldset className="space-y-3 rounded-lg border border-slate-200 px-4 py-3">
      <legend className="px-1 text-sm font-medium text-slate-800">Warm-up</legend>
      {disabled ? (
        <p className="text-sm text-slate-700">{draft.warmupEnabled ? 'On' : 'Off'}</p>
      ) : (
        <OptionCheckbox
          testId="warmup-enabled"
          checked={draft.warmupEnabled}
          onChange={(warmupEnabled) => onChange({ warmupEnabled })}
          title="Ramp up slowly"
        >
          A new address that suddenly sends a lot looks like spam to mailbox providers.
        </OptionCheckbox>
      )}
      {draft.warmupEnabled ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <DraftInputs inputs={WARMUP_INPUTS} values={draft} hints={HINTS} {...form} />
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

export function IdentityCard({ mailbox }: { mailbox: Mailbox }) {
  const { workspace, can } = useCurrentWorkspace();
  const { trpc, updated, refusal } = useMailboxChange('identity');
  const save = useMutation(
    trpc.mailboxes.updateIdentity.mutationOptions({
      onSuccess: (saved) => void updated(saved),
      onError: refusal.onError,
    }),
  );
  const problem = refusal.problem(save);
  const edit = useEditForm({
    saved: identityDraftOf(mailbox),
    changesOf: (draft) => identityChanges(mailbox, draft),
    problemsOf: identityProblems,
    mutation: save,
    variables: (changes) => ({ workspaceId: workspace.id, mailboxId: mailbox.id, ...changes }),
    canEdit: can('mailboxes.manage'),
  });
  const form: IdentityForm = {
    draft: edit.draft,
    // A refusal naming a field shows under it.
    errors: {
      ...(problem?.field && problem.field in edit.draft ? { [problem.field]: problem.message } : {}),
      ...edit.errors,
    },
    disabled: !edit.canEdit,
    onChange: edit.change,
  };
  return (
    <Card
      id="identity"
      testId="identity-card"
      title="Sender identity"
      description="How messages sent through this account look, and how many it sends."
    >
      <EditForm
        edit={edit}
        name="identity"
        problem={problem?.field ? undefined : problem}
        savedText="Saved. The next messages use these settings."
      >
        <DraftInputs inputs={IDENTITY_INPUTS} values={form.draft} hints={HINTS} {...form} />
        <WarmupFields form={form} />
      </EditForm>
    </Card>
  );
}
