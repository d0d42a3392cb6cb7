// Outbound messages: checked (no header injection, sane sizes), then turned into nodemailer's message
// options or MIME bytes with MailComposer. The same mapping is used for sending and for buildMime.
import type { SendMailOptions } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { hasControlCharacters } from './connect.ts';
import { MailInputError } from './errors.ts';
import type { OutboundMessage } from './types.ts';

const HEADER_NAME = /^[!-9;-~]{1,76}$/; // RFC 5322 field name: printable ASCII except ':'
const ADDRESS = /^[^\s@<>",;]{1,64}@[^\s@<>",;]{1,255}$/;
const MAX_BODY = 10 * 1024 * 1024;
// Headers the composer owns: setting them by hand would break the message or its envelope.
const RESERVED = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'reply-to',
  'message-id',
  'content-type',
  'mime-version',
  'content-transfer-encoding',
]);

function line(field: string, value: string, max: number): void {
  if (typeof value !== 'string') throw new MailInputError(field, `${field} must be a string.`);
  if (value.length > max) throw new MailInputError(field, `${field} must be at most ${max} characters.`);
  if (hasControlCharacters(value, true))
    throw new MailInputError(field, `${field} must not contain line breaks or control characters.`);
}

function address(field: string, value: string): void {
  line(field, value, 320);
  if (!ADDRESS.test(value)) throw new MailInputError(field, `${field} must be an email address.`);
}

export function validateMessage(message: OutboundMessage): void {
  address('from.address', message?.from?.address);
  if (message.from.name !== undefined) line('from.name', message.from.name, 256);
  const to = typeof message.to === 'string' ? [message.to] : message.to;
  if (!Array.isArray(to) || to.length === 0 || to.length > 100) {
    throw new MailInputError('to', 'to must name between 1 and 100 recipients.');
  }
  for (const recipient of to) address('to', recipient);
  if (message.replyTo !== undefined) address('replyTo', message.replyTo);
  line('subject', message.subject, 998);
  if (typeof message.text !== 'string' || message.text.length > MAX_BODY) {
    throw new MailInputError('text', 'text must be a string of at most 10 MiB.');
  }
  if (message.html !== undefined && (typeof message.html !== 'string' || message.html.length > MAX_BODY)) {
    throw new MailInputError('html', 'html must be a string of at most 10 MiB.');
  }
  if (message.messageId !== undefined) line('messageId', message.messageId, 998);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!HEADER_NAME.test(name))
      throw new MailInputError('headers', `Header name "${name.slice(0, 80)}" is not valid.`);
    if (RESERVED.has(name.toLowerCase()))
      throw new MailInputError('headers', `Header ${name} is set by the mailer.`);
    line(`headers.${name}`, value, 998);
  }
}

export function toMailOptions(message: OutboundMessage): SendMailOptions {
  return {
    from: message.from.name
      ? { name: message.from.name, address: message.from.address }
      : message.from.address,
    to: message.to,
    ...(message.replyTo ? { replyTo: message.replyTo } : {}),
    subject: message.subject,
    text: message.text,
    ...(message.html !== undefined ? { html: message.html } : {}),
    ...(message.headers ? { headers: { ...message.headers } } : {}),
    ...(message.messageId ? { messageId: message.messageId } : {}),
    // Never read files or URLs named inside a message (nodemailer can, for attachments).
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** MIME bytes of a message (nodemailer MailComposer). */
export async function buildMime(message: OutboundMessage): Promise<Buffer> {
  validateMessage(message);
  return new MailComposer(toMailOptions(message)).compile().build();
}
