// The delivery log of an endpoint (paged, filtered), manual re-send, the test event, and the 30-day
// purge of delivery records (RETENTION_RULES).
import { randomUUID } from 'node:crypto';
import {
  TEST_EVENT_TYPE,
  WEBHOOK_DELIVERY_RETENTION_DAYS,
  type WebhookAttemptDto,
  type WebhookDeliveryDto,
  type WebhookDeliveryState,
  type WebhookDeliveryStatus,
} from '@postern/contracts';
import { type EntityManager, WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '@postern/db';
import { recordAudit } from '../audit/record.ts';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { afterCursor, keysetOrder, keysetPage } from '../pagination.ts';
import { requestWebhookDispatch } from './dispatch.ts';
import { webhookBody } from './endpoint-targets.ts';
import { findWebhookEndpoint } from './endpoints.ts';
import { webhookMsgId } from './signing.ts';

const DAY = 86_400_000;

/** What re-sends and test events use of the core context (the worker is woken through ctx.queue). */
type DeliveryCtx = Pick<CoreContext, 'em' | 'clock' | 'meta' | 'queue'>;

function attemptDto(a: WebhookAttempt): WebhookAttemptDto {
  return {
    attempt: a.attempt,
    startedAt: a.startedAt.toISOString(),
    durationMs: a.durationMs,
    statusCode: a.statusCode ?? null,
    response: a.response ?? null,
    error: a.error ?? null,
    requestHeaders: a.requestHeaders ?? null,
  };
}

/**
 * What a delivery is doing: an attempt in flight (claimed, its result not yet recorded, its claim not
 * expired) is `sending`; a pending one is `queued` before its round's first attempt, `retrying` after.
 */
export function deliveryState(
  d: WebhookDelivery,
  attempts: readonly WebhookAttempt[],
  now: Date,
): WebhookDeliveryState {
  if (d.status !== 'pending') return d.status as WebhookDeliveryState;
  const recorded = attempts.reduce((max, a) => Math.max(max, a.attempt), 0);
  const claimLive = d.nextAttemptAt !== null && d.nextAttemptAt !== undefined && d.nextAttemptAt > now;
  if (d.attempts > recorded && claimLive) return 'sending';
  return d.roundAttempts === 0 ? 'queued' : 'retrying';
}

export function webhookDeliveryDto(
  d: WebhookDelivery,
  attempts: WebhookAttempt[],
  now: Date = new Date(),
): WebhookDeliveryDto {
  return {
    id: d.id,
    endpointId: d.endpointId,
    msgId: d.msgId,
    eventId: d.eventId ?? null,
    eventType: d.eventType,
    status: d.status as WebhookDeliveryStatus,
    state: deliveryState(d, attempts, now),
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? (d.nextAttemptAt?.toISOString() ?? null) : null,
    createdAt: d.createdAt.toISOString(),
    completedAt: d.completedAt?.toISOString() ?? null,
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    lastStatusCode: d.lastStatusCode ?? null,
    lastError: d.lastError ?? null,
    payload: d.body,
    attemptLog: attempts.sort((x, y) => y.attempt - x.attempt).map(attemptDto),
  };
}

async function withAttempts(
  em: EntityManager,
  deliveries: WebhookDelivery[],
  now: Date,
): Promise<WebhookDeliveryDto[]> {
  if (!deliveries.length) return [];
  const attempts = await em.find(WebhookAttempt, { deliveryId: { $in: deliveries.map((d) => d.id) } });
  const byDelivery = new Map<string, WebhookAttempt[]>();
  for (const a of attempts) byDelivery.set(a.deliveryId, [...(byDelivery.get(a.deliveryId) ?? []), a]);
  return deliveries.map((d) => webhookDeliveryDto(d, byDelivery.get(d.id) ?? [], now));
}

export interface DeliveryFilter {
  endpointId: string;
  status?: WebhookDeliveryStatus | undefined;
  eventType?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** A page of an endpoint's deliveries, newest first, each with its attempts. The cursor is opaque. */
export async function listWebhookDeliveries(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  workspaceId: string,
  filter: DeliveryFilter,
): Promise<{ deliveries: WebhookDeliveryDto[]; nextCursor: string | null }> {
  const { em } = ctx;
  await findWebhookEndpoint(ctx, workspaceId, filter.endpointId);
  const limit = Math.max(1, Math.min(100, Math.floor(filter.limit)));
  const where: Record<string, unknown> = { workspaceId, endpointId: filter.endpointId };
  if (filter.status) where.status = filter.status;
  if (filter.eventType) where.eventType = filter.eventType;
  // Both bounds inclusive (contracts' date-range convention).
  const created: Record<string, Date> = {};
  if (filter.from) created.$gte = new Date(filter.from);
  if (filter.to) created.$lte = new Date(filter.to);
  if (Object.keys(created).length) where.createdAt = created;
  const after = afterCursor(filter.cursor);
  if (after) where.$and = [after];
  const rows = await em.find(WebhookDelivery, where, keysetOrder(limit));
  const { page, nextCursor } = keysetPage(rows, limit);
  return { deliveries: await withAttempts(em, page, ctx.clock.now()), nextCursor };
}

async function deliveryDto(em: EntityManager, id: string, now: Date): Promise<WebhookDeliveryDto> {
  const delivery = await em.findOneOrFail(WebhookDelivery, { id }, { refresh: true });
  const [dto] = await withAttempts(em, [delivery], now);
  return dto as WebhookDeliveryDto;
}

/**
 * Queues a finished delivery for one more round of attempts, now, with the same webhook-id and body.
 * The endpoint must be enabled; a pending delivery is already on its way.
 */
export async function resendWebhookDelivery(
  ctx: DeliveryCtx,
  workspaceId: string,
  actorId: string,
  deliveryId: string,
): Promise<WebhookDeliveryDto> {
  const delivery = await ctx.em.findOne(WebhookDelivery, { id: deliveryId, workspaceId }, { refresh: true });
  if (!delivery) throw new DomainError('NOT_FOUND', 'No such webhook delivery');
  const endpoint = await ctx.em.findOne(WebhookEndpoint, { id: delivery.endpointId, workspaceId });
  if (!endpoint) throw new DomainError('NOT_FOUND', 'No such webhook delivery');
  if (!endpoint.enabled)
    throw new DomainError('CONFLICT', 'The endpoint is disabled: enable it before re-sending deliveries');
  const now = ctx.clock.now();
  const updated = await ctx.em.nativeUpdate(
    WebhookDelivery,
    { id: deliveryId, status: { $ne: 'pending' } },
    { status: 'pending', roundAttempts: 0, nextAttemptAt: now, completedAt: null },
  );
  if (updated !== 1)
    throw new DomainError(
      'CONFLICT',
      'This delivery is still pending: it will be attempted again on its own',
    );
  recordAudit(ctx.em, ctx.clock, {
    type: 'webhook.delivery_resent',
    actorId,
    workspaceId,
    target: { type: 'webhook_delivery', id: deliveryId },
    meta: ctx.meta,
    metadata: { endpointId: endpoint.id, eventType: delivery.eventType, msgId: delivery.msgId },
  });
  await ctx.em.flush();
  await requestWebhookDispatch(ctx.queue, 'resend');
  return deliveryDto(ctx.em, deliveryId, ctx.clock.now());
}

/** Queues a `webhook.test` delivery to the endpoint, due now. */
export async function sendWebhookTest(
  ctx: DeliveryCtx,
  workspaceId: string,
  endpointId: string,
): Promise<WebhookDeliveryDto> {
  const endpoint = await findWebhookEndpoint(ctx, workspaceId, endpointId);
  if (!endpoint.enabled)
    throw new DomainError('CONFLICT', 'The endpoint is disabled: enable it before sending a test event');
  const now = ctx.clock.now();
  const id = randomUUID();
  await ctx.em.insert(WebhookDelivery, {
    id,
    workspaceId,
    endpointId,
    eventId: null,
    eventType: TEST_EVENT_TYPE,
    msgId: webhookMsgId(id),
    body: webhookBody(TEST_EVENT_TYPE, now, workspaceId, {
      endpoint_id: endpointId,
      message: 'This is a test event from Postern: your endpoint receives and verifies webhooks.',
    }),
    status: 'pending',
    attempts: 0,
    roundAttempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    completedAt: null,
    lastAttemptAt: null,
    lastStatusCode: null,
    lastError: null,
  });
  await requestWebhookDispatch(ctx.queue, 'test');
  return deliveryDto(ctx.em, id, ctx.clock.now());
}

const PURGE_BATCH = 20_000;
/** Stops a purge run after this long; the next hourly run continues. */
const PURGE_BUDGET_MS = 5 * 60_000;

/**
 * Deletes delivery records older than 30 days: deliveries by creation, attempts by start (so a
 * re-sent delivery's newest attempts may outlive it by at most the gap). Returns the rows deleted.
 */
export async function purgeWebhookDeliveries(em: EntityManager, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - WEBHOOK_DELIVERY_RETENTION_DAYS * DAY);
  const conn = em.getConnection();
  const started = Date.now();
  let total = 0;
  const statements = [
    'delete from webhook_attempt where id in (select id from webhook_attempt where started_at < ? limit ?)',
    'delete from webhook_delivery where id in (select id from webhook_delivery where created_at < ? limit ?)',
  ];
  for (const sql of statements) {
    for (;;) {
      const result = (await conn.execute(sql, [cutoff, PURGE_BATCH], 'run')) as { affectedRows: number };
      total += result.affectedRows;
      if (result.affectedRows < PURGE_BATCH || Date.now() - started > PURGE_BUDGET_MS) break;
    }
  }
  return total;
}
