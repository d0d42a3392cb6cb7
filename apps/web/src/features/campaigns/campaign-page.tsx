// One campaign. A draft opens in its editor (saved as it is written) beside the live preview, with
// the pre-send checklist below and the test send and scheduling above; once scheduled it shows its
// progress, figures and sends over time (re-read while it sends), the message as sent, and pause,
// resume or cancel.
import { useCallback, useState } from 'react';
import { useLocation } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { SendIcon } from '../../components/icons.tsx';
import { BackLink, ItemHeader, ItemNotFound, ItemRoute, ItemState } from '../../components/item-page.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { CampaignActions } from './campaign-actions.tsx';
import { DraftEditor } from './campaign-editor.tsx';
import { campaignsPath, isCampaignId } from './campaign-paths.ts';
import { CampaignReport } from './campaign-report.tsx';
import { CampaignStatusBadge } from './campaign-status-badge.tsx';
import { isLive } from './campaigns-model.ts';
import { ChecklistCard } from './checklist-card.tsx';
import { PreviewCard } from './preview-card.tsx';
import { type Campaign, useCampaignQuery, useChecklistQuery } from './use-campaigns.ts';

const NOT_FOUND = {
  icon: SendIcon,
  title: 'Campaign not found',
  testId: 'campaign-not-found',
  listLabel: 'See the campaigns',
} as const;

type PageNotice = { tone: 'success' | 'error'; text: string };

/** Arriving from "Duplicate": what happened. */
function arrivalNotice(state: unknown): PageNotice | undefined {
  const value = (state as Record<string, unknown> | null)?.notice;
  return typeof value === 'string' ? { tone: 'success', text: value } : undefined;
}

export function CampaignPage() {
  const { workspace } = useCurrentWorkspace();
  const notFound = <ItemNotFound {...NOT_FOUND} listPath={campaignsPath(workspace.id)} />;
  return <ItemRoute param="campaignId" isId={isCampaignId} notFound={notFound} view={CampaignView} />;
}

function CampaignView({ id: campaignId }: { id: string }) {
  const { workspace } = useCurrentWorkspace();
  const campaign = useCampaignQuery(workspace.id, campaignId);
  useDocumentTitle(`${campaign.data?.name ?? 'Campaign'} · Campaigns · ${workspace.name}`);
  const back = (
    <BackLink to={campaignsPath(workspace.id)} testId="back-to-campaigns">
      All campaigns
    </BackLink>
  );
  return (
    <ItemState
      query={campaign}
      name="campaign"
      what="the campaign"
      notFound={<ItemNotFound {...NOT_FOUND} listPath={campaignsPath(workspace.id)} />}
      back={back}
    >
      {(shown) => <CampaignDetails campaign={shown} back={back} />}
    </ItemState>
  );
}

function Description({ campaign }: { campaign: Campaign }) {
  return (
    <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
      <CampaignStatusBadge status={campaign.status} />
      <span>Created {formatDateTime(campaign.createdAt)}</span>
      {campaign.failureReason ? <span className="text-rose-700">{campaign.failureReason}</span> : null}
    </span>
  );
}

function CampaignDetails({ campaign, back }: { campaign: Campaign; back: React.ReactNode }) {
  const { workspace, can } = useCurrentWorkspace();
  const location = useLocation();
  const [notice, setNotice] = useState<PageNotice | undefined>(() => arrivalNotice(location.state));
  const [saving, setSaving] = useState(false);
  const onSaving = useCallback((value: boolean) => setSaving(value), []);
  const draft = campaign.status === 'draft';
  const checklist = useChecklistQuery(workspace.id, campaign.id, draft);
  const editable = draft && can('campaigns.manage');
  return (
    <div
      className="space-y-6"
      data-testid="campaign-page"
      data-campaign-id={campaign.id}
      data-status={campaign.status}
    >
      {back}
      <ItemHeader
        title={campaign.name}
        titleTestId="campaign-title"
        description={<Description campaign={campaign} />}
        actions={<CampaignActions campaign={campaign} checklist={checklist.data} onNotice={setNotice} />}
      />
      {notice ? (
        <Alert tone={notice.tone} testId="campaign-notice">
          {notice.text}
        </Alert>
      ) : null}
      {draft ? null : (
        <CampaignReport workspaceId={workspace.id} campaign={campaign} live={isLive(campaign.status)} />
      )}
      <div className="grid items-start gap-6 xl:grid-cols-2">
        {editable ? <DraftEditor campaign={campaign} onSaving={onSaving} /> : null}
        <div className={editable ? 'xl:sticky xl:top-6' : 'xl:col-span-2'}>
          <PreviewCard workspaceId={workspace.id} campaignId={campaign.id} saving={saving} />
        </div>
      </div>
      {draft ? <ChecklistCard workspaceId={workspace.id} checklist={checklist} /> : null}
    </div>
  );
}
