// The database side of delivery, in a few set-based statements (the worker's engine.ts drives them):
//   fanOutOutbox     outbox rows → one delivery per subscribed enabled endpoint, the rows marked
//                    dispatched, in one transaction; rows are locked FOR UPDATE SKIP LOCKED, so any
//                    number of workers fan out in parallel and each event exactly once.
//   claimDueDeliveries  pending deliveries whose time has come, claimed (SKIP LOCKED) by pushing
//                    next_attempt_at to the claim's expiry: a worker that dies mid-attempt leaves the
//                    delivery due again once the claim expires (at least once, same webhook-id).
//   recordAttempts   a batch of attempt results: the log rows, the deliveries' new state (only if still
//                    claimed by that attempt: compare-and-set on the attempt number), the endpoints'
//                    failure counters, and disabling (410 Gone, or failing for a day) with an audit
//                    entry and a notification to the workspace's owners — one transaction.
import { randomUUID } from 'node:crypto';
import { QUEUES } from '@postern/contracts';
import { type EntityManager, execute } from '@postern/db';
import type { PgBoss } from '@postern/runtime';
import { recordAudit } from '../audit/record.ts';
import type { Clock } from '../clock.ts';
import { encryptionContext, type Keyring } from '../crypto/index.ts';
import { notifyUsers, workspaceOwnerIds } from '../events/outbox.ts';
import type { WebhookHttpResult } from './http.ts';
import { nextRetryDelay, type WebhookSettings } from './settings.ts';
import { webhookMsgId, webhookSecretKey } from './signing.ts';

type Tx = EntityManager;

/** Raw queries return timestamps as text: read them as Dates. */
const toDate = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

export const secretContext = (endpointId: string) =>
  encryptionContext('webhook_endpoint', endpointId, 'secret');
export const previousSecretContext = (endpointId: string) =>
  encryptionContext('webhook_endpoint', endpointId, 'previous_secret');
export const urlContext = (endpointId: string) => encryptionContext('webhook_endpoint', endpointId, 'url');

/**
 * True when a stored `webhook_endpoint.url` is a legacy plaintext URL (written before URLs were
 * encrypted, not yet sealed by sealPlaintextWebhookUrls); a ciphertext starts with `v1.`.
 */
export function isPlaintextWebhookUrl(stored: string): boolean {
  return stored.startsWith('https://') || stored.startsWith('http://');
}

/** The stored form of an endpoint's URL: a keyring ciphertext bound to (webhook_endpoint, id, url). */
export function sealWebhookUrl(keyring: Keyring, endpointId: string, url: string): string {
  return keyring.encrypt(url, urlContext(endpointId));
}

/** An endpoint's URL from its stored form (a legacy plaintext URL is used as it is). */
export function openWebhookUrl(keyring: Keyring, endpointId: string, stored: string): string {
  return isPlaintextWebhookUrl(stored) ? stored : keyring.decryptString(stored, urlContext(endpointId));
}

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

/** What an attempt needs of its endpoint: the URL and the signing keys in force. */
export interface EndpointTarget {
  id: string;
  workspaceId: string;
  /** Decrypted. */
  url: string;
  enabled: boolean;
  /** Current key first; the previous one too during a rotation overlap. */
  keys: Buffer[];
}

interface EndpointRow {
  id: string;
  workspace_id: string;
  /** Ciphertext (or a legacy plaintext URL). */
  url: string;
  enabled: boolean;
  event_types: string[];
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | string | null;
}

function endpointTarget(row: EndpointRow, keyring: Keyring, now: Date): EndpointTarget {
  const keys = [webhookSecretKey(keyring.decryptString(row.secret, secretContext(row.id)))];
  const overlapEnds = toDate(row.previous_secret_expires_at);
  if (row.previous_secret && overlapEnds && overlapEnds > now)
    keys.push(webhookSecretKey(keyring.decryptString(row.previous_secret, previousSecretContext(row.id))));
  // Decrypted once per endpoint load (a fan-out or a claim batch), never per delivery.
  const url = openWebhookUrl(keyring, row.id, row.url);
  return { id: row.id, workspaceId: row.workspace_id, url, enabled: row.enabled, keys };
}

const ENDPOINT_COLUMNS =
  'id, workspace_id, url, enabled, event_types, secret, previous_secret, previous_secret_expires_at';

/** The endpoints (with decrypted keys) of the given ids; deleted ones are absent. */
export async function loadEndpointTargets(
  em: EntityManager,
  keyring: Keyring,
  clock: Clock,
  ids: readonly string[],
): Promise<Map<string, EndpointTarget>> {
  const targets = new Map<string, EndpointTarget>();
  if (!ids.length) return targets;
  const rows = (await em
    .getConnection()
    .execute(`select ${ENDPOINT_COLUMNS} from webhook_endpoint where id in (?)`, [
      [...new Set(ids)],
    ])) as EndpointRow[];
  const now = clock.now();
  for (const row of rows) targets.set(row.id, endpointTarget(row, keyring, now));
  return targets;
}

/** The JSON body of a delivery (Standard Webhooks payload): built once, sent byte for byte on every attempt. */
export function webhookBody(type: string, timestamp: Date, workspaceId: string, data: unknown): string {
  return JSON.stringify({ type, timestamp: timestamp.toISOString(), workspace_id: workspaceId, data });
}

/** Attempts in flight per endpoint are capped: `busy` counts the caller's own, by endpoint id. */
export interface EndpointLimit {
  cap: number;
  busy: ReadonlyMap<string, number>;
}

/** Claims one slot of an endpoint when it has one free (counting those taken in this call). */
function endpointSlots(limit: EndpointLimit): (endpointId: string) => boolean {
  const taken = new Map<string, number>();
  return (endpointId) => {
    const used = (limit.busy.get(endpointId) ?? 0) + (taken.get(endpointId) ?? 0);
    if (used >= limit.cap) return false;
    taken.set(endpointId, (taken.get(endpointId) ?? 0) + 1);
    return true;
  };
}

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

/**
 * Fans out up to `limit` undispatched outbox rows (oldest first, SKIP LOCKED) in one transaction.
 * The first `claim` deliveries are created claimed for `leaseMs` (the caller attempts them at once);
 * the rest are created due now, for any worker's claim loop.
 */
export async function fanOutOutbox(
  em: EntityManager,
  keyring: Keyring,
  clock: Clock,
  options: { limit: number; claim: number; leaseMs: number; perEndpoint?: EndpointLimit },
): Promise<FanOutResult> {
  return em.transactional(async (tx) => {
    const result: FanOutResult = {
      events: 0,
      created: 0,
      claimed: [],
      endpoints: new Map(),
      unclaimedEndpoints: new Set(),
    };
    const events = await execute<
      { id: string; workspace_id: string; type: string; payload: unknown; created_at: Date | string }[]
    >(
      tx,
      `select id, workspace_id, type, payload, created_at from outbox_event
        where dispatched_at is null order by created_at limit ? for update skip locked`,
      [options.limit],
    );
    if (!events.length) return result;
    const now = clock.now();
    const workspaceIds = [...new Set(events.map((e) => e.workspace_id))];
    const endpointRows = await execute<EndpointRow[]>(
      tx,
      `select ${ENDPOINT_COLUMNS} from webhook_endpoint where enabled and workspace_id in (?)`,
      [workspaceIds],
    );
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
    for (const event of events) {
      const body = webhookBody(
        event.type,
        toDate(event.created_at) as Date,
        event.workspace_id,
        event.payload,
      );
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
        else result.unclaimedEndpoints.add(endpoint.id);
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
    if (rows.length) {
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
      result.created = inserted.length;
      const kept = new Set(inserted.map((r) => r.id));
      result.claimed = claimed.filter((d) => kept.has(d.id));
    }
    await execute(tx, 'update outbox_event set dispatched_at = ? where id in (?)', [
      now,
      events.map((e) => e.id),
    ]);
    result.events = events.length;
    const claimedEndpoints = new Set(result.claimed.map((d) => d.endpointId));
    for (const row of endpointRows)
      if (claimedEndpoints.has(row.id)) result.endpoints.set(row.id, endpointTarget(row, keyring, now));
    return result;
  });
}

/** True when some outbox row waits for dispatch (a cheap check before a fan-out transaction). */
export async function outboxPending(em: EntityManager): Promise<boolean> {
  const rows = (await em
    .getConnection()
    .execute('select 1 from outbox_event where dispatched_at is null limit 1')) as unknown[];
  return rows.length > 0;
}

/** Claims up to `limit` due pending deliveries (oldest due first) for one attempt each. */
export async function claimDueDeliveries(
  em: EntityManager,
  clock: Clock,
  options: {
    limit: number;
    leaseMs: number;
    perEndpoint?: EndpointLimit;
    /** Filled with how many deliveries were eligible: more than claimed = another worker held some. */
    report?: { eligible: number };
  },
): Promise<ClaimedDelivery[]> {
  if (options.limit < 1) return [];
  const now = clock.now();
  const lease = new Date(now.getTime() + options.leaseMs);
  const conn = em.getConnection();
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

export type AttemptOutcome = 'succeeded' | 'retry' | 'failed';

export interface AttemptResult {
  delivery: ClaimedDelivery;
  startedAt: Date;
  http: WebhookHttpResult;
  outcome: AttemptOutcome;
  nextAttemptAt: Date | null;
  /** The receiver answered 410 Gone: the endpoint is disabled. */
  gone: boolean;
  /** No request was made (the endpoint was disabled or deleted meanwhile): not counted as a failure. */
  skipped: boolean;
}

/** Decides what an attempt's result means for its delivery (pure). */
export function classifyAttempt(
  settings: Pick<WebhookSettings, 'retryScheduleMs' | 'jitter' | 'retryAfterMaxMs'>,
  delivery: ClaimedDelivery,
  http: WebhookHttpResult,
  startedAt: Date,
  now: Date,
  options: { skipped?: boolean } = {},
): AttemptResult {
  const base = { delivery, startedAt, http, gone: false, skipped: options.skipped ?? false };
  const status = http.statusCode;
  if (status !== null && status >= 200 && status < 300)
    return { ...base, outcome: 'succeeded', nextAttemptAt: null };
  if (status === 410 || options.skipped)
    return { ...base, gone: status === 410, outcome: 'failed', nextAttemptAt: null };
  const delay = nextRetryDelay(settings, delivery.roundAttempt, http.retryAfterMs);
  if (delay === null) return { ...base, outcome: 'failed', nextAttemptAt: null };
  return { ...base, outcome: 'retry', nextAttemptAt: new Date(now.getTime() + delay) };
}

function attemptError(result: AttemptResult): string | null {
  if (result.http.error) return result.http.error;
  const status = result.http.statusCode;
  if (status !== null && (status < 200 || status >= 300))
    return status === 410 ? 'HTTP 410 Gone: the endpoint was disabled' : `HTTP ${status}`;
  return null;
}

export interface DisabledEndpoint {
  endpointId: string;
  workspaceId: string;
  reason: 'gone' | 'failing';
}

/**
 * Records a batch of attempt results in one transaction (see the file header). Results whose delivery
 * was meanwhile claimed again (its claim had expired) are logged but leave the delivery alone.
 */
export async function recordAttempts(
  em: EntityManager,
  clock: Clock,
  results: readonly AttemptResult[],
  settings: Pick<WebhookSettings, 'disableAfterFailingMs' | 'disableMinFailures'>,
): Promise<DisabledEndpoint[]> {
  if (!results.length) return [];
  return em.transactional(async (tx) => {
    const now = clock.now();
    // Endpoint health: failures since the last success, and since when.
    const health = new Map<
      string,
      { successAt: Date | null; failures: number; firstFailure: Date | null; gone: boolean }
    >();
    for (const r of [...results].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())) {
      if (r.skipped) continue;
      const h = health.get(r.delivery.endpointId) ?? {
        successAt: null,
        failures: 0,
        firstFailure: null,
        gone: false,
      };
      if (r.outcome === 'succeeded') {
        h.successAt = r.startedAt;
        h.failures = 0;
        h.firstFailure = null;
      } else {
        h.failures += 1;
        h.firstFailure ??= r.startedAt;
        h.gone ||= r.gone;
      }
      health.set(r.delivery.endpointId, h);
    }
    const endpointIds = [...health.keys()].sort();
    // Endpoints are locked first, in id order, as every writer of an endpoint and its deliveries does.
    if (endpointIds.length)
      await execute(tx, 'select id from webhook_endpoint where id in (?) order by id for update', [
        endpointIds,
      ]);
    await execute(
      tx,
      `insert into webhook_attempt (id, delivery_id, endpoint_id, workspace_id, attempt, started_at, duration_ms,
                                    status_code, response, error)
       select id, delivery_id, endpoint_id, workspace_id, attempt, started_at, duration_ms, status_code, response, error
         from jsonb_to_recordset(?::jsonb) as v(id uuid, delivery_id uuid, endpoint_id uuid, workspace_id uuid,
              attempt int, started_at timestamptz, duration_ms int, status_code int, response text, error text)`,
      [
        JSON.stringify(
          results.map((r) => ({
            id: randomUUID(),
            delivery_id: r.delivery.id,
            endpoint_id: r.delivery.endpointId,
            workspace_id: r.delivery.workspaceId,
            attempt: r.delivery.attempt,
            started_at: r.startedAt.toISOString(),
            duration_ms: r.http.durationMs,
            status_code: r.http.statusCode,
            response: r.http.response,
            error: attemptError(r)?.slice(0, 500) ?? null,
          })),
        ),
      ],
    );
    // Sorted by id so concurrent batches lock rows in the same order.
    const sorted = [...results].sort((a, b) => (a.delivery.id < b.delivery.id ? -1 : 1));
    await execute(
      tx,
      `update webhook_delivery d
          set status = v.status, next_attempt_at = v.next_attempt_at, completed_at = v.completed_at,
              last_status_code = v.status_code, last_error = v.error
         from jsonb_to_recordset(?::jsonb) as v(id uuid, attempt int, status text, next_attempt_at timestamptz,
              completed_at timestamptz, status_code int, error text)
        where d.id = v.id and d.attempts = v.attempt and d.status = 'pending'`,
      [
        JSON.stringify(
          sorted.map((r) => ({
            id: r.delivery.id,
            attempt: r.delivery.attempt,
            status: r.outcome === 'retry' ? 'pending' : r.outcome,
            next_attempt_at: r.nextAttemptAt?.toISOString() ?? null,
            completed_at: r.outcome === 'retry' ? null : now.toISOString(),
            status_code: r.http.statusCode,
            error: attemptError(r)?.slice(0, 500) ?? null,
          })),
        ),
      ],
    );

    if (!endpointIds.length) return [];
    const updated = await execute<
      {
        id: string;
        workspace_id: string;
        enabled: boolean;
        consecutive_failures: number;
        failing_since: Date | string | null;
      }[]
    >(
      tx,
      `update webhook_endpoint e
          set consecutive_failures = case when v.success_at is not null then v.failures
                                          else e.consecutive_failures + v.failures end,
              failing_since = case when v.failures = 0 then null
                                   when v.success_at is not null then v.first_failure
                                   else coalesce(e.failing_since, v.first_failure) end,
              last_success_at = coalesce(v.success_at, e.last_success_at)
         from jsonb_to_recordset(?::jsonb) as v(id uuid, success_at timestamptz, failures int, first_failure timestamptz)
        where e.id = v.id
        returning e.id, e.workspace_id, e.enabled, e.consecutive_failures, e.failing_since`,
      [
        JSON.stringify(
          endpointIds.map((id) => {
            const h = health.get(id);
            return {
              id,
              success_at: h?.successAt?.toISOString() ?? null,
              failures: h?.failures ?? 0,
              first_failure: h?.firstFailure?.toISOString() ?? null,
            };
          }),
        ),
      ],
    );
    const disabled: DisabledEndpoint[] = [];
    for (const row of updated) {
      if (!row.enabled) continue;
      const gone = health.get(row.id)?.gone ?? false;
      const failingSince = toDate(row.failing_since);
      const failingFor = failingSince ? now.getTime() - failingSince.getTime() : 0;
      const failing =
        row.failing_since !== null &&
        failingFor >= settings.disableAfterFailingMs &&
        row.consecutive_failures >= settings.disableMinFailures;
      if (!gone && !failing) continue;
      const reason = gone ? 'gone' : 'failing';
      if (await disableEndpointInTx(tx, clock, row.id, row.workspace_id, reason, null))
        disabled.push({ endpointId: row.id, workspaceId: row.workspace_id, reason });
    }
    return disabled;
  });
}

const DISABLED_TEXT: Record<'manual' | 'gone' | 'failing', string> = {
  manual: 'it was disabled by a member',
  gone: 'it answered 410 Gone, which asks senders to stop',
  failing: 'every delivery attempt to it has failed for more than a day',
};

/**
 * Disables an endpoint on `tx` (compare-and-set on `enabled`): its pending deliveries fail, and an
 * automatic disable is audited and notified to the workspace's owners. False when it was not enabled.
 */
export async function disableEndpointInTx(
  tx: Tx,
  clock: Clock,
  endpointId: string,
  workspaceId: string,
  reason: 'manual' | 'gone' | 'failing',
  actorId: string | null,
  meta: { ip: string | null; userAgent: string | null } = { ip: null, userAgent: null },
): Promise<boolean> {
  const now = clock.now();
  const rows = await execute<{ host: string }[]>(
    tx,
    `update webhook_endpoint set enabled = false, disabled_reason = ?, disabled_at = ?, updated_at = ?
      where id = ? and enabled returning host`,
    [reason, now, now, endpointId],
  );
  const row = rows[0];
  if (!row) return false;
  await execute(
    tx,
    `update webhook_delivery set status = 'failed', next_attempt_at = null, completed_at = ?,
            last_error = 'not sent: the endpoint was disabled'
      where endpoint_id = ? and status = 'pending'`,
    [now, endpointId],
  );
  if (reason !== 'manual') {
    const host = row.host || 'an endpoint';
    recordAudit(tx, clock, {
      type: 'webhook.endpoint_disabled',
      actorId,
      workspaceId,
      target: { type: 'webhook_endpoint', id: endpointId },
      meta,
      metadata: { reason, host },
    });
    await notifyUsers(tx, clock, {
      userIds: await workspaceOwnerIds(tx, workspaceId),
      workspaceId,
      kind: 'webhook.endpoint_disabled',
      title: `Webhook endpoint ${host} was disabled`,
      body: `Postern stopped sending events to ${host} because ${DISABLED_TEXT[reason]}. Fix the receiver, enable the endpoint again and re-send the failed deliveries from its log.`,
      link: `/w/${workspaceId}/webhooks/${endpointId}`,
    });
  }
  return true;
}

/**
 * The host of a URL, with the port when not the default (stored in clear as `webhook_endpoint.host`;
 * audit entries and notifications name the host, never a path or query).
 */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an endpoint';
  }
}

/**
 * Asks the workers to fan out now (call it after a commit that wrote outbox events or queued a
 * delivery). The dispatch queue keeps at most one job waiting and wakes workers by LISTEN/NOTIFY, so
 * calling it per commit is cheap. Best effort: if the job cannot be sent, the workers' poll still
 * finds the work within WORKER_POLL_SECONDS.
 */
export async function requestWebhookDispatch(
  boss: Pick<PgBoss, 'insert'> | undefined,
  reason?: string,
): Promise<boolean> {
  if (!boss) return false;
  try {
    await boss.insert(QUEUES.webhookDispatch.name, [{ data: reason ? { reason } : {} }]);
    return true;
  } catch {
    return false;
  }
}
