// Writing a campaign. A new one is created as a draft by "Create draft" (then opened on its page); a
// draft is saved as it is written — a moment after the last keystroke, only what changed — so the
// preview beside it follows the text. The accounts and lists the selects offer are read here.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ProblemAlert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { DialogForm } from '../../components/dialog-form.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useListsQuery } from '../lists/use-lists.ts';
import { useMailboxesQuery } from '../mailboxes/use-mailboxes.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { campaignActionError } from './campaign-errors.ts';
import {
  type CampaignForm,
  type CampaignFormErrors,
  campaignData,
  campaignFormOf,
  campaignFormProblems,
  changedData,
  emptyCampaignForm,
} from './campaign-form.ts';
import { EditorFields } from './editor-fields.tsx';
import { type Campaign, useCampaignAction } from './use-campaigns.ts';

/** How long after the last change a draft is saved. */
export const AUTOSAVE_MS = 700;

function useChoices(workspaceId: string) {
  const mailboxes = useMailboxesQuery(workspaceId);
  const lists = useListsQuery(workspaceId);
  return { mailboxes: mailboxes.data?.mailboxes ?? [], lists: lists.data?.lists ?? [] };
}

/** The editor of a campaign not created yet: "Create draft" creates it. */
export function NewCampaignEditor({
  onCreated,
  onCancel,
}: {
  onCreated: (campaign: Campaign) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const { workspace } = useCurrentWorkspace();
  const choices = useChoices(workspace.id);
  const [form, setForm] = useState<CampaignForm>(emptyCampaignForm);
  const [errors, setErrors] = useState<CampaignFormErrors>({});
  const refusal = useRefusal((error) => campaignActionError(error, 'create'));
  const create = useMutation(
    trpc.campaigns.create.mutationOptions({ onSuccess: onCreated, onError: refusal.onError }),
  );

  function submit() {
    const found = campaignFormProblems(form);
    setErrors(found);
    if (Object.keys(found).length) return;
    create.mutate({ workspaceId: workspace.id, ...campaignData(form) });
  }

  return (
    <Card id="campaign-editor" testId="campaign-editor" title="Message">
      <DialogForm
        testId="new-campaign-form"
        onSubmit={submit}
        {...refusal.form(create, 'Create draft')}
        onCancel={onCancel}
      >
        <EditorFields form={form} errors={errors} onChange={setForm} {...choices} generatedText="" />
      </DialogForm>
    </Card>
  );
}

type SaveState = 'saved' | 'pending' | 'saving' | 'invalid';

function SaveStatus({ state, onSave }: { state: SaveState; onSave: () => void }) {
  return (
    <span
      className="flex items-center gap-2 text-xs text-slate-500"
      data-testid="draft-save-state"
      data-state={state}
    >
      {state === 'saving' ? <Spinner className="size-3.5" /> : null}
      <span aria-live="polite">
        {state === 'saved'
          ? 'All changes saved'
          : state === 'invalid'
            ? 'Not saved: see the fields'
            : 'Saving…'}
      </span>
      {state === 'pending' ? (
        <Button variant="ghost" className="px-2 py-1 text-xs" onClick={onSave}>
          Save now
        </Button>
      ) : null}
    </span>
  );
}

/** A draft's editor: saves itself a moment after each change. */
export function DraftEditor({
  campaign,
  onSaving,
}: {
  campaign: Campaign;
  /** Whether a save is waiting or on its way (the preview shows it is about to change). */
  onSaving: (saving: boolean) => void;
}) {
  const { trpc, workspace, refresh, ref } = useCampaignAction(campaign);
  const queryClient = useQueryClient();
  const choices = useChoices(workspace.id);
  const [form, setForm] = useState<CampaignForm>(() => campaignFormOf(campaign));
  const saved = useRef(campaign);
  const refusal = useRefusal((error) => campaignActionError(error, 'save'));
  const update = useMutation(
    trpc.campaigns.update.mutationOptions({
      onSuccess: (next) => {
        saved.current = next;
        queryClient.setQueryData(trpc.campaigns.get.queryKey(ref), next);
        void refresh();
      },
      onError: refusal.onError,
    }),
  );
  const errors = campaignFormProblems(form);
  const invalid = Object.keys(errors).length > 0;
  const changes = changedData(saved.current, form);
  const dirty = Object.keys(changes).length > 0;
  const state: SaveState = update.isPending
    ? 'saving'
    : invalid && dirty
      ? 'invalid'
      : dirty
        ? 'pending'
        : 'saved';

  /** The last changes sent: not sent again by themselves (a refused save waits for an edit or "Save now"). */
  const lastSent = useRef('');
  const save = () => {
    if (invalid || update.isPending) return;
    const data = changedData(saved.current, form);
    if (!Object.keys(data).length) return;
    lastSent.current = JSON.stringify(data);
    update.mutate({ ...ref, data });
  };
  const saveRef = useRef(save);
  saveRef.current = save;

  // Saved a moment after the last change (and again once a save in flight returns with more to save).
  useEffect(() => {
    if (!dirty || invalid || update.isPending) return;
    if (JSON.stringify(changedData(saved.current, form)) === lastSent.current) return;
    const timer = setTimeout(() => saveRef.current(), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [form, dirty, invalid, update.isPending]);

  useEffect(() => onSaving(state === 'pending' || state === 'saving'), [state, onSaving]);

  return (
    <Card
      id="campaign-editor"
      testId="campaign-editor"
      title="Message"
      actions={<SaveStatus state={state} onSave={save} />}
    >
      <div className="space-y-5">
        <ProblemAlert problem={refusal.problem(update)} testId="draft-save-error" />
        <EditorFields
          form={form}
          errors={errors}
          onChange={setForm}
          {...choices}
          generatedText={saved.current.textBody}
        />
      </div>
    </Card>
  );
}
