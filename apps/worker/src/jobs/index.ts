import { randomBytes } from 'node:crypto';
import { auditSignerFromConfig, type BulkEngine, defaultEngine, type WebhookEngine } from '@postern/core';
import type { JobHandler } from '../job.ts';
import { apiKeyUsageAlertsJob } from './api-key-alerts.ts';
import { type AuditCheckpointDeps, createAuditCheckpointJob } from './audit-checkpoint.ts';
import { type BulkJobDeps, createBulkChunkJob } from './bulk.ts';
import { createCampaignJobs } from './campaigns.ts';
import { createContactImportJob } from './contact-import.ts';
import { createEmailJob, type EmailJobDeps } from './email.ts';
import { erasureJob } from './erasure.ts';
import { heartbeatJob } from './heartbeat.ts';
import { mailboxOAuthRefreshJob } from './mailbox-oauth-refresh.ts';
import { createRetentionJob, createRetentionSweepJob } from './retention.ts';
import { createWebhookDispatchJob, wakesWebhooks } from './webhooks.ts';

/** Every job handler the worker runs, one per queue in contracts. */
export function jobHandlers(
  deps: EmailJobDeps & {
    sessionIdleMs: number;
    auditRetentionDays: number;
    optInUnconfirmedDays?: number;
    /** The process-wide verification engine (start.ts builds it from config); default: system DNS. */
    engine?: BulkEngine;
    /** The process's webhook delivery engine (start.ts); without one, dispatch jobs fan out only. */
    webhooks?: WebhookEngine;
    /** Signs audit chain heads (start.ts builds it from AUDIT_SIGNING_KEY); without one, a dev key. */
    audit?: AuditCheckpointDeps;
    /** Queues bulk chunks handed back during a resolver outage again (start.ts passes its client). */
    boss?: BulkJobDeps['boss'];
  },
): JobHandler[] {
  let engine = deps.engine;
  return [
    heartbeatJob,
    createEmailJob(deps),
    createRetentionJob(deps),
    createRetentionSweepJob(deps),
    wakesWebhooks(
      createBulkChunkJob({
        keyring: deps.keyring,
        ...(deps.boss ? { boss: deps.boss } : {}),
        engine: () => {
          engine ??= defaultEngine();
          return engine;
        },
      }),
      deps.webhooks,
    ),
    createWebhookDispatchJob({ keyring: deps.keyring, webhooks: deps.webhooks }),
    createContactImportJob(() => (engine ??= defaultEngine())),
    wakesWebhooks(apiKeyUsageAlertsJob, deps.webhooks),
    erasureJob,
    ...createCampaignJobs({ engine: () => (engine ??= defaultEngine()), webhooks: deps.webhooks }),
    mailboxOAuthRefreshJob,
    // Without a configured signer (fixtures), a throw-away key: nothing it signs verifies elsewhere.
    createAuditCheckpointJob(
      deps.audit ?? {
        signer: auditSignerFromConfig({ secret: randomBytes(32).toString('hex'), env: 'development' }),
      },
    ),
  ];
}
