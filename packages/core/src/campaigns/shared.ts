// What the campaign modules share: the context they use, finding a campaign of the workspace (another
// workspace's is NOT_FOUND, like none), the DTOs (one mapping for tRPC, /v1, the SDK and webhooks) and
// the audit entry of every change.
import { LockMode } from '@mikro-orm/core';
import type {
  AuditEventType,
  CampaignCounters,
  CampaignDto,
  CampaignEventData,
  CampaignStatus,
  CampaignSummaryDto,
} from '@postern/contracts';
import { Campaign, type EntityManager } from '@postern/db';
import { auditLabel } from '../audit/labels.ts';
import { recordAudit } from '../audit/record.ts';
import { auditActor, uuidOrNull } from '../contacts/shared.ts';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';

/** What the campaign functions use of the core context. */
export type CampaignsCtx = Pick<
  CoreContext,
  'em' | 'clock' | 'keyring' | 'actor' | 'meta' | 'config' | 'queue' | 'kv'
>;

/** The campaign of the workspace, or NOT_FOUND. `lock`: FOR UPDATE (state changes). */
export async function findCampaign(
  em: EntityManager,
  workspaceId: string,
  campaignId: string,
  options: { lock?: boolean } = {},
): Promise<Campaign> {
  const campaign = await em.findOne(
    Campaign,
    { id: uuidOrNull(campaignId), workspace: workspaceId },
    { refresh: true, ...(options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {}) },
  );
  if (!campaign) throw new DomainError('NOT_FOUND', 'No such campaign');
  return campaign;
}

export function countersOf(c: Campaign): CampaignCounters {
  return {
    recipients: c.recipients,
    sent: c.sent,
    failed: c.failed,
    unknown: c.unknown,
    unsubscribed: c.unsubscribed,
    skippedSuppressed: c.skippedSuppressed,
    skippedUnsubscribed: c.skippedUnsubscribed,
    skippedNoConsent: c.skippedNoConsent,
    skippedVerification: c.skippedVerification,
  };
}

const isoOrNull = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function campaignSummary(c: Campaign): CampaignSummaryDto {
  return {
    id: c.id,
    name: c.name,
    subject: c.subject,
    status: c.status as CampaignStatus,
    mailboxId: c.mailbox ?? null,
    listId: c.list ?? null,
    scheduledAt: isoOrNull(c.scheduledAt),
    timeZone: c.timeZone ?? null,
    startedAt: isoOrNull(c.startedAt),
    completedAt: isoOrNull(c.completedAt),
    failureReason: c.failureReason ?? null,
    counters: countersOf(c),
    createdBy: c.createdBy ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function campaignDto(c: Campaign): CampaignDto {
  return {
    ...campaignSummary(c),
    preheader: c.preheader ?? null,
    replyTo: c.replyTo ?? null,
    htmlBody: c.htmlBody,
    textBody: c.textBody,
    textBodyCustom: c.textBodyCustom,
    verifyMaxAgeDays: c.verifyMaxAgeDays,
  };
}

/** `data` of the campaign.* webhook events (ids and counts: never an address). */
export function campaignEventData(c: Campaign): CampaignEventData {
  return {
    campaign_id: c.id,
    name: c.name,
    status: c.status as CampaignStatus,
    list_id: c.list ?? null,
    counters: countersOf(c),
    started_at: isoOrNull(c.startedAt),
    completed_at: isoOrNull(c.completedAt),
  };
}

/** The audit entry of a campaign change, on `tx`'s transaction. */
export function auditCampaign(
  tx: EntityManager,
  ctx: Pick<CampaignsCtx, 'clock' | 'actor' | 'meta'>,
  type: AuditEventType,
  campaign: Pick<Campaign, 'id' | 'name' | 'workspace'>,
  metadata: Record<string, unknown> = {},
): void {
  recordAudit(tx, ctx.clock, {
    type,
    ...auditActor(ctx),
    workspaceId: campaign.workspace,
    target: { type: 'campaign', id: campaign.id, label: auditLabel('campaign', campaign.id, campaign.name) },
    meta: ctx.meta,
    metadata,
  });
}
