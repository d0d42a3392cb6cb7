// The pre-send checklist: what must hold before a campaign may be scheduled (errors) and what a member
// must have read (warnings, acknowledged when scheduling). Errors: no subject or body, no sender that
// can send, no postal address for the footer (workspace or sender), no list or nobody left to send
// to. Warnings: the sender's domain does not pass SPF, DKIM and DMARC (or was never checked) — Gmail
// and Yahoo require all three of bulk senders. For information: how many subscribers are skipped as
// suppressed or (CASL lists) without express consent, and how many are verified again before sending.
// The same function gates schedule() (state.ts), so the dashboard and the refusal never disagree.
import type { ChecklistDto, ChecklistItem, SenderAuthReportDto } from '@postern/contracts';
import { type Campaign, ContactList, type EntityManager, execute, Mailbox } from '@postern/db';
import { findSuppressed } from '../contacts/suppressions.ts';
import { mailboxCanSend } from '../mailboxes/view.ts';
import { effectivePostalAddress } from './postal.ts';
import { type CampaignsCtx, findCampaign } from './shared.ts';

const DAY_MS = 86_400_000;
const CHUNK = 5000;

interface AudienceRow {
  email_normalized: string;
  express: boolean;
  verified_at: Date | null;
}

/** The list's active subscribers, counted the way the sending engine will skip them. */
async function audience(
  ctx: Pick<CampaignsCtx, 'em' | 'keyring' | 'clock'>,
  campaign: Campaign,
  list: ContactList,
): Promise<ChecklistDto['audience']> {
  const rows = await execute<AudienceRow[]>(
    ctx.em,
    `select c.email_normalized, s.express, c.verified_at from subscription s
       join contact c on c.id = s.contact_id
      where s.list_id = ? and s.workspace_id = ? and s.status = 'active'`,
    [list.id, campaign.workspace],
  );
  const suppressed = new Set<string>();
  for (let i = 0; i < rows.length; i += CHUNK) {
    const found = await findSuppressed(
      ctx.em,
      ctx.keyring,
      campaign.workspace,
      rows.slice(i, i + CHUNK).map((r) => r.email_normalized),
    );
    for (const address of found.keys()) suppressed.add(address);
  }
  const freshSince = ctx.clock.now().getTime() - campaign.verifyMaxAgeDays * DAY_MS;
  let noConsent = 0;
  let needsVerification = 0;
  let sendable = 0;
  for (const row of rows) {
    if (suppressed.has(row.email_normalized)) continue;
    if (list.requiresExpressConsent && !row.express) {
      noConsent += 1;
      continue;
    }
    sendable += 1;
    const verified = row.verified_at ? new Date(row.verified_at).getTime() : null;
    if (verified === null || verified < freshSince || campaign.verifyMaxAgeDays === 0) needsVerification += 1;
  }
  return { subscribers: rows.length, suppressed: suppressed.size, noConsent, needsVerification, sendable };
}

function senderAuthItem(mailbox: Mailbox | null): ChecklistItem {
  const title = 'Sender authentication (SPF, DKIM, DMARC)';
  if (!mailbox) return { id: 'sender_auth', status: 'warning', title, detail: 'Choose a sender first.' };
  const report = mailbox.senderAuth as SenderAuthReportDto | null;
  if (!report)
    return {
      id: 'sender_auth',
      status: 'warning',
      title,
      detail: `The domain of ${mailbox.fromAddress} was never checked: run "Check sender authentication" on the mailbox. Gmail and Yahoo require SPF, DKIM and DMARC of bulk senders.`,
    };
  const failing = (['spf', 'dkim', 'dmarc'] as const).filter((k) => report[k].status !== 'pass');
  if (!failing.length)
    return { id: 'sender_auth', status: 'ok', title, detail: `${report.domain} passes SPF, DKIM and DMARC.` };
  const names = failing.map((k) => `${k.toUpperCase()} (${report[k].status})`).join(', ');
  return {
    id: 'sender_auth',
    status: 'warning',
    title,
    detail: `${report.domain} fails ${names}: messages may land in spam or be refused. Fix the DNS records shown on the mailbox, or acknowledge this warning to send anyway.`,
  };
}

/** Computes the checklist of a campaign (any status) as things are now. */
export async function campaignChecklistOf(
  ctx: Pick<CampaignsCtx, 'em' | 'keyring' | 'clock'>,
  campaign: Campaign,
): Promise<ChecklistDto> {
  const items: ChecklistItem[] = [];
  // The postal address first: the refusal names it first (the dashboard links it to its form).
  const postal = await effectivePostalAddress(ctx.em, campaign.workspace, campaign.mailbox ?? null);
  items.push({
    id: 'postal_address',
    status: postal ? 'ok' : 'error',
    title: 'Postal address in the footer',
    detail: postal
      ? 'The footer carries your postal address.'
      : "Set a postal address (campaign settings, or the sender's own): the law (CAN-SPAM) requires a valid physical postal address in every commercial message.",
  });
  const missing = [!campaign.subject.trim() && 'a subject', !campaign.htmlBody.trim() && 'a body'].filter(
    Boolean,
  );
  items.push({
    id: 'content',
    status: missing.length ? 'error' : 'ok',
    title: 'Subject and content',
    detail: missing.length ? `Write ${missing.join(' and ')}.` : 'Subject and body are written.',
  });
  const mailbox = campaign.mailbox
    ? await ctx.em.findOne(
        Mailbox,
        { id: campaign.mailbox, workspace: campaign.workspace },
        { refresh: true },
      )
    : null;
  const canSend = Boolean(mailbox && mailboxCanSend(mailbox));
  items.push({
    id: 'sender',
    status: canSend ? 'ok' : 'error',
    title: 'Sender',
    detail: !mailbox
      ? 'Choose the mailbox the campaign is sent from.'
      : canSend
        ? `Sent from ${mailbox.fromAddress}.`
        : `${mailbox.email} cannot send now (${mailbox.status}): test or reconnect it on its page.`,
  });
  items.push(senderAuthItem(mailbox));
  const list = campaign.list
    ? await ctx.em.findOne(ContactList, { id: campaign.list, workspace: campaign.workspace })
    : null;
  const counts = list
    ? await audience(ctx, campaign, list)
    : { subscribers: 0, suppressed: 0, noConsent: 0, needsVerification: 0, sendable: 0 };
  items.push({
    id: 'list',
    status: list && counts.sendable > 0 ? 'ok' : 'error',
    title: 'Recipients',
    detail: !list
      ? 'Choose the list to send to.'
      : `${counts.sendable} of ${counts.subscribers} active subscribers of ${list.name} will receive it (${counts.suppressed} suppressed).`,
  });
  items.push({
    id: 'consent',
    status: 'ok',
    title: 'Consent',
    detail: list?.requiresExpressConsent
      ? `The list requires express consent (CASL): ${counts.noConsent} subscribers without it are skipped.`
      : 'Only active (and, with double opt-in, confirmed) subscribers are sent to.',
  });
  items.push({
    id: 'verification',
    status: 'ok',
    title: 'Address verification',
    detail: `${counts.needsVerification} addresses not verified in the last ${campaign.verifyMaxAgeDays} days are verified before sending; undeliverable ones are skipped.`,
  });
  return { items, ready: !items.some((i) => i.status === 'error'), audience: counts };
}

export async function campaignChecklist(
  ctx: Pick<CampaignsCtx, 'em' | 'keyring' | 'clock'>,
  workspaceId: string,
  campaignId: string,
): Promise<ChecklistDto> {
  return campaignChecklistOf(ctx, await findCampaign(ctx.em, workspaceId, campaignId));
}

/** Reads a campaign's sender (for previews and test sends). */
export async function senderOf(em: EntityManager, campaign: Campaign): Promise<Mailbox | null> {
  return campaign.mailbox
    ? em.findOne(Mailbox, { id: campaign.mailbox, workspace: campaign.workspace })
    : null;
}
