// Shapes of the webhooks router's answers, as the webhook tests read them.
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
  attemptLog: unknown[];
}
