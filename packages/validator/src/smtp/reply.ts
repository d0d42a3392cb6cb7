// SMTP replies: their enhanced status codes (RFC 3463) and what a RCPT reply says about a mailbox.
import type { SmtpStatus } from '../types.ts';

export interface SmtpReply {
  code: number;
  /** The text of each line, after `NNN-` / `NNN `. */
  lines: string[];
}

/** How long to wait before retrying a greylisted address when the reply does not say. */
export const DEFAULT_GREYLIST_RETRY_MS = 300_000;
const MIN_RETRY_MS = 10_000;
const MAX_RETRY_MS = 3_600_000;
const MESSAGE_MAX = 240;

const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/;

/** The `x.y.z` enhanced status code at the start of the reply text, if any. */
export function enhancedCodeOf(reply: SmtpReply): string | null {
  const match = ENHANCED.exec((reply.lines[0] ?? '').trim());
  return match ? `${match[1]}.${match[2]}.${match[3]}` : null;
}

/** The reply text on one line, without enhanced codes or control characters, truncated. */
export function messageOf(reply: SmtpReply): string {
  const text = reply.lines
    .map((line) => line.trim().replace(ENHANCED, '').trim())
    .filter(Boolean)
    .join(' ')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strip control characters
    .replace(/[\x00-\x1f\x7f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > MESSAGE_MAX ? `${text.slice(0, MESSAGE_MAX - 1)}…` : text;
}

const textOf = (reply: SmtpReply) => reply.lines.join(' ');

/** Wording that names the recipient as unknown: wins over everything but a 5.7.x code. */
const NOT_FOUND_STRONG =
  /no such (user|mailbox|recipient|address|account)|(user|recipient|mailbox|address|account) unknown|unknown (user|recipient|mailbox|address|account)|(does not|doesn'?t|not) exist|(user|mailbox|recipient|account|address) not found|(doesn'?t|does not) have an? .{0,40}account|invalid (recipient|mailbox|user|address)|not a valid (user|mailbox|recipient)|mailbox (is )?(disabled|inactive|deactivated)|account (is )?(disabled|inactive|deactivated|closed)/i;
/** Wording that only says the recipient was refused (could be policy, weaker than a block). */
const NOT_FOUND_WEAK =
  /mailbox unavailable|recipient (address )?rejected|address rejected|no mailbox|unrouteable|undeliverable|user not local/i;
const FULL =
  /mailbox (is )?full|full mailbox|over ?quota|quota (exceeded|full)|exceeded (its |the )?(storage|quota)|insufficient (mailbox )?(storage|space)(?! on| in system)|mailbox size limit|out of storage/i;
const BLOCK =
  /spam|black ?list|block ?list|\bblocked\b|spamhaus|\brbl\b|dnsbl|reputation|polic(y|ies)|banned|\bdenied\b|not (permitted|allowed|authori[sz]ed)|relay(ing)? (access )?denied|\babuse\b|\blisted (at|on|in|by)\b|barracuda|proofpoint|sorbs|spamcop/i;
const GREYLIST =
  /gr[ae]y ?list|try (again )?later|try again|retry|deferred|temporar(il)?y|come back later|please wait|too many (connections|concurrent)|rate limit/i;

const DURATION = /(\d{1,6})\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|s|m|h)\b/i;

/** A retry delay stated in the reply ("try again in 5 minutes"), clamped to 10 s – 1 h. */
export function retryAfterOf(reply: SmtpReply): number {
  const match = DURATION.exec(textOf(reply));
  if (!match) return DEFAULT_GREYLIST_RETRY_MS;
  const value = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  const factor = unit.startsWith('h') ? 3_600_000 : unit.startsWith('m') ? 60_000 : 1000;
  return Math.min(MAX_RETRY_MS, Math.max(MIN_RETRY_MS, value * factor));
}

export interface RcptVerdict {
  status: Exclude<SmtpStatus, 'catch_all' | 'smtputf8_unsupported'>;
  retryAfterMs: number | null;
}

/**
 * What a RCPT reply says about the mailbox. 2xx accepted; 5.1.x / "no such user" not found; 5.2.2
 * or 552 full; 5.7.x or anti-spam wording blocked; a 4xx is greylisting (retry later) unless it says
 * the mailbox is full or names a block without asking to retry.
 */
export function classifyRcpt(reply: SmtpReply): RcptVerdict {
  const { code } = reply;
  const enhanced = enhancedCodeOf(reply);
  const text = textOf(reply);
  const verdict = (status: RcptVerdict['status'], retryAfterMs: number | null = null): RcptVerdict => ({
    status,
    retryAfterMs,
  });
  if (code >= 200 && code < 300) return verdict('accepted');
  if (code >= 500 && code < 600) {
    if (enhanced) {
      if (/^5\.1\.(0|1|3|6|10)$/.test(enhanced)) return verdict('mailbox_not_found');
      if (enhanced === '5.2.1') return verdict('mailbox_not_found'); // mailbox disabled
      if (enhanced === '5.2.2') return verdict('mailbox_full');
      if (enhanced.startsWith('5.7.')) return verdict('blocked');
    }
    if (NOT_FOUND_STRONG.test(text)) return verdict('mailbox_not_found');
    if (BLOCK.test(text)) return verdict('blocked');
    if (code === 552 || FULL.test(text)) return verdict('mailbox_full');
    if (NOT_FOUND_WEAK.test(text)) return verdict('mailbox_not_found');
    if (code === 550 || code === 551 || code === 553) return verdict('mailbox_not_found');
    if (code === 554) return verdict('blocked');
    return verdict('unknown'); // 500–504, 555: the server did not understand the command
  }
  if (code >= 400 && code < 500) {
    if (enhanced === '4.2.2' || FULL.test(text)) return verdict('mailbox_full');
    if (BLOCK.test(text) && !GREYLIST.test(text)) return verdict('blocked');
    return verdict('greylisted', retryAfterOf(reply));
  }
  return verdict('unknown');
}

/**
 * A refusal before RCPT (greeting, EHLO, MAIL FROM): a 5xx refuses us (blocked), a 4xx at MAIL is a
 * deferral (greylisted, or blocked when it says so), anything else leaves the mailbox unknown.
 */
export function classifySessionRefusal(reply: SmtpReply, stage: 'greeting' | 'hello' | 'mail'): RcptVerdict {
  if (reply.code >= 500) return { status: 'blocked', retryAfterMs: null };
  if (stage === 'mail' && reply.code >= 400) {
    const text = textOf(reply);
    if (BLOCK.test(text) && !GREYLIST.test(text)) return { status: 'blocked', retryAfterMs: null };
    return { status: 'greylisted', retryAfterMs: retryAfterOf(reply) };
  }
  return { status: 'unknown', retryAfterMs: null };
}
