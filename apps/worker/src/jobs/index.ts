import type { JobHandler } from '../job.ts';
import { heartbeatJob } from './heartbeat.ts';

/** Every job handler the worker runs, one per queue in contracts. */
export const JOB_HANDLERS: JobHandler[] = [heartbeatJob];
