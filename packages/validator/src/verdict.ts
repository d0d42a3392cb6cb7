// One verdict from the stages' evidence: a status, one primary reason, flags, a suggestion and the
// action a caller should take. Pure: the table in docs/validation.md is this function in words.
import type { DnsResult, ParseResult, SmtpResult, SyntaxReason } from './types.ts';

export const STATUSES = [
  'deliverable',
  'undeliverable',
  'catch_all',
  'risky',
  'do_not_mail',
  'unknown',
] as const;
export type Status = (typeof STATUSES)[number];
export const ACTIONS = ['accept', 'accept_with_caution', 'reject', 'retry_later'] as const;
export type Action = (typeof ACTIONS)[number];

export const REASONS = [
  'mailbox_exists',
  'mail_host_found',
  'invalid_syntax',
  'domain_not_found',
  'null_mx',
  'no_mail_host',
  'mailbox_not_found',
  'mailbox_full',
  'catch_all',
  'disposable_domain',
  'role_account',
  'possible_typo',
  'greylisted',
  'blocked_by_server',
  'smtputf8_unsupported',
  'dns_error',
  /** No MX host answered: connections or replies timed out (outbound port 25 is often filtered). */
  'smtp_timeout',
  /** No MX host answered: connections were refused or unreachable (or no host had an address). */
  'smtp_connect_failed',
  /** No MX host answered: the servers deferred or dropped the session, or required TLS failed. */
  'smtp_unavailable',
] as const;
export type Reason = (typeof REASONS)[number];

export interface Flags {
  free_provider: boolean;
  role_account: boolean;
  disposable: boolean;
  catch_all: boolean;
  has_mx: boolean;
  implicit_mx: boolean;
  null_mx: boolean;
  smtputf8: boolean;
}

export interface Verdict {
  status: Status;
  reason: Reason;
  action: Action;
  flags: Flags;
  suggestion: string | null;
  retryAfterMs: number | null;
  syntaxReason: SyntaxReason | null;
}

export interface Evidence {
  syntax: ParseResult;
  dns: DnsResult | null;
  smtp: SmtpResult | null;
  lists: { disposable: boolean; freeProvider: boolean; roleAccount: boolean; suggestion: string | null };
  /**
   * false while the resolver health canaries fail (a resolver that answers NXDOMAIN for everything):
   * a verdict resting on a negative DNS answer (NXDOMAIN, no mail host) becomes unknown/dns_error.
   * Absent or true: the answers are trusted.
   */
  resolverHealthy?: boolean;
}

const emptyFlags = (): Flags => ({
  free_provider: false,
  role_account: false,
  disposable: false,
  catch_all: false,
  has_mx: false,
  implicit_mx: false,
  null_mx: false,
  smtputf8: false,
});

export function decide(evidence: Evidence): Verdict {
  const flags = emptyFlags();
  const { syntax, dns, smtp, lists } = evidence;
  const verdict = (
    status: Status,
    reason: Reason,
    action: Action,
    retryAfterMs: number | null = null,
  ): Verdict => ({
    status,
    reason,
    action,
    flags,
    suggestion: lists.suggestion,
    retryAfterMs,
    syntaxReason: syntax.valid ? null : syntax.reason,
  });
  if (!syntax.valid) return verdict('undeliverable', 'invalid_syntax', 'reject');

  flags.smtputf8 = syntax.smtputf8;
  flags.free_provider = lists.freeProvider;
  flags.role_account = lists.roleAccount;
  flags.disposable = lists.disposable;
  const outcome = dns?.outcome;
  flags.has_mx = outcome?.status === 'mx';
  flags.implicit_mx = outcome?.status === 'implicit_mx';
  flags.null_mx = outcome?.status === 'null_mx';

  if (outcome) {
    const negative = outcome.status === 'nxdomain' || outcome.status === 'no_mail_host';
    if (negative && evidence.resolverHealthy === false)
      return verdict('unknown', 'dns_error', 'retry_later', 60_000);
    if (outcome.status === 'nxdomain') return verdict('undeliverable', 'domain_not_found', 'reject');
    if (outcome.status === 'null_mx') return verdict('undeliverable', 'null_mx', 'reject');
    if (outcome.status === 'no_mail_host') return verdict('undeliverable', 'no_mail_host', 'reject');
    if (outcome.status === 'servfail' || outcome.status === 'timeout')
      return verdict('unknown', 'dns_error', 'retry_later', 60_000);
  }
  if (lists.disposable) return verdict('do_not_mail', 'disposable_domain', 'reject');

  if (smtp) {
    flags.catch_all = smtp.catchAll === true || smtp.status === 'catch_all';
    switch (smtp.status) {
      case 'mailbox_not_found':
        return verdict('undeliverable', 'mailbox_not_found', 'reject');
      case 'smtputf8_unsupported':
        return verdict('undeliverable', 'smtputf8_unsupported', 'reject');
      case 'mailbox_full':
        return verdict('risky', 'mailbox_full', 'accept_with_caution');
      case 'greylisted':
        return verdict('unknown', 'greylisted', 'retry_later', smtp.retryAfterMs ?? 300_000);
      case 'blocked':
        return verdict('unknown', 'blocked_by_server', 'accept_with_caution');
      case 'unknown':
        return verdict(
          'unknown',
          smtp.evidence.failure === 'timeout'
            ? 'smtp_timeout'
            : smtp.evidence.failure === 'connect'
              ? 'smtp_connect_failed'
              : 'smtp_unavailable',
          'retry_later',
          600_000,
        );
      case 'catch_all':
        return verdict('catch_all', 'catch_all', 'accept_with_caution');
      case 'accepted':
        break;
    }
  }
  if (lists.suggestion) return verdict('risky', 'possible_typo', 'accept_with_caution');
  if (lists.roleAccount) return verdict('risky', 'role_account', 'accept_with_caution');
  return smtp
    ? verdict('deliverable', 'mailbox_exists', 'accept')
    : verdict('deliverable', 'mail_host_found', 'accept');
}
