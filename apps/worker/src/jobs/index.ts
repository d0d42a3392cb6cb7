import type { JobHandler } from '../job.ts';
import { createEmailJob, type EmailJobDeps } from './email.ts';
import { heartbeatJob } from './heartbeat.ts';

/** Every job handler the worker runs, one per queue in contracts. */
export function jobHandlers(deps: EmailJobDeps): JobHandler[] {
  return [heartbeatJob, createEmailJob(deps)];
}
