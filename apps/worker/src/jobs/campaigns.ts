// Campaign sending (core/campaigns/sending, docs/campaign-sending.md): `campaigns.start` takes the
// snapshot, verifies stale contacts with the process's engine and queues the send batches;
// `campaigns.send_batch` sends one batch through the mailbox's pooled SMTP sender under the
// per-mailbox throttle shared by every worker (Redis). One throttle per process (its Lua script is
// defined once on the process's Redis client). Both write campaign.* events: the webhook engine is woken.
import { QUEUES } from '@postern/contracts';
import {
  type BulkEngine,
  createSenderThrottle,
  type SenderThrottle,
  sendCampaignBatch,
  startCampaign,
  type WebhookEngine,
} from '@postern/core';
import { defineJob, type JobHandler } from '../job.ts';
import { wakesWebhooks } from './webhooks.ts';

export interface CampaignJobDeps {
  /** The process-wide verification engine (called at the first start job). */
  engine: () => BulkEngine;
  webhooks?: WebhookEngine | undefined;
  /** Messages per second per mailbox (tests); default DEFAULT_SENDS_PER_SECOND × RATE_LIMIT_MULTIPLIER. */
  perSecond?: number;
  /** Back-off after a temporary failure (tests shorten it). */
  backoffMs?: (attempts: number) => number;
}

export function createCampaignJobs(deps: CampaignJobDeps): JobHandler[] {
  let throttle: SenderThrottle | undefined;
  const start = defineJob(QUEUES.campaignStart, async (payload, ctx) => {
    if (!ctx.core) throw new Error('campaigns.start needs the core services');
    return startCampaign(ctx.core, { engine: deps.engine(), signal: ctx.signal }, payload.campaignId);
  });
  const sendBatch = defineJob(QUEUES.campaignSendBatch, async (payload, ctx) => {
    if (!ctx.core) throw new Error('campaigns.send_batch needs the core services');
    throttle ??= createSenderThrottle(ctx.core.kv);
    const outcome = await sendCampaignBatch(
      ctx.core,
      {
        throttle,
        signal: ctx.signal,
        ...(deps.perSecond ? { perSecond: deps.perSecond } : {}),
        ...(deps.backoffMs ? { backoffMs: deps.backoffMs } : {}),
      },
      payload,
      ctx.attempt,
    );
    if (outcome.unknown)
      ctx.logger.warn(
        { campaignId: payload.campaignId, unknown: outcome.unknown },
        'campaign batch: recipients left mid-send by a stopped worker are marked unknown (never sent twice)',
      );
    return outcome;
  });
  return [wakesWebhooks(start, deps.webhooks), wakesWebhooks(sendBatch, deps.webhooks)];
}
