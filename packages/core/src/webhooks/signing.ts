// Signing secrets and signatures, in the Standard Webhooks scheme (docs/webhooks.md):
//   secret    = "whsec_" + base64(32 random bytes); the HMAC key is the base64-decoded part
//   signed    = "<webhook-id>.<webhook-timestamp>.<body>"
//   signature = "v1," + base64(HMAC-SHA-256(key, signed)); several are space-separated (rotation)
import { createHmac, randomBytes } from 'node:crypto';
import { WEBHOOK_SECRET_PREFIX } from '@postern/contracts';

const SECRET_BYTES = 32;

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** The HMAC key of a secret: the base64 after `whsec_` (a secret without the prefix is taken whole). */
export function webhookSecretKey(secret: string): Buffer {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX)
    ? secret.slice(WEBHOOK_SECRET_PREFIX.length)
    : secret;
  return Buffer.from(encoded, 'base64');
}

/** One `v1,<base64>` signature of (id, timestamp, body) under a key. */
export function signWebhook(key: Buffer, msgId: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', key).update(`${msgId}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The `webhook-signature` header: one signature per key (current first), space-separated. */
export function webhookSignatureHeader(
  keys: readonly Buffer[],
  msgId: string,
  timestampSeconds: number,
  body: string,
): string {
  return keys.map((key) => signWebhook(key, msgId, timestampSeconds, body)).join(' ');
}

/** The stable `webhook-id` of a delivery: `msg_` + its id without dashes. */
export const webhookMsgId = (deliveryId: string) => `msg_${deliveryId.replaceAll('-', '')}`;
