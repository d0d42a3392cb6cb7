// URLs of the Campaigns pages: /w/:workspaceId/campaigns, …/campaigns/new, …/campaigns/:campaignId,
// and the postal-address card on the list page (where refusals for a missing address point).
import { isItemId, workspaceItemPath, workspacePath } from '../workspaces/paths.ts';

export function campaignsPath(workspaceId: string): string {
  return workspacePath(workspaceId, 'campaigns');
}

export function newCampaignPath(workspaceId: string): string {
  return `${campaignsPath(workspaceId)}/new`;
}

export function campaignPath(workspaceId: string, campaignId: string): string {
  return workspaceItemPath(workspaceId, 'campaigns', campaignId);
}

/** The postal-address form (a card of the list page, opened at its anchor). */
export const POSTAL_ADDRESS_ANCHOR = 'postal-address';

export function postalAddressPath(workspaceId: string): string {
  return `${campaignsPath(workspaceId)}#${POSTAL_ADDRESS_ANCHOR}`;
}

/** Campaign ids are UUIDs: anything else in the URL cannot name one (and is not sent to the API). */
export const isCampaignId = isItemId;
