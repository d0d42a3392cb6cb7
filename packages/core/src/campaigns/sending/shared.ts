// What the sending engine's phases share: the campaign as the engine reads it (one row, the list's
// name and CASL flag joined), the exact recount of the counters from the recipient rows, and the
// campaign.* webhook events written on the caller's transaction (the outbox, like every other event).
import type { CampaignStatus } from '@postern/contracts';
import { type EntityManager, execute } from '@postern/db';
import type { CoreContext } from '../../context.ts';
import { recordEvent } from '../../events/outbox.ts';

/** What a sending job needs of its context. */
export type SendingCtx = Pick<CoreContext, 'em' | 'clock' | 'keyring' | 'config' | 'kv' | 'queue'>;

export interface EngineCampaign {
  id: string;
  workspace_id: string;
  name: string;
  status: CampaignStatus;
  mailbox_id: string | null;
  list_id: string | null;
  list_name: string | null;
  requires_express_consent: boolean;
  verify_max_age_days: number;
  scheduled_at: Date | null;
  started_at: Date | null;
  snapshot_completed_at: Date | null;
}

export async function loadEngineCampaign(
  em: EntityManager,
  campaignId: string,
): Promise<EngineCampaign | null> {
  const [row] = await execute<EngineCampaign[]>(
    em,
    `select c.id, c.workspace_id, c.name, c.status, c.mailbox_id, c.list_id, l.name as list_name,
            coalesce(l.requires_express_consent, false) as requires_express_consent,
            c.verify_max_age_days, c.scheduled_at, c.started_at, c.snapshot_completed_at
       from campaign c left join contact_list l on l.id = c.list_id where c.id = ?`,
    [campaignId],
  );
  return row ?? null;
}

/** Per-batch counter changes (added to the campaign in one statement). */
export interface CounterDelta {
  sent: number;
  failed: number;
  unknown: number;
  skippedSuppressed: number;
  skippedUnsubscribed: number;
  skippedNoConsent: number;
}

export const emptyDelta = (): CounterDelta => ({
  sent: 0,
  failed: 0,
  unknown: 0,
  skippedSuppressed: 0,
  skippedUnsubscribed: 0,
  skippedNoConsent: 0,
});

/** Adds a batch's outcomes to the live counters (the exact recount at completion corrects any drift). */
export async function addCounters(em: EntityManager, campaignId: string, d: CounterDelta, now: Date) {
  if (!Object.values(d).some((n) => n > 0)) return;
  await execute(
    em,
    `update campaign set sent = sent + ?, failed = failed + ?, unknown = unknown + ?,
            skipped_suppressed = skipped_suppressed + ?, skipped_unsubscribed = skipped_unsubscribed + ?,
            skipped_no_consent = skipped_no_consent + ?, updated_at = ? where id = ?`,
    [
      d.sent,
      d.failed,
      d.unknown,
      d.skippedSuppressed,
      d.skippedUnsubscribed,
      d.skippedNoConsent,
      now,
      campaignId,
    ],
    'run',
  );
}

/** Sets every counter from the recipient rows (set-based, one statement). */
export async function recountCampaign(em: EntityManager, campaignId: string, now: Date): Promise<void> {
  await execute(
    em,
    `update campaign c set recipients = x.recipients, sent = x.sent, failed = x.failed, unknown = x.unknown,
            unsubscribed = x.unsubscribed, skipped_suppressed = x.suppressed, skipped_unsubscribed = x.unsub,
            skipped_no_consent = x.no_consent, skipped_verification = x.verification, updated_at = ?
       from (select count(*)::int as recipients,
                    (count(*) filter (where status = 'sent'))::int as sent,
                    (count(*) filter (where status = 'failed'))::int as failed,
                    (count(*) filter (where status = 'unknown'))::int as unknown,
                    (count(*) filter (where unsubscribed_at is not null))::int as unsubscribed,
                    (count(*) filter (where skip_reason = 'suppressed'))::int as suppressed,
                    (count(*) filter (where skip_reason = 'unsubscribed'))::int as unsub,
                    (count(*) filter (where skip_reason = 'no_consent'))::int as no_consent,
                    (count(*) filter (where skip_reason = 'verification'))::int as verification
               from campaign_recipient where campaign_id = ?) x
      where c.id = ?`,
    [now, campaignId, campaignId],
    'run',
  );
}

interface CounterRow {
  name: string;
  status: CampaignStatus;
  list_id: string | null;
  started_at: Date | null;
  completed_at: Date | null;
  recipients: number;
  sent: number;
  failed: number;
  unknown: number;
  unsubscribed: number;
  skipped_suppressed: number;
  skipped_unsubscribed: number;
  skipped_no_consent: number;
  skipped_verification: number;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/** Writes campaign.started / campaign.completed / campaign.paused with the campaign as it is in `tx`. */
export async function recordCampaignEvent(
  tx: EntityManager,
  ctx: Pick<CoreContext, 'clock'>,
  workspaceId: string,
  campaignId: string,
  type: 'campaign.started' | 'campaign.completed' | 'campaign.paused',
): Promise<void> {
  const [c] = await execute<CounterRow[]>(
    tx,
    `select name, status, list_id, started_at, completed_at, recipients, sent, failed, unknown, unsubscribed,
            skipped_suppressed, skipped_unsubscribed, skipped_no_consent, skipped_verification
       from campaign where id = ?`,
    [campaignId],
  );
  if (!c) return;
  await recordEvent(tx, ctx.clock, workspaceId, type, {
    campaign_id: campaignId,
    name: c.name,
    status: c.status,
    list_id: c.list_id,
    counters: {
      recipients: c.recipients,
      sent: c.sent,
      failed: c.failed,
      unknown: c.unknown,
      unsubscribed: c.unsubscribed,
      skippedSuppressed: c.skipped_suppressed,
      skippedUnsubscribed: c.skipped_unsubscribed,
      skippedNoConsent: c.skipped_no_consent,
      skippedVerification: c.skipped_verification,
    },
    started_at: iso(c.started_at),
    completed_at: iso(c.completed_at),
  });
}

/**
 * Completes a sending campaign when no recipient is pending or being sent any more: status sent,
 * completed_at, counters recounted exactly, campaign.completed — once (compare-and-set on the status).
 */
export async function completeIfDone(ctx: SendingCtx, campaignId: string): Promise<boolean> {
  return ctx.em.transactional(async (tx) => {
    const now = ctx.clock.now();
    const done = await execute<{ workspace_id: string }[]>(
      tx,
      `update campaign set status = 'sent', completed_at = ?, updated_at = ?
        where id = ? and status = 'sending'
          and not exists (select 1 from campaign_recipient
                           where campaign_id = ? and status in ('pending', 'sending'))
        returning workspace_id`,
      [now, now, campaignId, campaignId],
    );
    const row = done[0];
    if (!row) return false;
    await recountCampaign(tx, campaignId, now);
    await recordCampaignEvent(tx, ctx, row.workspace_id, campaignId, 'campaign.completed');
    return true;
  });
}

/** Pauses a sending campaign for a reason of the engine's (its sender failed), with campaign.paused. */
export async function pauseForSender(ctx: SendingCtx, campaignId: string, reason: string): Promise<void> {
  await ctx.em.transactional(async (tx) => {
    const now = ctx.clock.now();
    const rows = await execute<{ workspace_id: string }[]>(
      tx,
      `update campaign set status = 'paused', failure_reason = ?, updated_at = ?
        where id = ? and status in ('sending', 'scheduled') returning workspace_id`,
      [reason.slice(0, 500), now, campaignId],
    );
    if (rows[0]) await recordCampaignEvent(tx, ctx, rows[0].workspace_id, campaignId, 'campaign.paused');
  });
}

/** `fn` over `items` with at most `limit` running at once; results in the order of `items`. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return out;
}
