// Sender authentication (SPF, DKIM, DMARC) of a sending domain, read from DNS TXT records, with the
// record to add or fix. Gmail and Yahoo require all three of bulk senders since 2024.
//
// DNS failures: NXDOMAIN and NODATA mean "no record" (status `missing`). Any other failure (SERVFAIL,
// timeout, refused) throws SenderAuthLookupError instead of reporting `missing`: telling a user to add
// a record that may well exist would be wrong advice; the caller shows "could not check, try again".
// DMARC is read at _dmarc.<domain> only (no fallback to the organizational domain).
import { MailInputError } from './errors.ts';

export interface DnsTxtResolver {
  resolveTxt(name: string): Promise<string[][]>;
}

export type AuthCheckStatus = 'pass' | 'fail' | 'missing';

export interface SenderAuthReport {
  domain: string;
  spf: { status: AuthCheckStatus; record: string | null; advice: string | null };
  dkim: {
    status: AuthCheckStatus;
    selector: string | null;
    record: string | null;
    advice: string | null;
    selectorsTried: string[];
  };
  dmarc: {
    status: AuthCheckStatus;
    record: string | null;
    policy: 'none' | 'quarantine' | 'reject' | null;
    advice: string | null;
  };
  ok: boolean;
}

export interface SenderAuthOptions {
  resolver: DnsTxtResolver;
  dkimSelectors?: string[];
  spfIncludes?: string[];
  /** Per DNS query, default 5_000. */
  timeoutMs?: number;
}

/** Google, Microsoft 365 (selector1/2), then the usual names of hosting panels and providers. */
export const DEFAULT_DKIM_SELECTORS = [
  'google',
  'selector1',
  'selector2',
  'default',
  'dkim',
  'k1',
  's1',
  's2',
  'mail',
];

/** A DNS failure other than "no such record": the check could not be made. */
export class SenderAuthLookupError extends Error {
  readonly code = 'dns_failed' as const;
  override readonly name = 'SenderAuthLookupError';
  readonly query: string;
  readonly dnsCode: string | undefined;

  constructor(query: string, dnsCode: string | undefined, cause?: unknown) {
    super(`The DNS records of ${query} could not be read (${dnsCode ?? 'error'}). Try again later.`, {
      cause,
    });
    this.query = query;
    this.dnsCode = dnsCode;
  }
}

const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'NODATA']);
const DOMAIN =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;
const SELECTOR = /^[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?$/i;

/** TXT records of `name` (each record's strings joined, RFC 7208 §3.3), [] for NXDOMAIN/NODATA. */
async function txt(resolver: DnsTxtResolver, name: string, timeoutMs: number): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error('DNS timeout'), { code: 'ETIMEOUT' })),
      timeoutMs,
    );
  });
  try {
    const records = await Promise.race([resolver.resolveTxt(name), timeout]);
    return records.map((strings) => strings.join(''));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code && NO_RECORD.has(code)) return [];
    throw new SenderAuthLookupError(name, code, error);
  } finally {
    clearTimeout(timer);
  }
}

function spfCheck(domain: string, records: string[], includes: string[]): SenderAuthReport['spf'] {
  const spf = records.filter((r) => /^v=spf1(\s|$)/i.test(r.trim()));
  const wanted = includes.length > 0 ? includes.join(' ') : 'mx';
  if (spf.length === 0) {
    return {
      status: 'missing',
      record: null,
      advice: `Add a TXT record at ${domain}: v=spf1 ${wanted} ~all`,
    };
  }
  const record = (spf[0] as string).trim();
  if (spf.length > 1) {
    return {
      status: 'fail',
      record,
      advice: `${domain} has ${spf.length} SPF records; merge them into one (receivers reject the domain's SPF otherwise).`,
    };
  }
  const terms = record.split(/\s+/).slice(1);
  const all = terms.find((t) => /^[+?~-]?all$/i.test(t));
  if (all && /^\+?all$/i.test(all)) {
    const fixed = ['v=spf1', ...terms.filter((t) => t !== all), '~all'].join(' ');
    return {
      status: 'fail',
      record,
      advice: `The SPF record ends in ${all}, which lets anyone send as ${domain}. Replace it with: ${fixed}`,
    };
  }
  const lower = terms.map((t) => t.toLowerCase());
  const missing = includes.filter((inc) => !lower.includes(inc.toLowerCase()));
  if (includes.length > 0 && missing.length === includes.length) {
    const rest = terms.filter((t) => t !== all);
    const fixed = ['v=spf1', ...rest, ...includes, all ?? '~all'].join(' ');
    return {
      status: 'fail',
      record,
      advice: `The SPF record does not authorize your mail provider. Change it to: ${fixed}`,
    };
  }
  return { status: 'pass', record, advice: null };
}

function dkimTags(record: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of record.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) tags.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

async function dkimCheck(domain: string, selectors: string[], options: SenderAuthOptions, timeoutMs: number) {
  const found = await Promise.all(
    selectors.map(async (selector) => {
      const records = await txt(options.resolver, `${selector}._domainkey.${domain}`, timeoutMs);
      return { selector, record: records.find((r) => /(^|;)\s*v\s*=\s*DKIM1\s*(;|$)/i.test(r)) ?? null };
    }),
  );
  const withKey = found.find((f) => f.record && (dkimTags(f.record).get('p') ?? '') !== '');
  if (withKey) {
    return {
      status: 'pass' as const,
      selector: withKey.selector,
      record: withKey.record,
      advice: null,
      selectorsTried: selectors,
    };
  }
  const revoked = found.find((f) => f.record);
  if (revoked) {
    return {
      status: 'fail' as const,
      selector: revoked.selector,
      record: revoked.record,
      advice: `The DKIM record at ${revoked.selector}._domainkey.${domain} has no public key (p= is empty: revoked). Publish the key your mail provider gives you.`,
      selectorsTried: selectors,
    };
  }
  return {
    status: 'missing' as const,
    selector: null,
    record: null,
    advice: `No DKIM key found (selectors tried: ${selectors.join(', ')}). Turn on DKIM signing at your mail provider and publish the TXT record it gives you at <selector>._domainkey.${domain}, or name your selector.`,
    selectorsTried: selectors,
  };
}

function dmarcCheck(domain: string, records: string[]): SenderAuthReport['dmarc'] {
  const suggested = `v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}`;
  const dmarc = records.filter((r) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(r.trim()));
  if (dmarc.length === 0) {
    return {
      status: 'missing',
      record: null,
      policy: null,
      advice: `Add a TXT record at _dmarc.${domain}: ${suggested}`,
    };
  }
  const record = (dmarc[0] as string).trim();
  if (dmarc.length > 1) {
    return {
      status: 'fail',
      record,
      policy: null,
      advice: `_dmarc.${domain} has ${dmarc.length} DMARC records; keep exactly one.`,
    };
  }
  const p = dkimTags(record).get('p')?.toLowerCase();
  if (p !== 'none' && p !== 'quarantine' && p !== 'reject') {
    return {
      status: 'fail',
      record,
      policy: null,
      advice: `The DMARC record needs a policy p=none, p=quarantine or p=reject. For example: ${suggested}`,
    };
  }
  return { status: 'pass', record, policy: p, advice: null };
}

/** SPF, DKIM and DMARC of `domain`: pass/fail/missing each, with the record to add or fix. */
export async function checkSenderAuthentication(
  domain: string,
  options: SenderAuthOptions,
): Promise<SenderAuthReport> {
  const name = typeof domain === 'string' ? domain.trim().replace(/\.$/, '').toLowerCase() : '';
  if (!DOMAIN.test(name))
    throw new MailInputError('domain', 'domain must be a domain name like example.com.');
  const selectors = options.dkimSelectors ?? DEFAULT_DKIM_SELECTORS;
  if (selectors.length === 0 || selectors.length > 20 || !selectors.every((s) => SELECTOR.test(s))) {
    throw new MailInputError('dkimSelectors', 'DKIM selectors must be 1 to 20 DNS labels.');
  }
  const includes = options.spfIncludes ?? [];
  if (!includes.every((i) => /^[a-z0-9:._=/-]{1,255}$/i.test(i))) {
    throw new MailInputError('spfIncludes', 'SPF mechanisms must be like include:_spf.google.com.');
  }
  const timeoutMs = options.timeoutMs ?? 5_000;
  const [spfRecords, dmarcRecords, dkim] = await Promise.all([
    txt(options.resolver, name, timeoutMs),
    txt(options.resolver, `_dmarc.${name}`, timeoutMs),
    dkimCheck(name, selectors, options, timeoutMs),
  ]);
  const spf = spfCheck(name, spfRecords, includes);
  const dmarc = dmarcCheck(name, dmarcRecords);
  return {
    domain: name,
    spf,
    dkim,
    dmarc,
    ok: spf.status === 'pass' && dkim.status === 'pass' && dmarc.status === 'pass',
  };
}
