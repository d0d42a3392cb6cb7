// Shapes of the webhooks router's answers, as the webhook tests read them, and the calls they share.
import type { Client } from './client.ts';

export interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  enabled: boolean;
  disabledReason: string | null;
  previousSecretExpiresAt: string | null;
}
export interface Delivery {
  id: string;
  msgId: string;
  eventType: string;
  status: string;
  payload: string;
  attempts: number;
  createdAt: string;
  attemptLog: unknown[];
}

/** `auditTypes()` (the workspace's audit event types) and `create(input)` for the file's owner. */
export function webhookCalls(owner: () => { client: Client; workspaceId: string }) {
  return {
    async auditTypes(): Promise<string[]> {
      const { client, workspaceId } = owner();
      const res = await client.query<{ entries: { eventType: string }[] }>('audit.list', {
        workspaceId,
        limit: 200,
      });
      return (res.data?.entries ?? []).map((e) => e.eventType);
    },
    create(input: Record<string, unknown>) {
      const { client, workspaceId } = owner();
      return client.mutate<{ endpoint: Endpoint; secret: string }>('webhooks.create', {
        workspaceId,
        ...input,
      });
    },
  };
}
