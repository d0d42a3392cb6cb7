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
  /** No MX and no A/AAAA; or MX records whose every host has no address (`danglingMx`: those hosts). */
  | { status: 'no_mail_host'; ttlSeconds: number; danglingMx?: string[] }
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

/**
 * Why no MX host answered the RCPT: `timeout` (no TCP connection or no reply in time: often outbound
 * port 25 filtered), `connect` (refused, unreachable, no address), `tls` (TLS required by policy
 * and it failed: no STARTTLS or a certificate that does not verify), `session` (the server deferred
 * or dropped the session: 421 greeting, closed connection, protocol error).
 */
export type SmtpFailureKind = 'timeout' | 'connect' | 'tls' | 'session';

export interface SmtpEvidence {
  /** With status `unknown`: what kind of failure it was; otherwise null. */
  failure: SmtpFailureKind | null;
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
  /** false while the resolver health canaries fail (decide() then distrusts negative DNS answers). */
  resolverHealthy?: boolean;
  /** MTA-STS of the domain, looked up before an SMTP probe; null when there was no probe. */
  mtaSts?: MtaStsEvidence | null;
}

export interface MtaStsEvidence {
  status: 'none' | 'policy' | 'unavailable';
  id: string | null;
  mode: 'enforce' | 'testing' | 'none' | null;
  /** `enforce`: only matching MX hosts, over TLS with a verified certificate. */
  enforced: boolean;
  /** Why no policy could be used (with `unavailable`). */
  detail: string | null;
}
