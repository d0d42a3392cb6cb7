import { type BulkEngine, defaultEngine } from '@postern/core';
import type { JobHandler } from '../job.ts';
import { createBulkChunkJob } from './bulk.ts';
import { createEmailJob, type EmailJobDeps } from './email.ts';
import { heartbeatJob } from './heartbeat.ts';
import { createRetentionJob } from './retention.ts';

/** Every job handler the worker runs, one per queue in contracts. */
export function jobHandlers(
  deps: EmailJobDeps & {
    sessionIdleMs: number;
    auditRetentionDays: number;
    /** The process-wide verification engine (start.ts builds it from config); default: system DNS. */
    engine?: BulkEngine;
  },
): JobHandler[] {
  let engine = deps.engine;
  return [
    heartbeatJob,
    createEmailJob(deps),
    createRetentionJob(deps),
    createBulkChunkJob({
      keyring: deps.keyring,
      engine: () => {
        engine ??= defaultEngine();
        return engine;
      },
    }),
  ];
}
