// Connected mailboxes (docs/mailboxes.md): which private mail servers may be reached, extra trusted
// CAs for self-hosted servers, and how long a connection test may take.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { webhookEnv } from './webhooks.ts';

export const mailboxEnv = z.object({
  /** Same syntax as WEBHOOK_ALLOWED_TARGETS (CIDRs, addresses, host names, *.suffix names). */
  MAILBOX_ALLOWED_HOSTS: webhookEnv.shape.WEBHOOK_ALLOWED_TARGETS,
  /** A PEM file of CA certificates trusted besides the system's (self-hosted mail servers). */
  MAILBOX_TLS_CA_FILE: z
    .string()
    .refine(
      (path) => {
        try {
          return readFileSync(path, 'utf8').includes('-----BEGIN CERTIFICATE-----');
        } catch {
          return false;
        }
      },
      { message: 'must name a readable PEM file of CA certificates' },
    )
    .optional(),
  MAILBOX_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(15_000),
});

export interface MailboxConfig {
  /** MAILBOX_ALLOWED_HOSTS: CIDRs, addresses and host names mail servers may be at although private. */
  allowedHosts: string[];
  /** The PEM text of MAILBOX_TLS_CA_FILE (read once, at start-up). */
  tlsCa: string | undefined;
  connectTimeoutMs: number;
}

export function mailboxSettings(e: z.output<typeof mailboxEnv>): MailboxConfig {
  return {
    allowedHosts: e.MAILBOX_ALLOWED_HOSTS ?? [],
    tlsCa: e.MAILBOX_TLS_CA_FILE ? readFileSync(e.MAILBOX_TLS_CA_FILE, 'utf8') : undefined,
    connectTimeoutMs: e.MAILBOX_CONNECT_TIMEOUT_MS,
  };
}
