// Webhook delivery constants (zod-free).
import { EVENT_TEXT, EVENT_TYPES, type EventType } from './events.ts';

/** Every signing secret starts with this; the rest is base64 of the HMAC key (32 random bytes). */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** At most this many endpoints per workspace. */
export const WEBHOOK_MAX_ENDPOINTS = 20;
/** After a rotation, the previous secret still signs for this long unless another overlap is chosen. */
export const WEBHOOK_DEFAULT_OVERLAP_HOURS = 24;
export const WEBHOOK_MAX_OVERLAP_HOURS = 7 * 24;
/** Response bodies are kept up to this many bytes in the delivery log. */
export const WEBHOOK_RESPONSE_SNIPPET_BYTES = 2048;
/** Delivery records (deliveries and their attempts) are purged this long after the event. */
export const WEBHOOK_DELIVERY_RETENTION_DAYS = 30;

/** The HTTP headers of every delivery (Standard Webhooks). */
export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** Event types an endpoint can subscribe to, with the text the dashboard shows. */
export const WEBHOOK_EVENT_TYPES: readonly { type: EventType; description: string }[] = EVENT_TYPES.map(
  (type) => ({ type, description: EVENT_TEXT[type] }),
);

export const WEBHOOK_DISABLED_REASONS = ['manual', 'gone', 'failing'] as const;
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
