// Composing campaigns: create, change (drafts only), read, list (keyset pages, newest first), duplicate
// (any campaign, as a new draft) and delete (drafts only: a campaign that sent keeps its record).
// On every save the merge fields are parsed (a broken one is refused naming its line) and, unless the
// text part is written by hand, the text part is generated again from the HTML. The sender and the
// list must be the workspace's own. Every change is audited (campaign.*).
import {
  type CampaignDto,
  type CampaignStatus,
  type ListCampaignsQuery,
  ZCreateCampaign,
  ZListCampaignsQuery,
  ZUpdateCampaign,
} from '@postern/contracts';
import { Campaign, ContactList, type EntityManager, Mailbox } from '@postern/db';
import { findList } from '../contacts/lists.ts';
import { parseInput } from '../contacts/parse.ts';
import { actingId } from '../contacts/shared.ts';
import { DomainError } from '../errors.ts';
import { afterCursor, keysetOrder, keysetPage } from '../pagination.ts';
import { checkTemplate, htmlToText } from './render.ts';
import { auditCampaign, type CampaignsCtx, campaignDto, campaignSummary, findCampaign } from './shared.ts';

type Fields = Partial<{
  name: string;
  subject: string;
  preheader: string | null;
  mailboxId: string | null;
  replyTo: string | null;
  listId: string | null;
  htmlBody: string;
  textBody: string | null;
  textBodyCustom: boolean;
  verifyMaxAgeDays: number;
}>;

const COMPARED = [
  'name',
  'subject',
  'preheader',
  'mailbox',
  'replyTo',
  'list',
  'htmlBody',
  'textBody',
  'textBodyCustom',
  'verifyMaxAgeDays',
] as const;

/** The sender and the list must be this workspace's (another's is NOT_FOUND, naming the field). */
async function checkReferences(em: EntityManager, workspaceId: string, input: Fields): Promise<void> {
  if (input.mailboxId) {
    const mailbox = await em.findOne(Mailbox, { id: input.mailboxId, workspace: workspaceId });
    if (!mailbox) throw new DomainError('NOT_FOUND', 'mailboxId: no such mailbox in this workspace');
  }
  if (input.listId) {
    try {
      await findList(em, workspaceId, input.listId);
    } catch {
      throw new DomainError('NOT_FOUND', 'listId: no such list in this workspace');
    }
  }
}

/** Parses every template that changes, so a broken merge field is refused at save time. */
function checkTemplates(input: Fields): void {
  checkTemplate('subject', input.subject);
  checkTemplate('preheader', input.preheader);
  checkTemplate('htmlBody', input.htmlBody);
  if (input.textBodyCustom !== false) checkTemplate('textBody', input.textBody);
}

function apply(campaign: Campaign, input: Fields): void {
  if (input.name !== undefined) campaign.name = input.name;
  if (input.subject !== undefined) campaign.subject = input.subject;
  if (input.preheader !== undefined) campaign.preheader = input.preheader || null;
  if (input.mailboxId !== undefined) campaign.mailbox = input.mailboxId ?? null;
  if (input.replyTo !== undefined) campaign.replyTo = input.replyTo || null;
  if (input.listId !== undefined) campaign.list = input.listId ?? null;
  if (input.htmlBody !== undefined) campaign.htmlBody = input.htmlBody;
  if (input.textBodyCustom !== undefined) campaign.textBodyCustom = input.textBodyCustom;
  if (input.textBody !== undefined && input.textBody !== null) campaign.textBody = input.textBody;
  if (input.verifyMaxAgeDays !== undefined) campaign.verifyMaxAgeDays = input.verifyMaxAgeDays;
  // Generated from the HTML unless written by hand (merge fields stay as they are: rendered per recipient).
  if (!campaign.textBodyCustom) campaign.textBody = htmlToText(campaign.htmlBody);
}

export async function createCampaign(
  ctx: CampaignsCtx,
  workspaceId: string,
  rawInput: unknown,
): Promise<CampaignDto> {
  const input = parseInput(ZCreateCampaign, rawInput);
  checkTemplates(input);
  await checkReferences(ctx.em, workspaceId, input);
  const campaign = await ctx.em.transactional(async (tx) => {
    const now = ctx.clock.now();
    const created = tx.create(Campaign, {
      workspace: workspaceId,
      name: input.name,
      subject: input.subject,
      htmlBody: input.htmlBody,
      textBody: '',
      status: 'draft',
      createdBy: actingId(ctx),
      createdAt: now,
      updatedAt: now,
    });
    apply(created, input);
    auditCampaign(tx, ctx, 'campaign.created', created, { listId: created.list ?? null });
    return created;
  });
  return campaignDto(campaign);
}

/** Changes a draft; a scheduled or sent campaign is CONFLICT (pause or duplicate it first). */
export async function updateCampaign(
  ctx: CampaignsCtx,
  workspaceId: string,
  campaignId: string,
  rawInput: unknown,
): Promise<CampaignDto> {
  const input = parseInput(ZUpdateCampaign, rawInput);
  checkTemplates(input);
  await checkReferences(ctx.em, workspaceId, input);
  const campaign = await ctx.em.transactional(async (tx) => {
    const campaign = await findCampaign(tx, workspaceId, campaignId, { lock: true });
    requireDraft(campaign, 'changed');
    const before = Object.fromEntries(COMPARED.map((f) => [f, campaign[f] ?? null]));
    apply(campaign, input);
    const changed = COMPARED.filter((f) => (campaign[f] ?? null) !== before[f]);
    if (!changed.length) return campaign;
    campaign.updatedAt = ctx.clock.now();
    auditCampaign(tx, ctx, 'campaign.updated', campaign, { fields: changed });
    return campaign;
  });
  return campaignDto(campaign);
}

export function requireDraft(campaign: Campaign, what: string): void {
  if (campaign.status !== 'draft')
    throw new DomainError(
      'CONFLICT',
      `Only a draft can be ${what}: this campaign is ${campaign.status}. Duplicate it to start a new draft.`,
      { status: campaign.status },
    );
}

export async function getCampaign(ctx: Pick<CampaignsCtx, 'em'>, workspaceId: string, campaignId: string) {
  return campaignDto(await findCampaign(ctx.em, workspaceId, campaignId));
}

export async function listCampaigns(
  ctx: Pick<CampaignsCtx, 'em'>,
  workspaceId: string,
  rawQuery: ListCampaignsQuery = {},
) {
  const query = parseInput(ZListCampaignsQuery, rawQuery);
  const after = afterCursor(query.cursor);
  const where = {
    workspace: workspaceId,
    ...(query.status ? { status: query.status } : {}),
    ...(after ? { $and: [after] } : {}),
  };
  const rows = await ctx.em.find(Campaign, where, keysetOrder(query.limit));
  const { page, nextCursor } = keysetPage(rows, query.limit);
  return { campaigns: page.map(campaignSummary), nextCursor };
}

/** A new draft with the same content, sender and list ("Copy of …"); counters and schedule not copied. */
export async function duplicateCampaign(
  ctx: CampaignsCtx,
  workspaceId: string,
  campaignId: string,
): Promise<CampaignDto> {
  const copy = await ctx.em.transactional(async (tx) => {
    const source = await findCampaign(tx, workspaceId, campaignId);
    const listExists = source.list ? await tx.count(ContactList, { id: source.list }) : 0;
    const now = ctx.clock.now();
    const created = tx.create(Campaign, {
      workspace: workspaceId,
      name: `Copy of ${source.name}`.slice(0, 200),
      subject: source.subject,
      preheader: source.preheader ?? null,
      mailbox: source.mailbox ?? null,
      replyTo: source.replyTo ?? null,
      list: listExists ? (source.list ?? null) : null,
      htmlBody: source.htmlBody,
      textBody: source.textBody,
      textBodyCustom: source.textBodyCustom,
      verifyMaxAgeDays: source.verifyMaxAgeDays,
      status: 'draft' satisfies CampaignStatus,
      createdBy: actingId(ctx),
      createdAt: now,
      updatedAt: now,
    });
    auditCampaign(tx, ctx, 'campaign.duplicated', created, { from: source.id });
    return created;
  });
  return campaignDto(copy);
}

/** Deletes a draft (a campaign that was scheduled keeps its record: cancel it instead). */
export async function deleteCampaign(ctx: CampaignsCtx, workspaceId: string, campaignId: string) {
  await ctx.em.transactional(async (tx) => {
    const campaign = await findCampaign(tx, workspaceId, campaignId, { lock: true });
    requireDraft(campaign, 'deleted');
    auditCampaign(tx, ctx, 'campaign.deleted', campaign);
    tx.remove(campaign);
  });
}
