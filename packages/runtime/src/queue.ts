// pg-boss factory: every background job runs through PostgreSQL, in the `pgboss` schema.
import { PgBoss } from 'pg-boss';
import type { Logger } from './logger.ts';

export type { PgBoss };
export const QUEUE_SCHEMA = 'pgboss';

export function createQueueClient(options: {
  databaseUrl: string;
  logger: Logger;
  /** Only worker processes run maintenance and cron; API processes just send. */
  role: 'worker' | 'producer';
  /** TLS options for pg-boss's own pool; pass the same as the ORM's (DATABASE_SSL). */
  ssl?: object | false;
  max?: number;
}): PgBoss {
  const boss = new PgBoss({
    connectionString: options.databaseUrl,
    schema: QUEUE_SCHEMA,
    application_name: `postern-${options.role}`,
    max: options.max ?? (options.role === 'worker' ? 6 : 3),
    supervise: options.role === 'worker',
    schedule: options.role === 'worker',
    ...(options.ssl ? { ssl: options.ssl } : {}),
  });
  // pg-boss requires an error listener before start(): an unhandled 'error' would crash the process.
  boss.on('error', (error) => options.logger.error({ err: error }, 'queue error'));
  return boss;
}
