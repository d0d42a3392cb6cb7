// Delivery settings: the retry schedule, timeouts, and when an endpoint is disabled. Defaults follow
// the Standard Webhooks recommendation; WEBHOOK_* settings (runtime/config.ts) override some of them.
import { WEBHOOK_RESPONSE_SNIPPET_BYTES } from '@postern/contracts';
import type { TargetPolicy } from './targets.ts';
import { createTargetPolicy } from './targets.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Delay before each retry: attempt 1 is immediate, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h
 * (8 attempts over about 27.6 hours), each ±20 % jitter.
 */
export const DEFAULT_RETRY_SCHEDULE_MS = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
];

export interface WebhookSettings {
  targets: TargetPolicy;
  /** One attempt (connect, headers, body) ends after this long. */
  timeoutMs: number;
  retryScheduleMs: readonly number[];
  /** ±fraction of random jitter applied to each retry delay. */
  jitter: number;
  /** A receiver's Retry-After is honoured up to this long. */
  retryAfterMaxMs: number;
  responseSnippetBytes: number;
  /** An endpoint whose every attempt failed for this long (and at least `disableMinFailures` times) is disabled. */
  disableAfterFailingMs: number;
  disableMinFailures: number;
  /** Deliveries in flight at once in one worker process. */
  concurrency: number;
  /**
   * Deliveries in flight at once to one endpoint, in one worker process: a slow or backlogged
   * endpoint holds at most this many of the `concurrency` slots, the others keep theirs.
   */
  endpointConcurrency: number;
  /** Safety-net poll of the outbox and of due retries. */
  pollMs: number;
  /** How long a claimed attempt may run before another worker may take the delivery over. */
  leaseMs: number;
  /** Outbox events per fan-out transaction; deliveries per claim. */
  batchSize: number;
  /** Resolvers for the connect-time lookup (`ip[:port]`); default: the system's. */
  dnsServers?: readonly string[];
}

export function webhookSettings(overrides: Partial<WebhookSettings> = {}): WebhookSettings {
  const timeoutMs = overrides.timeoutMs ?? 15 * SECOND;
  return {
    targets: createTargetPolicy({}),
    timeoutMs,
    retryScheduleMs: DEFAULT_RETRY_SCHEDULE_MS,
    jitter: 0.2,
    retryAfterMaxMs: HOUR,
    responseSnippetBytes: WEBHOOK_RESPONSE_SNIPPET_BYTES,
    disableAfterFailingMs: 24 * HOUR,
    disableMinFailures: 5,
    concurrency: 100,
    endpointConcurrency: 20,
    pollMs: SECOND,
    // Twice the attempt timeout plus a margin: a live worker always records its result first.
    leaseMs: 2 * timeoutMs + 2 * SECOND,
    batchSize: 200,
    ...overrides,
  };
}

/** Settings of a worker process from its Config (WEBHOOK_*, WORKER_POLL_SECONDS, NODE_ENV). */
export function webhookSettingsFromConfig(config: {
  env: string;
  workerPollSeconds: number;
  webhooks: {
    allowedTargets: readonly string[];
    timeoutMs: number;
    retryScheduleMs: readonly number[] | undefined;
    concurrency: number;
    endpointConcurrency: number;
  };
}): WebhookSettings {
  return webhookSettings({
    targets: createTargetPolicy({
      allowedTargets: config.webhooks.allowedTargets,
      production: config.env === 'production',
    }),
    timeoutMs: config.webhooks.timeoutMs,
    ...(config.webhooks.retryScheduleMs ? { retryScheduleMs: config.webhooks.retryScheduleMs } : {}),
    concurrency: config.webhooks.concurrency,
    endpointConcurrency: Math.min(config.webhooks.endpointConcurrency, config.webhooks.concurrency),
    pollMs: config.workerPollSeconds * 1000,
  });
}

/**
 * When the attempt after `roundAttempt` failed attempts of this round is due, or null when the round is
 * over (the delivery has failed). Retry-After, when given, is honoured up to retryAfterMaxMs.
 */
export function nextRetryDelay(
  settings: Pick<WebhookSettings, 'retryScheduleMs' | 'jitter' | 'retryAfterMaxMs'>,
  roundAttempt: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number | null {
  const base = settings.retryScheduleMs[roundAttempt - 1];
  if (base === undefined) return null;
  const jittered = Math.round(base * (1 - settings.jitter + 2 * settings.jitter * random()));
  if (retryAfterMs === null) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, settings.retryAfterMaxMs));
}
