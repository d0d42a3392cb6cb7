// Webhook delivery: which private targets are allowed, timeouts, retries and concurrency.
import { isIP } from 'node:net';
import { z } from 'zod';

/** WEBHOOK_ALLOWED_TARGETS: CIDRs (10.0.0.0/8, fd00::/8), addresses, host names or *.suffix names. */
const HOST_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
function allowedTargetProblem(entry: string): string | undefined {
  const [address, prefix, extra] = entry.split('/');
  if (extra !== undefined || !address) return `"${entry}" is not a CIDR, address or host name`;
  const family = isIP(address);
  if (prefix !== undefined) {
    const bits = Number(prefix);
    if (!family || !/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128))
      return `"${entry}" is not a valid CIDR (e.g. 10.0.0.0/8 or fd00::/8)`;
    return undefined;
  }
  if (family || HOST_NAME.test(address)) return undefined;
  return `"${entry}" is not a CIDR, address or host name`;
}
const allowedTargets = z.string().transform((value, ctx) => {
  const entries = value
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  for (const entry of entries) {
    const problem = allowedTargetProblem(entry);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: `${problem} (comma-separated CIDRs, addresses or hosts)` });
      return z.NEVER;
    }
  }
  return entries;
});
const retrySchedule = z.string().transform((value, ctx) => {
  const seconds = value.split(',').map((part) => Number(part.trim()));
  if (
    seconds.length < 1 ||
    seconds.length > 20 ||
    seconds.some((s) => !Number.isFinite(s) || s <= 0 || s > 7 * 86_400)
  ) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be 1-20 comma-separated delays in seconds (each > 0, at most 7 days), e.g. 5,300,1800',
    });
    return z.NEVER;
  }
  return seconds;
});

export const webhookEnv = z.object({
  WEBHOOK_ALLOWED_TARGETS: allowedTargets.optional(),
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(60).default(15),
  WEBHOOK_RETRY_SCHEDULE_SECONDS: retrySchedule.optional(),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(2000).default(100),
  WEBHOOK_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(2000).default(20),
});

export interface WebhookConfig {
  /** WEBHOOK_ALLOWED_TARGETS: CIDRs, addresses and host names webhooks may reach although private. */
  allowedTargets: string[];
  timeoutMs: number;
  /** Delays before each retry (ms); undefined = the built-in schedule (5 s … 10 h, about a day). */
  retryScheduleMs: number[] | undefined;
  /** Deliveries in flight at once per worker process. */
  concurrency: number;
  /** Deliveries in flight at once to one endpoint per worker process (WEBHOOK_ENDPOINT_CONCURRENCY). */
  endpointConcurrency: number;
}

export function webhookSettings(e: z.output<typeof webhookEnv>): WebhookConfig {
  return {
    allowedTargets: e.WEBHOOK_ALLOWED_TARGETS ?? [],
    timeoutMs: Math.round(e.WEBHOOK_TIMEOUT_SECONDS * 1000),
    retryScheduleMs: e.WEBHOOK_RETRY_SCHEDULE_SECONDS?.map((s) => Math.round(s * 1000)),
    concurrency: e.WEBHOOK_CONCURRENCY,
    endpointConcurrency: e.WEBHOOK_ENDPOINT_CONCURRENCY,
  };
}
