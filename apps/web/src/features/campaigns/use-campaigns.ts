// The campaign queries and what a change re-reads: the list (keyset pages, re-read every few seconds
// while one is sending), one campaign, its preview, checklist and metrics (re-read while it sends),
// and the postal-address settings.
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { logPageOptions } from '../../components/list-kit/log-query.ts';
import type { RouterOutputs } from '../../lib/router-types.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { type Trpc, useInvalidate } from '../../lib/use-invalidate.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { isLive } from './campaigns-model.ts';

export type Campaign = RouterOutputs['campaigns']['get'];
export type CampaignSummary = RouterOutputs['campaigns']['list']['campaigns'][number];
export type Checklist = RouterOutputs['campaigns']['checklist'];
export type CampaignMetrics = RouterOutputs['campaigns']['metrics'];
export type CampaignSettings = RouterOutputs['campaigns']['settings']['get'];

export const CAMPAIGNS_PAGE_SIZE = 25;
/** How often a sending campaign's figures are re-read. */
export const LIVE_MS = 3_000;

export function useCampaignsLog(workspaceId: string) {
  const trpc = useTRPC();
  return useInfiniteQuery(
    trpc.campaigns.list.infiniteQueryOptions(
      { workspaceId, limit: CAMPAIGNS_PAGE_SIZE },
      {
        ...logPageOptions(true),
        refetchInterval: (query) =>
          query.state.data?.pages.some((page) => page.campaigns.some((c) => isLive(c.status)))
            ? LIVE_MS
            : false,
      },
    ),
  );
}

export function useCampaignQuery(workspaceId: string, campaignId: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.campaigns.get.queryOptions(
      { workspaceId, campaignId },
      {
        staleTime: 0,
        retry: false,
        refetchInterval: (query) => (query.state.data && isLive(query.state.data.status) ? LIVE_MS : false),
      },
    ),
  );
}

/** The message as rendered for a sample contact (re-read after each save: useRefreshCampaigns). */
export function usePreviewQuery(workspaceId: string, campaignId: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.campaigns.preview.queryOptions(
      { workspaceId, campaignId },
      { staleTime: 0, retry: false, placeholderData: keepPreviousData },
    ),
  );
}

export function useChecklistQuery(workspaceId: string, campaignId: string, enabled = true) {
  const trpc = useTRPC();
  return useQuery(
    trpc.campaigns.checklist.queryOptions(
      { workspaceId, campaignId },
      { staleTime: 0, retry: false, placeholderData: keepPreviousData, enabled },
    ),
  );
}

export function useMetricsQuery(workspaceId: string, campaignId: string, live: boolean) {
  const trpc = useTRPC();
  return useQuery(
    trpc.campaigns.metrics.queryOptions(
      { workspaceId, campaignId, bucket: 'hour' },
      { staleTime: 0, retry: false, refetchInterval: live ? LIVE_MS : false },
    ),
  );
}

export function useCampaignSettingsQuery(workspaceId: string, enabled = true) {
  const trpc = useTRPC();
  return useQuery(trpc.campaigns.settings.get.queryOptions({ workspaceId }, { staleTime: 0, enabled }));
}

const CAMPAIGN_KEYS = (trpc: Trpc) => [
  trpc.campaigns.list.pathKey(),
  trpc.campaigns.get.pathKey(),
  trpc.campaigns.preview.pathKey(),
  trpc.campaigns.checklist.pathKey(),
  trpc.campaigns.metrics.pathKey(),
];

/** Re-reads what a change to a campaign affects: the list, the campaign, its preview, checklist, metrics. */
export const useRefreshCampaigns = () => useInvalidate(CAMPAIGN_KEYS);

/** What every action on one campaign starts from: the API, the campaign's reference, and the re-read after it. */
export function useCampaignAction(campaign: { id: string }) {
  const trpc = useTRPC();
  const { workspace } = useCurrentWorkspace();
  const refresh = useRefreshCampaigns();
  return { trpc, workspace, refresh, ref: { workspaceId: workspace.id, campaignId: campaign.id } };
}

const SETTINGS_KEYS = (trpc: Trpc) => [
  trpc.campaigns.settings.get.pathKey(),
  trpc.campaigns.checklist.pathKey(),
];

/** After the postal address changed: the settings and every checklist. */
export const useRefreshCampaignSettings = () => useInvalidate(SETTINGS_KEYS);
