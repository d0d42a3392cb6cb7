// The physical postal address of campaign footers (CAN-SPAM §5(a)(5); also asked by many EU laws for
// commercial mail): one per workspace, and optionally one per sender identity (a mailbox) that
// replaces it for that sender's campaigns. Scheduling is refused while neither is set.
import {
  type CampaignSettingsDto,
  type UpdateCampaignSettingsInput,
  ZUpdateCampaignSettings,
} from '@postern/contracts';
import { type EntityManager, Mailbox, Workspace } from '@postern/db';
import { auditLabel } from '../audit/labels.ts';
import { recordAudit } from '../audit/record.ts';
import { parseInput } from '../contacts/parse.ts';
import { auditActor } from '../contacts/shared.ts';
import { DomainError } from '../errors.ts';
import type { CampaignsCtx } from './shared.ts';

/** The address a campaign from `mailboxId` carries: the sender's own, else the workspace's; null: none. */
export async function effectivePostalAddress(
  em: EntityManager,
  workspaceId: string,
  mailboxId: string | null,
): Promise<string | null> {
  const mailbox = mailboxId
    ? await em.findOne(Mailbox, { id: mailboxId, workspace: workspaceId }, { fields: ['postalAddress'] })
    : null;
  if (mailbox?.postalAddress?.trim()) return mailbox.postalAddress.trim();
  const workspace = await em.findOne(Workspace, { id: workspaceId }, { fields: ['postalAddress'] });
  return workspace?.postalAddress?.trim() || null;
}

export async function getCampaignSettings(
  ctx: Pick<CampaignsCtx, 'em'>,
  workspaceId: string,
): Promise<CampaignSettingsDto> {
  const workspace = await ctx.em.findOne(Workspace, { id: workspaceId }, { refresh: true });
  if (!workspace) throw new DomainError('NOT_FOUND', 'No such workspace');
  const mailboxes = await ctx.em.find(
    Mailbox,
    { workspace: workspaceId },
    { orderBy: { createdAt: 'asc', id: 'asc' }, refresh: true },
  );
  return {
    postalAddress: workspace.postalAddress ?? null,
    senders: mailboxes.map((m) => ({
      mailboxId: m.id,
      email: m.fromAddress,
      postalAddress: m.postalAddress ?? null,
    })),
  };
}

/** Sets the workspace's address and/or senders' own ones (empty or null clears); audited. */
export async function updateCampaignSettings(
  ctx: CampaignsCtx,
  workspaceId: string,
  rawInput: UpdateCampaignSettingsInput,
): Promise<CampaignSettingsDto> {
  const input = parseInput(ZUpdateCampaignSettings, rawInput);
  await ctx.em.transactional(async (tx) => {
    const changed: Record<string, unknown> = {};
    if (input.postalAddress !== undefined) {
      const workspace = await tx.findOne(Workspace, { id: workspaceId });
      if (!workspace) throw new DomainError('NOT_FOUND', 'No such workspace');
      const value = input.postalAddress?.trim() || null;
      if ((workspace.postalAddress ?? null) !== value) {
        workspace.postalAddress = value;
        changed.workspace = value ? 'set' : 'cleared';
      }
    }
    for (const sender of input.senders ?? []) {
      const mailbox = await tx.findOne(Mailbox, { id: sender.mailboxId, workspace: workspaceId });
      if (!mailbox) throw new DomainError('NOT_FOUND', 'senders: no such mailbox in this workspace');
      const value = sender.postalAddress?.trim() || null;
      if ((mailbox.postalAddress ?? null) === value) continue;
      mailbox.postalAddress = value;
      changed[auditLabel('mailbox', mailbox.id, mailbox.email)] = value ? 'set' : 'cleared';
    }
    if (!Object.keys(changed).length) return;
    recordAudit(tx, ctx.clock, {
      type: 'campaign.settings_updated',
      ...auditActor(ctx),
      workspaceId,
      meta: ctx.meta,
      // Whether each address was set or cleared: the address itself is the workspace's business data.
      metadata: { postalAddress: changed },
    });
  });
  return getCampaignSettings(ctx, workspaceId);
}
