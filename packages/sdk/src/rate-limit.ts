// Reading the API's rate-limit headers: `X-RateLimit-Limit/Remaining/Reset`, or the IETF draft's
// `RateLimit` / `RateLimit-Policy` structured fields when only those are present, and `Retry-After`.

/** The workspace's token bucket as the last response described it. */
export interface RateLimitInfo {
  /** Capacity of the bucket: the most requests that can be made at once (the plan's burst). */
  limit: number;
  /** Requests that can be made right now. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** The policy's window in seconds (`RateLimit-Policy: …;w=`): `limit` tokens refill over it. */
  windowSeconds: number | undefined;
}

function toNumber(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** One parameter of the first item of a structured-field header: `"workspace";r=99;t=1` → r = 99. */
function param(header: string | null, name: string): number | undefined {
  if (!header) return undefined;
  const first = header.split(',')[0] ?? '';
  for (const part of first.split(';').slice(1)) {
    const [key, value] = part.split('=');
    if (key?.trim() === name) return toNumber(value);
  }
  return undefined;
}

export function readRateLimit(headers: Headers): RateLimitInfo | undefined {
  const policy = headers.get('ratelimit-policy');
  const current = headers.get('ratelimit');
  const limit = toNumber(headers.get('x-ratelimit-limit')) ?? param(policy, 'q');
  const remaining = toNumber(headers.get('x-ratelimit-remaining')) ?? param(current, 'r');
  const resetSeconds = toNumber(headers.get('x-ratelimit-reset')) ?? param(current, 't');
  if (limit === undefined || remaining === undefined) return undefined;
  return { limit, remaining, resetSeconds: resetSeconds ?? 0, windowSeconds: param(policy, 'w') };
}

/** `Retry-After` in seconds: a number of seconds or an HTTP date (RFC 9110 §10.2.3). */
export function readRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
