// The postal address printed in every campaign's footer (CAN-SPAM: scheduling is refused until there
// is one): the workspace's, and optionally one per sender that overrides it for that sender's
// campaigns. Owners and admins change it; everyone sees it. The card is the list page's
// #postal-address, where refusals for a missing address point.
import { CAMPAIGN_POSTAL_ADDRESS_MAX } from '@postern/contracts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { Notice, ProblemAlert } from '../../components/alert.tsx';
import { Card } from '../../components/card.tsx';
import { FormActions } from '../../components/form-actions.tsx';
import { TextAreaField } from '../../components/form-fields.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { campaignActionError } from './campaign-errors.ts';
import { POSTAL_ADDRESS_ANCHOR, postalAddressPath } from './campaign-paths.ts';
import { addressFormOf, settingsUpdate } from './postal-address-model.ts';
import {
  type CampaignSettings,
  useCampaignSettingsQuery,
  useRefreshCampaignSettings,
} from './use-campaigns.ts';

function AddressEditor({
  workspaceId,
  settings,
  canEdit,
}: {
  workspaceId: string;
  settings: CampaignSettings;
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshCampaignSettings();
  const [form, setForm] = useState(() => addressFormOf(settings));
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const refusal = useRefusal((problem) => campaignActionError(problem, 'settings'));
  const save = useMutation(
    trpc.campaigns.settings.update.mutationOptions({
      onSuccess: async () => {
        setSaved(true);
        await refresh();
      },
      onError: refusal.onError,
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    if (!form.workspace.trim()) {
      setError('Enter the postal address your campaigns are sent from: campaigns cannot be sent without it.');
      return;
    }
    setError(undefined);
    save.mutate({ workspaceId, ...settingsUpdate(settings, form) });
  }

  return (
    <form noValidate onSubmit={submit} className="space-y-5" data-testid="postal-address-form">
      <ProblemAlert problem={refusal.problem(save)} testId="postal-address-error" />
      <Notice testId="postal-address-saved">{saved ? 'The postal address was saved.' : null}</Notice>
      <fieldset disabled={!canEdit} className="space-y-5">
        <TextAreaField
          label="Postal address of the workspace"
          testId="postal-address"
          rows={3}
          value={form.workspace}
          maxLength={CAMPAIGN_POSTAL_ADDRESS_MAX}
          error={error}
          onChange={(workspace) => setForm({ ...form, workspace })}
          hint="A street address or a registered post-office box, e.g. “Postern Ltd, 1 Harbour Street, Bristol BS1 4RN, United Kingdom”."
        />
        {settings.senders.length ? (
          <details className="rounded-lg border border-slate-200 px-4 py-3">
            <summary className="cursor-pointer text-sm font-medium text-slate-800">
              A different address for a sender ({settings.senders.length})
            </summary>
            <div className="mt-4 space-y-4">
              {settings.senders.map((sender) => (
                <TextAreaField
                  key={sender.mailboxId}
                  label={`Postal address for ${sender.email}`}
                  testId="sender-postal-address"
                  rows={2}
                  value={form.senders[sender.mailboxId] ?? ''}
                  maxLength={CAMPAIGN_POSTAL_ADDRESS_MAX}
                  onChange={(value) =>
                    setForm({ ...form, senders: { ...form.senders, [sender.mailboxId]: value } })
                  }
                  hint="Leave empty to use the workspace’s."
                />
              ))}
            </div>
          </details>
        ) : null}
      </fieldset>
      {canEdit ? (
        <FormActions label="Save postal address" busy={save.isPending} testId="postal-address-submit" />
      ) : (
        <p className="text-sm text-slate-500">Owners and admins change the postal address.</p>
      )}
    </form>
  );
}

export function PostalAddressCard({ workspaceId, canEdit }: { workspaceId: string; canEdit: boolean }) {
  const settings = useCampaignSettingsQuery(workspaceId);
  return (
    <Card
      id={POSTAL_ADDRESS_ANCHOR}
      testId="postal-address-card"
      title="Postal address"
      description="Printed in the footer of every campaign, as the law asks of commercial email (CAN-SPAM). Campaigns cannot be scheduled until it is set."
    >
      {settings.data ? (
        <AddressEditor workspaceId={workspaceId} settings={settings.data} canEdit={canEdit} />
      ) : settings.isError ? (
        <ProblemAlert
          problem={{ title: 'Could not load the postal address', message: 'Reload the page to try again.' }}
        />
      ) : (
        <div aria-busy="true" className="space-y-3">
          <span className="sr-only">Loading the postal address…</span>
          <Skeleton className="h-4 w-48" />
          <Skeleton className="h-20" />
        </div>
      )}
    </Card>
  );
}

/** The way to the form above, where a refusal or the checklist names the missing postal address. */
export function PostalAddressLink({
  workspaceId,
  testId,
  className = 'font-medium underline',
}: {
  workspaceId: string;
  testId?: string;
  className?: string;
}) {
  return (
    <Link to={postalAddressPath(workspaceId)} data-testid={testId} className={className}>
      Add your postal address under Campaigns → Postal address
    </Link>
  );
}
