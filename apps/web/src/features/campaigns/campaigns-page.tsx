// The workspace's campaigns, newest first with "Load more" (keyset pages): each with its status and,
// once sending, its progress; refreshed every few seconds while one sends. "New campaign" opens the
// editor. Below the list, the postal address every campaign's footer carries.
import { useEffect, useMemo } from 'react';
import { Link, useLocation } from 'react-router';
import { Notice } from '../../components/alert.tsx';
import { buttonClass } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { PlusIcon, SendIcon } from '../../components/icons.tsx';
import { KeysetTable } from '../../components/list-kit/keyset-table.tsx';
import { Refreshing } from '../../components/list-kit/query-state.tsx';
import { Page } from '../../components/page-header.tsx';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useNow } from '../../lib/use-now.ts';
import { listNames, useListsQuery } from '../lists/use-lists.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { campaignColumns } from './campaign-columns.tsx';
import { newCampaignPath, POSTAL_ADDRESS_ANCHOR } from './campaign-paths.ts';
import { PostalAddressCard } from './postal-address-card.tsx';
import { useCampaignsLog } from './use-campaigns.ts';

/** A campaign deleted on its page comes back here with what happened. */
function returnNotice(state: unknown): string | undefined {
  const value = (state as Record<string, unknown> | null)?.notice;
  return typeof value === 'string' ? value : undefined;
}

function NewCampaignLink({ workspaceId }: { workspaceId: string }) {
  return (
    <Link to={newCampaignPath(workspaceId)} className={buttonClass('primary')} data-testid="new-campaign">
      <PlusIcon className="size-4" />
      New campaign
    </Link>
  );
}

export function CampaignsPage() {
  const { workspace, can } = useCurrentWorkspace();
  useDocumentTitle(`Campaigns · ${workspace.name}`);
  const location = useLocation();
  const now = useNow(30_000);
  const log = useCampaignsLog(workspace.id);
  const lists = useListsQuery(workspace.id);
  const names = useMemo(() => listNames(lists.data?.lists), [lists.data]);
  const canWrite = can('campaigns.manage');
  const rows = log.data?.pages.flatMap((page) => page.campaigns) ?? [];
  const notice = returnNotice(location.state);

  // Opened at #postal-address (from a refusal): bring the form into view once the page has drawn.
  useEffect(() => {
    if (location.hash === `#${POSTAL_ADDRESS_ANCHOR}`)
      document.getElementById(POSTAL_ADDRESS_ANCHOR)?.scrollIntoView({ block: 'start' });
  }, [location.hash]);

  return (
    <Page
      testId="campaigns-page"
      title="Campaigns"
      description="Messages to a list, sent from a connected email account at its own pace, with the unsubscribe link and postal address added to every one."
      actions={canWrite && rows.length ? <NewCampaignLink workspaceId={workspace.id} /> : undefined}
    >
      <Notice testId="campaigns-notice">{notice}</Notice>
      <Card
        id="campaigns"
        testId="campaigns-card"
        bodyClassName="p-0"
        title="All campaigns"
        description="Newest first."
        actions={<Refreshing query={log} />}
      >
        <KeysetTable
          log={log}
          rows={rows}
          state={{
            name: 'campaigns',
            what: 'the campaigns',
            skeleton: { cells: ['h-4 w-56', 'h-5 w-20 rounded-full', 'h-2 w-36', 'ml-auto h-4 w-24'] },
            empty: {
              accent: true,
              icon: SendIcon,
              title: 'No campaigns yet',
              action: canWrite ? <NewCampaignLink workspaceId={workspace.id} /> : undefined,
              children: `A campaign is one message sent to the subscribers of a list from one of your connected email accounts. Contacts not verified recently are checked first, and suppressed or unsubscribed ones are skipped at the moment of sending. ${canWrite ? '' : 'Owners, admins and members write campaigns.'}`,
            },
          }}
          columns={campaignColumns(workspace.id, names, now)}
          caption="Campaigns of the workspace, newest first"
          rowData={(campaign) => ({
            'data-campaign-id': campaign.id,
            'data-name': campaign.name,
            'data-status': campaign.status,
          })}
          words={{
            noun: ['campaign', 'campaigns'],
            endText: 'all of them',
            buttonLabel: 'Load more campaigns',
          }}
        />
      </Card>
      <PostalAddressCard workspaceId={workspace.id} canEdit={can('campaigns.send')} />
    </Page>
  );
}
