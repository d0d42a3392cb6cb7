import type { JobHandler } from '../job.ts';
import { createEmailJob, type EmailJobDeps } from './email.ts';
import { heartbeatJob } from './heartbeat.ts';
import { createRetentionJob } from './retention.ts';

/** Every job handler the worker runs, one per queue in contracts. */
export function jobHandlers(
  deps: EmailJobDeps & { sessionIdleMs: number; auditRetentionDays: number },
): JobHandler[] {
  return [heartbeatJob, createEmailJob(deps), createRetentionJob(deps)];
}
