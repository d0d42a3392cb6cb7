// The transactional outbox and the dashboard's notifications. An outbox row is inserted in the same
// transaction as the change it reports; the worker fans it out (webhook deliveries) and marks it
// dispatched. Payloads hold ids and counts, never an address or a secret.
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

export const OutboxEventSchema = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox_event',
  indexes: [{ properties: ['dispatchedAt', 'createdAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    workspaceId: p.uuid().index(),
    /** One of EVENT_TYPES (contracts/events.ts). */
    type: p.string().length(64),
    /** The event's `data` (ZBulkJobEventData, …). */
    payload: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** Set once the worker has created the deliveries for it; null = still to dispatch. */
    dispatchedAt: p.datetime().nullable(),
  },
});
export class OutboxEvent extends OutboxEventSchema.class {}
OutboxEventSchema.setClass(OutboxEvent);

export const NotificationSchema = defineEntity({
  name: 'Notification',
  tableName: 'notification',
  indexes: [{ properties: ['userId', 'createdAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    userId: p.uuid(),
    workspaceId: p.uuid().nullable().index(),
    /** One of NOTIFICATION_KINDS. */
    kind: p.string().length(64),
    title: p.string().length(200),
    body: p.text(),
    link: p.string().length(300).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    readAt: p.datetime().nullable(),
  },
});
export class Notification extends NotificationSchema.class {}
NotificationSchema.setClass(Notification);
