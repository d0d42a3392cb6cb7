// Reading a decoded reply: the records of a type behind a CNAME chain, the TTL of a negative answer,
// and how long an answer is kept (the stage's TTL clamps).
import { type DnsMessage, type DnsRecord, type RecordType, TYPE } from './wire.ts';

/** A lookup that got no answer to reason about; never cached, never taken for a "no". */
export type LookupFailure = 'servfail' | 'timeout';

const MAX_CNAME_HOPS = 16;

/** Records of `type` for `name`, following a CNAME chain inside the answer section. */
export function follow(
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
export function negativeTtl(message: DnsMessage): number | undefined {
  let ttl: number | undefined;
  for (const r of message.authorities) {
    if (r.type === TYPE.SOA) ttl = Math.min(ttl ?? Number.POSITIVE_INFINITY, r.ttl, r.minimum);
  }
  return ttl;
}

/** How long answers are kept, in seconds (see DnsCacheOptions). */
export interface TtlClamp {
  /** A positive answer: its smallest record TTL within [minTtl, maxTtl]. */
  positive(ttl: number): number;
  /** A negative answer: its SOA-given TTL capped at negTtl, or negTtl without one. */
  negative(ttl: number | undefined): number;
}

export function ttlClamp(minTtl: number, maxTtl: number, negTtl: number): TtlClamp {
  return {
    positive: (ttl) => Math.min(maxTtl, Math.max(minTtl, Number.isFinite(ttl) ? ttl : minTtl)),
    negative: (ttl) =>
      ttl === undefined ? negTtl : Math.min(negTtl, Math.max(Math.min(minTtl, negTtl), ttl)),
  };
}

/** The lower-cased name without a trailing dot, as names are compared and cached. */
export const normaliseName = (input: string) => input.trim().toLowerCase().replace(/\.$/, '');
