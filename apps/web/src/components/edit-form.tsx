// A card's form editing saved settings (a mailbox's sender identity, a webhook endpoint's settings):
// the draft follows the saved values when they change (after a save, or another member's edit), only
// what changed is sent, the browser's checks run first, "Saved" shows until the next edit, and
// Discard puts the saved values back. Named `<name>`: `<name>-form`, `<name>-error`, `<name>-saved`,
// `<name>-save`.
import type { UseMutationResult } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { Alert, ProblemAlert } from './alert.tsx';
import { FormActions } from './form-actions.tsx';

type Problems = Partial<Record<string, string>>;

export function useEditForm<D extends object, C extends object, V, E extends Problems>({
  saved,
  changesOf,
  problemsOf,
  mutation,
  variables,
  canEdit,
}: {
  /** The saved values, as the draft holds them. */
  saved: D;
  /** What differs from the saved values (nothing: there is nothing to save). */
  changesOf: (draft: D) => C;
  /** The browser's checks: a message per field. */
  problemsOf: (draft: D) => E;
  mutation: UseMutationResult<unknown, unknown, V>;
  /** The request saving the changes. */
  variables: (changes: C) => V;
  canEdit: boolean;
}) {
  const [draft, setDraft] = useState(saved);
  const savedKey = JSON.stringify(saved);
  useEffect(() => setDraft(saved), [savedKey]);
  const [errors, setErrors] = useState<Partial<E>>({});
  const [done, setDone] = useState(false);
  const changes = changesOf(draft);
  const dirty = Object.keys(changes).length > 0;
  return {
    draft,
    errors,
    dirty,
    canEdit,
    busy: mutation.isPending,
    /** Saved, and not edited since. */
    saved: done && !dirty,
    change: (next: Partial<D>) => {
      setDone(false);
      setDraft((current) => ({ ...current, ...next }));
    },
    discard: () => {
      setDraft(saved);
      setErrors({});
      mutation.reset();
    },
    submit: () => {
      const found = problemsOf(draft);
      setErrors(found);
      if (Object.values(found).some(Boolean) || !dirty) return;
      setDone(false);
      mutation.mutate(variables(changes), { onSuccess: () => setDone(true) });
    },
  };
}

export type EditFormState = Pick<
  ReturnType<typeof useEditForm>,
  'dirty' | 'canEdit' | 'busy' | 'saved' | 'discard' | 'submit'
>;

export function EditForm({
  edit,
  name,
  problem,
  savedText,
  className = 'space-y-4',
  children,
}: {
  edit: EditFormState;
  name: string;
  /** The server's refusal, unless it is about one field (shown under that field). */
  problem: { title: string; message: string } | undefined;
  /** What the saved settings change: "Saved. The next messages use these settings." */
  savedText: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        edit.submit();
      }}
      className={className}
      data-testid={`${name}-form`}
    >
      <ProblemAlert problem={problem} testId={`${name}-error`} />
      {edit.saved ? (
        <Alert tone="success" testId={`${name}-saved`}>
          {savedText}
        </Alert>
      ) : null}
      {children}
      {edit.canEdit ? (
        <FormActions
          label="Save changes"
          busy={edit.busy}
          disabled={!edit.dirty}
          testId={`${name}-save`}
          onCancel={edit.discard}
          cancelLabel="Discard changes"
          cancelVariant="ghost"
          cancelDisabled={!edit.dirty}
        />
      ) : null}
    </form>
  );
}
