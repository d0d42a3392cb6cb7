// Verifying Postern webhooks in a receiver (Standard Webhooks scheme, see docs/webhooks.md). This is
// the `@postern/sdk/webhooks` entry, apart from the root one because it needs node:crypto (Node.js,
// Deno, Bun) while the client itself runs anywhere `fetch` does:
//
//   const event = verifyWebhook(rawBody, req.headers, process.env.POSTERN_WEBHOOK_SECRET);
//
// Pass the body exactly as received (a string or the raw bytes, not re-serialised JSON). The signature
// is HMAC-SHA-256, keyed with the base64 part of the `whsec_…` secret, over
// "<webhook-id>.<webhook-timestamp>.<body>"; `webhook-signature` lists one or more `v1,<base64>`
// signatures (two during a secret rotation) and any one of them matching is enough. Timestamps outside
// ±toleranceSeconds are refused, so a captured request cannot be replayed later; keep the `webhook-id`s
// you processed for that long to drop duplicates (delivery is at least once).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WEBHOOK_SECRET_PREFIX } from '@postern/contracts/constants';

/** Every signing secret starts with this (`whsec_`); the rest is base64 of the HMAC key. */
export { WEBHOOK_SECRET_PREFIX };
/** The accepted clock difference between the sender and `verifyWebhook`, either way. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

export type WebhookVerificationErrorCode =
  /** webhook-id, webhook-timestamp or webhook-signature is absent. */
  | 'MISSING_HEADER'
  /** webhook-timestamp is not a number of seconds. */
  | 'INVALID_TIMESTAMP'
  /** The timestamp is older than the tolerance (a replay, or a clock far off). */
  | 'TIMESTAMP_TOO_OLD'
  /** The timestamp is further in the future than the tolerance. */
  | 'TIMESTAMP_TOO_NEW'
  /** No signature in webhook-signature matches the body under the secret(s). */
  | 'INVALID_SIGNATURE'
  /** The secret given to verifyWebhook is empty or not base64 after `whsec_`. */
  | 'INVALID_SECRET'
  /** The signature matched but the body is not JSON. */
  | 'INVALID_PAYLOAD';

// Recognises the error across copies of the SDK (ESM and CJS builds loaded in one process).
const BRAND = Symbol.for('@postern/sdk.WebhookVerificationError');

/** Thrown by verifyWebhook: answer the request with 400 and do not process it. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  readonly code: WebhookVerificationErrorCode;
  constructor(code: WebhookVerificationErrorCode, message: string) {
    super(message);
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

export function isWebhookVerificationError(value: unknown): value is WebhookVerificationError {
  return (
    value instanceof WebhookVerificationError ||
    (typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true)
  );
}

/** A delivered event: its type, when it happened, its workspace and its data. */
export interface WebhookEvent<T = Record<string, unknown>> {
  type: string;
  timestamp: string;
  workspace_id: string;
  data: T;
}

/** Fetch `Headers`, Node's `IncomingHttpHeaders`, or any record of header names (any case) to values. */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** Accepted clock difference, in seconds, either way. Default 300. */
  toleranceSeconds?: number;
  /** The current time (tests). Default: now. */
  now?: Date;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  let value = record[name];
  if (value === undefined) {
    const key = Object.keys(record).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : record[key];
  }
  return Array.isArray(value) ? value[0] : value;
}

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX)
    ? secret.slice(WEBHOOK_SECRET_PREFIX.length)
    : secret;
  if (!encoded || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded))
    throw new WebhookVerificationError(
      'INVALID_SECRET',
      'The webhook secret must be whsec_ followed by base64',
    );
  return Buffer.from(encoded, 'base64');
}

/**
 * Verifies a webhook and returns its parsed event, or throws WebhookVerificationError (with a `code`).
 * `secret` may list several secrets (e.g. the old and the new one while you switch over).
 */
export function verifyWebhook<T = Record<string, unknown>>(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): WebhookEvent<T> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    const missing = [
      ['webhook-id', id],
      ['webhook-timestamp', timestamp],
      ['webhook-signature', signatures],
    ]
      .filter(([, v]) => !v)
      .map(([k]) => k);
    throw new WebhookVerificationError('MISSING_HEADER', `Missing header: ${missing.join(', ')}`);
  }
  if (!/^\d{1,12}$/.test(timestamp.trim()))
    throw new WebhookVerificationError('INVALID_TIMESTAMP', 'webhook-timestamp is not a number of seconds');
  const tolerance = options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const sentAt = Number(timestamp.trim());
  if (nowSeconds - sentAt > tolerance)
    throw new WebhookVerificationError('TIMESTAMP_TOO_OLD', 'The webhook timestamp is too old');
  if (sentAt - nowSeconds > tolerance)
    throw new WebhookVerificationError('TIMESTAMP_TOO_NEW', 'The webhook timestamp is in the future');

  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
  const candidates = signatures
    .split(' ')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1,'))
    .map((part) => Buffer.from(part.slice(3), 'base64'));
  const secrets = typeof secret === 'string' ? [secret] : [...secret];
  if (!secrets.length) throw new WebhookVerificationError('INVALID_SECRET', 'No webhook secret given');
  let matched = false;
  for (const s of secrets) {
    const expected = createHmac('sha256', secretKey(s)).update(`${id}.${sentAt}.`).update(body).digest();
    // Every candidate is compared (no early exit on the first mismatch), each in constant time.
    for (const candidate of candidates)
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
  }
  if (!matched)
    throw new WebhookVerificationError(
      'INVALID_SIGNATURE',
      'No webhook signature matches the body and secret',
    );
  try {
    return JSON.parse(body.toString('utf8')) as WebhookEvent<T>;
  } catch {
    throw new WebhookVerificationError('INVALID_PAYLOAD', 'The webhook body is not JSON');
  }
}
