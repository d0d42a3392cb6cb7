// URLs of the webhooks pages: /w/:workspaceId/webhooks and /w/:workspaceId/webhooks/:endpointId.
import { isItemId, workspaceItemPath, workspacePath } from '../workspaces/paths.ts';

export function webhooksPath(workspaceId: string): string {
  return workspacePath(workspaceId, 'webhooks');
}

export function webhookPath(workspaceId: string, endpointId: string): string {
  return workspaceItemPath(workspaceId, 'webhooks', endpointId);
}

/** Endpoint ids are UUIDs: anything else in the URL cannot name one (and is not sent to the API). */
export const isEndpointId = isItemId;
