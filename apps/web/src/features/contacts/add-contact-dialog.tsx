// Add a contact by hand (members and up): the address, a name and, optionally, a list to subscribe it
// to with the consent evidence the member vouches for (recorded as method "dashboard", with the member
// as who recorded it, and the list's current consent text). A suppressed address is refused by the
// server, and its explanation is shown as it is.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { closeThen, Dialog, type OpenDialogProps } from '../../components/dialog.tsx';
import { DialogForm } from '../../components/dialog-form.tsx';
import { EmailField, useEmailInput } from '../../components/email-field.tsx';
import { Field } from '../../components/field.tsx';
import { OptionCheckbox } from '../../components/form-fields.tsx';
import { Options, SelectField } from '../../components/select.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { listChoices, shortHash } from '../lists/lists-model.ts';
import type { ContactList } from '../lists/use-lists.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { contactActionError, STATUS_STYLES } from './contacts-model.ts';
import type { Contact } from './use-contacts.ts';

export interface Added {
  contact: Contact;
  /** The list subscribed to, with the resulting status. */
  list?: { name: string; status: keyof typeof STATUS_STYLES; changed: boolean };
}

function ConsentEvidence({
  list,
  express,
  onExpress,
}: {
  list: ContactList;
  express: boolean;
  onExpress: (express: boolean) => void;
}) {
  return (
    <fieldset
      className="space-y-3 rounded-lg border border-slate-200 px-4 py-3"
      data-testid="consent-evidence"
    >
      <legend className="px-1 text-sm font-medium text-slate-800">Consent evidence</legend>
      <p className="text-sm text-slate-600">
        Recorded in the contact’s consent record as added{' '}
        <span className="font-medium">from the dashboard</span> by you, now.
      </p>
      <OptionCheckbox
        testId="contact-express"
        checked={express}
        onChange={onExpress}
        title="The person gave express consent"
      >
        They asked for this list themselves (ticked a box, wrote to you). Without it the consent is recorded
        as implied.
      </OptionCheckbox>
      {list.requiresExpressConsent && !express ? (
        <Alert tone="warning" testId="express-required">
          “{list.name}” requires express consent (CASL): a contact without it is skipped by its campaigns.
        </Alert>
      ) : null}
      <div className="text-sm text-slate-600" data-testid="consent-text-version">
        {list.consentText ? (
          <>
            <p>
              Consent text shown: version {list.consentText.version}{' '}
              <code className="font-mono text-xs" title={list.consentText.sha256}>
                {shortHash(list.consentText.sha256)}
              </code>
            </p>
            <blockquote className="mt-1 line-clamp-3 border-l-2 border-slate-200 pl-3 text-slate-500">
              {list.consentText.text}
            </blockquote>
          </>
        ) : (
          <p>This list has no consent text yet; none is recorded.</p>
        )}
      </div>
    </fieldset>
  );
}

function AddContactForm({
  lists,
  onAdded,
}: {
  lists: readonly ContactList[];
  onAdded: (added: Added) => void;
}) {
  const trpc = useTRPC();
  const { workspace } = useCurrentWorkspace();
  const refusal = useRefusal((error) => contactActionError(error, 'add'));
  const email = useEmailInput();
  const [name, setName] = useState('');
  const [listId, setListId] = useState('');
  const [express, setExpress] = useState(false);
  const list = lists.find((candidate) => candidate.id === listId);
  const create = useMutation(
    trpc.contacts.create.mutationOptions({
      onSuccess: (contact) => onAdded({ contact }),
      onError: refusal.onError,
    }),
  );
  const subscribe = useMutation(
    trpc.contacts.lists.subscribe.mutationOptions({
      onSuccess: (result) =>
        onAdded({
          contact: result.contact,
          list: { name: list?.name ?? 'the list', status: result.status, changed: result.changed },
        }),
      onError: refusal.onError,
    }),
  );
  const problem = refusal.problem(create) ?? refusal.problem(subscribe);
  const busy = create.isPending || subscribe.isPending;

  function submit() {
    const address = email.checked();
    if (!address) return;
    const contact = { email: address, ...(name.trim() ? { name: name.trim() } : {}) };
    create.reset();
    subscribe.reset();
    if (list)
      subscribe.mutate({ workspaceId: workspace.id, listId: list.id, contact, evidence: { express } });
    else create.mutate({ workspaceId: workspace.id, ...contact });
  }

  const fieldProblem = problem?.field === 'email' ? problem.message : undefined;
  return (
    <DialogForm
      testId="add-contact-form"
      onSubmit={submit}
      problem={fieldProblem ? undefined : problem}
      action={{ label: list ? 'Add and subscribe' : 'Add contact', busy }}
    >
      <EmailField input={email} name="contact-email" testId="contact-email-input" error={fieldProblem} />
      <Field
        label="Name (optional)"
        name="contact-name"
        testId="contact-name-input"
        autoComplete="off"
        maxLength={200}
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <SelectField
        label="Subscribe to"
        testId="contact-list-select"
        value={listId}
        hint={lists.length ? undefined : 'Create a list on the Lists page to subscribe contacts to it.'}
        onChange={(event) => setListId(event.target.value)}
      >
        <option value="">No list: only add the contact</option>
        <Options choices={listChoices(lists)} />
      </SelectField>
      {list ? <ConsentEvidence list={list} express={express} onExpress={setExpress} /> : null}
    </DialogForm>
  );
}

export function AddContactDialog({
  lists,
  onAdded,
  ...dialog
}: OpenDialogProps & {
  lists: readonly ContactList[];
  onAdded: (added: Added) => void;
}) {
  return (
    <Dialog
      {...dialog}
      testId="add-contact-dialog"
      className="max-w-xl"
      title="Add a contact"
      description="Subscribing someone records your word for their consent: add only people who asked for it."
    >
      <AddContactForm lists={lists} onAdded={closeThen(dialog.onClose, onAdded)} />
    </Dialog>
  );
}

/** What the page says once a contact was added. */
export function addedNotice({ contact, list }: Added): string {
  if (!list) return `${contact.email} was added.`;
  if (!list.changed)
    return `${contact.email} was already ${STATUS_STYLES[list.status].label.toLowerCase()} on ${list.name}.`;
  return `${contact.email} was added to ${list.name} (${STATUS_STYLES[list.status].label.toLowerCase()}).`;
}
