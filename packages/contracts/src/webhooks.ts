// Webhooks: the shapes of the `webhooks` tRPC router (and the dashboard built on it), the dispatch
// queue's payload, and the constants of the delivery scheme (docs/webhooks.md).
//
// An endpoint belongs to a workspace and subscribes to event types (EVENT_TYPES in events.ts). Each
// event is delivered to every enabled subscribed endpoint as one *delivery* (one `webhook-id`, kept
// across every retry and re-send), made of one or more HTTP *attempts*. Payloads are signed in the
// Standard Webhooks style with the endpoint's secret (`whsec_…`).
import { z } from 'zod';
import {
  WEBHOOK_DEFAULT_OVERLAP_HOURS,
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_DISABLED_REASONS,
  WEBHOOK_MAX_OVERLAP_HOURS,
} from './constants/webhooks.ts';
import { ZDateRange } from './date-range.ts';
import { ZEventType } from './events.ts';
import { zText } from './text.ts';
import { ZWorkspaceScoped } from './workspaces.ts';

/** Why an endpoint is disabled: by a member, because it answered 410 Gone, or after failing for a day. */
export const ZWebhookDisabledReason = z.enum(WEBHOOK_DISABLED_REASONS);
export type WebhookDisabledReason = z.infer<typeof ZWebhookDisabledReason>;

/** pending = waiting for its next attempt (or being attempted); succeeded = a 2xx; failed = given up. */
export const ZWebhookDeliveryStatus = z.enum(WEBHOOK_DELIVERY_STATUSES);
export type WebhookDeliveryStatus = z.infer<typeof ZWebhookDeliveryStatus>;
export const ZWebhookDeliveryState = z.enum(['queued', 'sending', 'retrying', 'succeeded', 'failed']);
export type WebhookDeliveryState = z.infer<typeof ZWebhookDeliveryState>;

/** The shape is checked here; the server then refuses private, loopback and metadata targets. */
export const ZWebhookUrl = zText()
  .trim()
  .min(1, 'Enter the URL that receives the events')
  .max(2048, 'The URL is too long (2,048 characters at most)');
export const ZWebhookDescription = zText().trim().max(500, 'Keep the description under 500 characters');
export const ZWebhookEventTypes = z
  .array(ZEventType)
  .min(1, 'Choose at least one event type')
  .max(50)
  .transform((types) => [...new Set(types)]);

export const ZWebhookEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  eventTypes: z.array(ZEventType),
  enabled: z.boolean(),
  /** Set while disabled: who or what disabled it. */
  disabledReason: ZWebhookDisabledReason.nullable(),
  disabledAt: z.iso.datetime().nullable(),
  /** During a rotation overlap: until when the previous secret still signs too. */
  previousSecretExpiresAt: z.iso.datetime().nullable(),
  /** First failed attempt since the last success (null when the last attempt succeeded). */
  failingSince: z.iso.datetime().nullable(),
  consecutiveFailures: z.number().int(),
  lastSuccessAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type WebhookEndpointDto = z.infer<typeof ZWebhookEndpoint>;

export const ZWebhookEndpointList = z.object({
  endpoints: z.array(ZWebhookEndpoint),
  /** What can be subscribed to (type and description). */
  eventTypes: z.array(z.object({ type: ZEventType, description: z.string() })),
});

/** Procedures on one endpoint name it by id. */
export const ZWebhookEndpointRef = ZWorkspaceScoped.extend({ endpointId: z.string().uuid() });

export const ZCreateWebhookEndpointRequest = ZWorkspaceScoped.extend({
  url: ZWebhookUrl,
  description: ZWebhookDescription.optional(),
  eventTypes: ZWebhookEventTypes,
  enabled: z.boolean().default(true),
});
/** The signing secret is returned here once; later only `revealSecret` shows it. */
export const ZCreatedWebhookEndpoint = z.object({ endpoint: ZWebhookEndpoint, secret: z.string() });

export const ZUpdateWebhookEndpointRequest = ZWebhookEndpointRef.extend({
  url: ZWebhookUrl.optional(),
  /** null or '' clears it. */
  description: ZWebhookDescription.nullable().optional(),
  eventTypes: ZWebhookEventTypes.optional(),
  /** false disables it (reason `manual`); true enables it again and clears its failure count. */
  enabled: z.boolean().optional(),
}).refine(
  (input) =>
    input.url !== undefined ||
    input.description !== undefined ||
    input.eventTypes !== undefined ||
    input.enabled !== undefined,
  { message: 'Nothing to change: give url, description, eventTypes or enabled' },
);

export const ZWebhookSecret = z.object({
  secret: z.string(),
  /** During a rotation overlap, the previous secret (still used to sign) and when it stops. */
  previousSecret: z.string().nullable(),
  previousSecretExpiresAt: z.iso.datetime().nullable(),
});

export const ZRotateWebhookSecretRequest = ZWebhookEndpointRef.extend({
  /** How long the previous secret keeps signing too (both signatures are sent); 0 = stop at once. */
  overlapHours: z
    .number()
    .min(0, 'The overlap cannot be negative')
    .max(WEBHOOK_MAX_OVERLAP_HOURS, `The overlap is at most ${WEBHOOK_MAX_OVERLAP_HOURS} hours`)
    .default(WEBHOOK_DEFAULT_OVERLAP_HOURS),
});

export const ZWebhookAttempt = z.object({
  /** 1 for the first attempt of the delivery, then 2, 3… (re-sends continue the count). */
  attempt: z.number().int(),
  startedAt: z.iso.datetime(),
  durationMs: z.number().int(),
  /** The receiver's HTTP status; null when no response came (refused target, timeout, network error). */
  statusCode: z.number().int().nullable(),
  /** The start of the response body (at most WEBHOOK_RESPONSE_SNIPPET_BYTES bytes). */
  response: z.string().nullable(),
  error: z.string().nullable(),
  /** The request headers sent, signature headers included (null for attempts made before they were kept). */
  requestHeaders: z.record(z.string(), z.string()).nullable(),
});
export type WebhookAttemptDto = z.infer<typeof ZWebhookAttempt>;

export const ZWebhookDelivery = z.object({
  id: z.string(),
  endpointId: z.string(),
  /** The `webhook-id` header: the same on every attempt and re-send of this delivery. */
  msgId: z.string(),
  /** The outbox event (null for test events). */
  eventId: z.string().nullable(),
  eventType: z.string(),
  status: ZWebhookDeliveryStatus,
  /**
   * What the delivery is doing now: `sending` while an attempt is in flight, `queued` before the first
   * attempt (of a re-send too), `retrying` between attempts, then `succeeded` or `failed`.
   */
  state: ZWebhookDeliveryState,
  attempts: z.number().int(),
  /** When the next attempt is due (pending only). */
  nextAttemptAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
  lastAttemptAt: z.iso.datetime().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  /** The JSON body sent (the same bytes on every attempt). */
  payload: z.string(),
  /** Every attempt, newest first. */
  attemptLog: z.array(ZWebhookAttempt),
});
export type WebhookDeliveryDto = z.infer<typeof ZWebhookDelivery>;

export const ZWebhookDeliveriesRequest = ZWebhookEndpointRef.extend({
  status: ZWebhookDeliveryStatus.optional(),
  eventType: zText().max(64).optional(),
  /** Deliveries created from `from` to `to`, both inclusive (the date-range convention, ZDateRange). */
  ...ZDateRange.shape,
  /** The previous page's nextCursor. */
  cursor: zText().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(25),
}).refine((r) => ZDateRange.safeParse({ from: r.from, to: r.to }).success, {
  message: 'The start of the range must not be after its end',
  path: ['to'],
});
export const ZWebhookDeliveryPage = z.object({
  deliveries: z.array(ZWebhookDelivery),
  nextCursor: z.string().nullable(),
});

export const ZResendWebhookDeliveryRequest = ZWorkspaceScoped.extend({ deliveryId: z.string().uuid() });
/** What resend and sendTest return: the delivery, queued for an attempt now. */
export const ZQueuedWebhookDelivery = z.object({ delivery: ZWebhookDelivery });

/** `data` of the test event sent by "send test event". */
export const ZWebhookTestEventData = z.object({
  endpoint_id: z.string(),
  message: z.string(),
});

/** Payload of the dispatch queue: "outbox rows may be waiting", sent after a commit (any payload). */
export const ZWebhookDispatchJob = z.object({ reason: z.string().max(64).optional() }).default({});
