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
import net from 'node:net';
import type { DnsOutcome, DnsResult, MxHost } from '../types.ts';
import { TtlCache } from './cache.ts';
import { createDnsClient, type QueryResult } from './client.ts';
import { type DnsMessage, type DnsRecord, RCODE, type RecordType, TYPE } from './wire.ts';

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

export interface HostAddress {
  address: string;
  family: 4 | 6;
}

export type TxtResult =
  | { kind: 'records'; records: string[]; ttlSeconds: number }
  | { kind: 'nxdomain' | 'nodata' }
  | { kind: 'failure'; detail: 'servfail' | 'timeout' };

/** Most MX hosts whose addresses are looked up to tell a dangling MX. */
const MAX_MX_ADDRESS_CHECKS = 8;

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

const HOST_LABEL = /^[a-z0-9_-]+$/;

interface HostInfo {
  addresses: HostAddress[];
  failed: 'servfail' | 'timeout' | null;
}
interface HostPresence {
  has: boolean;
  failed: 'servfail' | 'timeout' | null;
}
const MAX_CNAME_HOPS = 16;

/** Records of `type` for `name`, following a CNAME chain inside the answer section. */
function follow(
  message: DnsMessage,
  name: string,
  type: RecordType,
): { records: DnsRecord[]; ttl: number } | null {
  let owner = name;
  let ttl = Number.POSITIVE_INFINITY;
  for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
    const records = message.answers.filter((r) => r.name === owner && r.type === type && r.class === 1);
    if (records.length > 0) return { records, ttl };
    const cname = message.answers.find((r) => r.name === owner && r.type === TYPE.CNAME);
    if (!cname || cname.type !== TYPE.CNAME) return { records: [], ttl };
    ttl = Math.min(ttl, cname.ttl);
    owner = cname.target;
  }
  return null; // a CNAME loop or an absurd chain: no usable answer
}

/** RFC 2308 §5: a negative answer lives for min(SOA TTL, SOA MINIMUM); undefined without an SOA. */
function negativeTtl(message: DnsMessage): number | undefined {
  let ttl: number | undefined;
  for (const r of message.authorities) {
    if (r.type === TYPE.SOA) ttl = Math.min(ttl ?? Number.POSITIVE_INFINITY, r.ttl, r.minimum);
  }
  return ttl;
}

function copy(outcome: DnsOutcome): DnsOutcome {
  return 'hosts' in outcome ? { ...outcome, hosts: outcome.hosts.map((h) => ({ ...h })) } : { ...outcome };
}

export function createDnsStage(options: DnsStageOptions = {}): DnsStage {
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
  const now = options.now ?? Date.now;
  const client = createDnsClient({ servers: options.servers, timeoutMs, tries });
  const cache = new TtlCache<DnsOutcome>(maxEntries, now);
  const inflight = new Map<string, Promise<DnsOutcome>>();
  const counters = { hits: 0, misses: 0, coalesced: 0 };
  let generation = 0;

  const positive = (ttl: number) => Math.min(maxTtl, Math.max(minTtl, Number.isFinite(ttl) ? ttl : minTtl));
  const negative = (ttl: number | undefined) =>
    ttl === undefined ? negTtl : Math.min(negTtl, Math.max(Math.min(minTtl, negTtl), ttl));

  const failure = (r: Exclude<QueryResult, { kind: 'answer' }>): DnsOutcome =>
    r.kind === 'servfail' ? { status: 'servfail' } : { status: 'timeout' };

  async function resolve(domain: string): Promise<DnsOutcome> {
    const mx = await client.query(domain, TYPE.MX);
    if (mx.kind !== 'answer') return failure(mx);
    if (mx.message.rcode === RCODE.NXDOMAIN)
      return { status: 'nxdomain', ttlSeconds: negative(negativeTtl(mx.message)) };
    const found = follow(mx.message, domain, TYPE.MX);
    if (!found) return { status: 'servfail' };

    if (found.records.length > 0) {
      const sorted = found.records
        .flatMap((r) => (r.type === TYPE.MX ? [r] : []))
        .sort((a, b) => a.priority - b.priority); // stable: ties keep the resolver's order
      const hosts: MxHost[] = [];
      const seen = new Set<string>();
      let nullMx = false;
      let ttl = found.ttl;
      for (const r of sorted) {
        ttl = Math.min(ttl, r.ttl);
        if (r.exchange === '') {
          nullMx = true; // "MX 0 ." (RFC 7505); a root exchange is never a host, whatever its preference
          continue;
        }
        if (seen.has(r.exchange) || !r.exchange.split('.').every((l) => HOST_LABEL.test(l))) continue;
        seen.add(r.exchange);
        hosts.push({ exchange: r.exchange, priority: r.priority });
      }
      if (hosts.length > 0) {
        // A dangling MX: every host name is NXDOMAIN/NODATA for A and AAAA. Mail cannot be delivered,
        // but only a definitive answer for each host says so; a failed lookup leaves it open.
        // Hosts are asked in preference order and the first with an address settles it, A before AAAA
        // (see hostPresence): one query for a live MX instead of two per host.
        const checked = hosts.slice(0, MAX_MX_ADDRESS_CHECKS);
        let failed: 'servfail' | 'timeout' | null = null;
        for (const h of checked) {
          const presence =
            net.isIP(h.exchange) !== 0 ? { has: true, failed: null } : await hostPresence(h.exchange);
          if (presence.has) return { status: 'mx', hosts, ttlSeconds: positive(ttl) };
          failed ??= presence.failed;
        }
        if (hosts.length > checked.length) return { status: 'mx', hosts, ttlSeconds: positive(ttl) };
        if (failed) return { status: failed };
        return {
          status: 'no_mail_host',
          ttlSeconds: negative(undefined),
          danglingMx: hosts.map((h) => h.exchange),
        };
      }
      // MX records, none usable. With a null MX the domain said so; otherwise its MX names are junk.
      return { status: nullMx ? 'null_mx' : 'no_mail_host', ttlSeconds: negative(ttl) };
    }

    // NODATA for MX: the domain itself is the mail host if it has an address (RFC 5321 §5.1).
    const mxNegative = negativeTtl(mx.message);
    const [a, aaaa] = await Promise.all([client.query(domain, TYPE.A), client.query(domain, TYPE.AAAA)]);
    let addressTtl = Math.min(found.ttl, mxNegative ?? Number.POSITIVE_INFINITY);
    let hasAddress = false;
    for (const r of [a, aaaa]) {
      if (r.kind !== 'answer' || r.message.rcode !== RCODE.NOERROR) continue;
      const addresses = follow(r.message, domain, r === a ? TYPE.A : TYPE.AAAA);
      if (addresses && addresses.records.length > 0) {
        hasAddress = true;
        addressTtl = Math.min(addressTtl, addresses.ttl, ...addresses.records.map((x) => x.ttl));
      }
    }
    if (hasAddress) {
      return {
        status: 'implicit_mx',
        hosts: [{ exchange: domain, priority: 0 }],
        ttlSeconds: positive(addressTtl),
      };
    }
    // Without an address we may only conclude "no mail host" when both address queries answered.
    if (a.kind !== 'answer') return failure(a);
    if (aaaa.kind !== 'answer') return failure(aaaa);
    const ttls = [mxNegative, negativeTtl(a.message), negativeTtl(aaaa.message)].filter(
      (t): t is number => t !== undefined,
    );
    const ttl = negative(ttls.length > 0 ? Math.min(...ttls) : undefined);
    if (a.message.rcode === RCODE.NXDOMAIN && aaaa.message.rcode === RCODE.NXDOMAIN) {
      return { status: 'nxdomain', ttlSeconds: ttl }; // deleted between our queries
    }
    return { status: 'no_mail_host', ttlSeconds: ttl };
  }

  function start(domain: string): Promise<DnsOutcome> {
    const startedIn = generation;
    const promise = resolve(domain)
      .then((outcome) => {
        if (startedIn === generation && 'ttlSeconds' in outcome)
          cache.set(domain, outcome, outcome.ttlSeconds);
        return outcome;
      })
      .finally(() => inflight.delete(domain));
    inflight.set(domain, promise);
    return promise;
  }

  const hostCache = new TtlCache<HostAddress[]>(maxEntries, now);
  const hostInflight = new Map<string, Promise<HostInfo>>();

  async function resolveHost(
    host: string,
  ): Promise<{ addresses: HostAddress[]; ttl: number; failed: 'servfail' | 'timeout' | null }> {
    // The A answer the dangling-MX check already got (see hostPresence) is not asked again.
    const knownA = aAnswers.get(host);
    const [a, aaaa] = await Promise.all([
      knownA ?? client.query(host, TYPE.A),
      client.query(host, TYPE.AAAA),
    ]);
    const out: HostAddress[] = [];
    let ttl = Number.POSITIVE_INFINITY;
    let failed: 'servfail' | 'timeout' | null = null;
    for (const [r, type] of [
      [a, TYPE.A],
      [aaaa, TYPE.AAAA],
    ] as const) {
      if (r.kind !== 'answer') {
        failed = r.kind;
        continue;
      }
      if (r.message.rcode !== RCODE.NOERROR) continue;
      const found = follow(r.message, host, type);
      for (const record of found?.records ?? []) {
        if (record.type === TYPE.A) out.push({ address: record.address, family: 4 });
        else if (record.type === TYPE.AAAA) out.push({ address: record.address, family: 6 });
        ttl = Math.min(ttl, record.ttl, found?.ttl ?? Number.POSITIVE_INFINITY);
      }
    }
    // Failures are not cached at all; an empty answer only briefly.
    return {
      addresses: out,
      ttl: out.length > 0 ? positive(ttl) : failed ? 0 : negative(undefined),
      failed: out.length > 0 ? null : failed,
    };
  }

  /** Addresses of a host, and whether an empty list is a failure (not cached) rather than an answer. */
  function hostInfo(input: string): Promise<HostInfo> {
    const host = input.trim().toLowerCase().replace(/\.$/, '');
    const hit = hostCache.get(host);
    if (hit) return Promise.resolve({ addresses: hit.map((h) => ({ ...h })), failed: null });
    let pending = hostInflight.get(host);
    if (!pending) {
      const startedIn = generation;
      pending = resolveHost(host)
        .then(({ addresses: found, ttl, failed }) => {
          if (startedIn === generation && ttl > 0) hostCache.set(host, found, ttl);
          return { addresses: found, failed };
        })
        .finally(() => hostInflight.delete(host));
      hostInflight.set(host, pending);
    }
    return pending.then((info) => ({
      addresses: info.addresses.map((h) => ({ ...h })),
      failed: info.failed,
    }));
  }

  const addresses = (input: string): Promise<HostAddress[]> => hostInfo(input).then((i) => i.addresses);

  const presenceCache = new TtlCache<boolean>(maxEntries, now);
  /** A answers got by hostPresence, for resolveHost (an SMTP probe of the same host) to reuse. */
  const aAnswers = new TtlCache<Awaited<ReturnType<typeof client.query>>>(maxEntries, now);
  const presenceInflight = new Map<string, Promise<HostPresence>>();

  /**
   * Whether a host name has any address, for the dangling-MX rule: A first, AAAA only when A has none
   * (NXDOMAIN on A settles both). Answers are cached (a known address list counts too); failures not.
   */
  function hostPresence(input: string): Promise<HostPresence> {
    const host = input.trim().toLowerCase().replace(/\.$/, '');
    const full = hostCache.get(host);
    if (full) return Promise.resolve({ has: full.length > 0, failed: null });
    const known = presenceCache.get(host);
    if (known !== undefined) return Promise.resolve({ has: known, failed: null });
    let pending = presenceInflight.get(host);
    if (!pending) {
      const startedIn = generation;
      pending = askPresence(host)
        .then((result) => {
          if (startedIn === generation && result.ttl > 0) presenceCache.set(host, result.has, result.ttl);
          return { has: result.has, failed: result.failed };
        })
        .finally(() => presenceInflight.delete(host));
      presenceInflight.set(host, pending);
    }
    return pending;
  }

  async function askPresence(host: string): Promise<HostPresence & { ttl: number }> {
    let failed: 'servfail' | 'timeout' | null = null;
    for (const type of [TYPE.A, TYPE.AAAA] as const) {
      const r = await client.query(host, type);
      if (r.kind !== 'answer') {
        failed = r.kind;
        continue;
      }
      if (type === TYPE.A) aAnswers.set(host, r, 60);
      if (r.message.rcode === RCODE.NXDOMAIN) break;
      if (r.message.rcode !== RCODE.NOERROR) continue;
      const found = follow(r.message, host, type);
      const records = (found?.records ?? []).filter((record) => record.type === type);
      if (records.length > 0) {
        const ttl = Math.min(found?.ttl ?? Number.POSITIVE_INFINITY, ...records.map((record) => record.ttl));
        return { has: true, failed: null, ttl: positive(ttl) };
      }
    }
    return failed ? { has: false, failed, ttl: 0 } : { has: false, failed: null, ttl: negative(undefined) };
  }

  async function txt(input: string): Promise<TxtResult> {
    const name = input.trim().toLowerCase().replace(/\.$/, '');
    const r = await client.query(name, TYPE.TXT);
    if (r.kind !== 'answer') return { kind: 'failure', detail: r.kind };
    if (r.message.rcode === RCODE.NXDOMAIN) return { kind: 'nxdomain' };
    const found = follow(r.message, name, TYPE.TXT);
    if (!found) return { kind: 'failure', detail: 'servfail' };
    const records = found.records.flatMap((x) => (x.type === TYPE.TXT ? [x.strings.join('')] : []));
    if (records.length === 0) return { kind: 'nodata' };
    const ttl = Math.min(found.ttl, ...found.records.map((x) => x.ttl));
    return { kind: 'records', records, ttlSeconds: positive(ttl) };
  }

  async function lookup(input: string): Promise<DnsResult> {
    const t0 = performance.now();
    const domain = input.trim().toLowerCase().replace(/\.$/, '');
    if (domain === '') throw new TypeError('DNS: empty domain');
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
    addresses,
    txt,
    lookupFresh(input: string) {
      const domain = input.trim().toLowerCase().replace(/\.$/, '');
      if (domain === '') throw new TypeError('DNS: empty domain');
      return resolve(domain);
    },
    clear() {
      generation++;
      cache.clear();
      hostCache.clear();
      presenceCache.clear();
      aAnswers.clear();
    },
    stats: () => ({ ...counters, inflight: inflight.size, size: cache.size }),
  };
}
