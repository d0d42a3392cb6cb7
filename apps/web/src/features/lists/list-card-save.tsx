// What the list page's editable cards (settings, confirmation email) share: a draft that follows the
// saved list when that changes (a save, another member's change), saving through `contacts.lists.update`
// with the list re-read after it and a refusal worded for people, and the form's foot.
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ProblemAlert } from '../../components/alert.tsx';
import { FormActions } from '../../components/form-actions.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { listActionError } from './list-errors.ts';
import { type ContactList, type ListDetail, useRefreshLists } from './use-lists.ts';

export interface ListCardProps {
  workspaceId: string;
  list: ListDetail;
  canManage: boolean;
  /** Told what was saved (the page shows it as a notice). */
  onSaved: (message: string) => void;
}

/** The edited copy of what `of(list)` gives; it is reset whenever the saved values change. */
export function useSavedDraft<T>(list: ListDetail, of: (list: ListDetail) => T) {
  const [draft, setDraft] = useState<T>(() => of(list));
  const savedKey = JSON.stringify(of(list));
  useEffect(() => setDraft(of(list)), [savedKey]);
  return { draft, setDraft, discard: () => setDraft(of(list)) };
}

export function useListSave(onSaved: (message: string) => void, message: (saved: ContactList) => string) {
  const trpc = useTRPC();
  const refresh = useRefreshLists();
  const refusal = useRefusal((error) => listActionError(error, 'update'));
  const save = useMutation(
    trpc.contacts.lists.update.mutationOptions({
      onSuccess: (saved) => {
        onSaved(message(saved));
        void refresh();
      },
      onError: refusal.onError,
    }),
  );
  return { save, problem: refusal.problem(save) };
}

/** The refusal, if any, then Discard and Save (enabled once something changed); nothing for readers. */
export function SaveFoot({
  canManage,
  label,
  testId,
  busy,
  dirty,
  problem,
  onDiscard,
}: {
  canManage: boolean;
  label: string;
  testId: string;
  busy: boolean;
  dirty: boolean;
  problem: { title: string; message: string } | undefined;
  onDiscard: () => void;
}) {
  return (
    <>
      <ProblemAlert problem={problem} testId={`${testId}-error`} />
      {canManage ? (
        <FormActions
          label={label}
          busy={busy}
          disabled={!dirty}
          testId={`${testId}-save`}
          onCancel={onDiscard}
          cancelLabel="Discard changes"
          cancelVariant="ghost"
          cancelDisabled={!dirty}
        />
      ) : null}
    </>
  );
}
