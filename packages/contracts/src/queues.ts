// Every background queue: its name, payload schema and delivery policy. The worker creates each
// queue at start-up and validates every payload against its schema before a handler runs.
import { z } from 'zod';
import { ZAuditCheckpointJob } from './audit.ts';
import { ZBulkChunkJob } from './bulk.ts';
import { CAMPAIGN_SEND_BATCH_QUEUE, CAMPAIGN_START_QUEUE } from './campaigns.ts';
import { CONTACT_IMPORT_QUEUE } from './contact-imports.ts';
import { ZWebhookDispatchJob } from './webhooks.ts';

export interface QueuePolicy {
  /** Attempts after the first failure. */
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  /** A running job is failed (and retried) when it takes longer than this. */
  expireInSeconds: number;
  /**
   * pg-boss job heartbeat (≥ 10): a running job's worker refreshes it every half of this; a job whose
   * heartbeat is older (its worker was killed or hung) is failed and retried by the queue monitor
   * (every QUEUE_MONITOR_SECONDS, packages/runtime) without waiting for `expireInSeconds`.
   */
  heartbeatSeconds?: number;
  /** Fetch loops per worker process (each runs its batch's jobs concurrently). */
  concurrency: number;
  /**
   * Jobs fetched at once per loop (default 1). Above 1, a loop that got a full batch fetches again at
   * once instead of waiting for the polling interval, so a backlog drains at processing speed.
   */
  batchSize?: number;
  /**
   * A wake-up signal rather than work: at most one job waits in the queue (pg-boss policy `short`;
   * further sends are dropped while one waits) and workers are woken at once by LISTEN/NOTIFY.
   */
  signal?: boolean;
}

export interface QueueDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  payload: S;
  policy: QueuePolicy;
}

function defineQueue<S extends z.ZodType>(name: string, payload: S, policy: Partial<QueuePolicy> = {}) {
  return {
    name,
    payload,
    policy: {
      retryLimit: 3,
      retryDelaySeconds: 5,
      retryBackoff: true,
      expireInSeconds: 15 * 60,
      concurrency: 2,
      ...policy,
    },
  } satisfies QueueDefinition<S>;
}

export const ZHeartbeatJob = z.object({
  /** Why the beat was sent: the cron schedule or a worker starting up. */
  trigger: z.enum(['schedule', 'startup']).default('schedule'),
});

export const QUEUES = {
  email: defineQueue('email.send', z.object({ sealed: z.string().min(1) }), {
    retryLimit: 5,
    retryDelaySeconds: 10,
    expireInSeconds: 120,
    concurrency: 4,
  }),
  retention: defineQueue('retention.purge', z.object({}).default({}), {
    retryLimit: 1,
    expireInSeconds: 600,
    concurrency: 1,
  }),
  /** The retention rules of short-lived data (abandoned uploads), every few minutes. */
  retentionSweep: defineQueue('retention.sweep', z.object({}).default({}), {
    retryLimit: 1,
    expireInSeconds: 120,
    concurrency: 1,
  }),
  /** One range of a bulk verification job; retried after a crash, items already done are skipped. */
  bulkChunk: defineQueue('bulk.chunk', ZBulkChunkJob, {
    retryLimit: 5,
    retryDelaySeconds: 5,
    expireInSeconds: 600,
    // A SIGKILLed worker's chunks go back to the queue ~20-35 s after the kill, not after the expiry.
    heartbeatSeconds: 20,
    // Up to 4 chunks in flight per worker; a busy backlog is fetched without polling pauses.
    concurrency: 2,
    batchSize: 2,
  }),
  /**
   * "Outbox rows may be waiting": sent after a commit that wrote events (and by resend / test event);
   * the worker fans them out into webhook deliveries. A poll in the worker is the safety net.
   */
  webhookDispatch: defineQueue('webhooks.dispatch', ZWebhookDispatchJob, {
    retryLimit: 2,
    retryDelaySeconds: 1,
    retryBackoff: false,
    expireInSeconds: 120,
    concurrency: 1,
    signal: true,
  }),
  /** Signs the head of every audit chain that changed (hourly); see core/audit/checkpoint.ts. */
  auditCheckpoint: defineQueue('audit.checkpoint', ZAuditCheckpointJob, {
    retryLimit: 2,
    expireInSeconds: 600,
    concurrency: 1,
  }),
  /**
   * Compares every API key's recent traffic (counted in Redis by the API) with its baseline and raises
   * usage alerts (core/api-keys/alerts.ts); every few minutes.
   */
  apiKeyUsageAlerts: defineQueue('api_keys.usage_alerts', z.object({}).default({}), {
    retryLimit: 1,
    expireInSeconds: 300,
    concurrency: 1,
  }),
  /**
   * Erases the accounts and workspaces whose 30-day deletion grace has ended, as the erasure registry
   * says (core/erasure); hourly.
   */
  erasure: defineQueue('erasure.run', z.object({}).default({}), {
    retryLimit: 2,
    expireInSeconds: 900,
    concurrency: 1,
  }),
  /**
   * Renews the access tokens of OAuth mailboxes (Gmail, Outlook) that expire within the refresh window
   * (core/mailboxes/oauth/refresh.ts); every minute. Rows are claimed with a lease, so two workers
   * never refresh the same token; a run that overlaps the next one simply finds nothing left to claim.
   */
  mailboxOAuthRefresh: defineQueue('mailboxes.oauth_refresh', z.object({}).default({}), {
    retryLimit: 0,
    expireInSeconds: 300,
    concurrency: 1,
  }),
  contactImport: CONTACT_IMPORT_QUEUE,
  campaignStart: CAMPAIGN_START_QUEUE,
  campaignSendBatch: CAMPAIGN_SEND_BATCH_QUEUE,
  heartbeat: defineQueue('system.heartbeat', ZHeartbeatJob, {
    retryLimit: 0,
    expireInSeconds: 60,
    concurrency: 1,
  }),
} as const;

export type QueueKey = keyof typeof QUEUES;
export type QueuePayload<K extends QueueKey> = z.input<(typeof QUEUES)[K]['payload']>;
export const ALL_QUEUES: QueueDefinition[] = Object.values(QUEUES);
