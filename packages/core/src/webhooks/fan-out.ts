// Fan-out: outbox rows → one delivery per subscribed enabled endpoint, the rows marked dispatched, in
// one transaction. Rows are locked FOR UPDATE SKIP LOCKED, so any number of workers fan out in
// parallel and each event exactly once.
import { randomUUID } from 'node:crypto';
import { type EntityManager, execute } from '@postern/db';
import type { CoreContext } from '../context.ts';
import { type ClaimedDelivery, type EndpointLimit, endpointSlots } from './claim.ts';
import {
  ENDPOINT_COLUMNS,
  type EndpointRow,
  type EndpointTarget,
  endpointTarget,
  toDate,
  webhookBody,
} from './endpoint-targets.ts';
import { webhookMsgId } from './signing.ts';

export interface FanOutResult {
  /** Outbox rows dispatched. */
  events: number;
  /** Deliveries created. */
  created: number;
  /** Deliveries created already claimed by the caller (at most `claim`), to attempt at once. */
  claimed: ClaimedDelivery[];
  /** Endpoints of the claimed deliveries. */
  endpoints: Map<string, EndpointTarget>;
  /** Endpoints with deliveries created but not claimed (no slot free, or the endpoint at its cap). */
  unclaimedEndpoints: Set<string>;
}

export interface FanOutOptions {
  limit: number;
  claim: number;
  leaseMs: number;
  perEndpoint?: EndpointLimit;
}

interface OutboxRow {
  id: string;
  workspace_id: string;
  type: string;
  payload: unknown;
  created_at: Date | string;
}

/**
 * Fans out up to `limit` undispatched outbox rows (oldest first, SKIP LOCKED) in one transaction.
 * The first `claim` deliveries are created claimed for `leaseMs` (the caller attempts them at once);
 * the rest are created due now, for any worker's claim loop.
 */
export async function fanOutOutbox(
  ctx: Pick<CoreContext, 'em' | 'keyring' | 'clock'>,
  options: FanOutOptions,
): Promise<FanOutResult> {
  return ctx.em.transactional(async (tx) => {
    const result: FanOutResult = {
      events: 0,
      created: 0,
      claimed: [],
      endpoints: new Map(),
      unclaimedEndpoints: new Set(),
    };
    const events = await execute<OutboxRow[]>(
      tx,
      `select id, workspace_id, type, payload, created_at from outbox_event
        where dispatched_at is null order by created_at limit ? for update skip locked`,
      [options.limit],
    );
    if (!events.length) return result;
    const now = ctx.clock.now();
    const endpointRows = await execute<EndpointRow[]>(
      tx,
      `select ${ENDPOINT_COLUMNS} from webhook_endpoint where enabled and workspace_id in (?)`,
      [[...new Set(events.map((e) => e.workspace_id))]],
    );
    const planned = planDeliveries(events, endpointRows, options, now);
    result.unclaimedEndpoints = planned.unclaimedEndpoints;
    if (planned.rows.length) {
      const kept = await insertDeliveries(tx, planned.rows);
      result.created = kept.size;
      result.claimed = planned.claimed.filter((d) => kept.has(d.id));
    }
    await execute(tx, 'update outbox_event set dispatched_at = ? where id in (?)', [
      now,
      events.map((e) => e.id),
    ]);
    result.events = events.length;
    const claimedEndpoints = new Set(result.claimed.map((d) => d.endpointId));
    for (const row of endpointRows)
      if (claimedEndpoints.has(row.id)) result.endpoints.set(row.id, endpointTarget(row, ctx.keyring, now));
    return result;
  });
}

/** One delivery row per (event, subscribed endpoint); the first `claim` of them claimed by the caller. */
function planDeliveries(events: OutboxRow[], endpointRows: EndpointRow[], options: FanOutOptions, now: Date) {
  const byWorkspace = new Map<string, EndpointRow[]>();
  for (const row of endpointRows) {
    const list = byWorkspace.get(row.workspace_id) ?? [];
    list.push(row);
    byWorkspace.set(row.workspace_id, list);
  }
  const leaseUntil = new Date(now.getTime() + options.leaseMs).toISOString();
  const mayClaim = options.perEndpoint && endpointSlots(options.perEndpoint);
  const rows: Record<string, unknown>[] = [];
  const claimed: ClaimedDelivery[] = [];
  const unclaimedEndpoints = new Set<string>();
  for (const event of events) {
    const body = webhookBody(event.type, toDate(event.created_at) as Date, event.workspace_id, event.payload);
    for (const endpoint of byWorkspace.get(event.workspace_id) ?? []) {
      if (!endpoint.event_types.includes(event.type)) continue;
      const id = randomUUID();
      const claim = claimed.length < options.claim && (!mayClaim || mayClaim(endpoint.id));
      const delivery: ClaimedDelivery = {
        id,
        workspaceId: event.workspace_id,
        endpointId: endpoint.id,
        msgId: webhookMsgId(id),
        eventType: event.type,
        body,
        attempt: 1,
        roundAttempt: 1,
      };
      if (claim) claimed.push(delivery);
      else unclaimedEndpoints.add(endpoint.id);
      rows.push({
        id,
        workspace_id: event.workspace_id,
        endpoint_id: endpoint.id,
        event_id: event.id,
        event_type: event.type,
        msg_id: delivery.msgId,
        body,
        attempts: claim ? 1 : 0,
        next_attempt_at: claim ? leaseUntil : now.toISOString(),
        last_attempt_at: claim ? now.toISOString() : null,
        created_at: now.toISOString(),
      });
    }
  }
  return { rows, claimed, unclaimedEndpoints };
}

/** Inserts the planned deliveries (an event already fanned out to an endpoint is skipped); the ids kept. */
async function insertDeliveries(tx: EntityManager, rows: Record<string, unknown>[]): Promise<Set<string>> {
  const inserted = await execute<{ id: string }[]>(
    tx,
    `insert into webhook_delivery (id, workspace_id, endpoint_id, event_id, event_type, msg_id, body, status,
                                   attempts, round_attempts, next_attempt_at, created_at, last_attempt_at)
     select id, workspace_id, endpoint_id, event_id, event_type, msg_id, body, 'pending',
            attempts, attempts, next_attempt_at, created_at, last_attempt_at
       from jsonb_to_recordset(?::jsonb) as v(id uuid, workspace_id uuid, endpoint_id uuid, event_id uuid,
            event_type text, msg_id text, body text, attempts int, next_attempt_at timestamptz,
            created_at timestamptz, last_attempt_at timestamptz)
     on conflict (event_id, endpoint_id) do nothing
     returning id`,
    [JSON.stringify(rows)],
  );
  return new Set(inserted.map((r) => r.id));
}

/** True when some outbox row waits for dispatch (a cheap check before a fan-out transaction). */
export async function outboxPending(ctx: Pick<CoreContext, 'em'>): Promise<boolean> {
  const rows = (await ctx.em
    .getConnection()
    .execute('select 1 from outbox_event where dispatched_at is null limit 1')) as unknown[];
  return rows.length > 0;
}
