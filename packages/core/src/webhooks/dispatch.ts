// Webhook delivery runs in three phases, each a few set-based statements the worker's engine drives:
//   fan-out.ts   outbox rows → one delivery per subscribed enabled endpoint (fanOutOutbox)
//   claim.ts     due pending deliveries claimed for one attempt each (claimDueDeliveries)
//   record.ts    attempt results, delivery state, endpoint health and disabling (recordAttempts)
// endpoint-targets.ts holds what they share (stored URL and secrets, the decrypted target, the body).
// This module is how the rest of core asks for a dispatch after a commit.
import { QUEUES } from '@postern/contracts';
import type { PgBoss } from '@postern/runtime';

/**
 * Asks the workers to fan out now (call it after a commit that wrote outbox events or queued a
 * delivery). The dispatch queue keeps at most one job waiting and wakes workers by LISTEN/NOTIFY, so
 * calling it per commit is cheap. Best effort: if the job cannot be sent, the workers' poll still
 * finds the work within WORKER_POLL_SECONDS.
 */
export async function requestWebhookDispatch(
  boss: Pick<PgBoss, 'insert'> | undefined,
  reason?: string,
): Promise<boolean> {
  if (!boss) return false;
  try {
    await boss.insert(QUEUES.webhookDispatch.name, [{ data: reason ? { reason } : {} }]);
    return true;
  } catch {
    return false;
  }
}
