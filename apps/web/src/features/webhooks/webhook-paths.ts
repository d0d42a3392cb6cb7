// URLs of the webhooks pages: /w/:workspaceId/webhooks and /w/:workspaceId/webhooks/:endpointId.

export function webhooksPath(workspaceId: string): string {
  return `/w/${encodeURIComponent(workspaceId)}/webhooks`;
}

export function webhookPath(workspaceId: string, endpointId: string): string {
  return `${webhooksPath(workspaceId)}/${encodeURIComponent(endpointId)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Endpoint ids are UUIDs: anything else in the URL cannot name one (and is not sent to the API). */
export function isEndpointId(value: string | undefined): value is string {
  return value !== undefined && UUID.test(value);
}
