// A list's settings on its page: name, public description, double opt-in, express consent (CASL), the
// consent text (a changed text becomes a new version), and the connected mailbox confirmations are sent
// from. Saved together, only what changed; owners and admins edit, everyone else reads.
import { Card } from '../../components/card.tsx';
import type { DraftProps } from '../../components/draft-inputs.tsx';
import { Options, SelectField } from '../../components/select.tsx';
import { useMailboxesQuery } from '../mailboxes/use-mailboxes.ts';
import { type ListCardProps, type ListCardSpec, SaveFoot, useListCardForm } from './list-card-save.tsx';
import { ListFields } from './list-fields.tsx';
import {
  addsConsentVersion,
  formOf,
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
  senders,
  disabled,
  ...draft
}: DraftProps<ListForm, ListFormErrors> & {
  list: ListDetail;
  senders: SenderMailbox[];
  disabled: boolean;
}) {
  const { form, onChange } = draft;
  const chosen = senders.find((mailbox) => mailbox.id === form.senderMailboxId);
  return (
    <fieldset disabled={disabled} className="space-y-5">
      <legend className="sr-only">Settings of {list.name}</legend>
      <ListFields
        {...draft}
        newVersion={addsConsentVersion(list, form)}
        beforeConsentText={
          <SelectField
            label="Confirmation emails are sent from"
            testId="list-sender"
            value={form.senderMailboxId}
            onChange={(event) => onChange({ ...form, senderMailboxId: event.target.value })}
            hint={senderNote(chosen)}
          >
            <Options choices={senderChoices(senders, list.senderMailboxId ?? '')} />
          </SelectField>
        }
      />
    </fieldset>
  );
}

const SETTINGS: ListCardSpec<ListForm, ListFormErrors> = {
  of: formOf,
  update: updateInput,
  problems: settingsProblems,
  saved: (saved) => `The settings of “${saved.name}” were saved.`,
};

export function ListSettingsCard(props: ListCardProps) {
  const { workspaceId, list, canManage } = props;
  const senders = useSenders(workspaceId);
  const card = useListCardForm(props, SETTINGS);
  return (
    <Card
      id="list-settings"
      testId="list-settings-card"
      title="Settings"
      description={canManage ? undefined : 'Owners and admins change a list’s settings.'}
    >
      <form className="space-y-5" onSubmit={card.submit} noValidate>
        <SettingsFields
          list={list}
          form={card.draft}
          errors={card.errors}
          onChange={card.setDraft}
          senders={senders}
          disabled={!canManage || card.busy}
        />
        <SaveFoot label="Save settings" testId="list-settings" {...card.foot} />
      </form>
    </Card>
  );
}
