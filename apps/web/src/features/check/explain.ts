// What a check result means, in words and colours (pure: testable). The codes are those of
// docs/validation.md (statuses, reasons, actions, flags) and docs/validation-syntax.md (syntax
// reasons); a test reads both tables and fails when a code has no text here.
import type { ValidationResult } from '@postern/contracts';

export type CheckStatus = ValidationResult['status'];
export type CheckAction = ValidationResult['action'];
export type CheckFlag = keyof ValidationResult['flags'];
export type CheckDepth = ValidationResult['depth'];

export type Tone = 'emerald' | 'amber' | 'rose' | 'slate';

/** Classes of each tone: the big status pill, its dot, and a soft panel. */
export const TONE_CLASSES: Record<Tone, { pill: string; dot: string; panel: string }> = {
  emerald: {
    pill: 'bg-emerald-50 text-emerald-800 ring-emerald-600/25',
    dot: 'bg-emerald-500',
    panel: 'border-emerald-200 bg-emerald-50/60',
  },
  amber: {
    pill: 'bg-amber-50 text-amber-900 ring-amber-600/30',
    dot: 'bg-amber-500',
    panel: 'border-amber-200 bg-amber-50/60',
  },
  rose: {
    pill: 'bg-rose-50 text-rose-800 ring-rose-600/25',
    dot: 'bg-rose-500',
    panel: 'border-rose-200 bg-rose-50/60',
  },
  slate: {
    pill: 'bg-slate-100 text-slate-800 ring-slate-500/25',
    dot: 'bg-slate-400',
    panel: 'border-slate-200 bg-slate-50',
  },
};

export interface StatusInfo {
  label: string;
  tone: Tone;
  summary: string;
}

export const STATUS_INFO: Record<CheckStatus, StatusInfo> = {
  deliverable: { label: 'Deliverable', tone: 'emerald', summary: 'Mail to this address should arrive.' },
  undeliverable: { label: 'Undeliverable', tone: 'rose', summary: 'Mail to this address cannot arrive.' },
  catch_all: {
    label: 'Catch-all',
    tone: 'amber',
    summary: 'The domain accepts every address, so this one cannot be confirmed.',
  },
  risky: { label: 'Risky', tone: 'amber', summary: 'Mail may arrive, but something about it needs care.' },
  do_not_mail: {
    label: 'Do not mail',
    tone: 'rose',
    summary: 'The address may work, but sending to it is a bad idea.',
  },
  unknown: { label: 'Unknown', tone: 'slate', summary: 'The check could not reach a verdict this time.' },
};

export interface ActionInfo {
  label: string;
  text: string;
  tone: Tone;
}

export const ACTION_INFO: Record<CheckAction, ActionInfo> = {
  accept: { label: 'Accept', text: 'Send to it as usual.', tone: 'emerald' },
  accept_with_caution: {
    label: 'Accept with caution',
    text: 'Keep it, but watch for bounces or confirm it with the person (e.g. a confirmation email).',
    tone: 'amber',
  },
  reject: { label: 'Reject', text: 'Do not send to it; ask for another address.', tone: 'rose' },
  retry_later: {
    label: 'Retry later',
    text: 'The answer is temporary: check again later before deciding.',
    tone: 'slate',
  },
};

export interface ReasonInfo {
  title: string;
  text: string;
}

/** Every primary reason of docs/validation.md, "Verdicts, in order of precedence". */
export const REASON_INFO = {
  invalid_syntax: {
    title: 'Not a valid email address',
    text: 'The text is not written like an email address, so no mail can be sent to it.',
  },
  domain_not_found: {
    title: 'The domain does not exist',
    text: 'DNS says there is no such domain (NXDOMAIN): nobody can receive mail there.',
  },
  null_mx: {
    title: 'The domain refuses all mail',
    text: 'The domain publishes a "null MX" record (RFC 7505): it states that it accepts no email at all.',
  },
  no_mail_host: {
    title: 'No mail server for the domain',
    text: 'The domain exists but has no mail server that can be reached: neither an MX record nor an address (A/AAAA), or MX records whose host names have no address (a dangling MX).',
  },
  dns_error: {
    title: 'DNS did not answer',
    text: 'The DNS lookup failed or timed out (SERVFAIL or timeout), or the resolver is answering "does not exist" even for domains that surely exist, so no negative answer is trusted. This is usually temporary.',
  },
  disposable_domain: {
    title: 'Disposable address',
    text: 'The domain hands out throwaway inboxes that vanish after a while; such sign-ups rarely lead anywhere.',
  },
  mailbox_not_found: {
    title: 'The mailbox does not exist',
    text: 'The mail server said it has no mailbox by that name (e.g. 550 5.1.1).',
  },
  smtputf8_unsupported: {
    title: 'The server cannot take this address',
    text: 'The address contains non-ASCII characters, which need SMTPUTF8, and the mail server does not support it.',
  },
  mailbox_full: {
    title: 'The mailbox is full',
    text: 'The mail server said the mailbox is over its quota (552 / 5.2.2). Mail bounces until it is emptied.',
  },
  greylisted: {
    title: 'Greylisted: try again later',
    text: 'The mail server asked us to come back later (451 4.7.1), a common anti-spam delay.',
  },
  blocked_by_server: {
    title: 'The server refused to answer',
    text: 'The mail server turned the check away with an anti-spam policy (5.7.x), so the mailbox could not be confirmed.',
  },
  smtp_timeout: {
    title: 'The mail servers did not answer in time',
    text: 'Connections to the mail servers, or their replies, timed out (outbound port 25 is often filtered). Try again later.',
  },
  smtp_connect_failed: {
    title: 'Could not connect to the mail servers',
    text: 'Every mail server of the domain refused the connection or was unreachable. Try again later.',
  },
  smtp_unavailable: {
    title: 'No mail server took the check',
    text: 'The mail servers deferred or dropped the session (e.g. 421 at the greeting), or the TLS their MTA-STS policy requires failed. Try again later.',
  },
  catch_all: {
    title: 'The domain accepts every address',
    text: 'The mail server also accepted a made-up address, so accepting this one proves nothing.',
  },
  possible_typo: {
    title: 'Looks like a typo',
    text: 'The domain is very close to a big mail provider’s. The person probably meant the suggested address.',
  },
  role_account: {
    title: 'Role account',
    text: 'Addresses such as info@ or sales@ usually reach a team or a shared inbox, not one person.',
  },
  mailbox_exists: {
    title: 'The mailbox exists',
    text: 'The mail server confirmed it accepts mail for this mailbox.',
  },
  mail_host_found: {
    title: 'The domain receives mail',
    text: 'The domain has a mail server (MX or implicit MX). Standard depth does not ask that server about the mailbox itself.',
  },
} as const satisfies Record<string, ReasonInfo>;
export type CheckReason = keyof typeof REASON_INFO;
export const REASON_CODES = Object.keys(REASON_INFO) as CheckReason[];

/** Every syntax reason of docs/validation-syntax.md, "Reason codes". */
export const SYNTAX_REASON_TEXT = {
  empty: 'Nothing was entered.',
  no_at_sign: 'There is no @ sign in it.',
  local_empty: 'There is nothing before the @.',
  local_too_long: 'The part before the @ is longer than 64 bytes.',
  address_too_long: 'The whole address is longer than 254 bytes.',
  domain_empty: 'There is nothing after the @.',
  domain_too_long: 'The domain is longer than 253 characters.',
  label_too_long: 'A part of the domain (between dots) is longer than 63 characters.',
  invalid_local_part:
    'The part before the @ has a character or dot that is not allowed (a space, a comma, two dots in a row, a second @…).',
  quoted_local_not_allowed: 'Quoted names before the @ ("a b"@…) are not accepted.',
  domain_literal_not_allowed: 'IP addresses in brackets ([192.0.2.1]) are not accepted as a domain.',
  invalid_domain_literal: 'The bracketed domain is not a valid IPv4 or IPv6 address.',
  display_name_not_allowed:
    'Only the address itself is accepted, without a name (not "Alice <a@example.com>").',
  comment_not_allowed: 'Comments in brackets, such as a(work)@example.com, are not accepted.',
  invalid_domain:
    'The domain has a character or hyphen that is not allowed (an underscore, a space, a leading hyphen, an empty part…).',
  invalid_idn:
    'The international domain name is not valid (symbols, emoji or letters that cannot be mixed are not allowed).',
  single_label_domain: 'The domain has no dot (like "localhost"): it needs at least two parts.',
  numeric_tld: 'The domain ends in digits only (such as an IP address), which is not a real domain.',
  special_use_domain:
    'The domain is reserved and never receives mail (.test, .invalid, .localhost, .local, .onion, .arpa).',
  trailing_dot: 'The domain ends with a dot.',
  forbidden_character: 'It contains a control or invisible character (a tab, a zero-width space…).',
} as const satisfies Record<string, string>;
export type SyntaxReason = keyof typeof SYNTAX_REASON_TEXT;
export const SYNTAX_REASON_CODES = Object.keys(SYNTAX_REASON_TEXT) as SyntaxReason[];

export interface FlagInfo {
  label: string;
  title: string;
  tone: 'slate' | 'amber' | 'rose' | 'emerald' | 'indigo';
}

/** The flags, in the order they are shown. */
export const FLAG_INFO: Record<CheckFlag, FlagInfo> = {
  has_mx: { label: 'MX', title: 'The domain publishes MX records', tone: 'emerald' },
  implicit_mx: {
    label: 'Implicit MX',
    title: 'No MX record: the domain’s own address receives mail (RFC 5321 §5.1)',
    tone: 'indigo',
  },
  null_mx: { label: 'Null MX', title: 'The domain declares it accepts no mail (RFC 7505)', tone: 'rose' },
  free_provider: {
    label: 'Free provider',
    title: 'A free webmail provider (Gmail, Outlook…)',
    tone: 'slate',
  },
  role_account: { label: 'Role account', title: 'A shared address such as info@ or sales@', tone: 'amber' },
  disposable: { label: 'Disposable', title: 'A throwaway-inbox domain', tone: 'rose' },
  catch_all: { label: 'Catch-all', title: 'The domain accepts every address', tone: 'amber' },
  smtputf8: {
    label: 'SMTPUTF8',
    title: 'Non-ASCII before the @: delivery needs the SMTPUTF8 extension',
    tone: 'indigo',
  },
};
export const FLAG_ORDER = Object.keys(FLAG_INFO) as CheckFlag[];

/** The DNS outcomes (`checks.dns.outcome`). */
export const DNS_OUTCOME_TEXT: Record<string, string> = {
  mx: 'MX records found',
  implicit_mx: 'No MX record; the domain’s own address (A/AAAA) is the mail host',
  null_mx: 'Null MX: the domain accepts no mail',
  no_mail_host: 'No MX and no address record',
  nxdomain: 'The domain does not exist (NXDOMAIN)',
  servfail: 'The DNS server failed (SERVFAIL)',
  timeout: 'The DNS lookup timed out',
};

/** The SMTP probe outcomes (`checks.smtp.status`). */
export const SMTP_STATUS_TEXT: Record<string, string> = {
  accepted: 'Mailbox accepted',
  mailbox_not_found: 'Mailbox does not exist',
  mailbox_full: 'Mailbox full',
  greylisted: 'Greylisted (try later)',
  blocked: 'Refused by anti-spam policy',
  smtputf8_unsupported: 'SMTPUTF8 not supported',
  catch_all: 'Accepts any address (catch-all)',
  unknown: 'No usable answer',
};

export const DEPTH_INFO: Record<CheckDepth, { label: string; text: string }> = {
  standard: {
    label: 'Standard',
    text: 'Syntax, DNS and known lists. Fast; never contacts the mail server.',
  },
  enhanced: {
    label: 'Enhanced',
    text: 'Also asks the mail server whether the mailbox exists (SMTP). Slower, a few seconds.',
  },
};

export function isKnownReason(reason: string): reason is CheckReason {
  return Object.hasOwn(REASON_INFO, reason);
}

export function isKnownSyntaxReason(reason: string): reason is SyntaxReason {
  return Object.hasOwn(SYNTAX_REASON_TEXT, reason);
}

/** The primary reason in words; for invalid syntax, the syntax reason is the detail. */
export function explainReason(result: Pick<ValidationResult, 'reason' | 'checks'>): ReasonInfo {
  const base: ReasonInfo = isKnownReason(result.reason)
    ? REASON_INFO[result.reason]
    : { title: humanize(result.reason), text: 'The check returned a reason this page does not know yet.' };
  const syntaxReason = result.checks.syntax.reason;
  if (result.reason === 'invalid_syntax' && syntaxReason)
    return {
      title: base.title,
      text: isKnownSyntaxReason(syntaxReason) ? SYNTAX_REASON_TEXT[syntaxReason] : humanize(syntaxReason),
    };
  return base;
}

/** The flags that are set, in display order. */
export function activeFlags(flags: ValidationResult['flags']): CheckFlag[] {
  return FLAG_ORDER.filter((flag) => flags[flag]);
}

export function dnsOutcomeText(outcome: string): string {
  return DNS_OUTCOME_TEXT[outcome] ?? humanize(outcome);
}

export function smtpStatusText(status: string): string {
  return SMTP_STATUS_TEXT[status] ?? humanize(status);
}

/** 0.4 → "0.4 ms", 12.3 → "12 ms", 1530 → "1.5 s". */
export function formatMs(ms: number): string {
  if (ms < 10) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${Math.round(ms / 100) / 10} s`;
}

/** 60 000 → "1 minute", 300 000 → "5 minutes", 45 000 → "45 seconds". */
export function formatDelay(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

/** "mail_host_found" → "Mail host found". */
export function humanize(code: string): string {
  const words = code.replace(/_/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Unknown';
}

/** Addresses to try when nothing has been checked yet. */
export const EXAMPLE_ADDRESSES = ['ann@gmial.com', 'info@example.com', 'not-an-address'] as const;
