// `webhooks.dispatch`: "outbox rows may be waiting" (sent after a commit; LISTEN/NOTIFY wakes the
// worker at once). The process's delivery engine (core/webhooks/engine.ts) fans them out and attempts
// the deliveries it claimed; a process without an engine fans out only, leaving the deliveries due for
// any worker's delivery loop. The engine's own poll is the safety net when this job is never sent.
import { QUEUES } from '@postern/contracts';
import { fanOutOutbox, type Keyring, type WebhookEngine } from '@postern/core';
import { defineJob, type JobHandler } from '../job.ts';

const FAN_OUT_BATCH = 200;

export interface WebhookJobDeps {
  keyring: Keyring;
  /** The process's delivery engine (start.ts), if it runs one. */
  webhooks?: WebhookEngine | undefined;
}

export function createWebhookDispatchJob(deps: WebhookJobDeps): JobHandler<typeof QUEUES.webhookDispatch> {
  return defineJob(QUEUES.webhookDispatch, async (_payload, ctx) => {
    if (deps.webhooks) {
      await deps.webhooks.dispatchNow();
      return { via: 'engine' };
    }
    let events = 0;
    for (;;) {
      const result = await fanOutOutbox(
        { em: ctx.em, keyring: deps.keyring, clock: ctx.clock },
        {
          limit: FAN_OUT_BATCH,
          claim: 0,
          leaseMs: 0,
        },
      );
      events += result.events;
      if (result.events < FAN_OUT_BATCH) return { via: 'fan-out', events };
    }
  });
}

/**
 * Wraps a handler whose jobs may write outbox events (a bulk chunk that ends its job): when it
 * finishes, the process's engine looks at the outbox at once instead of at its next poll.
 */
export function wakesWebhooks<H extends JobHandler>(handler: H, webhooks: WebhookEngine | undefined): H {
  if (!webhooks) return handler;
  return {
    ...handler,
    async handle(payload, ctx) {
      try {
        return await handler.handle(payload, ctx);
      } finally {
        webhooks.wake();
      }
    },
  };
}
