// Enforces the retention table (packages/core/src/retention/policy.ts): every rule every hour, the
// rules of short-lived data also every 5 minutes.
import { QUEUES } from '@postern/contracts';
import { purgeExpired, type RetentionSettings } from '@postern/core';
import { defineJob } from '../job.ts';

/** The rules of short-lived data (abandoned bulk uploads), every 5 minutes. */
export function createRetentionSweepJob(settings: RetentionSettings) {
  return defineJob(QUEUES.retentionSweep, async (_payload, ctx) => ({
    purged: await purgeExpired(ctx.em, ctx.clock, settings, { frequentOnly: true }),
  }));
}

export function createRetentionJob(settings: RetentionSettings) {
  return defineJob(QUEUES.retention, async (_payload, ctx) => ({
    purged: await purgeExpired(ctx.em, ctx.clock, settings),
  }));
}
