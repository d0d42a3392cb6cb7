// `campaigns.send_batch`: sends one batch of a campaign's recipients through the campaign's mailbox.
// Per recipient: the message is rendered, the sender's throttle taken (throttle.ts, shared by every
// worker), then the row claimed (recipient.ts: the campaign's status, the subscription and the
// suppression list are checked in that same statement — at send time, not at snapshot) and only then
// is the SMTP transaction made. Outcomes: sent; temporary failure (4xx, connection) → pending again
// with exponential back-off until MAX_ATTEMPTS, then failed; permanent (5xx) → failed; the sender's own
// failure (credentials refused, no TLS, mailbox disconnected) → the row waits and the campaign pauses
// (campaign.paused). A retried job first turns rows its dead predecessor left `sending` into `unknown`.
// Counters are added once per batch; the campaign completes when nothing is pending or sending.
import { QUEUES } from '@postern/contracts';
import { execute } from '@postern/db';
import { MailConnectionError, MailInputError } from '@postern/mailer';
import { isDomainError } from '../../errors.ts';
import { mailboxCanSend } from '../../mailboxes/view.ts';
import { composeMessage, loadBatchSetting, type RecipientRow } from './compose.ts';
import {
  claim,
  markFailed,
  markLostAsUnknown,
  markPending,
  SentWriter,
  markSkipped,
  suppressionProbe,
  whyRefused,
} from './recipient.ts';
import { withSender } from './senders.ts';
import {
  addCounters,
  completeIfDone,
  emptyDelta,
  loadEngineCampaign,
  mapLimit,
  pauseForSender,
  type SendingCtx,
} from './shared.ts';
import { batchJobOptions } from './start.ts';
import { type SenderThrottle, senderLimits, takeSend } from './throttle.ts';

export const MAX_ATTEMPTS = 5;
/** Back-off after the n-th failed attempt: 1, 2, 4, 8 minutes… */
export const defaultBackoffMs = (attempts: number) => 60_000 * 2 ** Math.max(0, attempts - 1);

export interface SendBatchDeps {
  throttle: SenderThrottle;
  /** Messages per second per mailbox (default: DEFAULT_SENDS_PER_SECOND × RATE_LIMIT_MULTIPLIER). */
  perSecond?: number;
  /** Sends in flight at once in this batch (default: the pool's connections). */
  concurrency?: number;
  maxAttempts?: number;
  backoffMs?: (attempts: number) => number;
  /** Longest wait for the per-second throttle before the rest of the batch is handed back. */
  maxThrottleWaitMs?: number;
  signal?: AbortSignal;
}

export interface SendBatchPayload {
  campaignId: string;
  recipientIds: string[];
}

export interface BatchOutcome {
  stopped?: string;
  sent: number;
  failed: number;
  unknown: number;
  skipped: number;
  retrying: number;
  deferred: number;
  completed: boolean;
}

type Failure = 'permanent' | 'temporary' | 'sender';

function classify(error: unknown): Failure {
  if (error instanceof MailInputError) return 'permanent';
  if (isDomainError(error)) return 'sender';
  if (error instanceof MailConnectionError) {
    if (['auth_failed', 'no_tls', 'certificate_invalid', 'target_refused'].includes(error.code)) return 'sender';
    const code = Number((error.cause as { responseCode?: number } | undefined)?.responseCode);
    if (code >= 500 && code < 600) return 'permanent';
  }
  return 'temporary';
}

const errorText = (error: unknown) =>
  error instanceof MailConnectionError && error.detail
    ? `${error.message} (${error.detail})`
    : error instanceof Error
      ? error.message
      : String(error);

export async function sendCampaignBatch(
  ctx: SendingCtx,
  deps: SendBatchDeps,
  payload: SendBatchPayload,
  attempt: number,
): Promise<BatchOutcome> {
  const out: BatchOutcome = { sent: 0, failed: 0, unknown: 0, skipped: 0, retrying: 0, deferred: 0, completed: false };
  const delta = emptyDelta();
  const campaign = await loadEngineCampaign(ctx.em, payload.campaignId);
  if (!campaign) return { ...out, stopped: 'missing' };
  if (attempt > 0) {
    out.unknown = delta.unknown = await markLostAsUnknown(ctx.em, campaign.id, payload.recipientIds, ctx.clock.now());
  }
  const finish = async (stopped?: string) => {
    await addCounters(ctx.em, campaign.id, delta, ctx.clock.now());
    if (!stopped || stopped === 'deferred') out.completed = await completeIfDone(ctx, campaign.id);
    return stopped && stopped !== 'deferred' ? { ...out, stopped } : out;
  };
  if (campaign.status !== 'sending' || !campaign.list_id) return finish(campaign.status);
  const listId = campaign.list_id;
  const setting = await loadBatchSetting(ctx, campaign);
  if (!setting || !mailboxCanSend(setting.mailbox)) {
    await pauseForSender(ctx, campaign.id, 'The sender mailbox cannot send (disconnected, failing or removed): reconnect it, then resume the campaign.');
    return finish('paused');
  }
  if (!setting.postalAddress) {
    await pauseForSender(ctx, campaign.id, 'No postal address is set for this sender or workspace: sending is refused until one is (CAN-SPAM).');
    return finish('paused');
  }
  const now = ctx.clock.now();
  const rows = await execute<(RecipientRow & { email_normalized: string; next_attempt_at: Date | null })[]>(
    ctx.em,
    `select r.id, r.contact_id, r.next_attempt_at, c.email, c.email_normalized, c.name, c.attributes
       from campaign_recipient r join contact c on c.id = r.contact_id
      where r.campaign_id = ? and r.status = 'pending' and r.id in (select jsonb_array_elements_text(?::jsonb)::uuid)
      order by r.id`,
    [campaign.id, JSON.stringify(payload.recipientIds)],
  );
  const later = rows.filter((r) => r.next_attempt_at && new Date(r.next_attempt_at) > now);
  const due = rows.filter((r) => !later.includes(r));
  let probe = await suppressionProbe(ctx.em, ctx.keyring);
  const limits = senderLimits(ctx.config, setting.mailbox, now, deps.perSecond);
  const maxAttempts = deps.maxAttempts ?? MAX_ATTEMPTS;
  const backoff = deps.backoffMs ?? defaultBackoffMs;
  // Why the rest of the batch is not sent: the campaign left `sending`, or the throttle says later.
  const halt: { stop: { status: string } | { until: Date } | null } = { stop: null };
  const resumeAt = () => (halt.stop && 'until' in halt.stop ? halt.stop.until : now);
  const handBack: { id: string; at: Date }[] = later.map((r) => ({ id: r.id, at: new Date(r.next_attempt_at as Date) }));

  const one = async (row: (typeof due)[number]) => {
    if (halt.stop) return handBack.push({ id: row.id, at: resumeAt() });
    const T = (globalThis as any).__h5b ??= {}; let t0 = performance.now(); const tick = (k: string) => { const n = performance.now(); T[k] = (T[k] ?? 0) + (n - t0); t0 = n; };
    let message: Awaited<ReturnType<typeof composeMessage>>;
    try {
      message = await composeMessage(ctx.config, campaign, setting, row);
    } catch (error) {
      await markFailed(ctx.em, row.id, `The message could not be rendered: ${errorText(error)}`, ctx.clock.now());
      delta.failed++;
      out.failed++;
      return;
    }
    tick('compose');
    const turn = await takeSend(deps.throttle, setting.mailbox.id, limits, {
      maxWaitMs: deps.maxThrottleWaitMs ?? 20_000,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    if (!turn.ok) {
      const until = 'dayExhaustedUntil' in turn ? turn.dayExhaustedUntil : new Date(Date.now() + turn.waitMs);
      halt.stop ??= { until };
      return handBack.push({ id: row.id, at: until });
    }
    if (halt.stop) return handBack.push({ id: row.id, at: resumeAt() });
    tick('throttle');
    let attempts: number | null = null;
    for (let tries = 0; tries < 3 && attempts === null; tries++) {
      const input = {
        recipientId: row.id,
        workspaceId: campaign.workspace_id,
        listId,
        casl: campaign.requires_express_consent,
        hashes: probe.hashes(campaign.workspace_id, row.email_normalized),
        keyVersion: probe.version,
        now: ctx.clock.now(),
      };
      attempts = await claim(ctx.em, input);
      if (attempts !== null) break;
      const why = await whyRefused(ctx.em, input);
      if (why.kind === 'keys') {
        probe = await suppressionProbe(ctx.em, ctx.keyring);
        continue;
      }
      if (why.kind === 'campaign') halt.stop ??= { status: why.status };
      if (why.kind === 'skip' && (await markSkipped(ctx.em, row.id, why.reason, input.now))) {
        out.skipped++;
        if (why.reason === 'suppressed') delta.skippedSuppressed++;
        else if (why.reason === 'unsubscribed') delta.skippedUnsubscribed++;
        else delta.skippedNoConsent++;
      }
      return;
    }
    if (attempts === null) return;
    tick('claim');
    try {
      const result = await withSender(ctx, setting.mailbox, (sender) => sender.send(message));
      tick('smtp');
      sent.add(row.id, message.messageId ?? result.messageId, ctx.clock.now());
      delta.sent++;
      out.sent++;
    } catch (error) {
      const kind = classify(error);
      const at = ctx.clock.now();
      if (kind === 'permanent' || (kind === 'temporary' && attempts >= maxAttempts)) {
        await markFailed(ctx.em, row.id, errorText(error), at);
        delta.failed++;
        out.failed++;
      } else {
        const next = kind === 'sender' ? null : new Date(at.getTime() + backoff(attempts));
        await markPending(ctx.em, row.id, { nextAttemptAt: next, error: errorText(error), refundAttempt: kind === 'sender', now: at });
        if (kind === 'sender') {
          halt.stop ??= { status: 'paused' };
          await pauseForSender(ctx, campaign.id, `The sender mailbox failed: ${errorText(error)}`);
        } else {
          out.retrying++;
          handBack.push({ id: row.id, at: next as Date });
        }
      }
    }
  };

  // A send in flight always settles before the batch ends (its row never stays `sending` by our doing).
  const sent = new SentWriter(ctx.em);
  const settled = await mapLimit(due, deps.concurrency ?? 3, (row) => one(row).then(() => null, (e: unknown) => e));
  // Sends already made are recorded even when another recipient's step failed.
  const flushed = await sent.flush().then(
    () => null,
    (e: unknown) => e,
  );
  const failure = settled.find((e) => e !== null) ?? flushed;
  const current = halt.stop;
  const paused = current && 'status' in current ? current.status : null;
  if (!paused && handBack.length) {
    const at = new Date(Math.max(...handBack.map((h) => h.at.getTime())));
    await ctx.queue.send(
      QUEUES.campaignSendBatch.name,
      { campaignId: campaign.id, recipientIds: handBack.map((h) => h.id) },
      { ...batchJobOptions(), startAfter: at },
    );
    out.deferred = handBack.length;
  }
  if (failure) {
    await addCounters(ctx.em, campaign.id, delta, ctx.clock.now());
    throw failure;
  }
  return finish(paused ?? (handBack.length ? 'deferred' : undefined));
}
