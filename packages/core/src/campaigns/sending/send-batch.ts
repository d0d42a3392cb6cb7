// `campaigns.send_batch`: sends one batch of a campaign's recipients through the campaign's mailbox.
// Per recipient (batch-run.ts): the message is rendered, the sender's throttle taken (throttle.ts,
// shared by every worker), then the row claimed (recipient.ts: the campaign's status, the subscription
// and the suppression list are checked in that same statement — at send time, not at snapshot) and
// only then is the SMTP transaction made. Outcomes: sent; temporary failure (4xx, no connection made)
// → pending again with exponential back-off until MAX_ATTEMPTS, then failed; permanent (5xx) → failed;
// connection lost with no answer (maybe delivered) → unknown, never retried;
// the sender's own failure (credentials refused, no TLS, mailbox disconnected) → the row waits and the
// campaign pauses (campaign.paused). A retried job first turns rows its dead predecessor left
// `sending` into `unknown`. Counters are added once per batch; the campaign completes when nothing
// is pending or sending.
import { QUEUES } from '@postern/contracts';
import { execute } from '@postern/db';
import { mailboxMailAuth } from '../../mailboxes/oauth/tokens.ts';
import { mailboxCanSend } from '../../mailboxes/view.ts';
import {
  type BatchOutcome,
  BatchRun,
  emptyOutcome,
  type Row,
  SENDS_IN_FLIGHT_PER_BATCH,
  type SendBatchDeps,
} from './batch-run.ts';
import { loadBatchSetting } from './compose.ts';
import { markLostAsUnknown } from './recipient.ts';
import {
  addCounters,
  completeIfDone,
  type EngineCampaign,
  emptyDelta,
  loadEngineCampaign,
  mapLimit,
  pauseForSender,
  type SendingCtx,
} from './shared.ts';
import { batchJobOptions } from './start.ts';
import { senderLimits } from './throttle.ts';

export {
  type BatchOutcome,
  MAX_ATTEMPTS,
  SENDS_IN_FLIGHT_PER_BATCH,
  type SendBatchDeps,
} from './batch-run.ts';

export interface SendBatchPayload {
  campaignId: string;
  recipientIds: string[];
}

const CANNOT_SEND =
  'The sender mailbox cannot send (disconnected, failing or removed): reconnect it, then resume the campaign.';
const NO_POSTAL =
  'No postal address is set for this sender or workspace: sending is refused until one is (CAN-SPAM).';

/**
 * The batch's rows still pending, by primary key (the campaign compared here, not in SQL, so no plan
 * can prefer the (campaign_id, status) index and walk every pending row of a freshly snapshotted campaign).
 */
async function pendingRows(ctx: SendingCtx, campaign: EngineCampaign, ids: string[]): Promise<Row[]> {
  const rows = await execute<(Row & { campaign_id: string })[]>(
    ctx.em,
    `select r.id, r.campaign_id, r.contact_id, r.next_attempt_at, c.email, c.email_normalized, c.name, c.attributes
       from campaign_recipient r join contact c on c.id = r.contact_id
      where r.id = any(array(select jsonb_array_elements_text(?::jsonb)::uuid)) and r.status = 'pending'
      order by r.id`,
    [JSON.stringify(ids)],
  );
  return rows.filter((row) => row.campaign_id === campaign.id);
}

/** Whether the mailbox can send now and holds credentials the mailer can use. */
function senderUsable(ctx: SendingCtx, setting: Awaited<ReturnType<typeof loadBatchSetting>>): boolean {
  if (!setting || !mailboxCanSend(setting.mailbox)) return false;
  try {
    mailboxMailAuth(ctx, setting.mailbox);
    return true;
  } catch {
    return false;
  }
}

export async function sendCampaignBatch(
  ctx: SendingCtx,
  deps: SendBatchDeps,
  payload: SendBatchPayload,
  attempt: number,
): Promise<BatchOutcome> {
  const campaign = await loadEngineCampaign(ctx.em, payload.campaignId);
  const empty = emptyOutcome();
  if (!campaign) return { ...empty, stopped: 'missing' };
  // The previous run of this job died with these rows mid-send: maybe delivered, so never again.
  const lost =
    attempt > 0 ? await markLostAsUnknown(ctx.em, campaign.id, payload.recipientIds, ctx.clock.now()) : 0;
  const stopEarly = async (stopped: string) => {
    await addCounters(ctx.em, campaign.id, { ...emptyDelta(), unknown: lost }, ctx.clock.now());
    return { ...empty, unknown: lost, stopped };
  };
  if (campaign.status !== 'sending' || !campaign.list_id) return stopEarly(campaign.status);
  const setting = await loadBatchSetting(ctx, campaign);
  if (!setting || !senderUsable(ctx, setting) || !setting.postalAddress) {
    await pauseForSender(ctx, campaign.id, setting && senderUsable(ctx, setting) ? NO_POSTAL : CANNOT_SEND);
    return stopEarly('paused');
  }
  const now = ctx.clock.now();
  const limits = senderLimits(ctx.config, setting.mailbox, now, deps.perSecond);
  const rows = await pendingRows(ctx, campaign, payload.recipientIds);
  // From here on nothing throws before the sent writer is flushed and released.
  const run = new BatchRun(ctx, deps, { ...campaign, list_id: campaign.list_id }, setting, limits, now);
  run.out.unknown = run.delta.unknown = lost;
  const due: Row[] = [];
  for (const row of rows) {
    if (row.next_attempt_at && new Date(row.next_attempt_at) > now)
      run.handBack.push({ id: row.id, at: new Date(row.next_attempt_at) });
    else due.push(row);
  }
  // A send in flight always settles before the batch ends (its row never stays `sending` by our doing).
  const settled = await mapLimit(due, deps.concurrency ?? SENDS_IN_FLIGHT_PER_BATCH, (row) =>
    run.one(row).then(
      () => null,
      (e: unknown) => e,
    ),
  );
  // Sends already made are recorded even when another recipient's step failed.
  const flushed = await run.sent
    .flush()
    .then(
      () => null,
      (e: unknown) => e,
    )
    .finally(run.releaseWriter);
  const stop = run.stop as { status: string } | { until: Date } | null;
  const paused = stop && 'status' in stop ? stop.status : null;
  if (!paused && run.handBack.length) {
    const at = new Date(Math.max(...run.handBack.map((h) => h.at.getTime())));
    await ctx.queue.send(
      QUEUES.campaignSendBatch.name,
      { campaignId: campaign.id, recipientIds: run.handBack.map((h) => h.id) },
      { ...batchJobOptions(), startAfter: at },
    );
    run.out.deferred = run.handBack.length;
  }
  await addCounters(ctx.em, campaign.id, run.delta, ctx.clock.now());
  const failure = settled.find((e) => e !== null) ?? flushed;
  if (failure) throw failure;
  if (paused) return { ...run.out, stopped: paused };
  run.out.completed = await completeIfDone(ctx, campaign.id);
  return run.out;
}
