// A list's settings on its page: name, public description, double opt-in, express consent (CASL), the
// consent text (a changed text becomes a new version), and the connected mailbox confirmations are sent
// from. Saved together, only what changed; owners and admins edit, everyone else reads.
import { type FormEvent, useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Card } from '../../components/card.tsx';
import { Field } from '../../components/field.tsx';
import { OptionCheckbox, TextAreaField } from '../../components/form-fields.tsx';
import { Options, SelectField } from '../../components/select.tsx';
import { useMailboxesQuery } from '../mailboxes/use-mailboxes.ts';
import { type ListCardProps, SaveFoot, useListSave, useSavedDraft } from './list-card-save.tsx';
import {
  addsConsentVersion,
  formOf,
  LIMITS,
  type ListForm,
  type ListFormErrors,
  type SenderMailbox,
  senderChoices,
  senderNote,
  settingsProblems,
  updateInput,
} from './lists-model.ts';
import type { ListDetail } from './use-lists.ts';

function useSenders(workspaceId: string): SenderMailbox[] {
  const mailboxes = useMailboxesQuery(workspaceId);
  return (mailboxes.data?.mailboxes ?? []).map((mailbox) => ({
    id: mailbox.id,
    email: mailbox.email,
    label: mailbox.label,
    provider: mailbox.provider,
    canSend: mailbox.canSend,
    fromAddress: mailbox.identity.fromAddress,
  }));
}

/** The fields of the card (disabled for those who only read). */
function SettingsFields({
  list,
  form,
  errors,
  onChange,
  senders,
  disabled,
}: {
  list: ListDetail;
  form: ListForm;
  errors: ListFormErrors;
  onChange: (form: ListForm) => void;
  senders: SenderMailbox[];
  disabled: boolean;
}) {
  const set = <K extends keyof ListForm>(key: K, value: ListForm[K]) => onChange({ ...form, [key]: value });
  const chosen = senders.find((mailbox) => mailbox.id === form.senderMailboxId);
  return (
    <fieldset disabled={disabled} className="space-y-5">
      <legend className="sr-only">Settings of {list.name}</legend>
      <Field
        label="Name"
        testId="list-name"
        autoComplete="off"
        value={form.name}
        maxLength={LIMITS.name}
        error={errors.name}
        onChange={(event) => set('name', event.target.value)}
      />
      <TextAreaField
        label="Public description (optional)"
        testId="list-description"
        rows={2}
        value={form.description}
        maxLength={LIMITS.description}
        error={errors.description}
        onChange={(value) => set('description', value)}
        hint="Shown on the sign-up form and in the preference center."
      />
      <OptionCheckbox
        testId="list-double-opt-in"
        checked={form.doubleOptIn}
        onChange={(value) => set('doubleOptIn', value)}
        title="Double opt-in"
      >
        People who sign up through a form get a confirmation email and receive nothing until they confirm.
      </OptionCheckbox>
      <OptionCheckbox
        testId="list-express-consent"
        checked={form.requiresExpressConsent}
        onChange={(value) => set('requiresExpressConsent', value)}
        title="Requires express consent (CASL)"
      >
        The sign-up form asks for a ticked box, and campaigns skip contacts whose consent is only implied.
      </OptionCheckbox>
      <SelectField
        label="Confirmation emails are sent from"
        testId="list-sender"
        value={form.senderMailboxId}
        onChange={(event) => set('senderMailboxId', event.target.value)}
        hint={senderNote(chosen)}
      >
        <Options choices={senderChoices(senders, list.senderMailboxId ?? '')} />
      </SelectField>
      <TextAreaField
        label="Consent text"
        testId="list-consent-text"
        rows={4}
        value={form.consentText}
        maxLength={LIMITS.consentText}
        error={errors.consentText}
        onChange={(value) => set('consentText', value)}
        hint="What people agree to when they sign up. Every version is kept with its SHA-256 hash."
      />
      {addsConsentVersion(list, form) ? (
        <Alert tone="info" testId="list-new-version">
          Saving adds a new version of the consent text. Earlier versions stay in the history; copy the embed
          snippet again so your site shows the new text.
        </Alert>
      ) : null}
    </fieldset>
  );
}

export function ListSettingsCard({ workspaceId, list, canManage, onSaved }: ListCardProps) {
  const senders = useSenders(workspaceId);
  const { draft: form, setDraft: setForm, discard } = useSavedDraft(list, formOf);
  const [errors, setErrors] = useState<ListFormErrors>({});
  const { save, problem } = useListSave(onSaved, (saved) => `The settings of “${saved.name}” were saved.`);
  const data = updateInput(list, form);
  const dirty = Object.keys(data).length > 0;

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = settingsProblems(form);
    setErrors(found);
    if (Object.keys(found).length || !dirty) return;
    save.mutate({ workspaceId, listId: list.id, data });
  }

  return (
    <Card
      id="list-settings"
      testId="list-settings-card"
      title="Settings"
      description={canManage ? undefined : 'Owners and admins change a list’s settings.'}
    >
      <form className="space-y-5" onSubmit={submit} noValidate>
        <SettingsFields
          list={list}
          form={form}
          errors={errors}
          onChange={setForm}
          senders={senders}
          disabled={!canManage || save.isPending}
        />
        <SaveFoot
          canManage={canManage}
          label="Save settings"
          testId="list-settings"
          busy={save.isPending}
          dirty={dirty}
          problem={problem}
          onDiscard={discard}
        />
      </form>
    </Card>
  );
}
