// Domain event types and their descriptions (zod-free).
export const EVENT_TYPES = [
  'bulk_job.completed',
  'bulk_job.failed',
  'audit.checkpoint',
  'api_key.usage_alert',
  'contact.subscribed',
  'contact.confirmed',
  'contact.unsubscribed',
  'contact.suppressed',
  'campaign.started',
  'campaign.completed',
  'campaign.paused',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The synthetic event sent by "send test event"; never written by a domain change. */
export const TEST_EVENT_TYPE = 'webhook.test';

export const EVENT_TEXT: Record<EventType, string> = {
  'bulk_job.completed': 'A bulk verification job finished (every address has a result, or it was cancelled)',
  'bulk_job.failed': 'A bulk verification job failed (its results so far are kept)',
  'audit.checkpoint':
    "The workspace's audit log grew: its new head, signed by Postern (keep it to prove later that nothing was removed)",
  'api_key.usage_alert':
    'An API key was used unusually: a sharp rise in traffic, a burst of refusals (401/403/429) or a new IP range',
  'contact.subscribed': 'A contact subscribed to a list (active, or unconfirmed until double opt-in)',
  'contact.confirmed': 'A contact confirmed a subscription (double opt-in)',
  'contact.unsubscribed': 'A contact unsubscribed from a list, or from everything',
  'contact.suppressed': 'An address was suppressed (unsubscribed, bounced, complained or added by hand)',
  'campaign.started': 'A campaign started sending (its recipients were taken from the list)',
  'campaign.completed': 'A campaign finished: every recipient was sent to, skipped or failed',
  'campaign.paused': 'A campaign was paused (by a member, or by the engine when the sender failed)',
};

// Dashboard notifications (per user; bell in the header).
export const NOTIFICATION_KINDS = [
  'bulk_job.completed',
  'bulk_job.failed',
  'webhook.endpoint_disabled',
  'api_key.usage_alert',
  'mailbox.reconnect_required',
] as const;
