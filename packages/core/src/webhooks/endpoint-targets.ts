// What deliveries are made of: an endpoint's stored URL and secrets (keyring ciphertexts bound to
// (webhook_endpoint, id, url|secret|previous_secret)), decrypted once per load into the target an
// attempt is sent to, and the JSON body of an event.

import type { CoreContext } from '../context.ts';
import { encryptionContext, type Keyring } from '../crypto/index.ts';
import { webhookSecretKey } from './signing.ts';

/** Raw queries return timestamps as text: read them as Dates. */
export const toDate = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

export const secretContext = (endpointId: string) =>
  encryptionContext('webhook_endpoint', endpointId, 'secret');
export const previousSecretContext = (endpointId: string) =>
  encryptionContext('webhook_endpoint', endpointId, 'previous_secret');
export const urlContext = (endpointId: string) => encryptionContext('webhook_endpoint', endpointId, 'url');

/**
 * True when a stored `webhook_endpoint.url` is a legacy plaintext URL (written before URLs were
 * encrypted, not yet sealed by sealPlaintextWebhookUrls); a ciphertext starts with `v1.`.
 */
export function isPlaintextWebhookUrl(stored: string): boolean {
  return stored.startsWith('https://') || stored.startsWith('http://');
}

/** The stored form of an endpoint's URL: a keyring ciphertext bound to (webhook_endpoint, id, url). */
export function sealWebhookUrl(keyring: Keyring, endpointId: string, url: string): string {
  return keyring.encrypt(url, urlContext(endpointId));
}

/** An endpoint's URL from its stored form (a legacy plaintext URL is used as it is). */
export function openWebhookUrl(keyring: Keyring, endpointId: string, stored: string): string {
  return isPlaintextWebhookUrl(stored) ? stored : keyring.decryptString(stored, urlContext(endpointId));
}

/** What an attempt needs of its endpoint: the URL and the signing keys in force. */
export interface EndpointTarget {
  id: string;
  workspaceId: string;
  /** Decrypted. */
  url: string;
  enabled: boolean;
  /** Current key first; the previous one too during a rotation overlap. */
  keys: Buffer[];
}

export interface EndpointRow {
  id: string;
  workspace_id: string;
  /** Ciphertext (or a legacy plaintext URL). */
  url: string;
  enabled: boolean;
  event_types: string[];
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | string | null;
}

export function endpointTarget(row: EndpointRow, keyring: Keyring, now: Date): EndpointTarget {
  const keys = [webhookSecretKey(keyring.decryptString(row.secret, secretContext(row.id)))];
  const overlapEnds = toDate(row.previous_secret_expires_at);
  if (row.previous_secret && overlapEnds && overlapEnds > now)
    keys.push(webhookSecretKey(keyring.decryptString(row.previous_secret, previousSecretContext(row.id))));
  // Decrypted once per endpoint load (a fan-out or a claim batch), never per delivery.
  const url = openWebhookUrl(keyring, row.id, row.url);
  return { id: row.id, workspaceId: row.workspace_id, url, enabled: row.enabled, keys };
}

export const ENDPOINT_COLUMNS =
  'id, workspace_id, url, enabled, event_types, secret, previous_secret, previous_secret_expires_at';

/** The endpoints (with decrypted keys) of the given ids; deleted ones are absent. */
export async function loadEndpointTargets(
  ctx: Pick<CoreContext, 'em' | 'keyring' | 'clock'>,
  ids: readonly string[],
): Promise<Map<string, EndpointTarget>> {
  const { em, keyring, clock } = ctx;
  const targets = new Map<string, EndpointTarget>();
  if (!ids.length) return targets;
  const rows = (await em
    .getConnection()
    .execute(`select ${ENDPOINT_COLUMNS} from webhook_endpoint where id in (?)`, [
      [...new Set(ids)],
    ])) as EndpointRow[];
  const now = clock.now();
  for (const row of rows) targets.set(row.id, endpointTarget(row, keyring, now));
  return targets;
}

/** The JSON body of a delivery (Standard Webhooks payload): built once, sent byte for byte on every attempt. */
export function webhookBody(type: string, timestamp: Date, workspaceId: string, data: unknown): string {
  return JSON.stringify({ type, timestamp: timestamp.toISOString(), workspace_id: workspaceId, data });
}

/**
 * The host of a URL, with the port when not the default (stored in clear as `webhook_endpoint.host`;
 * audit entries and notifications name the host, never a path or query).
 */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an endpoint';
  }
}
