// The campaign state machine (the sending engine, core/campaigns/sending, moves scheduled → sending →
// sent and may fail a campaign; members move the rest):
//   schedule  draft → scheduled        refused while the checklist has an error (no postal address, no
//                                      sender that can send, no list or nobody to send to, no subject or
//                                      body) or an unacknowledged warning; queues `campaigns.start` to
//                                      run at the scheduled instant, in the same transaction
//   pause     scheduled|sending → paused   the engine re-reads the status before each message and stops;
//                                      emits campaign.paused
//   resume    paused → sending (it had started) | scheduled (it had not); queues `campaigns.start` again
//                                      (idempotent: it picks up what is still pending); refused while the
//                                      postal address, the content or a sender that can send is missing
//   cancel    draft|scheduled|sending|paused → cancelled (final; completedAt set: it ended)
// Anything else is CONFLICT naming the status. Each change takes the row lock, is audited, and its
// job and event are written on the same transaction (nothing half-done).
import {
  CAMPAIGN_START_QUEUE,
  type CampaignDto,
  type CampaignStatus,
  type ScheduleInput,
  ZSchedule,
} from '@postern/contracts';
import { type Campaign, type EntityManager, transactionSql } from '@postern/db';
import { parseInput } from '../contacts/parse.ts';
import { recordEvents } from '../contacts/shared.ts';
import { DomainError } from '../errors.ts';
import { requestWebhookDispatch } from '../webhooks/dispatch.ts';
import { campaignChecklistOf } from './checklist.ts';
import { auditCampaign, type CampaignsCtx, campaignDto, campaignEventData, findCampaign } from './shared.ts';
import { resolveScheduleTime } from './time.ts';

/** Queues the engine's start job for `campaign`, to run at `at` (now when past), on `tx`'s transaction. */
async function enqueueStart(tx: EntityManager, ctx: CampaignsCtx, campaignId: string, at: Date | null) {
  const policy = CAMPAIGN_START_QUEUE.policy;
  await ctx.queue.insert(
    CAMPAIGN_START_QUEUE.name,
    [
      {
        data: { campaignId },
        ...(at && at.getTime() > ctx.clock.now().getTime() ? { startAfter: at } : {}),
        retryLimit: policy.retryLimit,
        retryDelay: policy.retryDelaySeconds,
        retryBackoff: policy.retryBackoff,
        expireInSeconds: policy.expireInSeconds,
        heartbeatSeconds: policy.heartbeatSeconds,
      },
    ],
    { db: transactionSql(tx) },
  );
}

function refuse(campaign: Campaign, action: string, allowed: readonly CampaignStatus[]): never {
  throw new DomainError(
    'CONFLICT',
    `A ${campaign.status} campaign cannot be ${action} (only ${allowed.join(' or ')} ones can).`,
    { status: campaign.status },
  );
}

/** Runs a transition: lock, check the status, change, audit; returns the campaign as committed. */
async function transition(
  ctx: CampaignsCtx,
  workspaceId: string,
  campaignId: string,
  action: string,
  allowed: readonly CampaignStatus[],
  change: (tx: EntityManager, campaign: Campaign) => Promise<void>,
): Promise<CampaignDto> {
  const campaign = await ctx.em.transactional(async (tx) => {
    const campaign = await findCampaign(tx, workspaceId, campaignId, { lock: true });
    if (!allowed.includes(campaign.status as CampaignStatus)) refuse(campaign, action, allowed);
    await change(tx, campaign);
    campaign.updatedAt = ctx.clock.now();
    return campaign;
  });
  return campaignDto(campaign);
}

/** Schedules a draft for `at` (read in `timeZone` when it has no offset; omitted: now). */
export async function scheduleCampaign(
  ctx: CampaignsCtx,
  workspaceId: string,
  campaignId: string,
  rawInput: ScheduleInput = {},
): Promise<CampaignDto> {
  const input = parseInput(ZSchedule, rawInput);
  const { at, timeZone } = resolveScheduleTime(input.at, input.timeZone, ctx.clock.now());
  return transition(ctx, workspaceId, campaignId, 'scheduled', ['draft'], async (tx, campaign) => {
    const checklist = await campaignChecklistOf({ ...ctx, em: tx }, campaign);
    const errors = checklist.items.filter((i) => i.status === 'error');
    if (errors.length)
      throw new DomainError(
        'CONFLICT',
        `The campaign cannot be scheduled yet: ${errors.map((i) => i.detail).join(' ')}`,
        {
          reason: 'checklist',
          item: errors[0]?.id,
          checklist: errors.map((i) => ({ id: i.id, detail: i.detail })),
        },
      );
    const warnings = checklist.items.filter((i) => i.status === 'warning');
    if (warnings.length && !input.acknowledgeWarnings)
      throw new DomainError(
        'CONFLICT',
        `Read and acknowledge the checklist's warnings before scheduling: ${warnings.map((i) => i.detail).join(' ')}`,
        {
          reason: 'warnings',
          item: warnings[0]?.id,
          checklist: warnings.map((i) => ({ id: i.id, detail: i.detail })),
        },
      );
    campaign.status = 'scheduled';
    campaign.scheduledAt = at;
    campaign.timeZone = timeZone;
    campaign.failureReason = null;
    await enqueueStart(tx, ctx, campaign.id, at);
    auditCampaign(tx, ctx, 'campaign.scheduled', campaign, {
      scheduledAt: at.toISOString(),
      timeZone,
      recipients: checklist.audience.sendable,
      ...(warnings.length ? { acknowledgedWarnings: warnings.map((w) => w.id) } : {}),
    });
  });
}

/** Pauses a scheduled or sending campaign (the engine stops before its next message). */
export async function pauseCampaign(ctx: CampaignsCtx, workspaceId: string, campaignId: string) {
  const dto = await transition(
    ctx,
    workspaceId,
    campaignId,
    'paused',
    ['scheduled', 'sending'],
    async (tx, campaign) => {
      const from = campaign.status;
      campaign.status = 'paused';
      auditCampaign(tx, ctx, 'campaign.paused', campaign, { from });
      await recordEvents(tx, ctx.clock, workspaceId, 'campaign.paused', [campaignEventData(campaign)]);
    },
  );
  await requestWebhookDispatch(ctx.queue);
  return dto;
}

/** What must still hold to resume (the engine pauses a campaign whose sender or postal address went away). */
const RESUME_CHECKS: readonly string[] = ['postal_address', 'content', 'sender'];

/**
 * Resumes a paused campaign: sending again if it had started, else scheduled for its time. Refused
 * (like schedule) while the postal address, the content or a sender that can send is missing.
 */
export async function resumeCampaign(ctx: CampaignsCtx, workspaceId: string, campaignId: string) {
  return transition(ctx, workspaceId, campaignId, 'resumed', ['paused'], async (tx, campaign) => {
    const checklist = await campaignChecklistOf({ ...ctx, em: tx }, campaign);
    const errors = checklist.items.filter((i) => i.status === 'error' && RESUME_CHECKS.includes(i.id));
    if (errors.length)
      throw new DomainError(
        'CONFLICT',
        `The campaign cannot be resumed yet: ${errors.map((i) => i.detail).join(' ')}`,
        {
          reason: 'checklist',
          item: errors[0]?.id,
          checklist: errors.map((i) => ({ id: i.id, detail: i.detail })),
        },
      );
    const started = Boolean(campaign.startedAt || campaign.snapshotCompletedAt);
    campaign.status = started ? 'sending' : 'scheduled';
    campaign.failureReason = null;
    await enqueueStart(tx, ctx, campaign.id, started ? null : (campaign.scheduledAt ?? null));
    auditCampaign(tx, ctx, 'campaign.resumed', campaign, { to: campaign.status });
  });
}

/** Cancels a campaign that has not ended (final: what was sent stays sent, the rest is not sent). */
export async function cancelCampaign(ctx: CampaignsCtx, workspaceId: string, campaignId: string) {
  return transition(
    ctx,
    workspaceId,
    campaignId,
    'cancelled',
    ['draft', 'scheduled', 'sending', 'paused'],
    async (tx, campaign) => {
      const from = campaign.status;
      campaign.status = 'cancelled';
      campaign.completedAt = ctx.clock.now();
      auditCampaign(tx, ctx, 'campaign.cancelled', campaign, { from, sent: campaign.sent });
    },
  );
}
