// Create or change a list (owners and admins): name, public description, double opt-in, "requires
// express consent" (CASL), the consent text shown at sign-up (a changed text becomes a new version;
// every version is kept with its hash), and the confirmation email's subject and body.
import { DEFAULT_CONFIRMATION_BODY, DEFAULT_CONFIRMATION_SUBJECT } from '@postern/contracts';
import { useMutation } from '@tanstack/react-query';
import { type ChangeEvent, useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { DialogForm } from '../../components/dialog-form.tsx';
import { Field } from '../../components/field.tsx';
import { OptionCheckbox, TextAreaField } from '../../components/form-fields.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { listActionError } from './list-errors.ts';
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
  form,
  errors,
  onChange,
  newVersion,
}: {
  form: ListForm;
  errors: ListFormErrors;
  onChange: (next: ListForm) => void;
  newVersion: boolean;
}) {
  const set =
    <K extends keyof ListForm>(key: K) =>
    (value: ListForm[K]) =>
      onChange({ ...form, [key]: value });
  /** A text of the form: its value, its limit, its error, and how it changes. */
  const text = (key: keyof typeof LIMITS) => ({
    value: form[key],
    maxLength: LIMITS[key],
    error: errors[key],
    onChange: set(key),
  });
  const input = (key: 'name' | 'confirmationSubject') => ({
    ...text(key),
    onChange: (event: ChangeEvent<HTMLInputElement>) => set(key)(event.target.value),
  });
  const check = (key: 'doubleOptIn' | 'requiresExpressConsent') => ({
    checked: form[key],
    onChange: set(key),
  });
  return (
    <>
      <Field label="Name" testId="list-name" autoComplete="off" {...input('name')} autoFocus />
      <TextAreaField
        label="Public description (optional)"
        testId="list-description"
        rows={2}
        {...text('description')}
        hint="Shown on the sign-up form and in the preference center."
      />
      <OptionCheckbox testId="list-double-opt-in" {...check('doubleOptIn')} title="Double opt-in">
        People who sign up through a form get a confirmation email and receive nothing until they confirm.
      </OptionCheckbox>
      <OptionCheckbox
        testId="list-express-consent"
        {...check('requiresExpressConsent')}
        title="Requires express consent (CASL)"
      >
        Campaigns to this list skip contacts whose consent is only implied.
      </OptionCheckbox>
      <TextAreaField
        label="Consent text"
        testId="list-consent-text"
        rows={4}
        {...text('consentText')}
        hint="What people agree to when they sign up. Every version is kept with its SHA-256 hash, and each consent event names the version shown."
      />
      {newVersion ? (
        <Alert tone="info" testId="list-new-version">
          Saving adds a new version of the consent text. Earlier versions stay in the history; people who
          signed up under them keep that evidence.
        </Alert>
      ) : null}
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
        onSaved={(saved, created) => {
          onClose();
          onSaved(saved, created);
        }}
      />
    </Dialog>
  );
}
