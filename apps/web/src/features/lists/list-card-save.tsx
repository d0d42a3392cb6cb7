// What the list page's editable cards (settings, confirmation email) share: a draft that follows the
// saved list when that changes (a save, another member's change), saving through `contacts.lists.update`
// with the list re-read after it and a refusal worded for people, and the form's foot.
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { ProblemAlert } from '../../components/alert.tsx';
import { FormActions } from '../../components/form-actions.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { listActionError } from './list-errors.ts';
import { type ContactList, type ListDetail, useRefreshLists } from './use-lists.ts';

type ListUpdate = Parameters<ReturnType<typeof useListSave>['save']['mutate']>[0]['data'];

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

/** What a card edits of the list, how its changes become an update, and what it checks first. */
export interface ListCardSpec<Draft, Errors extends object> {
  of: (list: ListDetail) => Draft;
  update: (list: ListDetail, draft: Draft) => ListUpdate;
  problems: (draft: Draft, list: ListDetail) => Errors;
  saved: (saved: ContactList) => string;
}

/**
 * A card's form: the draft, its problems (shown once a save was tried, cleared on discard), the save
 * of only what changed (nothing is sent while a problem remains or nothing changed), and the props of
 * its SaveFoot.
 */
export function useListCardForm<Draft, Errors extends object>(
  { workspaceId, list, canManage, onSaved }: ListCardProps,
  spec: ListCardSpec<Draft, Errors>,
) {
  const { draft, setDraft, discard } = useSavedDraft(list, spec.of);
  const [errors, setErrors] = useState<Partial<Errors>>({});
  const { save, problem } = useListSave(onSaved, spec.saved);
  const data = spec.update(list, draft);
  const dirty = Object.keys(data).length > 0;

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = spec.problems(draft, list);
    setErrors(found);
    if (Object.keys(found).length || !dirty) return;
    save.mutate({ workspaceId, listId: list.id, data });
  }

  const reset = (to: Draft) => {
    setErrors({});
    setDraft(to);
  };
  const foot = {
    canManage,
    busy: save.isPending,
    dirty,
    problem,
    onDiscard: () => {
      setErrors({});
      discard();
    },
  };
  return { draft, setDraft, reset, errors, busy: save.isPending, submit, foot };
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
