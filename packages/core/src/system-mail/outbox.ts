// The mail outbox: messages travel to the worker through pg-boss, whose job rows live in PostgreSQL.
// They carry single-use links with tokens, so they are sealed (AES-256-GCM under the keyring, bound to
// the email queue) before they are stored: a plaintext token never reaches the database or its backups.
import { QUEUES } from '@postern/contracts';
import type { PgBoss } from '@postern/runtime';
import type { SendOptions } from 'pg-boss';
import { z } from 'zod';
import type { Keyring } from '../crypto/types.ts';
import type { MailMessage } from './messages.ts';

/** Associated data of sealed mail: a ciphertext made for another purpose does not open as mail. */
export const MAIL_SEAL_CONTEXT = `mail:${QUEUES.email.name}`;

const ZMailMessage = z.object({
  to: z.string().min(1),
  subject: z.string().min(1),
  text: z.string(),
  html: z.string(),
  fromName: z.string().max(200).optional(),
});

/** Encrypts a message for the email queue's payload. */
export function sealMessage(keyring: Keyring, message: MailMessage): string {
  const { to, subject, text, html, fromName } = ZMailMessage.parse(message);
  return keyring.encrypt(JSON.stringify({ to, subject, text, html, fromName }), MAIL_SEAL_CONTEXT);
}

/** Decrypts and checks a sealed message; throws when the key, context or content do not match. */
export function openMessage(keyring: Keyring, sealed: string): MailMessage {
  const json = keyring.decryptString(sealed, MAIL_SEAL_CONTEXT);
  const parsed = ZMailMessage.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error('sealed mail does not contain a valid message');
  return parsed.data;
}

/**
 * Queues a message for the worker (queue `email.send`, payload `{ sealed }`). Pass `{ db }` in options
 * to enqueue inside the transaction of the change that causes the email. Resolves with the job id
 * (null only when options such as singletonKey made pg-boss skip the job).
 */
export async function enqueueEmail(
  boss: Pick<PgBoss, 'send'>,
  keyring: Keyring,
  message: MailMessage,
  options?: SendOptions,
): Promise<string | null> {
  const payload: z.input<typeof QUEUES.email.payload> = { sealed: sealMessage(keyring, message) };
  return boss.send(QUEUES.email.name, payload, options);
}
