// MTA-STS (RFC 8461) for the SMTP probe: the `_mta-sts.<domain>` TXT record names a policy id; the
// policy comes from https://mta-sts.<domain>/.well-known/mta-sts.txt (certificate verified, no
// redirects, at most 64 KiB, within a timeout) and is cached by domain until max_age runs out; a new
// id in the TXT record makes it fetched again. In `enforce` mode only MX hosts matching the policy's
// patterns may be used, and only over TLS with a certificate that verifies (the engine hands that to
// the prober); `testing` and `none` enforce nothing. A failed fetch with no cached policy means "no
// policy", as RFC 8461 §5 tells senders.
//
// The HTTPS connection resolves the policy host through `lookup`: the platform passes its
// SSRF-checked lookup; the default (guard.ts) resolves through the DNS stage and refuses private,
// loopback, link-local and other special-purpose addresses unless `allowPrivateAddresses` (tests)
// says so. The fetch itself is in fetch.ts, the record and policy formats in policy.ts.
import type { LookupFunction } from 'node:net';
import type { HostAddress, TxtResult } from '../dns/index.ts';
import { fetchPolicy } from './fetch.ts';
import { guardedLookup } from './guard.ts';
import { type MtaStsPolicy, mxMatches, parsePolicy, parseStsRecord } from './policy.ts';

export { guardedLookup, isSpecialAddress } from './guard.ts';
export {
  MAX_AGE_LIMIT,
  type MtaStsMode,
  type MtaStsPolicy,
  mxMatches,
  parsePolicy,
  parseStsRecord,
} from './policy.ts';

export interface MtaStsOptions {
  /** TXT lookups, and addresses of `mta-sts.<domain>` for the default lookup: the engine's DNS stage. */
  dns: { txt(name: string): Promise<TxtResult>; addresses(host: string): Promise<HostAddress[]> };
  /** HTTPS port of the policy host. Default 443 (tests point it at a local server). */
  port?: number;
  /** Trusted CAs instead of node's bundle (tests). */
  ca?: string | Buffer | (string | Buffer)[];
  /** Whole fetch (connect, TLS, response, body). Default 10 000 ms. */
  timeoutMs?: number;
  /** Largest policy accepted. Default 65 536 bytes (RFC 8461 §3.3 suggests 64 KiB). */
  maxBytes?: number;
  /** Resolves (and vets) the policy host for the HTTPS connection; replaces the default guard. */
  lookup?: LookupFunction;
  /** The default lookup refuses private and loopback addresses unless this is true (tests). */
  allowPrivateAddresses?: boolean;
  /** Clock for the caches. Default Date.now. */
  now?: () => number;
  /** Domains kept in each cache. Default 10 000. */
  maxEntries?: number;
}

export type MtaStsResult =
  /** No (single, valid) `_mta-sts` record and no cached policy. */
  | { status: 'none' }
  | { status: 'policy'; id: string; policy: MtaStsPolicy; cached: boolean }
  /** A record, but no policy could be fetched and none is cached: delivery goes on as without one. */
  | { status: 'unavailable'; id: string | null; detail: string };

export interface MtaSts {
  lookup(domain: string): Promise<MtaStsResult>;
  clear(): void;
}

interface CachedPolicy {
  id: string;
  policy: MtaStsPolicy;
  expiresAt: number;
}

/** Map with insertion-order eviction beyond `max` entries. */
function bounded<V>(max: number) {
  const map = new Map<string, V>();
  return {
    get: (key: string) => map.get(key),
    set(key: string, value: V) {
      map.delete(key);
      map.set(key, value);
      if (map.size > max) {
        const oldest = map.keys().next();
        if (!oldest.done) map.delete(oldest.value);
      }
    },
    delete: (key: string) => map.delete(key),
    clear: () => map.clear(),
  };
}

export function createMtaSts(options: MtaStsOptions): MtaSts {
  const port = options.port ?? 443;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 65_536;
  const now = options.now ?? Date.now;
  const max = options.maxEntries ?? 10_000;
  const lookup =
    options.lookup ?? guardedLookup(options.dns.addresses, options.allowPrivateAddresses === true);
  const fetchOptions = { port, timeoutMs, maxBytes, lookup, ca: options.ca };
  const records = bounded<{ id: string | null; until: number }>(max);
  const policies = bounded<CachedPolicy>(max);
  const inflight = new Map<string, Promise<MtaStsResult>>();

  /** The policy id from DNS (cached for the record's TTL), null for none, undefined when DNS failed. */
  async function policyId(domain: string): Promise<string | null | undefined> {
    const hit = records.get(domain);
    if (hit && hit.until > now()) return hit.id;
    const answer = await options.dns.txt(`_mta-sts.${domain}`);
    if (answer.kind === 'failure') return undefined;
    const id = answer.kind === 'records' ? parseStsRecord(answer.records) : null;
    const ttl = answer.kind === 'records' ? Math.min(3600, Math.max(60, answer.ttlSeconds)) : 300;
    records.set(domain, { id, until: now() + ttl * 1000 });
    return id;
  }

  async function resolve(domain: string): Promise<MtaStsResult> {
    const cached = policies.get(domain);
    const valid = cached && cached.expiresAt > now() ? cached : undefined;
    if (cached && !valid) policies.delete(domain);
    const id = await policyId(domain);
    // A cached policy outlives a vanished or unreadable record until max_age runs out (RFC 8461 §5.1).
    if (valid && (id === undefined || id === null || id === valid.id)) {
      return { status: 'policy', id: valid.id, policy: valid.policy, cached: true };
    }
    if (id === null) return { status: 'none' };
    if (id === undefined)
      return { status: 'unavailable', id: null, detail: 'the _mta-sts TXT lookup failed' };
    let detail: string;
    try {
      const parsed = parsePolicy(await fetchPolicy(domain, fetchOptions));
      if (!('error' in parsed)) {
        policies.set(domain, { id, policy: parsed, expiresAt: now() + parsed.maxAgeSeconds * 1000 });
        return { status: 'policy', id, policy: parsed, cached: false };
      }
      detail = parsed.error;
    } catch (error) {
      detail = error instanceof Error ? error.message : String(error);
    }
    if (valid) return { status: 'policy', id: valid.id, policy: valid.policy, cached: true };
    return { status: 'unavailable', id, detail };
  }

  return {
    lookup(input) {
      const domain = input.trim().toLowerCase().replace(/\.$/, '');
      let pending = inflight.get(domain);
      if (!pending) {
        pending = resolve(domain).finally(() => inflight.delete(domain));
        inflight.set(domain, pending);
      }
      return pending;
    },
    clear() {
      records.clear();
      policies.clear();
    },
  };
}

/** The MX hosts an `enforce` policy allows (RFC 8461 §4.1). */
export function allowedHosts<T extends { exchange: string }>(hosts: readonly T[], policy: MtaStsPolicy): T[] {
  return hosts.filter((h) => policy.mx.some((pattern) => mxMatches(h.exchange, pattern)));
}
