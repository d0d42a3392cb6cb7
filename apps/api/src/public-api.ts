// What the public API needs beyond the dashboard's deps: the limiter (Redis or memory, like the KV
// store), the key authenticator and the usage recorder.
import { PLANS, type Plan } from '@postern/contracts';
import {
  ApiKeyAuthenticator,
  type Clock,
  createRateLimiter,
  type MikroORM,
  UsageRecorder,
} from '@postern/core';
import type { KvStore } from '@postern/runtime';

export function publicApiDeps(options: {
  orm: MikroORM;
  kv: KvStore;
  clock: Clock;
  rateLimitMultiplier?: number;
}) {
  const limiter = createRateLimiter(options.kv);
  const multiplier = options.rateLimitMultiplier ?? 1;
  const limits = Object.fromEntries(
    (Object.keys(PLANS) as Plan[]).map((plan) => [
      plan,
      { perMinute: PLANS[plan].perMinute * multiplier, burst: Math.round(PLANS[plan].burst * multiplier) },
    ]),
  ) as Record<Plan, { perMinute: number; burst: number }>;
  return {
    limiter,
    apiKeys: new ApiKeyAuthenticator({ orm: options.orm, limiter, clock: options.clock, limits }),
    usage: new UsageRecorder(options.orm, { kv: options.kv }),
  };
}
