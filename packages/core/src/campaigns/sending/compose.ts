// What one recipient's message is built from: the campaign's content and sender read once per batch,
// and per recipient its links — the one-click unsubscribe URL and mailto (tokens.ts), the preference
// center link (contacts/preferences.ts) — and a Message-ID made from the recipient id, so a copy sent
// twice would at least carry the same id. The message itself is H5a's buildCampaignMessage.
import { execute, Mailbox } from '@postern/db';
import type { OutboundMessage } from '@postern/mailer';
import { preferenceToken } from '../../contacts/preferences.ts';
import type { CoreContext } from '../../context.ts';
import { buildCampaignMessage, type CampaignContent } from '../message.ts';
import { checkTemplate, htmlToText } from '../render.ts';
import type { EngineCampaign, SendingCtx } from './shared.ts';
import { unsubscribeToken } from './tokens.ts';

export interface BatchSetting {
  content: CampaignContent;
  replyTo: string | null;
  mailbox: Mailbox;
  postalAddress: string | null;
}

/** The content, the sender mailbox and the postal address (the mailbox's, else the workspace's). */
export async function loadBatchSetting(
  ctx: SendingCtx,
  campaign: EngineCampaign,
): Promise<BatchSetting | null> {
  if (!campaign.mailbox_id) return null;
  const [row] = await execute<
    {
      subject: string;
      preheader: string | null;
      html_body: string;
      text_body: string;
      text_body_custom: boolean;
      reply_to: string | null;
      postal: string | null;
    }[]
  >(
    ctx.em,
    `select c.subject, c.preheader, c.html_body, c.text_body, c.text_body_custom, c.reply_to,
            coalesce(nullif(trim(m.postal_address), ''), nullif(trim(w.postal_address), '')) as postal
       from campaign c join workspace w on w.id = c.workspace_id left join mailbox m on m.id = c.mailbox_id
      where c.id = ?`,
    [campaign.id],
  );
  const mailbox = await ctx.em
    .fork()
    .findOne(Mailbox, { id: campaign.mailbox_id, workspace: campaign.workspace_id }, { refresh: true });
  if (!row || !mailbox) return null;
  const text = textPlan(row);
  return {
    content: {
      subject: row.subject,
      preheader: row.preheader,
      htmlBody: row.html_body,
      textBody: text.textBody,
      textBodyCustom: text.custom,
    },
    replyTo: row.reply_to,
    mailbox,
    postalAddress: row.postal,
  };
}

type TextSource = { html_body: string; text_body: string; text_body_custom: boolean };

/** The last few campaigns' text plans: the same content comes back for each of its batches. */
const textPlans = new Map<string, { textBody: string; custom: boolean }>();

/**
 * How the text part is made for every recipient of this content. A body without merge fields renders
 * the same for everyone: its text part is converted once instead of once per recipient (exactly what
 * buildCampaignMessage would produce). (An entity such as &#123; turns into a brace: then it stays per
 * recipient, as Liquid must not see it.) Worked out once per content, not per batch: the conversions
 * cost milliseconds on a long body.
 */
function textPlan(row: TextSource): { textBody: string; custom: boolean } {
  const key = `${row.text_body_custom ? 1 : 0}\u0000${row.html_body}\u0000${row.text_body}`;
  const known = textPlans.get(key);
  if (known) return known;
  const converted = row.text_body_custom || row.html_body.includes('{') ? null : htmlToText(row.html_body);
  const sameForAll = converted !== null && !converted.includes('{');
  const plan = {
    textBody: sameForAll ? (converted as string) : row.text_body,
    custom: row.text_body_custom || sameForAll || textTemplateUsable(row),
  };
  if (textPlans.size >= 16) textPlans.clear();
  textPlans.set(key, plan);
  return plan;
}

const LIQUID_TAGS = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;

/**
 * With merge fields, the generated text part need not be converted per recipient: the stored text body
 * is the conversion of this very HTML template (campaigns.ts keeps it so), and when the conversion kept
 * every merge tag intact (no line wrap inside one) it is rendered as a text template — the same words
 * as converting each rendered HTML, without html-to-text per message (the engine's largest CPU cost).
 */
function textTemplateUsable(row: TextSource) {
  if (row.text_body_custom || !row.html_body.includes('{')) return false;
  const inHtml = row.html_body.match(LIQUID_TAGS) ?? [];
  const inText = row.text_body.match(LIQUID_TAGS) ?? [];
  if (inHtml.length !== inText.length || inHtml.some((tag, i) => tag !== inText[i])) return false;
  if (row.text_body !== htmlToText(row.html_body)) return false;
  try {
    checkTemplate('textBody', row.text_body);
    return true;
  } catch {
    return false;
  }
}

/** The instance's mail domain: the public URL's host name (List-Id, Message-ID, the mailto). */
export function instanceDomain(config: CoreContext['config']): string {
  // Asked several times per message: the URL is parsed once per distinct public URL.
  if (domainOf.url !== config.publicUrl)
    Object.assign(domainOf, { url: config.publicUrl, host: new URL(config.publicUrl).hostname });
  return domainOf.host;
}
const domainOf = { url: '', host: '' };

export interface RecipientRow {
  id: string;
  contact_id: string;
  email: string;
  name: string | null;
  attributes: Record<string, unknown>;
}

export function recipientLinks(config: CoreContext['config'], workspaceId: string, row: RecipientRow) {
  const base = config.publicUrl.replace(/\/+$/, '');
  const token = unsubscribeToken(config.secret, row.id);
  return {
    unsubscribeUrl: `${base}/p/u/${token}`,
    unsubscribeMailto: `mailto:unsubscribe+${token}@${instanceDomain(config)}`,
    preferencesUrl: `${base}/p/preferences/${preferenceToken(config.secret, workspaceId, row.contact_id)}`,
  };
}

/**
 * List-Id (RFC 2919) as the mailer will send it unchanged: nodemailer turns a whole header value into
 * one RFC 2047 encoded-word as soon as it holds a double quote or a non-ASCII character, which would
 * hide the `<id>` from receivers. So the phrase keeps only characters that need no quoting.
 */
export function listIdHeader(name: string, listId: string, domain: string): string {
  const phrase = name
    .replace(/[^A-Za-z0-9 _-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);
  return `${phrase ? `${phrase} ` : ''}<${listId}.${domain}>`;
}

/** One recipient's message, as the mailer takes it (Message-ID passed as messageId, not a header). */
export async function composeMessage(
  config: CoreContext['config'],
  campaign: EngineCampaign,
  setting: BatchSetting,
  row: RecipientRow,
): Promise<OutboundMessage> {
  const domain = instanceDomain(config);
  const built = await buildCampaignMessage({
    campaign: setting.content,
    sender: {
      fromAddress: setting.mailbox.fromAddress,
      fromName: setting.mailbox.fromName ?? null,
      replyTo: setting.replyTo ?? setting.mailbox.replyTo ?? null,
    },
    postalAddress: setting.postalAddress ?? '',
    contact: { email: row.email, name: row.name, attributes: row.attributes ?? {} },
    links: recipientLinks(config, campaign.workspace_id, row),
    listId: campaign.list_id ?? campaign.id,
    listName: campaign.list_name ?? campaign.name,
    messageId: `${row.id}@${domain}`,
    instanceDomain: domain,
  });
  const { 'Message-ID': _id, ...headers } = built.headers;
  headers['List-Id'] = listIdHeader(
    campaign.list_name ?? campaign.name,
    campaign.list_id ?? campaign.id,
    domain,
  );
  return {
    from: built.from,
    to: built.to,
    ...(built.replyTo ? { replyTo: built.replyTo } : {}),
    subject: built.subject,
    text: built.text,
    html: built.html,
    headers,
    messageId: built.messageId,
  };
}
