// The usage alert rules (pure): a key's last hour against its counters in Redis (usage-counters.ts).
//   refusals       at least `refusals` answers 401/403/429 in the last hour
//   new_ip_range   used from a range first seen in the last hour, while older ranges exist
//   traffic_spike  at least `minRequests` requests in the last hour and `riseFactor` × its hourly
//                  baseline (the up to 7 days before; a key needs one hour of history to have one)
import type { ApiKeyAlertKind } from '@postern/contracts';
import { type KeyCounts, SLOT_MS } from './usage-counters.ts';

export interface AlertRules {
  riseFactor: number;
  minRequests: number;
  refusals: number;
}

export interface Detection {
  kind: ApiKeyAlertKind;
  summary: string;
  details: Record<string, unknown>;
}

const HOUR_SLOTS = 3_600_000 / SLOT_MS;
const BASELINE_SLOTS = 7 * 24 * HOUR_SLOTS;
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

/** What is unusual about one key now, most telling first (empty when nothing is). */
export function detectUsageAlerts(
  counts: KeyCounts,
  now: Date,
  keyCreatedAt: Date,
  rules: AlertRules,
): Detection[] {
  const nowSlot = Math.floor(now.getTime() / SLOT_MS);
  const windowStart = nowSlot - HOUR_SLOTS + 1;
  const baselineStart = Math.max(Math.floor(keyCreatedAt.getTime() / SLOT_MS), windowStart - BASELINE_SLOTS);
  let requests = 0;
  let refusals = 0;
  let before = 0;
  for (const [slot, c] of counts.slots) {
    if (slot >= windowStart && slot <= nowSlot) {
      requests += c.requests;
      refusals += c.refusals;
    } else if (slot >= baselineStart && slot < windowStart) before += c.requests;
  }
  const found: Detection[] = [];
  if (refusals >= rules.refusals)
    found.push({
      kind: 'refusals',
      summary: `${fmt(refusals)} requests refused (401/403/429) in the last hour`,
      details: { refusals, threshold: rules.refusals },
    });
  const hourAgo = now.getTime() - 3_600_000;
  const fresh = [...counts.ranges].filter(([, at]) => at > hourAgo).map(([range]) => range);
  const known = [...counts.ranges.values()].some((at) => at <= hourAgo);
  if (fresh.length && known)
    found.push({
      kind: 'new_ip_range',
      summary: `used from a new IP range: ${fresh.sort().join(', ')}`,
      details: { ranges: fresh },
    });
  const baselineHours = (windowStart - baselineStart) / HOUR_SLOTS;
  if (baselineHours >= 1 && requests >= rules.minRequests) {
    const perHour = before / baselineHours;
    if (requests >= rules.riseFactor * perHour)
      found.push({
        kind: 'traffic_spike',
        summary: `${fmt(requests)} requests in the last hour, against ${fmt(perHour)} an hour before`,
        details: { requests, baselinePerHour: perHour, riseFactor: rules.riseFactor },
      });
  }
  return found;
}
