// One campaign message for one recipient: merge fields rendered (render.ts), the compliance footer
// (unsubscribe link, preference link, postal address — CAN-SPAM, GDPR) appended to both parts, and the
// list headers mailbox providers require of bulk senders: List-Unsubscribe with an https and a mailto
// URI, List-Unsubscribe-Post for one-click (RFC 8058), List-Id (RFC 2919) and the Message-ID. Used by
// the sending engine (sending/, one call per recipient), previews and test sends. The result is what
// the mailer's OutboundMessage takes (pass `messageId` as its messageId too).
import { escapeHtml } from '../html.ts';
import { htmlToText, type MergeContact, renderHtml, renderText } from './render.ts';

export interface CampaignContent {
  subject: string;
  preheader?: string | null;
  htmlBody: string;
  textBody: string;
  textBodyCustom: boolean;
}

export interface BuildCampaignMessageInput {
  campaign: CampaignContent;
  sender: { fromAddress: string; fromName: string | null; replyTo: string | null };
  postalAddress: string;
  contact: MergeContact;
  links: { unsubscribeUrl: string; unsubscribeMailto: string; preferencesUrl: string };
  listId: string;
  listName: string;
  /** With or without angle brackets. */
  messageId: string;
  instanceDomain: string;
}

export interface CampaignMessage {
  from: { name?: string; address: string };
  to: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  /** `<…>`: the Message-ID header's value. */
  messageId: string;
}

/** A header value on one line (a list name or an address can never add a header). */
const oneLine = (value: string) => value.replace(/[\r\n\t]+/g, ' ').trim();

/**
 * The list name as the phrase of List-Id: ASCII atoms only (accents dropped, specials removed), so it
 * needs no quotes and no encoded-word — mail libraries encode a quoted or non-ASCII value as a whole,
 * `<list-id>` included, which list-aware clients no longer recognise (RFC 2919).
 */
const listPhrase = (name: string) =>
  oneLine(name)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9 !#$%&'*+\-/=?^_`{|}~]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100);

function footerHtml(input: BuildCampaignMessageInput): string {
  const address = escapeHtml(input.postalAddress.trim()).replace(/\r?\n/g, '<br>');
  const list = escapeHtml(input.listName);
  const unsubscribe = escapeHtml(input.links.unsubscribeUrl);
  const preferences = escapeHtml(input.links.preferencesUrl);
  return [
    '<div class="postern-footer" style="margin-top:32px;padding-top:16px;border-top:1px solid #ddd;color:#666;font-size:12px;line-height:1.5;font-family:sans-serif">',
    `<p style="margin:0 0 8px">You receive this because you subscribed to ${list}. `,
    `<a href="${unsubscribe}" style="color:#666">Unsubscribe</a> · `,
    `<a href="${preferences}" style="color:#666">Manage your preferences</a></p>`,
    `<p style="margin:0">${address}</p>`,
    '</div>',
  ].join('');
}

function footerText(input: BuildCampaignMessageInput): string {
  return [
    '',
    '--',
    `You receive this because you subscribed to ${input.listName}.`,
    `Unsubscribe: ${input.links.unsubscribeUrl}`,
    `Manage your preferences: ${input.links.preferencesUrl}`,
    input.postalAddress.trim(),
  ].join('\n');
}

/** The preheader: the inbox's preview line, hidden in the message itself. */
function preheaderHtml(text: string): string {
  return `<div class="postern-preheader" style="display:none;max-height:0;overflow:hidden;mso-hide:all">${text}</div>`;
}

/** Puts `start` after <body …> and `end` before </body> when the HTML has them, else around it. */
function wrapBody(html: string, start: string, end: string): string {
  const open = /<body[^>]*>/i.exec(html);
  const withStart = open ? html.replace(open[0], `${open[0]}${start}`) : `${start}${html}`;
  const close = withStart.toLowerCase().lastIndexOf('</body>');
  return close >= 0 ? `${withStart.slice(0, close)}${end}${withStart.slice(close)}` : `${withStart}${end}`;
}

export async function buildCampaignMessage(input: BuildCampaignMessageInput): Promise<CampaignMessage> {
  const { campaign, contact } = input;
  const subject = await renderText('subject', campaign.subject, contact);
  const preheader = campaign.preheader ? await renderHtml('preheader', campaign.preheader, contact) : '';
  const body = await renderHtml('htmlBody', campaign.htmlBody, contact);
  const html = wrapBody(body, preheader ? preheaderHtml(preheader) : '', footerHtml(input));
  const textBody = campaign.textBodyCustom
    ? await renderText('textBody', campaign.textBody, contact)
    : htmlToText(body);
  const text = `${textBody.trimEnd()}\n${footerText(input)}\n`;
  const messageId = `<${input.messageId.replace(/^<|>$/g, '')}>`;
  const phrase = listPhrase(input.listName);
  const listLabel = `<${input.listId}.${oneLine(input.instanceDomain)}>`;
  const headers: Record<string, string> = {
    'List-Unsubscribe': `<${oneLine(input.links.unsubscribeUrl)}>, <${oneLine(input.links.unsubscribeMailto)}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': phrase ? `${phrase} ${listLabel}` : listLabel,
    'Message-ID': messageId,
  };
  const fromName = input.sender.fromName ? oneLine(input.sender.fromName) : '';
  return {
    from: { ...(fromName ? { name: fromName } : {}), address: input.sender.fromAddress },
    to: contact.email,
    ...(input.sender.replyTo ? { replyTo: input.sender.replyTo } : {}),
    subject,
    html,
    text,
    headers,
    messageId,
  };
}
