// MTA-STS (RFC 8461) text formats: the `_mta-sts` TXT record and the policy file, and MX pattern
// matching. Pure functions; fetching and caching live in index.ts.

export type MtaStsMode = 'enforce' | 'testing' | 'none';

export interface MtaStsPolicy {
  mode: MtaStsMode;
  /** MX patterns, lower-case, no trailing dot: `mail.example.com` or `*.example.com`. */
  mx: string[];
  maxAgeSeconds: number;
}

/** RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year). */
export const MAX_AGE_LIMIT = 31_557_600;
const ID = /^[A-Za-z0-9]{1,32}$/;

/**
 * The policy id of a domain's `_mta-sts` TXT records (RFC 8461 §3.1), or null when the domain has no
 * usable record: records not starting with `v=STSv1` are ignored, and anything but exactly one
 * remaining valid record means "no policy".
 */
export function parseStsRecord(records: readonly string[]): string | null {
  const sts = records.filter((r) => /^v=STSv1\s*(;|$)/.test(r));
  if (sts.length !== 1) return null;
  let id: string | null = null;
  for (const field of (sts[0] as string).split(';')) {
    const trimmed = field.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) return null;
    const key = trimmed.slice(0, eq).trim();
    const value = trimmed.slice(eq + 1).trim();
    if (key === 'id' && id === null) {
      if (!ID.test(value)) return null;
      id = value;
    }
  }
  return id;
}

/**
 * The policy file (RFC 8461 §3.2): `key: value` lines (LF or CRLF). version, mode and max_age are
 * required, mx too unless the mode is `none`; the first instance of a key counts (mx may repeat);
 * unknown keys are ignored. Returns an error message for an invalid policy.
 */
export function parsePolicy(text: string): MtaStsPolicy | { error: string } {
  let version: string | undefined;
  let mode: string | undefined;
  let maxAge: string | undefined;
  const mx: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { error: `malformed policy line ${JSON.stringify(line.slice(0, 60))}` };
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'version') version ??= value;
    else if (key === 'mode') mode ??= value;
    else if (key === 'max_age') maxAge ??= value;
    else if (key === 'mx') mx.push(value.toLowerCase().replace(/\.$/, ''));
  }
  if (version !== 'STSv1') return { error: 'policy version is not STSv1' };
  if (mode !== 'enforce' && mode !== 'testing' && mode !== 'none') {
    return { error: `policy mode ${JSON.stringify(mode ?? null)} is not enforce, testing or none` };
  }
  if (maxAge === undefined || !/^\d{1,10}$/.test(maxAge) || Number(maxAge) > MAX_AGE_LIMIT) {
    return { error: 'policy max_age is missing or out of range' };
  }
  if (mode !== 'none' && mx.length === 0) return { error: 'policy has no mx pattern' };
  for (const pattern of mx) {
    if (!/^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(pattern)) {
      return { error: `invalid mx pattern ${JSON.stringify(pattern.slice(0, 60))}` };
    }
  }
  return { mode, mx, maxAgeSeconds: Number(maxAge) };
}

/**
 * Whether an MX host name matches a policy pattern (RFC 8461 §4.1): exact (case-insensitive), or
 * `*.suffix` matching exactly one leftmost label (`*.example.com` matches `mx.example.com`, not
 * `example.com` nor `a.mx.example.com`).
 */
export function mxMatches(host: string, pattern: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return name === p;
  const dot = name.indexOf('.');
  return dot > 0 && name.slice(dot + 1) === p.slice(2);
}
