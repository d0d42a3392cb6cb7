// A new campaign: the editor, empty but for a starter message; "Create draft" saves it and opens it
// on its page, where the preview, the test send and scheduling are.
import { useNavigate } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { BackLink } from '../../components/item-page.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { NewCampaignEditor } from './campaign-editor.tsx';
import { campaignPath, campaignsPath } from './campaign-paths.ts';
import { useRefreshCampaigns } from './use-campaigns.ts';

export function NewCampaignPage() {
  const { workspace, can } = useCurrentWorkspace();
  useDocumentTitle(`New campaign · ${workspace.name}`);
  const navigate = useNavigate();
  const refresh = useRefreshCampaigns();
  return (
    <div className="space-y-6" data-testid="new-campaign-page">
      <BackLink to={campaignsPath(workspace.id)} testId="back-to-campaigns">
        All campaigns
      </BackLink>
      <PageHeader
        title="New campaign"
        description="Write the message; the sender and the list can be chosen now or later. Nothing is sent until you schedule it."
      />
      {can('campaigns.manage') ? (
        <div className="max-w-3xl">
          <NewCampaignEditor
            onCancel={() => navigate(campaignsPath(workspace.id))}
            onCreated={(campaign) => {
              void refresh();
              navigate(campaignPath(workspace.id, campaign.id));
            }}
          />
        </div>
      ) : (
        <Alert tone="info" testId="new-campaign-not-allowed">
          Owners, admins and members write campaigns; your role can read them.
        </Alert>
      )}
    </div>
  );
}
