// The verification engine: syntax, then DNS (cached per domain), lists and typo suggestions, then —
// at depth `enhanced` — MTA-STS (RFC 8461) and the SMTP probe over the MX hosts in order. Returns the
// stages' evidence; decide() in verdict.ts turns it into a verdict. With resolver health canaries,
// each result says whether the resolver was trusted (a lying resolver's NXDOMAIN is no verdict).
import { createDnsStage, type DnsStage, type DnsStageOptions } from './dns/index.ts';
import { createResolverHealth, type ResolverHealth, type ResolverHealthOptions } from './health.ts';
import { isDisposableDomain, isFreeProvider, isRoleAccount, suggestDomain } from './lists/index.ts';
import { allowedHosts, createMtaSts, type MtaSts, type MtaStsOptions } from './mta-sts/index.ts';
import {
  createSmtpProber,
  type ProbeAddress,
  type ProbeTlsPolicy,
  type SmtpProber,
  type SmtpProberOptions,
} from './smtp/index.ts';
import { parseAddress } from './syntax/index.ts';
import type {
  Depth,
  DnsOutcome,
  DnsResult,
  EngineResult,
  MtaStsEvidence,
  MxHost,
  ParseOptions,
  ParseResult,
  SmtpResult,
} from './types.ts';

export interface VerificationEngineOptions {
  dns?: DnsStageOptions;
  /** Without it, depth `enhanced` behaves like `standard` (no SMTP probe). */
  smtp?: SmtpProberOptions;
  parse?: ParseOptions;
  /**
   * MTA-STS before each SMTP probe (on by default when `smtp` is set; `false` turns it off). The DNS
   * stage is passed in; `lookup` is where the platform plugs its SSRF-checked lookup.
   */
  mtaSts?: Omit<MtaStsOptions, 'dns'> | false;
  /**
   * Canary domains checked at start and periodically; while they fail, results carry
   * `resolverHealthy: false`. Off unless given (the platform passes DNS_CANARY_DOMAINS).
   */
  resolverHealth?: Omit<ResolverHealthOptions, 'dns'>;
}

export interface VerificationEngine {
  /**
   * One address through every stage. `batch`: at depth `enhanced`, the SMTP probe shares a session
   * with other addresses for the same MX host (createVerifier's verifyMany sets it).
   */
  validate(input: string, options?: { depth?: Depth; batch?: boolean }): Promise<EngineResult>;
  readonly dns: DnsStage;
  readonly smtp: SmtpProber | null;
  readonly mtaSts: MtaSts | null;
  /** null without canaries. Started with the engine. */
  readonly resolverHealth: ResolverHealth | null;
  close(): Promise<void>;
}

const noMatchingMx = (id: string): SmtpResult => ({
  status: 'unknown',
  retryAfterMs: null,
  catchAll: null,
  evidence: {
    failure: 'tls',
    mxHost: null,
    replyCode: null,
    enhancedCode: null,
    message: `no MX host matches the MTA-STS policy (id ${id}, mode enforce)`,
    startTls: false,
    ms: 0,
  },
});

/** What the DNS stage found for a valid address, as the SMTP stage needs it. */
interface SmtpTarget {
  address: ProbeAddress;
  dnsResult: DnsResult;
  hosts: MxHost[];
}

/** MTA-STS, then the SMTP probe (alone, or batched with other addresses for the same MX host). */
async function smtpStage(
  smtp: SmtpProber,
  mtaSts: MtaSts | null,
  target: SmtpTarget,
  batch: boolean,
): Promise<{ smtp: SmtpResult; mtaSts: MtaStsEvidence | null }> {
  let probeHosts = target.hosts;
  let policy: ProbeTlsPolicy | undefined;
  let sts: MtaStsEvidence | null = null;
  if (mtaSts) {
    const found = await mtaSts.lookup(target.dnsResult.domain);
    if (found.status === 'policy') {
      const enforced = found.policy.mode === 'enforce';
      sts = { status: 'policy', id: found.id, mode: found.policy.mode, enforced, detail: null };
      if (enforced) {
        probeHosts = allowedHosts(target.hosts, found.policy);
        policy = { requireVerifiedTls: true };
      }
    } else {
      sts = {
        status: found.status,
        id: found.status === 'unavailable' ? found.id : null,
        mode: null,
        enforced: false,
        detail: found.status === 'unavailable' ? found.detail : null,
      };
    }
  }
  if (probeHosts.length === 0) return { smtp: noMatchingMx(sts?.id ?? ''), mtaSts: sts };
  const probe = batch ? smtp.probeBatched : smtp.probe;
  return { smtp: await probe(target.address, probeHosts, policy), mtaSts: sts };
}

const invalid = (depth: Depth, syntax: ParseResult): EngineResult => ({
  depth,
  syntax,
  dns: null,
  smtp: null,
  lists: { disposable: false, freeProvider: false, roleAccount: false, suggestion: null },
  suggestedDomain: null,
  resolverHealthy: true,
  mtaSts: null,
});

export function createVerificationEngine(options: VerificationEngineOptions = {}): VerificationEngine {
  const dns = createDnsStage(options.dns ?? {});
  // MX host names resolve through the same DNS stage (DNS_SERVERS, cache), not the system resolver.
  const smtp = options.smtp
    ? createSmtpProber({ resolveHost: (host) => dns.addresses(host), ...options.smtp })
    : null;
  const mtaSts = smtp && options.mtaSts !== false ? createMtaSts({ ...(options.mtaSts || {}), dns }) : null;
  const resolverHealth = options.resolverHealth
    ? createResolverHealth({ ...options.resolverHealth, dns })
    : null;
  resolverHealth?.start();

  /** A negative answer from a resolver not checked lately: check the canaries first (coalesced). */
  const recheckResolver = async (outcome: DnsOutcome | undefined) => {
    const negative = outcome?.status === 'nxdomain' || outcome?.status === 'no_mail_host';
    if (!resolverHealth || !negative) return;
    const { checkedAt } = resolverHealth.status();
    const recheckMs = options.resolverHealth?.negativeRecheckMs ?? 10_000;
    if (checkedAt === null || Date.now() - checkedAt >= recheckMs) await resolverHealth.check();
  };

  return {
    dns,
    smtp,
    mtaSts,
    resolverHealth,
    async validate(input, { depth = 'standard', batch = false } = {}) {
      const syntax = parseAddress(input, options.parse);
      if (!syntax.valid) return invalid(depth, syntax);
      // Until the first canary check has answered, no answer can be judged.
      if (resolverHealth && resolverHealth.status().healthy === null) await resolverHealth.ready();
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
      await recheckResolver(outcome);
      const resolverHealthy = resolverHealth?.status().healthy !== false;
      let stage: { smtp: SmtpResult | null; mtaSts: MtaStsEvidence | null } = { smtp: null, mtaSts: null };
      if (depth === 'enhanced' && smtp && hosts && !lists.disposable && dnsResult) {
        const address = { local: syntax.local, ascii: syntax.ascii, smtputf8: syntax.smtputf8 };
        stage = await smtpStage(smtp, mtaSts, { address, dnsResult, hosts }, batch);
      }
      return {
        depth,
        syntax,
        dns: dnsResult,
        smtp: stage.smtp,
        lists,
        suggestedDomain: typo?.domain ?? null,
        resolverHealthy,
        mtaSts: stage.mtaSts,
      };
    },
    async close() {
      resolverHealth?.stop();
      await smtp?.close();
    },
  };
}
