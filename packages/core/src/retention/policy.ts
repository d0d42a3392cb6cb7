// The data lifecycle in one screen: how long each kind of record is kept, and the purge that
// enforces it (run by the worker's `retention.purge` schedule). Later issues add their rows here.
import {
  EmailToken,
  type EntityManager,
  Notification,
  OutboxEvent,
  RefreshToken,
  Session,
  TwoFactorChallenge,
  WebhookEndpoint,
  WorkerHeartbeat,
} from '@postern/db';
import { purgeAuditLog } from '../audit/purge.ts';
import { purgeExpiredBulkJobs } from '../bulk/lifecycle.ts';
import { purgeAbandonedUploads } from '../bulk/staging.ts';
import { purgeEndedCampaigns } from '../campaigns/retention.ts';
import type { Clock } from '../clock.ts';
import { purgeAbandonedImports, purgeImportReports } from '../contacts/import/purge.ts';
import { purgeUnconfirmed } from '../contacts/preferences.ts';
import { purgeWebhookDeliveries } from '../webhooks/deliveries.ts';

const DAY = 86_400_000;

export interface RetentionRule {
  data: string;
  kept: string;
  /** Also run by the 5-minute sweep (short-lived data), not only by the hourly purge. */
  every?: '5 minutes';
  /** Deletes what is past its time; returns how many rows went. */
  purge(em: EntityManager, now: Date, settings: RetentionSettings): Promise<number>;
}

export interface RetentionSettings {
  sessionIdleMs: number;
  auditRetentionDays: number;
  /** OPT_IN_UNCONFIRMED_RETENTION_DAYS (30 by default). */
  optInUnconfirmedDays?: number | undefined;
}

export const RETENTION_RULES: RetentionRule[] = [
  {
    data: 'unconfirmed subscriptions (double opt-in never confirmed) and expired confirmation links',
    kept: '30 days unconfirmed (OPT_IN_UNCONFIRMED_RETENTION_DAYS); links until they expire (OPT_IN_LINK_TTL_DAYS, 7 days)',
    purge: (em, now, settings) => purgeUnconfirmed(em, now, settings.optInUnconfirmedDays ?? 30),
  },
  {
    data: 'audit log entries',
    kept: '1 year by default (AUDIT_RETENTION_DAYS, at least 90 days); a checkpoint keeps the chain verifiable',
    purge: (em, now, settings) => purgeAuditLog(em, now, settings.auditRetentionDays),
  },
  {
    data: 'inactive, expired or revoked sessions (and their refresh-token hashes)',
    kept: '30 days of inactivity (SESSION_IDLE_DAYS); revoked ones 30 days for the session list and audit context',
    async purge(em, now, settings) {
      const idleBefore = new Date(now.getTime() - settings.sessionIdleMs);
      const revokedBefore = new Date(now.getTime() - 30 * DAY);
      const gone = await em.find(
        Session,
        {
          $or: [
            { lastActiveAt: { $lt: idleBefore } },
            { expiresAt: { $lt: now } },
            { revokedAt: { $lt: revokedBefore } },
          ],
        },
        { fields: ['id'], limit: 5000 },
      );
      if (!gone.length) return 0;
      const ids = gone.map((s) => s.id);
      await em.nativeDelete(RefreshToken, { sessionId: { $in: ids } });
      return em.nativeDelete(Session, { id: { $in: ids } });
    },
  },
  {
    data: 'sign-in second-factor challenges',
    kept: '1 day after they expire (they live 5 minutes)',
    purge: (em, now) =>
      em.nativeDelete(TwoFactorChallenge, { expiresAt: { $lt: new Date(now.getTime() - DAY) } }),
  },
  {
    data: 'email verification and password-reset tokens (hashes)',
    kept: '7 days after they expire',
    purge: (em, now) =>
      em.nativeDelete(EmailToken, { expiresAt: { $lt: new Date(now.getTime() - 7 * DAY) } }),
  },
  {
    data: 'bulk verification jobs (encrypted addresses and results)',
    kept: '7 days after the job completes (or is cancelled or fails), then its chunks and the job go',
    purge: (em, now) => purgeExpiredBulkJobs(em, now),
  },
  {
    data: 'bulk uploads in progress (staged encrypted chunks) whose request ended without a job',
    kept: 'removed at once when the upload fails or the client goes away; if its API process stopped, within 7 minutes (no heartbeat for 2 minutes, swept every 5)',
    every: '5 minutes',
    purge: (em, now) => purgeAbandonedUploads(em, now),
  },
  {
    data: 'contact import reports (rows not subscribed, with the address as uploaded)',
    kept: "30 days after the import ended (completed, failed or cancelled); a contact's rows go when the contact is deleted or erased",
    purge: (em, now) => purgeImportReports(em, now),
  },
  {
    data: 'contact imports still uploading whose request ended without queueing them (staged encrypted rows)',
    kept: 'removed at once when the upload fails or the client goes away; if its API process stopped, within 7 minutes (no heartbeat for 2 minutes, swept every 5)',
    every: '5 minutes',
    purge: (em, now) => purgeAbandonedImports(em, now),
  },
  {
    data: 'webhook delivery records (deliveries with their payloads, attempts with response snippets)',
    kept: '30 days after the delivery was created',
    purge: (em, now) => purgeWebhookDeliveries(em, now),
  },
  {
    data: 'previous webhook signing secrets (encrypted), kept for a rotation overlap',
    kept: 'until the overlap ends (at most 7 days); erased within the hour after',
    purge: (em, now) =>
      em.nativeUpdate(
        WebhookEndpoint,
        { previousSecretExpiresAt: { $lt: now } },
        { previousSecret: null, previousSecretExpiresAt: null },
      ),
  },
  {
    data: 'dispatched outbox events (ids and counts only)',
    kept: '30 days after they were dispatched; undispatched events are never purged',
    purge: (em, now) =>
      em.nativeDelete(OutboxEvent, { dispatchedAt: { $lt: new Date(now.getTime() - 30 * DAY) } }),
  },
  {
    data: 'campaign metrics and per-recipient rows (campaigns that ended: sent, cancelled or failed)',
    kept: '2 years after the campaign completed, then the campaign goes with its metrics and recipient rows',
    purge: (em, now) => purgeEndedCampaigns(em, now),
  },
  {
    data: 'dashboard notifications',
    kept: '90 days',
    purge: (em, now) =>
      em.nativeDelete(Notification, { createdAt: { $lt: new Date(now.getTime() - 90 * DAY) } }),
  },
  {
    data: 'worker heartbeats of stopped workers',
    kept: '1 day',
    purge: (em, now) => em.nativeDelete(WorkerHeartbeat, { beatAt: { $lt: new Date(now.getTime() - DAY) } }),
  },
];

/** Runs every rule; returns rows deleted per rule. */
export async function purgeExpired(
  em: EntityManager,
  clock: Clock,
  settings: RetentionSettings,
  options: { frequentOnly?: boolean } = {},
) {
  const now = clock.now();
  const results: { data: string; deleted: number }[] = [];
  for (const rule of RETENTION_RULES.filter((r) => !options.frequentOnly || r.every === '5 minutes'))
    results.push({ data: rule.data, deleted: await rule.purge(em, now, settings) });
  return results;
}
