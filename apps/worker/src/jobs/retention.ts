// Enforces the retention table (packages/core/src/retention/policy.ts) every hour.
import { QUEUES } from '@postern/contracts';
import { purgeExpired } from '@postern/core';
import { defineJob } from '../job.ts';

export function createRetentionJob(settings: { sessionIdleMs: number; auditRetentionDays: number }) {
  return defineJob(QUEUES.retention, async (_payload, ctx) => ({
    purged: await purgeExpired(ctx.em, ctx.clock, settings),
  }));
}
