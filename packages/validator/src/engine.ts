// The verification engine: syntax, then DNS (cached per domain), lists and typo suggestions, then —
// at depth `enhanced` — the SMTP probe over the MX hosts in order. Returns the stages' evidence;
// decide() in verdict.ts turns it into a verdict.
import { createDnsStage, type DnsStage, type DnsStageOptions } from './dns/index.ts';
import { isDisposableDomain, isFreeProvider, isRoleAccount, suggestDomain } from './lists/index.ts';
import { createSmtpProber, type SmtpProber, type SmtpProberOptions } from './smtp/index.ts';
import { parseAddress } from './syntax/index.ts';
import type { Depth, EngineResult, ParseOptions } from './types.ts';

export interface VerificationEngineOptions {
  dns?: DnsStageOptions;
  /** Without it, depth `enhanced` behaves like `standard` (no SMTP probe). */
  smtp?: SmtpProberOptions;
  parse?: ParseOptions;
}

export interface VerificationEngine {
  validate(input: string, options?: { depth?: Depth }): Promise<EngineResult>;
  readonly dns: DnsStage;
  readonly smtp: SmtpProber | null;
  close(): Promise<void>;
}

export function createVerificationEngine(options: VerificationEngineOptions = {}): VerificationEngine {
  const dns = createDnsStage(options.dns ?? {});
  // MX host names resolve through the same DNS stage (DNS_SERVERS, cache), not the system resolver.
  const smtp = options.smtp
    ? createSmtpProber({ resolveHost: (host) => dns.addresses(host), ...options.smtp })
    : null;
  return {
    dns,
    smtp,
    async validate(input, { depth = 'standard' } = {}) {
      const syntax = parseAddress(input, options.parse);
      if (!syntax.valid) {
        return {
          depth,
          syntax,
          dns: null,
          smtp: null,
          lists: { disposable: false, freeProvider: false, roleAccount: false, suggestion: null },
          suggestedDomain: null,
        };
      }
      const typo = suggestDomain(syntax.ascii);
      const lists = {
        disposable: isDisposableDomain(syntax.domain),
        freeProvider: isFreeProvider(syntax.domain),
        roleAccount: isRoleAccount(syntax.local),
        suggestion: typo?.suggestion ?? null,
      };
      const dnsResult = syntax.domain.startsWith('[') ? null : await dns.lookup(syntax.domain);
      const outcome = dnsResult?.outcome;
      const hosts =
        outcome && (outcome.status === 'mx' || outcome.status === 'implicit_mx') ? outcome.hosts : null;
      const smtpResult =
        depth === 'enhanced' && smtp && hosts && !lists.disposable
          ? await smtp.probe({ local: syntax.local, ascii: syntax.ascii, smtputf8: syntax.smtputf8 }, hosts)
          : null;
      return {
        depth,
        syntax,
        dns: dnsResult,
        smtp: smtpResult,
        lists,
        suggestedDomain: typo?.domain ?? null,
      };
    },
    async close() {
      await smtp?.close();
    },
  };
}
