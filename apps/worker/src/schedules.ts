// Every timed job, in one list. pg-boss cron has minute resolution and fires once per schedule
// across all worker processes.
import { QUEUES, type QueueDefinition } from '@postern/contracts';

export interface ScheduleEntry {
  queue: QueueDefinition;
  cron: string;
  data: object;
  description: string;
}

export const SCHEDULES: ScheduleEntry[] = [
  {
    queue: QUEUES.retention,
    cron: '17 * * * *',
    data: {},
    description: 'deletes what the retention table (core/retention/policy.ts) says is past its time',
  },
  {
    queue: QUEUES.retentionSweep,
    cron: '*/5 * * * *',
    data: {},
    description: 'the retention rules marked `every: 5 minutes` (abandoned bulk uploads)',
  },
  {
    queue: QUEUES.auditCheckpoint,
    cron: '23 * * * *',
    data: {},
    description:
      'signs the head of every audit chain that grew (KV, audit_signed_head, audit.checkpoint webhook); owners digest in the 00:xx UTC run',
  },
  {
    queue: QUEUES.apiKeyUsageAlerts,
    cron: '*/5 * * * *',
    data: {},
    description:
      'API key usage alerts: traffic spikes, refusal bursts and new IP ranges against the counters in Redis (at most one per key per hour)',
  },
  {
    queue: QUEUES.erasure,
    cron: '41 * * * *',
    data: {},
    description:
      'erases the accounts and workspaces whose 30-day deletion grace has ended (core/erasure registry), then mails the person',
  },
  {
    queue: QUEUES.mailboxOAuthRefresh,
    cron: '* * * * *',
    data: {},
    description:
      'renews the access tokens of Gmail/Outlook mailboxes expiring within OAUTH_REFRESH_WINDOW_SECONDS (lease-claimed, once across workers)',
  },
  {
    queue: QUEUES.heartbeat,
    cron: '* * * * *',
    data: { trigger: 'schedule' },
    description: 'worker liveness for /readyz; prunes rows of workers gone for a day',
  },
];
