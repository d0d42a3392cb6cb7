// TXT lookups (SPF-style joined character-strings, MTA-STS discovery records); not cached here.
import { follow, normaliseName, type TtlClamp } from './answers.ts';
import type { DnsClient } from './client.ts';
import { RCODE, TYPE } from './wire.ts';

export type TxtResult =
  | { kind: 'records'; records: string[]; ttlSeconds: number }
  | { kind: 'nxdomain' | 'nodata' }
  | { kind: 'failure'; detail: 'servfail' | 'timeout' };

/** TXT records of `input`, each record's character-strings joined (RFC 7208 §3.3 / RFC 8461 §3.1). */
export async function queryTxt(client: DnsClient, clamp: TtlClamp, input: string): Promise<TxtResult> {
  const name = normaliseName(input);
  const r = await client.query(name, TYPE.TXT);
  if (r.kind !== 'answer') return { kind: 'failure', detail: r.kind };
  if (r.message.rcode === RCODE.NXDOMAIN) return { kind: 'nxdomain' };
  const found = follow(r.message, name, TYPE.TXT);
  if (!found) return { kind: 'failure', detail: 'servfail' };
  const records = found.records.flatMap((x) => (x.type === TYPE.TXT ? [x.strings.join('')] : []));
  if (records.length === 0) return { kind: 'nodata' };
  const ttl = Math.min(found.ttl, ...found.records.map((x) => x.ttl));
  return { kind: 'records', records, ttlSeconds: clamp.positive(ttl) };
}
