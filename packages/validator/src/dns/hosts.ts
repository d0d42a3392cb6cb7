// Addresses of host names (MX exchanges), with their own caches and coalescing: the full A + AAAA list
// an SMTP probe connects to, and the cheaper "has any address?" the dangling-MX rule needs.
import { follow, type LookupFailure, normaliseName, type TtlClamp } from './answers.ts';
import { TtlCache } from './cache.ts';
import type { DnsClient, QueryResult } from './client.ts';
import { RCODE, TYPE } from './wire.ts';

export interface HostAddress {
  address: string;
  family: 4 | 6;
}

interface HostInfo {
  addresses: HostAddress[];
  failed: LookupFailure | null;
}
export interface HostPresence {
  has: boolean;
  failed: LookupFailure | null;
}

/** A and AAAA of `host`; `knownA` is an A answer already got. The TTL is 0 when nothing may be cached. */
async function queryAddresses(
  client: DnsClient,
  clamp: TtlClamp,
  host: string,
  knownA: QueryResult | undefined,
): Promise<HostInfo & { ttl: number }> {
  const [a, aaaa] = await Promise.all([knownA ?? client.query(host, TYPE.A), client.query(host, TYPE.AAAA)]);
  const out: HostAddress[] = [];
  let ttl = Number.POSITIVE_INFINITY;
  let failed: LookupFailure | null = null;
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
    ttl: out.length > 0 ? clamp.positive(ttl) : failed ? 0 : clamp.negative(undefined),
    failed: out.length > 0 ? null : failed,
  };
}

/** A first, AAAA only when A has none (NXDOMAIN on A settles both). `onA` receives the A answer. */
async function queryPresence(
  client: DnsClient,
  clamp: TtlClamp,
  host: string,
  onA: (answer: QueryResult) => void,
): Promise<HostPresence & { ttl: number }> {
  let failed: LookupFailure | null = null;
  for (const type of [TYPE.A, TYPE.AAAA] as const) {
    const r = await client.query(host, type);
    if (r.kind !== 'answer') {
      failed = r.kind;
      continue;
    }
    if (type === TYPE.A) onA(r);
    if (r.message.rcode === RCODE.NXDOMAIN) break;
    if (r.message.rcode !== RCODE.NOERROR) continue;
    const found = follow(r.message, host, type);
    const records = (found?.records ?? []).filter((record) => record.type === type);
    if (records.length > 0) {
      const ttl = Math.min(found?.ttl ?? Number.POSITIVE_INFINITY, ...records.map((record) => record.ttl));
      return { has: true, failed: null, ttl: clamp.positive(ttl) };
    }
  }
  return failed
    ? { has: false, failed, ttl: 0 }
    : { has: false, failed: null, ttl: clamp.negative(undefined) };
}

export interface HostLookups {
  /** A and AAAA addresses, IPv4 first; empty when the name has none or the resolvers failed. */
  addresses(host: string): Promise<HostAddress[]>;
  /**
   * Whether a host name has any address, for the dangling-MX rule. Answers are cached (a known
   * address list counts too); failures not.
   */
  presence(host: string): Promise<HostPresence>;
  /** Empties the caches; lookups in flight finish but do not refill them. */
  clear(): void;
}

export function createHostLookups(
  client: DnsClient,
  clamp: TtlClamp,
  maxEntries: number,
  now: () => number,
): HostLookups {
  const hostCache = new TtlCache<HostAddress[]>(maxEntries, now);
  const hostInflight = new Map<string, Promise<HostInfo>>();
  const presenceCache = new TtlCache<boolean>(maxEntries, now);
  const presenceInflight = new Map<string, Promise<HostPresence>>();
  /** A answers got by presence(), for addresses() (an SMTP probe of the same host) to reuse. */
  const aAnswers = new TtlCache<QueryResult>(maxEntries, now);
  let generation = 0;

  /** Addresses of a host, and whether an empty list is a failure (not cached) rather than an answer. */
  function hostInfo(input: string): Promise<HostInfo> {
    const host = normaliseName(input);
    const hit = hostCache.get(host);
    if (hit) return Promise.resolve({ addresses: hit.map((h) => ({ ...h })), failed: null });
    let pending = hostInflight.get(host);
    if (!pending) {
      const startedIn = generation;
      pending = queryAddresses(client, clamp, host, aAnswers.get(host))
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

  function presence(input: string): Promise<HostPresence> {
    const host = normaliseName(input);
    const full = hostCache.get(host);
    if (full) return Promise.resolve({ has: full.length > 0, failed: null });
    const known = presenceCache.get(host);
    if (known !== undefined) return Promise.resolve({ has: known, failed: null });
    let pending = presenceInflight.get(host);
    if (!pending) {
      const startedIn = generation;
      pending = queryPresence(client, clamp, host, (a) => aAnswers.set(host, a, 60))
        .then((result) => {
          if (startedIn === generation && result.ttl > 0) presenceCache.set(host, result.has, result.ttl);
          return { has: result.has, failed: result.failed };
        })
        .finally(() => presenceInflight.delete(host));
      presenceInflight.set(host, pending);
    }
    return pending;
  }

  return {
    addresses: (input) => hostInfo(input).then((i) => i.addresses),
    presence,
    clear() {
      generation++;
      hostCache.clear();
      presenceCache.clear();
      aAnswers.clear();
    },
  };
}
