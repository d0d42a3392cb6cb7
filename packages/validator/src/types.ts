// Shared result shapes of the verification engine. Each stage (syntax, DNS, SMTP, lists) returns its
// own evidence; verdict.ts turns them into one status, reason and action.

export type ParseResult =
  | { valid: true; local: string; domain: string; ascii: string; unicode: string; smtputf8: boolean }
  | { valid: false; reason: SyntaxReason };

/** Why an address is not syntactically valid (documented in docs/validation.md). */
export type SyntaxReason =
  | 'empty'
  | 'no_at_sign'
  | 'local_empty'
  | 'local_too_long'
  | 'address_too_long'
  | 'domain_empty'
  | 'domain_too_long'
  | 'label_too_long'
  | 'invalid_local_part'
  | 'quoted_local_not_allowed'
  | 'domain_literal_not_allowed'
  | 'invalid_domain_literal'
  | 'display_name_not_allowed'
  | 'comment_not_allowed'
  | 'invalid_domain'
  | 'invalid_idn'
  | 'single_label_domain'
  | 'numeric_tld'
  | 'special_use_domain'
  | 'trailing_dot'
  | 'forbidden_character';

export interface ParseOptions {
  allowQuotedLocal?: boolean;
  allowDomainLiteral?: boolean;
  allowSpecialUse?: boolean;
}

/** DNS stage outcome for one domain. */
export interface MxHost {
  exchange: string;
  priority: number;
}

export type DnsOutcome =
  | { status: 'mx'; hosts: MxHost[]; ttlSeconds: number }
  /** No MX, but A/AAAA: the domain itself is the mail host (RFC 5321 §5.1). */
  | { status: 'implicit_mx'; hosts: MxHost[]; ttlSeconds: number }
  /** RFC 7505: "MX 0 ." — the domain accepts no mail. */
  | { status: 'null_mx'; ttlSeconds: number }
  | { status: 'no_mail_host'; ttlSeconds: number }
  | { status: 'nxdomain'; ttlSeconds: number }
  | { status: 'servfail' }
  | { status: 'timeout' };

export interface DnsResult {
  domain: string;
  outcome: DnsOutcome;
  cached: boolean;
  ms: number;
}

/** SMTP probe outcome for one address. */
export type SmtpStatus =
  | 'accepted'
  | 'mailbox_not_found'
  | 'mailbox_full'
  | 'greylisted'
  | 'blocked'
  | 'smtputf8_unsupported'
  | 'catch_all'
  | 'unknown';

export interface SmtpEvidence {
  mxHost: string | null;
  replyCode: number | null;
  enhancedCode: string | null;
  message: string | null;
  startTls: boolean;
  ms: number;
}

export interface SmtpResult {
  status: SmtpStatus;
  /** For greylisting: when to try again. */
  retryAfterMs: number | null;
  catchAll: boolean | null;
  evidence: SmtpEvidence;
}

export type Depth = 'standard' | 'enhanced';

/** Everything one check found, before it is shaped for clients. */
export interface EngineResult {
  depth: Depth;
  syntax: ParseResult;
  dns: DnsResult | null;
  smtp: SmtpResult | null;
  lists: { disposable: boolean; freeProvider: boolean; roleAccount: boolean; suggestion: string | null };
  /** Domain of the typo suggestion (the local part is the caller's own). */
  suggestedDomain: string | null;
}
