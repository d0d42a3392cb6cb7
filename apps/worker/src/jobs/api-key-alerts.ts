// Usage alerts of API keys (core/api-keys/alerts.ts): every few minutes, the keys used lately are
// compared with their baseline from the counters the API keeps in Redis.
import { QUEUES } from '@postern/contracts';
import { evaluateUsageAlerts, usageCountersFor } from '@postern/core';
import { defineJob } from '../job.ts';

export const apiKeyUsageAlertsJob = defineJob(QUEUES.apiKeyUsageAlerts, async (_payload, ctx) => {
  const counters = ctx.core ? usageCountersFor(ctx.core.kv) : null;
  // Without Redis (dev, one process each) the API's counts never reach the worker: nothing to read.
  if (!ctx.core || !counters) return { evaluated: 0, raised: [], skipped: 'no Redis store' };
  return evaluateUsageAlerts(ctx.core, counters);
});
