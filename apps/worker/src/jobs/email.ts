// Sends one transactional email: opens the sealed message (see core/system-mail/outbox.ts) and hands it to the
// mail transport. Any failure throws, so pg-boss retries with back-off per the queue's policy. What the
// job row keeps is the Message-ID on success, and on failure the reason with the recipient's address
// blanked out: never the address or the content, which holds single-use tokens.
import { QUEUES } from '@postern/contracts';
import { type Keyring, type MailTransport, openMessage } from '@postern/core';
import { defineJob, type JobHandler } from '../job.ts';

export interface EmailJobDeps {
  keyring: Keyring;
  transport: Pick<MailTransport, 'send'>;
}

/** Replaces every occurrence of the address (servers echo it in refusals, in any case) with a marker. */
function withoutAddress(text: string, address: string): string {
  const pattern = new RegExp(address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  return text.replace(pattern, '[recipient]');
}

export function createEmailJob({ keyring, transport }: EmailJobDeps): JobHandler<typeof QUEUES.email> {
  return defineJob(QUEUES.email, async (payload, ctx) => {
    const message = openMessage(keyring, payload.sealed);
    try {
      const { messageId } = await transport.send(message, { signal: ctx.signal });
      return { messageId };
    } catch (error) {
      const failure = error as Error & { code?: unknown; responseCode?: unknown };
      const reason = withoutAddress(failure.message ?? String(error), message.to);
      const wrapped = new Error(`email not sent: ${reason}`) as Error & {
        code?: unknown;
        responseCode?: unknown;
      };
      // Keep the machine-readable bits (e.g. ECONNECTION, EENVELOPE, 550) for logs, not the original error.
      if (failure.code !== undefined) wrapped.code = failure.code;
      if (failure.responseCode !== undefined) wrapped.responseCode = failure.responseCode;
      throw wrapped;
    }
  });
}
