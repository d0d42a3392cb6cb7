// The actions of a campaign's page, offered by its status (campaigns-model allowedActions) and the
// member's role: test send and schedule a draft; pause, resume and cancel one that is scheduled or
// sending, each confirmed first (ConfirmAction); duplicate any; delete a draft.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, DeleteButton } from '../../components/button.tsx';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { useConfirmMutation } from '../../components/confirm-mutation.ts';
import { CopyIcon, SendIcon } from '../../components/icons.tsx';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { campaignActionError, type CampaignAction as ErrorAction } from './campaign-errors.ts';
import { campaignPath, campaignsPath } from './campaign-paths.ts';
import { allowedActions } from './campaigns-model.ts';
import { PostalAddressLink } from './postal-address-card.tsx';
import { ScheduleDialog } from './schedule-dialog.tsx';
import { TestSendDialog } from './test-send-dialog.tsx';
import { type Campaign, type Checklist, useCampaignAction, useRefreshCampaigns } from './use-campaigns.ts';

type Transition = 'pause' | 'resume' | 'cancel';

const TRANSITIONS: Record<
  Transition,
  { label: string; title: (name: string) => string; confirm: string; text: string; done: string }
> = {
  pause: {
    label: 'Pause',
    title: (name) => `Pause “${name}”?`,
    confirm: 'Pause sending',
    text: 'No further message goes out until it is resumed. Messages already sent stay sent.',
    done: 'The campaign is paused.',
  },
  resume: {
    label: 'Resume',
    title: (name) => `Resume “${name}”?`,
    confirm: 'Resume sending',
    text: 'Sending continues with the recipients not yet dealt with; nobody receives a second copy.',
    done: 'The campaign is resumed.',
  },
  cancel: {
    label: 'Cancel campaign',
    title: (name) => `Cancel “${name}”?`,
    confirm: 'Cancel for good',
    text: 'Nothing more is sent, and the campaign cannot be resumed. What was sent stays counted. Duplicate it to send it again later.',
    done: 'The campaign is cancelled.',
  },
};

/** Pause, resume or cancel, behind its confirmation. */
function TransitionButton({
  transition,
  campaign,
  onDone,
}: {
  transition: Transition;
  campaign: Campaign;
  onDone: (notice: string) => void;
}) {
  const { trpc, workspace, refresh, ref } = useCampaignAction(campaign);
  const words = TRANSITIONS[transition];
  const refusal = useRefusal((error) => campaignActionError(error, transition as ErrorAction));
  const options = {
    onSuccess: async () => {
      confirm.close();
      onDone(words.done);
      await refresh();
    },
    onError: refusal.onError,
  };
  const pause = useMutation(trpc.campaigns.pause.mutationOptions(options));
  const resume = useMutation(trpc.campaigns.resume.mutationOptions(options));
  const cancel = useMutation(trpc.campaigns.cancel.mutationOptions(options));
  const mutation = { pause, resume, cancel }[transition];
  const confirm = useConfirmMutation(mutation, refusal.problem);
  const problem = confirm.dialog.problem;
  return (
    <>
      <Button
        variant={transition === 'cancel' ? 'danger' : 'secondary'}
        data-testid={`campaign-${transition}`}
        onClick={confirm.ask}
      >
        {words.label}
      </Button>
      <ConfirmAction
        {...confirm.dialog}
        testId={`campaign-${transition}-dialog`}
        title={words.title(campaign.name)}
        confirmLabel={words.confirm}
        onConfirm={() => mutation.mutate(ref)}
        error={
          problem?.postalAddress ? (
            <>
              <span className="font-medium">{problem.title}.</span> {problem.message}{' '}
              <PostalAddressLink workspaceId={workspace.id} />.
            </>
          ) : undefined
        }
      >
        <p>{words.text}</p>
      </ConfirmAction>
    </>
  );
}

function DeleteDraft({ campaign }: { campaign: Campaign }) {
  const navigate = useNavigate();
  const { trpc, workspace, refresh, ref } = useCampaignAction(campaign);
  const refusal = useRefusal((error) => campaignActionError(error, 'remove'));
  const remove = useMutation(
    trpc.campaigns.remove.mutationOptions({
      onSuccess: async () => {
        confirm.close();
        await refresh();
        navigate(campaignsPath(workspace.id), {
          state: { notice: `The draft “${campaign.name}” was deleted.` },
        });
      },
      onError: refusal.onError,
    }),
  );
  const confirm = useConfirmMutation(remove, refusal.problem);
  return (
    <>
      <DeleteButton variant="ghost" data-testid="campaign-remove" onClick={confirm.ask} />
      <ConfirmAction
        {...confirm.dialog}
        testId="campaign-remove-dialog"
        title={`Delete “${campaign.name}”?`}
        confirmLabel="Delete draft"
        onConfirm={() => remove.mutate(ref)}
      >
        <p>The draft is deleted. Nothing was sent from it.</p>
      </ConfirmAction>
    </>
  );
}

function DuplicateButton({
  campaign,
  onProblem,
}: {
  campaign: Campaign;
  onProblem: (message: string) => void;
}) {
  const navigate = useNavigate();
  const { trpc, workspace, refresh, ref } = useCampaignAction(campaign);
  const duplicate = useMutation(
    trpc.campaigns.duplicate.mutationOptions({
      onSuccess: async (copy) => {
        await refresh();
        navigate(campaignPath(workspace.id, copy.id), {
          state: { notice: `A copy of “${campaign.name}” was made.` },
        });
      },
      onError: (error) => {
        const problem = campaignActionError(error, 'duplicate');
        onProblem(`${problem.title}. ${problem.message}`);
      },
    }),
  );
  return (
    <Button
      variant="secondary"
      data-testid="campaign-duplicate"
      loading={duplicate.isPending}
      onClick={() => duplicate.mutate(ref)}
    >
      <CopyIcon className="size-4" />
      Duplicate
    </Button>
  );
}

export function CampaignActions({
  campaign,
  checklist,
  onNotice,
}: {
  campaign: Campaign;
  checklist: Checklist | undefined;
  /** What the last action did (or why it failed), for the page's notice. */
  onNotice: (notice: { tone: 'success' | 'error'; text: string }) => void;
}) {
  const { can } = useCurrentWorkspace();
  const refresh = useRefreshCampaigns();
  const [dialog, setDialog] = useState<'test' | 'schedule'>();
  const allowed = allowedActions(campaign.status);
  const canSend = can('campaigns.send');
  const canWrite = can('campaigns.manage');
  const done = (text: string) => onNotice({ tone: 'success', text });
  /** What both dialogs are given: whether this one is open, the campaign, and how it closes. */
  const dialogOf = (which: 'test' | 'schedule') => ({
    open: dialog === which,
    campaign,
    onClose: () => setDialog(undefined),
  });
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="campaign-actions">
      {canWrite && allowed.includes('remove') ? <DeleteDraft campaign={campaign} /> : null}
      {canWrite && allowed.includes('duplicate') ? (
        <DuplicateButton campaign={campaign} onProblem={(text) => onNotice({ tone: 'error', text })} />
      ) : null}
      {canSend && allowed.includes('testSend') ? (
        <Button variant="secondary" data-testid="campaign-test-send" onClick={() => setDialog('test')}>
          Send test
        </Button>
      ) : null}
      {canSend
        ? (['pause', 'resume', 'cancel'] as const)
            .filter((transition) => allowed.includes(transition))
            .map((transition) => (
              <TransitionButton key={transition} transition={transition} campaign={campaign} onDone={done} />
            ))
        : null}
      {canSend && allowed.includes('schedule') ? (
        <Button data-testid="campaign-schedule" onClick={() => setDialog('schedule')}>
          <SendIcon className="size-4" />
          Schedule
        </Button>
      ) : null}
      {canSend && allowed.includes('testSend') ? (
        <TestSendDialog {...dialogOf('test')} onSent={(to) => done(`A test was sent to ${to.join(', ')}.`)} />
      ) : null}
      {canSend && allowed.includes('schedule') ? (
        <ScheduleDialog
          {...dialogOf('schedule')}
          checklist={checklist}
          onScheduled={(scheduled) => {
            void refresh();
            done(
              scheduled.status === 'scheduled' && scheduled.scheduledAt
                ? 'The campaign is scheduled.'
                : 'The campaign is on its way.',
            );
          }}
        />
      ) : null}
    </div>
  );
}
