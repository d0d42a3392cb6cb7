// One run of a send batch, recipient by recipient (send-batch.ts sets it up and ends it): render,
// take the throttle, claim (claim-queue.ts: the claims of all this process's batches of the campaign
// asked while the previous claim statement ran go together in the next one, each row re-checked by
// it), SMTP through the pooled sender, then the outcome — sent (recorded a few at a time for the
// campaign), skipped with its reason, retried later, failed, or the sender's own
// failure that pauses the campaign. What is not sent now (throttle, retries) is handed back as a job.
import { MailConnectionError, MailInputError } from '@postern/mailer';
import { isDomainError } from '../../errors.ts';
import { queueClaim, sentWriterFor } from './claim-queue.ts';
import { type BatchSetting, composeMessage, type RecipientRow } from './compose.ts';
import {
  markFailed,
  markPending,
  markSkipped,
  markUnknown,
  type SentWriter,
  type SuppressionProbe,
  suppressionProbe,
  whyRefused,
} from './recipient.ts';
import { withSender } from './senders.ts';
import {
  type CounterDelta,
  type EngineCampaign,
  emptyDelta,
  pauseForSender,
  type SendingCtx,
} from './shared.ts';
import { type SenderThrottle, type ThrottleLimits, takeSend } from './throttle.ts';

export const MAX_ATTEMPTS = 5;
/**
 * Recipients of one batch in flight at once: more than the pool's connections, so rendering, the
 * throttle and the claim of the next ones overlap the SMTP exchanges of others (they queue on the
 * pool). Enough that the connections stay busy while a group of claims waits its CLAIM_SPACING_MS.
 */
export const SENDS_IN_FLIGHT_PER_BATCH = 10;
/** Back-off after the n-th failed attempt: 1, 2, 4, 8 minutes… */
export const defaultBackoffMs = (attempts: number) => 60_000 * 2 ** Math.max(0, attempts - 1);

export interface SendBatchDeps {
  throttle: SenderThrottle;
  /** Messages per second per mailbox (default: DEFAULT_SENDS_PER_SECOND × RATE_LIMIT_MULTIPLIER). */
  perSecond?: number;
  /** Sends in flight at once in this batch (default SENDS_IN_FLIGHT_PER_BATCH). */
  concurrency?: number;
  maxAttempts?: number;
  backoffMs?: (attempts: number) => number;
  /** Longest wait for the per-second throttle before the rest of the batch is handed back. */
  maxThrottleWaitMs?: number;
  signal?: AbortSignal;
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

/** A batch that sent nothing (yet). */
export const emptyOutcome = (): BatchOutcome => ({
  sent: 0,
  failed: 0,
  unknown: 0,
  skipped: 0,
  retrying: 0,
  deferred: 0,
  completed: false,
});

export type Row = RecipientRow & { email_normalized: string; next_attempt_at: Date | null };

type Failure = 'permanent' | 'temporary' | 'sender' | 'ambiguous';

/**
 * permanent: a 5xx answer; temporary: a 4xx answer, or no connection was ever made (nothing was sent);
 * sender: the mailbox itself fails (pause the campaign); ambiguous: the connection was lost or timed
 * out with no answer — possibly after the final "." of DATA, so the message may have been delivered:
 * recorded `unknown`, never retried automatically (at most one copy per recipient).
 */
export function classify(error: unknown): Failure {
  if (error instanceof MailInputError) return 'permanent';
  if (isDomainError(error)) return 'sender';
  if (error instanceof MailConnectionError) {
    if (['auth_failed', 'no_tls', 'certificate_invalid', 'target_refused'].includes(error.code))
      return 'sender';
    const code = Number((error.cause as { responseCode?: number } | undefined)?.responseCode);
    if (code >= 500 && code < 600) return 'permanent';
    if (code >= 400 && code < 500) return 'temporary';
    if (error.code === 'host_not_found' || error.code === 'port_closed') return 'temporary';
    return 'ambiguous';
  }
  return 'temporary';
}

export const errorText = (error: unknown) =>
  error instanceof MailConnectionError && error.detail
    ? `${error.message} (${error.detail})`
    : error instanceof Error
      ? error.message
      : String(error);

export class BatchRun {
  readonly out: BatchOutcome = emptyOutcome();
  readonly delta: CounterDelta = emptyDelta();
  /** Why the rest of the batch is not sent: the campaign left `sending`, or the throttle says later. */
  stop: { status: string } | { until: Date } | null = null;
  /** Recipients to try again later, and from when. */
  readonly handBack: { id: string; at: Date }[] = [];
  /** The campaign's sent writer, shared with its other batches in this process (claim-queue.ts). */
  readonly sent: SentWriter;
  readonly releaseWriter: () => void;
  #probe: SuppressionProbe | null = null;

  readonly ctx: SendingCtx;
  readonly deps: SendBatchDeps;
  readonly campaign: EngineCampaign & { list_id: string };
  readonly setting: BatchSetting;
  readonly limits: ThrottleLimits;
  readonly now: Date;

  constructor(
    ctx: SendingCtx,
    deps: SendBatchDeps,
    campaign: EngineCampaign & { list_id: string },
    setting: BatchSetting,
    limits: ThrottleLimits,
    now: Date,
  ) {
    this.ctx = ctx;
    this.deps = deps;
    this.campaign = campaign;
    this.setting = setting;
    this.limits = limits;
    this.now = now;
    const shared = sentWriterFor(ctx.em, campaign.id);
    this.sent = shared.writer;
    this.releaseWriter = shared.release;
  }

  #later(id: string) {
    const stop = this.stop;
    this.handBack.push({ id, at: stop && 'until' in stop ? stop.until : this.now });
  }

  async one(row: Row): Promise<void> {
    if (this.stop) return this.#later(row.id);
    let message: Awaited<ReturnType<typeof composeMessage>>;
    try {
      message = await composeMessage(this.ctx.config, this.campaign, this.setting, row);
    } catch (error) {
      await markFailed(
        this.ctx.em,
        row.id,
        `The message could not be rendered: ${errorText(error)}`,
        this.ctx.clock.now(),
      );
      this.delta.failed++;
      this.out.failed++;
      return;
    }
    const turn = await takeSend(this.deps.throttle, this.setting.mailbox.id, this.limits, {
      maxWaitMs: this.deps.maxThrottleWaitMs ?? 20_000,
      ...(this.deps.signal ? { signal: this.deps.signal } : {}),
    });
    if (!turn.ok) {
      this.stop ??= {
        until: 'dayExhaustedUntil' in turn ? turn.dayExhaustedUntil : new Date(Date.now() + turn.waitMs),
      };
      return this.#later(row.id);
    }
    if (this.stop) return this.#later(row.id);
    const attempts = await this.#claim(row);
    if (attempts === null) return;
    try {
      const result = await withSender(this.ctx, this.setting.mailbox, (sender) => sender.send(message));
      this.sent.add(row.id, message.messageId ?? result.messageId, this.ctx.clock.now());
      this.delta.sent++;
      this.out.sent++;
    } catch (error) {
      await this.#failed(row, attempts, error);
    }
  }

  /** Claims the row (the attempts after the claim), or records why not (skip, campaign stopped). */
  async #claim(row: Row): Promise<number | null> {
    for (let tries = 0; tries < 3; tries++) {
      this.#probe ??= await suppressionProbe(this.ctx.em, this.ctx.keyring);
      const input = {
        recipientId: row.id,
        workspaceId: this.campaign.workspace_id,
        listId: this.campaign.list_id,
        casl: this.campaign.requires_express_consent,
        hashes: this.#probe.hashes(this.campaign.workspace_id, row.email_normalized),
        keyVersion: this.#probe.version,
        now: this.ctx.clock.now(),
      };
      const attempts = await queueClaim(this.ctx.em, this.campaign.id, input, () => this.stop !== null);
      if (attempts === 'stopped') {
        this.#later(row.id);
        return null;
      }
      if (attempts !== null) return attempts;
      const why = await whyRefused(this.ctx.em, input);
      if (why.kind === 'keys') {
        // A suppression key version appeared since the batch began: hash again and retry.
        this.#probe = null;
        continue;
      }
      if (why.kind === 'campaign') this.stop ??= { status: why.status };
      if (why.kind === 'skip' && (await markSkipped(this.ctx.em, row.id, why.reason, input.now))) {
        this.out.skipped++;
        if (why.reason === 'suppressed') this.delta.skippedSuppressed++;
        else if (why.reason === 'unsubscribed') this.delta.skippedUnsubscribed++;
        else this.delta.skippedNoConsent++;
      }
      return null;
    }
    return null;
  }

  async #failed(row: Row, attempts: number, error: unknown): Promise<void> {
    const kind = classify(error);
    const at = this.ctx.clock.now();
    if (kind === 'ambiguous') {
      await markUnknown(this.ctx.em, row.id, errorText(error), at);
      this.delta.unknown++;
      this.out.unknown++;
      return;
    }
    if (
      kind === 'permanent' ||
      (kind === 'temporary' && attempts >= (this.deps.maxAttempts ?? MAX_ATTEMPTS))
    ) {
      await markFailed(this.ctx.em, row.id, errorText(error), at);
      this.delta.failed++;
      this.out.failed++;
      return;
    }
    const next =
      kind === 'sender' ? null : new Date(at.getTime() + (this.deps.backoffMs ?? defaultBackoffMs)(attempts));
    await markPending(this.ctx.em, row.id, {
      nextAttemptAt: next,
      error: errorText(error),
      refundAttempt: kind === 'sender',
      now: at,
    });
    if (kind === 'sender') {
      this.stop ??= { status: 'paused' };
      await pauseForSender(this.ctx, this.campaign.id, `The sender mailbox failed: ${errorText(error)}`);
      return;
    }
    this.out.retrying++;
    this.handBack.push({ id: row.id, at: next as Date });
  }
}
