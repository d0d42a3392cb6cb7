// The preference center's link (#30): one per contact, signed, no database row. The token is the
// workspace and contact ids (32 bytes) and an HMAC-SHA-256 of them under a key derived from
// POSTERN_SECRET (purpose `preference-link`), base64url. Not guessable (the MAC), not a lookup key
// into anything else; revoked by erasure (the contact row is gone, and a new contact for the same
// address has a new id). Why no row: every campaign email carries this link, so it must cost nothing
// to mint, and there is nothing to expire — the person must be able to unsubscribe from an old email.
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { SubscriptionStatus } from '@postern/contracts';
import { type EntityManager, execute } from '@postern/db';
import { hmacKey } from '../crypto/hash.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// KeyObjects: an HMAC from a raw Buffer key costs ~12.6 µs against ~1.9 µs (Node 24, measured), and
// every campaign message mints one of these links.
const keys = new Map<string, KeyObject>();

function mac(secret: string, payload: Buffer): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(hmacKey(secret, 'preference-link'));
    if (keys.size > 8) keys.clear();
    keys.set(secret, key);
  }
  return createHmac('sha256', key).update(payload).digest();
}

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const bytesUuid = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** The token of a contact's preference link (`/p/preferences/<token>`). */
export function preferenceToken(secret: string, workspaceId: string, contactId: string): string {
  if (!UUID.test(workspaceId) || !UUID.test(contactId)) throw new Error('preferenceToken: ids must be UUIDs');
  const payload = Buffer.concat([uuidBytes(workspaceId), uuidBytes(contactId)]);
  return `${payload.toString('base64url')}.${mac(secret, payload).toString('base64url')}`;
}

/** The ids a token names, or null when it is malformed or its MAC does not match (tampered). */
export function readPreferenceToken(
  secret: string,
  token: string,
): { workspaceId: string; contactId: string } | null {
  const [data, sig, extra] = token.split('.');
  if (!data || !sig || extra !== undefined || data.length !== 43 || sig.length !== 43) return null;
  const payload = Buffer.from(data, 'base64url');
  const given = Buffer.from(sig, 'base64url');
  if (payload.length !== 32 || given.length !== 32) return null;
  // Only the canonical encoding: another spelling of the same bytes is not a second valid link.
  if (payload.toString('base64url') !== data || given.toString('base64url') !== sig) return null;
  if (!timingSafeEqual(given, mac(secret, payload))) return null;
  return { workspaceId: bytesUuid(payload.subarray(0, 16)), contactId: bytesUuid(payload.subarray(16)) };
}

export interface PreferenceView {
  lists: { id: string; name: string; description: string | null; status: SubscriptionStatus }[];
}

/** What the preference center shows: the contact's lists (this contact, this workspace only); null when the contact is gone. */
export async function preferenceView(
  em: EntityManager,
  ref: { workspaceId: string; contactId: string },
): Promise<PreferenceView | null> {
  const [contact] = await execute<{ id: string }[]>(
    em,
    'select id from contact where id = ? and workspace_id = ?',
    [ref.contactId, ref.workspaceId],
  );
  if (!contact) return null;
  const lists = await execute<
    { id: string; name: string; description: string | null; status: SubscriptionStatus }[]
  >(
    em,
    `select l.id, l.name, l.description, s.status from subscription s join contact_list l on l.id = s.list_id
      where s.contact_id = ? and s.workspace_id = ? and l.workspace_id = ? order by l.name, l.id`,
    [ref.contactId, ref.workspaceId, ref.workspaceId],
  );
  return { lists };
}

/** Deletes unconfirmed subscriptions older than `retentionDays`, and expired opt-in links (used ones stay until expiry: a reuse answers 410). */
export async function purgeUnconfirmed(em: EntityManager, now: Date, retentionDays: number): Promise<number> {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  const subs = await execute<{ id: string }[]>(
    em,
    `delete from subscription where id in (
       select id from subscription where status = 'unconfirmed' and created_at < ? limit 5000) returning id`,
    [before],
  );
  const tokens = await execute<{ token_hash: string }[]>(
    em,
    `delete from opt_in_token where token_hash in (
       select token_hash from opt_in_token where expires_at < ? limit 5000) returning token_hash`,
    [now],
  );
  return subs.length + tokens.length;
}
