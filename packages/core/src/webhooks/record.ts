// Recording attempts: what an attempt's result means for its delivery (classifyAttempt), the batch
// of results written in one transaction (recordAttempts), and disabling an endpoint (410 Gone,
// failing for a day, or by a member) with its audit entry and owners' notification.
import { randomUUID } from 'node:crypto';
import { type EntityManager, execute } from '@postern/db';
import { recordAudit } from '../audit/record.ts';
import type { Clock } from '../clock.ts';
import type { CoreContext } from '../context.ts';
import { notifyUsers, workspaceOwnerIds } from '../events/outbox.ts';
import type { ClaimedDelivery } from './claim.ts';
import { toDate } from './endpoint-targets.ts';
import type { WebhookHttpResult } from './http.ts';
import { nextRetryDelay, type WebhookSettings } from './settings.ts';

type Tx = EntityManager;

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
  /** The request headers sent (signature headers included); null when no request was made. */
  requestHeaders?: Record<string, string> | null;
}

/** Decides what an attempt's result means for its delivery (pure). */
export function classifyAttempt(
  settings: Pick<WebhookSettings, 'retryScheduleMs' | 'jitter' | 'retryAfterMaxMs'>,
  delivery: ClaimedDelivery,
  http: WebhookHttpResult,
  startedAt: Date,
  now: Date,
  options: { skipped?: boolean; requestHeaders?: Record<string, string> | null } = {},
): AttemptResult {
  const base = {
    delivery,
    startedAt,
    http,
    gone: false,
    skipped: options.skipped ?? false,
    requestHeaders: options.requestHeaders ?? null,
  };
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

interface EndpointHealth {
  successAt: Date | null;
  failures: number;
  firstFailure: Date | null;
  gone: boolean;
}

/**
 * Records a batch of attempt results in one transaction: the log rows, the deliveries' new state
 * (only if still claimed by that attempt: compare-and-set on the attempt number), the endpoints'
 * failure counters, and disabling (410 Gone, or failing for a day) with an audit entry and a
 * notification to the workspace's owners. Results whose delivery was meanwhile claimed again (its
 * claim had expired) are logged but leave the delivery alone.
 */
export async function recordAttempts(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  results: readonly AttemptResult[],
  settings: Pick<WebhookSettings, 'disableAfterFailingMs' | 'disableMinFailures'>,
): Promise<DisabledEndpoint[]> {
  if (!results.length) return [];
  return ctx.em.transactional(async (tx) => {
    const now = ctx.clock.now();
    const health = endpointHealth(results);
    const endpointIds = [...health.keys()].sort();
    // Endpoints are locked first, in id order, as every writer of an endpoint and its deliveries does.
    if (endpointIds.length)
      await execute(tx, 'select id from webhook_endpoint where id in (?) order by id for update', [
        endpointIds,
      ]);
    await insertAttempts(tx, results);
    await updateDeliveries(tx, results, now);
    if (!endpointIds.length) return [];
    const updated = await updateEndpointHealth(tx, endpointIds, health);
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
      if (await disableEndpointInTx(tx, ctx.clock, row.id, row.workspace_id, reason, null))
        disabled.push({ endpointId: row.id, workspaceId: row.workspace_id, reason });
    }
    return disabled;
  });
}

/** Endpoint health from the batch, in attempt order: failures since the last success, and since when. */
function endpointHealth(results: readonly AttemptResult[]): Map<string, EndpointHealth> {
  const health = new Map<string, EndpointHealth>();
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
  return health;
}

async function insertAttempts(tx: Tx, results: readonly AttemptResult[]) {
  await execute(
    tx,
    `insert into webhook_attempt (id, delivery_id, endpoint_id, workspace_id, attempt, started_at, duration_ms,
                                  status_code, response, error, request_headers)
     select id, delivery_id, endpoint_id, workspace_id, attempt, started_at, duration_ms, status_code, response, error,
            request_headers
       from jsonb_to_recordset(?::jsonb) as v(id uuid, delivery_id uuid, endpoint_id uuid, workspace_id uuid,
            attempt int, started_at timestamptz, duration_ms int, status_code int, response text, error text,
            request_headers jsonb)`,
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
          request_headers: r.requestHeaders ?? null,
        })),
      ),
    ],
  );
}

/** The deliveries' new state, only where the delivery is still claimed by that attempt. */
async function updateDeliveries(tx: Tx, results: readonly AttemptResult[], now: Date) {
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
}

async function updateEndpointHealth(tx: Tx, endpointIds: string[], health: Map<string, EndpointHealth>) {
  return execute<
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
