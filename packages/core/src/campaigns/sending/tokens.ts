// The per-recipient unsubscribe token carried by every campaign email (List-Unsubscribe, the footer
// link, the mailto address): the campaign_recipient id (16 bytes) and an HMAC-SHA-256 of it, truncated
// to 16 bytes, under a key derived from POSTERN_SECRET (purpose `campaign-unsubscribe`), both base64url.
// Like the preference link (contacts/preferences.ts) it needs no row and never expires: a person must
// be able to unsubscribe from an old email. 128 bits of MAC are far beyond online guessing; only the
// canonical spelling is accepted, and the MAC is compared in constant time.
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { hmacKey } from '../../crypto/hash.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAC_BYTES = 16;
/** base64url of 16 bytes, unpadded. */
const PART_LENGTH = 22;
export const UNSUBSCRIBE_TOKEN_LENGTH = PART_LENGTH * 2 + 1;

const keys = new Map<string, KeyObject>();

function mac(secret: string, id: Buffer): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(hmacKey(secret, 'campaign-unsubscribe'));
    if (keys.size > 8) keys.clear();
    keys.set(secret, key);
  }
  return createHmac('sha256', key).update(id).digest().subarray(0, MAC_BYTES);
}

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const bytesUuid = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** The unsubscribe token of one campaign recipient (`/u/<token>`, `unsubscribe+<token>@…`). */
export function unsubscribeToken(secret: string, recipientId: string): string {
  if (!UUID.test(recipientId)) throw new Error('unsubscribeToken: the recipient id must be a UUID');
  const id = uuidBytes(recipientId);
  return `${id.toString('base64url')}.${mac(secret, id).toString('base64url')}`;
}

/** The recipient id a token names, or null when it is malformed or its MAC does not match (tampered). */
export function readUnsubscribeToken(secret: string, token: unknown): string | null {
  if (typeof token !== 'string' || token.length !== UNSUBSCRIBE_TOKEN_LENGTH) return null;
  const [data, sig, extra] = token.split('.');
  if (!data || !sig || extra !== undefined || data.length !== PART_LENGTH || sig.length !== PART_LENGTH)
    return null;
  const id = Buffer.from(data, 'base64url');
  const given = Buffer.from(sig, 'base64url');
  if (id.length !== 16 || given.length !== MAC_BYTES) return null;
  // Only the canonical encoding: another spelling of the same bytes is not a second valid token.
  if (id.toString('base64url') !== data || given.toString('base64url') !== sig) return null;
  if (!timingSafeEqual(given, mac(secret, id))) return null;
  return bytesUuid(id);
}
