// Webhooks: endpoints (URL and signing secrets are keyring ciphertexts bound to (webhook_endpoint, id,
// url|secret|previous_secret); only the URL's host is kept in clear), deliveries (one per event and endpoint: one `webhook-id`, the exact body,
// the retry state) and attempts (the delivery log: one row per HTTP attempt). See docs/webhooks.md.
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

export const WebhookEndpointSchema = defineEntity({
  name: 'WebhookEndpoint',
  tableName: 'webhook_endpoint',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    workspaceId: p.uuid().index(),
    /**
     * Ciphertext of the URL (it may carry a token in its path or query). Rows written before URLs were
     * encrypted hold the plaintext (`http…`) until a worker start seals them (sealPlaintextWebhookUrls).
     */
    url: p.text(),
    /** The URL's host (with the port when not the default): shown and audited instead of the URL. */
    host: p.text(),
    description: p.string().length(500).nullable(),
    /** Subscribed EVENT_TYPES (contracts/events.ts). */
    eventTypes: p.json<string[]>(),
    enabled: p.boolean().default(true),
    /** manual | gone (answered 410) | failing (every attempt failed for a day). */
    disabledReason: p.string().length(16).nullable(),
    disabledAt: p.datetime().nullable(),
    /** Ciphertext of the current signing secret (`whsec_…`). */
    secret: p.text(),
    /** Ciphertext of the previous secret during a rotation overlap; it signs too until the time below. */
    previousSecret: p.text().nullable(),
    previousSecretExpiresAt: p.datetime().nullable(),
    /** Failed attempts since the last success, and when that run of failures began. */
    consecutiveFailures: p.integer().default(0),
    failingSince: p.datetime().nullable(),
    lastSuccessAt: p.datetime().nullable(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()),
  },
});
export class WebhookEndpoint extends WebhookEndpointSchema.class {}
WebhookEndpointSchema.setClass(WebhookEndpoint);

export const WebhookDeliverySchema = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_delivery',
  // One delivery per (event, endpoint): the fan-out can never create a second one.
  uniques: [{ properties: ['eventId', 'endpointId'] }],
  indexes: [
    { properties: ['endpointId', 'createdAt'] },
    // The delivery loop's claim: pending rows by due time; and per endpoint (the endpoints with
    // pending rows are found by skipping through this index, then each one's oldest due rows).
    { properties: ['status', 'nextAttemptAt'] },
    { properties: ['status', 'endpointId', 'nextAttemptAt'] },
    { properties: ['createdAt'] },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    workspaceId: p.uuid().index(),
    endpointId: p.uuid(),
    /** The outbox event delivered; null for a test event. */
    eventId: p.uuid().nullable(),
    eventType: p.string().length(64),
    /** The `webhook-id` header (`msg_…`): the same on every attempt and re-send. */
    msgId: p.string().length(40).unique(),
    /** The exact JSON body, so every attempt signs and sends the same bytes. */
    body: p.text(),
    /** pending | succeeded | failed */
    status: p.string().length(16).default('pending'),
    /** Attempts made so far (numbering of the delivery log). */
    attempts: p.integer().default(0),
    /** Attempts in the current round (the retry schedule's position; a re-send starts a new round). */
    roundAttempts: p.integer().default(0),
    /**
     * pending: when the next attempt is due. While an attempt runs it is the claim's expiry, so a
     * worker that dies mid-attempt leaves the delivery due again (at least once).
     */
    nextAttemptAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    completedAt: p.datetime().nullable(),
    lastAttemptAt: p.datetime().nullable(),
    lastStatusCode: p.integer().nullable(),
    lastError: p.string().length(500).nullable(),
  },
});
export class WebhookDelivery extends WebhookDeliverySchema.class {}
WebhookDeliverySchema.setClass(WebhookDelivery);

export const WebhookAttemptSchema = defineEntity({
  name: 'WebhookAttempt',
  tableName: 'webhook_attempt',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    deliveryId: p.uuid().index(),
    endpointId: p.uuid(),
    workspaceId: p.uuid(),
    attempt: p.integer(),
    startedAt: p.datetime().index(),
    durationMs: p.integer(),
    /** The receiver's status; null when no response came. */
    statusCode: p.integer().nullable(),
    /** The first 2 KiB of the response body. */
    response: p.text().nullable(),
    error: p.string().length(500).nullable(),
    /** The request headers sent (signature headers included; null for attempts made before they were kept). */
    requestHeaders: p.json<Record<string, string>>().nullable(),
  },
});
export class WebhookAttempt extends WebhookAttemptSchema.class {}
WebhookAttemptSchema.setClass(WebhookAttempt);
