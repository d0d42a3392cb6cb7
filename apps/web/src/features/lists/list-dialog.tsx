// Create or change a list (owners and admins): name, public description, double opt-in, "requires
// express consent" (CASL), the consent text shown at sign-up (a changed text becomes a new version;
// every version is kept with its hash), and the confirmation email's subject and body.
import { DEFAULT_CONFIRMATION_BODY, DEFAULT_CONFIRMATION_SUBJECT } from '@postern/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { closeThen, Dialog } from '../../components/dialog.tsx';
import { DialogForm } from '../../components/dialog-form.tsx';
import { bindDraft, type DraftProps } from '../../components/draft-inputs.tsx';
import { Field } from '../../components/field.tsx';
import { TextAreaField } from '../../components/form-fields.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { listActionError } from './list-errors.ts';
import { ListFields } from './list-fields.tsx';
import {
  addsConsentVersion,
  createInput,
  emptyForm,
  formOf,
  formProblems,
  LIMITS,
  type ListForm,
  type ListFormErrors,
  updateInput,
} from './lists-model.ts';
import type { ContactList } from './use-lists.ts';

const DEFAULTS = { subject: DEFAULT_CONFIRMATION_SUBJECT, body: DEFAULT_CONFIRMATION_BODY };

function ListFormFields({
  newVersion,
  ...draft
}: DraftProps<ListForm, ListFormErrors> & { newVersion: boolean }) {
  const { text, input } = bindDraft(draft.form, draft.errors, draft.onChange, LIMITS);
  return (
    <>
      <ListFields {...draft} newVersion={newVersion} autoFocus />
      <fieldset className="space-y-4 rounded-lg border border-slate-200 px-4 py-3">
        <legend className="px-1 text-sm font-medium text-slate-800">Confirmation email</legend>
        <Field
          label="Subject"
          testId="list-confirmation-subject"
          autoComplete="off"
          {...input('confirmationSubject')}
        />
        <TextAreaField
          label="Body"
          testId="list-confirmation-body"
          rows={6}
          {...text('confirmationBody')}
          hint="{{list}} becomes the list’s name and {{confirm_url}} the confirmation link."
        />
      </fieldset>
    </>
  );
}

function ListEditor({
  workspaceId,
  list,
  onSaved,
  onCancel,
}: {
  workspaceId: string;
  list: ContactList | undefined;
  onSaved: (list: ContactList, created: boolean) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const [form, setForm] = useState<ListForm>(() => (list ? formOf(list) : emptyForm(DEFAULTS)));
  const [errors, setErrors] = useState<ListFormErrors>({});
  const refusal = useRefusal((error) => listActionError(error, list ? 'update' : 'create'));
  const create = useMutation(
    trpc.contacts.lists.create.mutationOptions({
      onSuccess: (saved) => onSaved(saved, true),
      onError: refusal.onError,
    }),
  );
  const update = useMutation(
    trpc.contacts.lists.update.mutationOptions({
      onSuccess: (saved) => onSaved(saved, false),
      onError: refusal.onError,
    }),
  );
  const problem = refusal.problem(create) ?? refusal.problem(update);

  function submit() {
    const found = formProblems(form);
    setErrors(found);
    if (Object.keys(found).length) return;
    if (!list) {
      create.mutate({ workspaceId, ...createInput(form, DEFAULTS) });
      return;
    }
    const data = updateInput(list, form);
    if (!Object.keys(data).length) {
      onCancel();
      return;
    }
    update.mutate({ workspaceId, listId: list.id, data });
  }

  return (
    <DialogForm
      testId="list-form"
      onSubmit={submit}
      problem={problem}
      action={{ label: list ? 'Save list' : 'Create list', busy: create.isPending || update.isPending }}
      onCancel={onCancel}
    >
      <ListFormFields
        form={form}
        errors={errors}
        onChange={setForm}
        newVersion={Boolean(list) && addsConsentVersion(list, form)}
      />
    </DialogForm>
  );
}

/** Open with `list` undefined to create one; `editing` says whether the dialog is open at all. */
export function ListDialog({
  open,
  workspaceId,
  list,
  onClose,
  onSaved,
}: {
  open: boolean;
  workspaceId: string;
  list: ContactList | undefined;
  onClose: () => void;
  onSaved: (list: ContactList, created: boolean) => void;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      testId="list-dialog"
      className="max-w-2xl"
      title={list ? `Edit “${list.name}”` : 'Create a list'}
      description={
        list
          ? 'Changes apply from now on; consent already recorded keeps the text version it was given under.'
          : 'A newsletter people subscribe to. Its consent text and confirmation email can be changed later.'
      }
    >
      <ListEditor
        key={list?.id ?? 'new'}
        workspaceId={workspaceId}
        list={list}
        onCancel={onClose}
        onSaved={closeThen(onClose, onSaved)}
      />
    </Dialog>
  );
}
