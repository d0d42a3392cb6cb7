// Previews and test sends. A preview renders the campaign exactly as a recipient would get it (merge
// fields, footer, list headers) for one contact of the workspace or for sample values; the dashboard
// shows its HTML in a sandboxed iframe. A test send renders it the same way and sends one message
// through the campaign's sender via the mailer (password or XOAUTH2, the SSRF-guarded resolver, the
// workspace's mailbox network budget), subject prefixed "[Test] ". Its links point at harmless pages
// (an unsubscribe link that names no recipient, a preference link that opens nothing): clicking them
// in a test changes nobody's subscription. Audited campaign.test_sent (recipients' count, never bodies).
import { randomUUID } from 'node:crypto';
import {
  type RenderedMessage,
  type SampleContact,
  ZPreviewRequest,
  ZSampleContact,
  ZTestSendRequest,
} from '@postern/contracts';
import { type Campaign, Contact, ContactList, User } from '@postern/db';
import { createSmtpSender, MailConnectionError } from '@postern/mailer';
import { parseInput } from '../contacts/parse.ts';
import { uuidOrNull } from '../contacts/shared.ts';
import { DomainError } from '../errors.ts';
import { storedEndpoints } from '../mailboxes/connect.ts';
import { connectOptions, reserveMailboxNetwork } from '../mailboxes/network.ts';
import { mailboxMailAuth } from '../mailboxes/oauth/tokens.ts';
import { mailboxCanSend } from '../mailboxes/view.ts';
import { senderOf } from './checklist.ts';
import { buildCampaignMessage, type CampaignMessage } from './message.ts';
import { effectivePostalAddress } from './postal.ts';
import type { MergeContact } from './render.ts';
import { auditCampaign, type CampaignsCtx, findCampaign } from './shared.ts';

const NO_POSTAL = '[Your postal address: set it in the campaign settings before scheduling]';
const TEST_TOKEN = 'test-message';

const instanceDomain = (ctx: Pick<CampaignsCtx, 'config'>) => new URL(ctx.config.publicUrl).hostname;

/** The contact a preview is for: one of the workspace's, or sample values. */
async function mergeContact(
  ctx: Pick<CampaignsCtx, 'em'>,
  workspaceId: string,
  input: { contactId?: string | undefined; sample?: SampleContact | undefined },
): Promise<MergeContact> {
  if (input.contactId) {
    const contact = await ctx.em.findOne(Contact, {
      id: uuidOrNull(input.contactId),
      workspace: workspaceId,
    });
    if (!contact) throw new DomainError('NOT_FOUND', 'contactId: no such contact in this workspace');
    return { email: contact.email, name: contact.name ?? null, attributes: contact.attributes ?? {} };
  }
  const sample = ZSampleContact.parse(input.sample ?? { name: 'Jane' });
  return { email: sample.email, name: sample.name ?? null, attributes: sample.attributes };
}

async function render(
  ctx: CampaignsCtx,
  campaign: Campaign,
  contact: MergeContact,
): Promise<CampaignMessage> {
  const mailbox = await senderOf(ctx.em, campaign);
  const list = campaign.list ? await ctx.em.findOne(ContactList, { id: campaign.list }) : null;
  const base = ctx.config.publicUrl.replace(/\/+$/, '');
  const domain = instanceDomain(ctx);
  return buildCampaignMessage({
    campaign,
    sender: {
      fromAddress: mailbox?.fromAddress ?? `no-sender-chosen@${domain}`,
      fromName: mailbox?.fromName ?? null,
      replyTo: campaign.replyTo ?? mailbox?.replyTo ?? null,
    },
    postalAddress:
      (await effectivePostalAddress(ctx.em, campaign.workspace, campaign.mailbox ?? null)) ?? NO_POSTAL,
    contact,
    links: {
      unsubscribeUrl: `${base}/p/u/${TEST_TOKEN}`,
      unsubscribeMailto: `mailto:unsubscribe+${TEST_TOKEN}@${domain}`,
      preferencesUrl: `${base}/p/preferences/${TEST_TOKEN}`,
    },
    listId: list?.id ?? campaign.id,
    listName: list?.name ?? campaign.name,
    messageId: `test-${randomUUID()}@${domain}`,
    instanceDomain: domain,
  });
}

export async function previewCampaign(
  ctx: CampaignsCtx,
  workspaceId: string,
  campaignId: string,
  rawInput: unknown = {},
): Promise<RenderedMessage> {
  const input = parseInput(ZPreviewRequest, rawInput);
  const campaign = await findCampaign(ctx.em, workspaceId, campaignId);
  const message = await render(ctx, campaign, await mergeContact(ctx, workspaceId, input));
  return { subject: message.subject, html: message.html, text: message.text, headers: message.headers };
}

/** Where a test goes: the addresses given, else the acting member's own. */
async function testRecipients(ctx: CampaignsCtx, given: string[] | undefined): Promise<string[]> {
  if (given?.length) return [...new Set(given)];
  const userId = ctx.actor?.kind === 'user' ? ctx.actor.userId : null;
  const user = userId ? await ctx.em.findOne(User, { id: userId }) : null;
  if (!user) throw new DomainError('VALIDATION_FAILED', 'to: give the address(es) to send the test to');
  return [user.email];
}

export async function sendTestCampaign(
  ctx: CampaignsCtx,
  workspaceId: string,
  campaignId: string,
  rawInput: unknown = {},
): Promise<{ to: string[]; messageId: string }> {
  const input = parseInput(ZTestSendRequest, rawInput);
  const campaign = await findCampaign(ctx.em, workspaceId, campaignId);
  const mailbox = await senderOf(ctx.em, campaign);
  if (!mailbox) throw new DomainError('CONFLICT', 'Choose the sender (a connected mailbox) first');
  if (!mailboxCanSend(mailbox))
    throw new DomainError(
      'CONFLICT',
      `${mailbox.email} cannot send now (${mailbox.status}): test or reconnect it`,
    );
  const to = await testRecipients(ctx, input.to);
  const message = await render(ctx, campaign, await mergeContact(ctx, workspaceId, input));
  await reserveMailboxNetwork(ctx, workspaceId);
  const sender = createSmtpSender(storedEndpoints(mailbox).smtp, mailboxMailAuth(ctx, mailbox), {
    ...connectOptions(ctx.config),
    pool: false,
  });
  try {
    const { 'Message-ID': _id, ...headers } = message.headers;
    await sender.send({
      from: message.from,
      to,
      ...(message.replyTo ? { replyTo: message.replyTo } : {}),
      subject: `[Test] ${message.subject}`,
      text: message.text,
      html: message.html,
      headers,
      messageId: message.messageId,
    });
  } catch (error) {
    if (error instanceof MailConnectionError)
      throw new DomainError('UNAVAILABLE', `The test could not be sent: ${error.message}`, {
        mailboxFailure: { protocol: error.protocol, code: error.code },
      });
    throw error;
  } finally {
    sender.close();
  }
  const em = ctx.em.fork();
  auditCampaign(em, ctx, 'campaign.test_sent', campaign, { recipients: to.length });
  await em.flush();
  return { to, messageId: message.messageId };
}
