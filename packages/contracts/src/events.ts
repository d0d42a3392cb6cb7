// Domain events: written to the outbox (table outbox_event) in the same transaction as the change
// that caused them, then fanned out by the worker (webhook deliveries, "Webhooks"). Later issues add
// their types here; webhook endpoints subscribe to these names.
import { z } from 'zod';
import { ZBulkCounts, ZBulkJobStatus } from './bulk.ts';
import { ZCampaignEventData } from './campaigns.ts';
import { API_KEY_ALERT_KINDS } from './constants/api-keys.ts';
import { EVENT_TYPES, type EventType, NOTIFICATION_KINDS } from './constants/events.ts';
import { ZContactEventData, ZContactSuppressedEventData } from './contacts.ts';

export const ZEventType = z.enum(EVENT_TYPES);

/**
 * `data` of audit.checkpoint: the signed head of the workspace's audit chain. `signature` is Ed25519
 * (base64url) over the JSON `{"scope","seq","hash","time"}` in that order; `public_key` is the
 * signer's raw 32-byte key (base64url), `key_id` its short id. Paste it into audit.verify to check.
 */
export const ZAuditCheckpointEventData = z.object({
  scope: z.string(),
  seq: z.number().int(),
  hash: z.string(),
  time: z.iso.datetime(),
  key_id: z.string(),
  signature: z.string(),
  public_key: z.string(),
});

/** `data` of bulk_job.* events: counts only — never an address. */
export const ZBulkJobEventData = z.object({
  job_id: z.string(),
  name: z.string().nullable(),
  status: ZBulkJobStatus,
  total: z.number().int(),
  processed: z.number().int(),
  counts: ZBulkCounts,
  metadata: z.record(z.string(), z.unknown()).nullable(),
  completed_at: z.iso.datetime().nullable(),
  expires_at: z.iso.datetime().nullable(),
  error: z.string().nullable(),
});
export type BulkJobEventData = z.infer<typeof ZBulkJobEventData>;

/** `data` of api_key.usage_alert: which key, why, and the figures behind it (never a secret). */
export const ZApiKeyUsageAlertEventData = z.object({
  key_id: z.string(),
  key_name: z.string(),
  display_prefix: z.string(),
  kind: z.enum(API_KEY_ALERT_KINDS),
  /** Human summary, e.g. "1,200 requests in 10 minutes, 8× the usual". */
  summary: z.string(),
  details: z.record(z.string(), z.unknown()),
  detected_at: z.iso.datetime(),
});

export const EVENT_DATA = {
  'bulk_job.completed': ZBulkJobEventData,
  'bulk_job.failed': ZBulkJobEventData,
  'audit.checkpoint': ZAuditCheckpointEventData,
  'api_key.usage_alert': ZApiKeyUsageAlertEventData,
  'contact.subscribed': ZContactEventData,
  'contact.confirmed': ZContactEventData,
  'contact.unsubscribed': ZContactEventData,
  'contact.suppressed': ZContactSuppressedEventData,
  'campaign.started': ZCampaignEventData,
  'campaign.completed': ZCampaignEventData,
  'campaign.paused': ZCampaignEventData,
} as const satisfies Record<EventType, z.ZodType>;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA)[T]>;

/** The JSON body of a webhook delivery (Standard Webhooks payload shape). */
export interface EventEnvelope<T extends string = EventType> {
  type: T;
  timestamp: string;
  workspace_id: string;
  data: Record<string, unknown>;
}

// Dashboard notifications (per user; bell in the header).
export const ZNotificationKind = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof ZNotificationKind>;
export const ZNotification = z.object({
  id: z.string(),
  workspaceId: z.string().nullable(),
  kind: ZNotificationKind,
  title: z.string(),
  body: z.string(),
  /** Dashboard path to open, e.g. /w/<id>/jobs/<jobId>. */
  link: z.string().nullable(),
  createdAt: z.iso.datetime(),
  readAt: z.iso.datetime().nullable(),
  /** The object the notification is about (its link) was deleted since: the link leads nowhere. */
  targetDeleted: z.boolean(),
});
export type NotificationDto = z.infer<typeof ZNotification>;
export const ZNotificationList = z.object({
  notifications: z.array(ZNotification),
  unread: z.number().int(),
});
export const ZMarkNotificationsRead = z.object({ ids: z.array(z.string().uuid()).max(100).optional() });
