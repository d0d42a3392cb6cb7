// Where mail for a domain goes, from fresh queries (the outcomes are listed in resolver.ts): its MX
// records, checked for a dangling MX, or without MX records the domain's own address (implicit MX).
import net from 'node:net';
import type { DnsOutcome, MxHost } from '../types.ts';
import { follow, type LookupFailure, negativeTtl, type TtlClamp } from './answers.ts';
import type { DnsClient, QueryResult } from './client.ts';
import type { HostPresence } from './hosts.ts';
import { type DnsMessage, type DnsRecord, RCODE, TYPE } from './wire.ts';

/** Most MX hosts whose addresses are looked up to tell a dangling MX. */
const MAX_MX_ADDRESS_CHECKS = 8;

const HOST_LABEL = /^[a-z0-9_-]+$/;

export interface MxDeps {
  client: DnsClient;
  clamp: TtlClamp;
  /** Whether a host name has any address (see HostLookups.presence). */
  presence(host: string): Promise<HostPresence>;
}

const failure = (r: Exclude<QueryResult, { kind: 'answer' }>): DnsOutcome =>
  r.kind === 'servfail' ? { status: 'servfail' } : { status: 'timeout' };

/** The mail outcome of `domain` (a normalised A-label), from fresh queries; nothing is cached here. */
export async function resolveMailHosts(deps: MxDeps, domain: string): Promise<DnsOutcome> {
  const mx = await deps.client.query(domain, TYPE.MX);
  if (mx.kind !== 'answer') return failure(mx);
  if (mx.message.rcode === RCODE.NXDOMAIN)
    return { status: 'nxdomain', ttlSeconds: deps.clamp.negative(negativeTtl(mx.message)) };
  const found = follow(mx.message, domain, TYPE.MX);
  if (!found) return { status: 'servfail' };
  if (found.records.length > 0) return mxOutcome(deps, found.records, found.ttl);
  return implicitMxOutcome(deps, domain, mx.message, found.ttl);
}

/** MX records were found: the usable hosts by preference, a null MX, or a dangling MX. */
async function mxOutcome(deps: MxDeps, records: DnsRecord[], chainTtl: number): Promise<DnsOutcome> {
  const { clamp } = deps;
  const sorted = records
    .flatMap((r) => (r.type === TYPE.MX ? [r] : []))
    .sort((a, b) => a.priority - b.priority); // stable: ties keep the resolver's order
  const hosts: MxHost[] = [];
  const seen = new Set<string>();
  let nullMx = false;
  let ttl = chainTtl;
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
  // MX records, none usable. With a null MX the domain said so; otherwise its MX names are junk.
  if (hosts.length === 0)
    return { status: nullMx ? 'null_mx' : 'no_mail_host', ttlSeconds: clamp.negative(ttl) };

  // A dangling MX: every host name is NXDOMAIN/NODATA for A and AAAA. Mail cannot be delivered,
  // but only a definitive answer for each host says so; a failed lookup leaves it open.
  // Hosts are asked in preference order and the first with an address settles it, A before AAAA
  // (see HostLookups.presence): one query for a live MX instead of two per host.
  const checked = hosts.slice(0, MAX_MX_ADDRESS_CHECKS);
  let failed: LookupFailure | null = null;
  for (const h of checked) {
    const presence =
      net.isIP(h.exchange) !== 0 ? { has: true, failed: null } : await deps.presence(h.exchange);
    if (presence.has) return { status: 'mx', hosts, ttlSeconds: clamp.positive(ttl) };
    failed ??= presence.failed;
  }
  if (hosts.length > checked.length) return { status: 'mx', hosts, ttlSeconds: clamp.positive(ttl) };
  if (failed) return { status: failed };
  return {
    status: 'no_mail_host',
    ttlSeconds: clamp.negative(undefined),
    danglingMx: hosts.map((h) => h.exchange),
  };
}

/** NODATA for MX: the domain itself is the mail host if it has an address (RFC 5321 §5.1). */
async function implicitMxOutcome(
  deps: MxDeps,
  domain: string,
  mxMessage: DnsMessage,
  chainTtl: number,
): Promise<DnsOutcome> {
  const { client, clamp } = deps;
  const mxNegative = negativeTtl(mxMessage);
  const [a, aaaa] = await Promise.all([client.query(domain, TYPE.A), client.query(domain, TYPE.AAAA)]);
  let addressTtl = Math.min(chainTtl, mxNegative ?? Number.POSITIVE_INFINITY);
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
      ttlSeconds: clamp.positive(addressTtl),
    };
  }
  // Without an address we may only conclude "no mail host" when both address queries answered.
  if (a.kind !== 'answer') return failure(a);
  if (aaaa.kind !== 'answer') return failure(aaaa);
  const ttls = [mxNegative, negativeTtl(a.message), negativeTtl(aaaa.message)].filter(
    (t): t is number => t !== undefined,
  );
  const ttl = clamp.negative(ttls.length > 0 ? Math.min(...ttls) : undefined);
  if (a.message.rcode === RCODE.NXDOMAIN && aaaa.message.rcode === RCODE.NXDOMAIN) {
    return { status: 'nxdomain', ttlSeconds: ttl }; // deleted between our queries
  }
  return { status: 'no_mail_host', ttlSeconds: ttl };
}
