// Claiming due deliveries: pending deliveries whose time has come, claimed (SKIP LOCKED) by pushing
// next_attempt_at to the claim's expiry, so a worker that dies mid-attempt leaves the delivery due
// again once the claim expires (at least once, same webhook-id). Attempts in flight per endpoint are
// capped, so one slow endpoint cannot take every slot.
import type { CoreContext } from '../context.ts';

/** A delivery claimed for one attempt. */
export interface ClaimedDelivery {
  id: string;
  workspaceId: string;
  endpointId: string;
  msgId: string;
  eventType: string;
  body: string;
  /** This attempt's number within the delivery (1, 2, …): the compare-and-set token of its result. */
  attempt: number;
  /** Its position in the current retry round (1 = first attempt of the round). */
  roundAttempt: number;
}

/** Attempts in flight per endpoint are capped: `busy` counts the caller's own, by endpoint id. */
export interface EndpointLimit {
  cap: number;
  busy: ReadonlyMap<string, number>;
}

/** Claims one slot of an endpoint when it has one free (counting those taken in this call). */
export function endpointSlots(limit: EndpointLimit): (endpointId: string) => boolean {
  const taken = new Map<string, number>();
  return (endpointId) => {
    const used = (limit.busy.get(endpointId) ?? 0) + (taken.get(endpointId) ?? 0);
    if (used >= limit.cap) return false;
    taken.set(endpointId, (taken.get(endpointId) ?? 0) + 1);
    return true;
  };
}

/** Claims up to `limit` due pending deliveries (oldest due first) for one attempt each. */
export async function claimDueDeliveries(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  options: {
    limit: number;
    leaseMs: number;
    perEndpoint?: EndpointLimit;
    /** Filled with how many deliveries were eligible: more than claimed = another worker held some. */
    report?: { eligible: number };
  },
): Promise<ClaimedDelivery[]> {
  if (options.limit < 1) return [];
  const now = ctx.clock.now();
  const lease = new Date(now.getTime() + options.leaseMs);
  const conn = ctx.em.getConnection();
  const claim = `update webhook_delivery d
        set attempts = d.attempts + 1, round_attempts = d.round_attempts + 1,
            next_attempt_at = ?, last_attempt_at = ?
       from due where d.id = due.id
     returning d.id, d.workspace_id, d.endpoint_id, d.msg_id, d.event_type, d.body, d.attempts, d.round_attempts`;
  const limit = options.perEndpoint;
  let eligible: string[] | undefined;
  if (limit) {
    // The oldest due deliveries, at most `cap` per endpoint less the caller's attempts in flight
    // there: an endpoint with a backlog (or a slow one) cannot take every slot from the others.
    // The endpoints with pending deliveries are found by skipping through the (status, endpoint_id,
    // next_attempt_at) index (a loose index scan: one probe per endpoint, whatever the backlog), then
    // each one's oldest due deliveries up to its free slots; the oldest of those are claimed.
    const ranked = (await conn.execute(
      `with recursive endpoints as (
          (select endpoint_id from webhook_delivery
            where status = 'pending' order by endpoint_id limit 1)
          union all
          select (select d.endpoint_id from webhook_delivery d
                   where d.status = 'pending' and d.endpoint_id > e.endpoint_id
                   order by d.endpoint_id limit 1)
            from endpoints e where e.endpoint_id is not null)
        select c.id from endpoints e
        cross join lateral (
          select d.id, d.next_attempt_at from webhook_delivery d
           where d.status = 'pending' and d.endpoint_id = e.endpoint_id and d.next_attempt_at <= ?
           order by d.next_attempt_at
           limit greatest(? - coalesce((cast(? as jsonb) ->> cast(e.endpoint_id as text))::int, 0), 0)) c
        where e.endpoint_id is not null
        order by c.next_attempt_at, c.id limit ?`,
      [now, limit.cap, JSON.stringify(Object.fromEntries(limit.busy)), options.limit],
    )) as { id: string }[];
    eligible = ranked.map((r) => r.id);
    if (options.report) options.report.eligible = eligible.length;
    if (!eligible.length) return [];
  }
  const rows = (await conn.execute(
    eligible
      ? `with due as (
            select id from webhook_delivery
             where id in (?) and status = 'pending' and next_attempt_at <= ?
             for update skip locked)
         ${claim}`
      : `with due as (
            select id from webhook_delivery
             where status = 'pending' and next_attempt_at <= ?
             order by next_attempt_at limit ? for update skip locked)
         ${claim}`,
    eligible ? [eligible, now, lease, now] : [now, options.limit, lease, now],
  )) as {
    id: string;
    workspace_id: string;
    endpoint_id: string;
    msg_id: string;
    event_type: string;
    body: string;
    attempts: number;
    round_attempts: number;
  }[];
  return rows.map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    endpointId: r.endpoint_id,
    msgId: r.msg_id,
    eventType: r.event_type,
    body: r.body,
    attempt: r.attempts,
    roundAttempt: r.round_attempts,
  }));
}
