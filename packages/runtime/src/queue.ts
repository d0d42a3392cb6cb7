// pg-boss factory: every background job runs through PostgreSQL, in the `pgboss` schema.

import type { QueueDefinition } from '@postern/contracts';
import { PgBoss } from 'pg-boss';
import type { Logger } from './logger.ts';

export type { PgBoss };
export const QUEUE_SCHEMA = 'pgboss';
/**
 * How often a worker's pg-boss supervisor looks for jobs whose heartbeat went stale (a killed worker)
 * or that expired, and fails them for retry. One pass per interval across all workers (pg-boss claims
 * it in the database). pg-boss's own default, 60 s, left a dead worker's bulk chunks waiting minutes.
 */
export const QUEUE_MONITOR_SECONDS = 10;

export function createQueueClient(options: {
  databaseUrl: string;
  logger: Logger;
  /**
   * Only worker processes run maintenance and cron; API processes just send. `owner` installs or
   * upgrades pg-boss's schema and creates queues (migration time), nothing else.
   */
  role: 'worker' | 'producer' | 'owner';
  /**
   * Install/upgrade pg-boss's schema at start() (default: true). The application role, which owns
   * nothing, runs with false: pg-boss then only checks that the owner installed the right version.
   */
  migrate?: boolean;
  /** TLS options for pg-boss's own pool; pass the same as the ORM's (DATABASE_SSL). */
  ssl?: object | false;
  max?: number;
}): PgBoss {
  const boss = new PgBoss({
    connectionString: options.databaseUrl,
    schema: QUEUE_SCHEMA,
    application_name: `postern-${options.role}`,
    max: options.max ?? (options.role === 'worker' ? 6 : 3),
    migrate: options.role === 'owner' ? true : (options.migrate ?? true),
    supervise: options.role === 'worker',
    ...(options.role === 'worker'
      ? { superviseIntervalSeconds: QUEUE_MONITOR_SECONDS, monitorIntervalSeconds: QUEUE_MONITOR_SECONDS }
      : {}),
    schedule: options.role === 'worker',
    // Workers wake at once for jobs of queues created with `notify` (signal queues); polling stays.
    useListenNotify: options.role === 'worker',
    ...(options.ssl ? { ssl: options.ssl } : {}),
  });
  // pg-boss requires an error listener before start(): an unhandled 'error' would crash the process.
  boss.on('error', (error) => options.logger.error({ err: error }, 'queue error'));
  return boss;
}

/**
 * Creates (or updates the policy of) each queue. API processes and workers both call it at start-up,
 * so a job can be sent before any worker has run.
 */
export async function ensureQueues(boss: PgBoss, queues: QueueDefinition[]): Promise<void> {
  for (const queue of queues) {
    const policy = {
      retryLimit: queue.policy.retryLimit,
      retryDelay: queue.policy.retryDelaySeconds,
      retryBackoff: queue.policy.retryBackoff,
      expireInSeconds: queue.policy.expireInSeconds,
      ...(queue.policy.heartbeatSeconds ? { heartbeatSeconds: queue.policy.heartbeatSeconds } : {}),
      ...(queue.policy.signal ? { notify: true } : {}),
    };
    if (await boss.getQueue(queue.name)) await boss.updateQueue(queue.name, policy);
    else {
      try {
        await boss.createQueue(queue.name, {
          ...policy,
          ...(queue.policy.signal ? { policy: 'short' } : {}),
        });
      } catch (error) {
        // Another process created it between the check and here.
        if (!(await boss.getQueue(queue.name))) throw error;
      }
    }
  }
}
