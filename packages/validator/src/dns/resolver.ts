// The DNS stage: where does mail for a domain go?
//
//   MX records        → 'mx', hosts by preference (ties keep the resolver's order: the SMTP stage may
//                       shuffle equals, RFC 5321 §5.1), provided at least one MX host has an address
//   MX records whose every host is NXDOMAIN/NODATA for A and AAAA (a dangling MX)
//                     → 'no_mail_host' (with `danglingMx`); when some host lookups failed instead and
//                       none found an address → 'servfail'/'timeout' (a failure is never a "no")
//   MX "0 ." only     → 'null_mx' (RFC 7505: the domain accepts no mail)
//   no MX, A/AAAA     → 'implicit_mx', the domain itself at preference 0 (RFC 5321 §5.1)
//   no MX, no address → 'no_mail_host'
//   NXDOMAIN          → 'nxdomain'
//   SERVFAIL          → 'servfail' (unknown: try again later)
//   no usable answer  → 'timeout'  (unknown: timeouts, network errors, REFUSED)
//
// Answers are cached per domain. Positive answers live for the smallest TTL of the records they came
// from (CNAMEs included), clamped to [minTtlSeconds, maxTtlSeconds]. Negative answers (nxdomain,
// no_mail_host, null_mx) live for the TTL the zone gives them (RFC 2308: min(SOA TTL, SOA MINIMUM);
// the null MX record's own TTL), capped at negativeTtlSeconds, or negativeTtlSeconds when the reply
// carries no SOA. servfail and timeout are never cached. Concurrent lookups of one domain share one
// set of queries.
//
// This file holds the stage's options and its domain cache; mx.ts works out the outcome, hosts.ts
// the addresses of host names, txt.ts TXT lookups, answers.ts the reading of replies and TTLs.
import type { DnsOutcome, DnsResult } from '../types.ts';
import { normaliseName, ttlClamp } from './answers.ts';
import { TtlCache } from './cache.ts';
import { createDnsClient } from './client.ts';
import { createHostLookups, type HostAddress } from './hosts.ts';
import { resolveMailHosts } from './mx.ts';
import { queryTxt, type TxtResult } from './txt.ts';

export type { HostAddress } from './hosts.ts';
export type { TxtResult } from './txt.ts';

export interface DnsCacheOptions {
  /** Domains kept; the least recently used goes first. 0 disables the cache. Default 10 000. */
  maxEntries?: number;
  /** Floor for positive answers (seconds). Default 30. */
  minTtlSeconds?: number;
  /** Ceiling for positive answers (seconds). Default 3600. */
  maxTtlSeconds?: number;
  /** Ceiling for negative answers, and their TTL when the reply gives none (seconds). Default 300. */
  negativeTtlSeconds?: number;
}

export interface DnsStageOptions {
  /** Recursive resolvers, 'ip', 'ip:port' or '[ipv6]:port', asked in order. Default: the system's. */
  servers?: string[];
  /** Per query attempt, in milliseconds. Default 3000. */
  timeoutMs?: number;
  /** Rounds through the resolvers before giving up. Default 2. */
  tries?: number;
  cache?: DnsCacheOptions;
  /** Clock for cache expiry (ms since the epoch). Default Date.now. `ms` in results is always measured. */
  now?: () => number;
}

export interface DnsStats {
  /** Lookups answered from the cache. */
  hits: number;
  /** Lookups that started queries. */
  misses: number;
  /** Lookups that joined another lookup's queries for the same domain. */
  coalesced: number;
  /** Domains being resolved right now. */
  inflight: number;
  /** Domains in the cache (expired entries included until touched). */
  size: number;
}

export interface DnsStage {
  /** `domain` is an A-label (the syntax stage's ascii domain); case and a trailing dot are ignored. */
  lookup(domain: string): Promise<DnsResult>;
  /**
   * A and AAAA addresses of a host name (an MX exchange), IPv4 first, through the same resolvers, cache
   * and coalescing as `lookup`. Empty when the name has no address or the resolvers failed.
   */
  addresses(host: string): Promise<HostAddress[]>;
  /** A fresh MX lookup of `domain` that neither reads nor fills the domain cache (resolver health canaries). */
  lookupFresh(domain: string): Promise<DnsOutcome>;
  /**
   * TXT records of `name` (each record's character-strings joined, RFC 7208 §3.3 / RFC 8461 §3.1), not
   * cached here. `nxdomain`/`nodata` are answers; `failure` is a SERVFAIL or timeout.
   */
  txt(name: string): Promise<TxtResult>;
  /** Empties the cache; lookups in flight finish but do not refill it. */
  clear(): void;
  stats(): DnsStats;
}

function copy(outcome: DnsOutcome): DnsOutcome {
  return 'hosts' in outcome ? { ...outcome, hosts: outcome.hosts.map((h) => ({ ...h })) } : { ...outcome };
}

/** The options with their defaults, checked. */
function settings(options: DnsStageOptions) {
  const timeoutMs = options.timeoutMs ?? 3000;
  const tries = options.tries ?? 2;
  if (!(timeoutMs > 0)) throw new RangeError('DNS: timeoutMs must be positive');
  if (!Number.isInteger(tries) || tries < 1) throw new RangeError('DNS: tries must be an integer ≥ 1');
  const maxEntries = options.cache?.maxEntries ?? 10_000;
  const minTtl = options.cache?.minTtlSeconds ?? 30;
  const maxTtl = options.cache?.maxTtlSeconds ?? 3600;
  const negTtl = options.cache?.negativeTtlSeconds ?? 300;
  if (minTtl < 0 || maxTtl < minTtl || negTtl < 0) {
    throw new RangeError('DNS: need 0 ≤ minTtlSeconds ≤ maxTtlSeconds and negativeTtlSeconds ≥ 0');
  }
  return {
    timeoutMs,
    tries,
    maxEntries,
    clamp: ttlClamp(minTtl, maxTtl, negTtl),
    now: options.now ?? Date.now,
  };
}

function domainOf(input: string): string {
  const domain = normaliseName(input);
  if (domain === '') throw new TypeError('DNS: empty domain');
  return domain;
}

export function createDnsStage(options: DnsStageOptions = {}): DnsStage {
  const { timeoutMs, tries, maxEntries, clamp, now } = settings(options);
  const client = createDnsClient({ servers: options.servers, timeoutMs, tries });
  const hosts = createHostLookups(client, clamp, maxEntries, now);
  const mxDeps = { client, clamp, presence: hosts.presence };
  const cache = new TtlCache<DnsOutcome>(maxEntries, now);
  const inflight = new Map<string, Promise<DnsOutcome>>();
  const counters = { hits: 0, misses: 0, coalesced: 0 };
  let generation = 0;

  function start(domain: string): Promise<DnsOutcome> {
    const startedIn = generation;
    const promise = resolveMailHosts(mxDeps, domain)
      .then((outcome) => {
        if (startedIn === generation && 'ttlSeconds' in outcome)
          cache.set(domain, outcome, outcome.ttlSeconds);
        return outcome;
      })
      .finally(() => inflight.delete(domain));
    inflight.set(domain, promise);
    return promise;
  }

  async function lookup(input: string): Promise<DnsResult> {
    const t0 = performance.now();
    const domain = domainOf(input);
    const hit = cache.get(domain);
    if (hit) {
      counters.hits++;
      return { domain, outcome: copy(hit), cached: true, ms: performance.now() - t0 };
    }
    let pending = inflight.get(domain);
    if (pending) counters.coalesced++;
    else {
      counters.misses++;
      pending = start(domain);
    }
    const outcome = await pending;
    return { domain, outcome: copy(outcome), cached: false, ms: performance.now() - t0 };
  }

  return {
    lookup,
    addresses: hosts.addresses,
    txt: (input: string) => queryTxt(client, clamp, input),
    lookupFresh: (input: string) => resolveMailHosts(mxDeps, domainOf(input)),
    clear() {
      generation++;
      cache.clear();
      hosts.clear();
    },
    stats: () => ({ ...counters, inflight: inflight.size, size: cache.size }),
  };
}
