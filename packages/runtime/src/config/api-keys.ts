// Usage alerts of API keys (core/api-keys/alerts.ts): when a key's last hour is unusual.
import { z } from 'zod';

export const apiKeyAlertEnv = z.object({
  /** Alert when the last hour's requests reach this many times the key's hourly baseline (7 days). */
  API_KEY_ALERT_RISE_FACTOR: z.coerce.number().min(1.5).max(1000).default(5),
  /** ...and at least this many requests (a quiet key doubling is no alert). */
  API_KEY_ALERT_MIN_REQUESTS: z.coerce.number().int().min(1).max(100_000_000).default(100),
  /** Alert when a key is refused (401/403/429) this many times within an hour. */
  API_KEY_ALERT_REFUSALS: z.coerce.number().int().min(1).max(100_000_000).default(50),
});

export interface ApiKeyAlertConfig {
  /** API_KEY_ALERT_RISE_FACTOR (default 5). */
  riseFactor: number;
  /** API_KEY_ALERT_MIN_REQUESTS per hour (default 100). */
  minRequests: number;
  /** API_KEY_ALERT_REFUSALS per hour (default 50). */
  refusals: number;
}

export function apiKeyAlertSettings(e: z.output<typeof apiKeyAlertEnv>): ApiKeyAlertConfig {
  return {
    riseFactor: e.API_KEY_ALERT_RISE_FACTOR,
    minRequests: e.API_KEY_ALERT_MIN_REQUESTS,
    refusals: e.API_KEY_ALERT_REFUSALS,
  };
}
