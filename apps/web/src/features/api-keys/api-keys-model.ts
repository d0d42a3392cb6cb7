// API keys and plan usage, presented (pure: testable).
import {
  API_KEY_SCOPE_PRESETS,
  API_KEY_SCOPES,
  type ApiKeyAlertKind,
  type ApiKeyScope,
  LEGACY_API_KEY_SCOPES,
} from '@postern/contracts/constants';

/** `rolling`: replaced by a roll, still working until its revocation time (the overlap). */
export type KeyStatus = 'active' | 'rolling' | 'revoked' | 'expired';

interface KeyDates {
  revokedAt: string | null;
  expiresAt: string | null;
  /** Set when a roll replaced the key: only such a key can be `rolling`. */
  replacedById?: string | null;
}

/**
 * A revocation time in the future means a roll's overlap; only a rolled key has one (a key revoked just
 * now may carry a time ahead of the browser's `now`, which refreshes every 30 s, or of a slow clock).
 */
export function keyStatus(key: KeyDates, now: number): KeyStatus {
  if (key.revokedAt) return key.replacedById && Date.parse(key.revokedAt) > now ? 'rolling' : 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

/** Active keys first (newest first within each group: the server's order). */
export function sortKeys<K extends KeyDates>(keys: readonly K[], now: number): K[] {
  const rank: Record<KeyStatus, number> = { active: 0, rolling: 1, expired: 2, revoked: 3 };
  return [...keys]
    .map((key, index) => ({ key, index }))
    .sort((a, b) => rank[keyStatus(a.key, now)] - rank[keyStatus(b.key, now)] || a.index - b.index)
    .map(({ key }) => key);
}

export const EXPIRY_CHOICES = [
  { value: 'never', label: 'Never' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In 1 year' },
  { value: 'custom', label: 'On a date…' },
] as const;
export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number]['value'];

/**
 * The `expiresAt` to send: nothing for "never", the end of the day (viewer's zone) N days from now,
 * or of the chosen date. `{ error }` when the date is missing or not in the future.
 */
export function expiryInput(
  choice: ExpiryChoice,
  customDay: string,
  now: Date,
): { expiresAt?: string; error?: string } {
  if (choice === 'never') return {};
  let end: Date;
  if (choice === 'custom') {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(customDay);
    if (!match) return { error: 'Choose the day the key stops working.' };
    end = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59, 999);
  } else {
    end = new Date(now.getFullYear(), now.getMonth(), now.getDate() + Number(choice), 23, 59, 59, 999);
  }
  if (Number.isNaN(end.getTime()) || end.getTime() <= now.getTime())
    return { error: 'Choose a day in the future.' };
  return { expiresAt: end.toISOString() };
}

/**
 * The most requests the plan's sustained rate allows in a day and in the current month (UTC, like
 * the counters): what the usage bars are measured against.
 */
export function planCapacity(perMinute: number, now: Date): { perDay: number; perMonth: number } {
  const perDay = perMinute * 60 * 24;
  const daysInMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getUTCDate();
  return { perDay, perMonth: perDay * daysInMonth };
}

/** value / max as a percentage for a bar: 0–100, and at least 1 when there is any use at all. */
export function percentOf(value: number, max: number): number {
  if (max <= 0 || value <= 0) return 0;
  return Math.min(100, Math.max(1, Math.round((value / max) * 100)));
}

export interface UsageSeries {
  days: string[];
  series: { keyId: string; name: string; counts: number[] }[];
}

/** One row per day for the chart: `{ day, [keyId]: requests }`. */
export function chartRows(usage: UsageSeries): Array<Record<string, string | number>> {
  return usage.days.map((day, index) => {
    const row: Record<string, string | number> = { day };
    for (const series of usage.series) row[series.keyId] = series.counts[index] ?? 0;
    return row;
  });
}

export function seriesTotal(counts: readonly number[]): number {
  return counts.reduce((sum, count) => sum + count, 0);
}

/** "2026-11-21" → "21 Nov" (the day is a UTC calendar day: no time zone shift). */
export function shortDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** The first call to try, with the key (or a placeholder). */
export function curlSnippet(origin: string, secret = 'pst_live_…'): string {
  return `curl -H "Authorization: Bearer ${secret}" ${origin}/v1/me`;
}

/** A palette for the chart's series (distinct, readable on white). */
export const SERIES_COLOURS = [
  '#4f46e5',
  '#0ea5e9',
  '#10b981',
  '#f59e0b',
  '#e11d48',
  '#8b5cf6',
  '#14b8a6',
  '#64748b',
];

/**
 * "Full access", "Read only", "All verification" (every scope of today's routes: the dialog's default
 * and what keys made before scopes have), or the scopes themselves (the list's Scopes column).
 */
export function scopeSummary(scopes: readonly string[]): string {
  const has = new Set(scopes);
  const same = (preset: readonly string[]) => preset.length === has.size && preset.every((s) => has.has(s));
  if (same(API_KEY_SCOPE_PRESETS.full)) return 'Full access';
  if (same(API_KEY_SCOPE_PRESETS.readOnly)) return 'Read only';
  if (same(LEGACY_API_KEY_SCOPES)) return 'All verification';
  return API_KEY_SCOPES.filter((s) => has.has(s)).join(', ');
}

/** The scopes with one added or removed, in the canonical order. */
export function toggleScope(scopes: readonly ApiKeyScope[], scope: ApiKeyScope, on: boolean): ApiKeyScope[] {
  const next = new Set(scopes);
  if (on) next.add(scope);
  else next.delete(scope);
  return API_KEY_SCOPES.filter((s) => next.has(s));
}

/** Scopes grouped by resource for the checkbox group: [["jobs", ["jobs:read", "jobs:write"]], …]. */
export function scopeGroups(): [string, ApiKeyScope[]][] {
  const groups = new Map<string, ApiKeyScope[]>();
  for (const scope of API_KEY_SCOPES) {
    const resource = scope.split(':')[0] ?? scope;
    groups.set(resource, [...(groups.get(resource) ?? []), scope]);
  }
  return [...groups];
}

/** How long the old secret of a rolled key keeps working: the choice's value is in hours. */
export const OVERLAP_CHOICES = [
  { value: 0, label: 'Stop it now' },
  { value: 1, label: '1 hour' },
  { value: 24, label: '1 day' },
  { value: 72, label: '3 days' },
  { value: 168, label: '7 days (the most)' },
] as const;

export const ALERT_LABELS: Record<ApiKeyAlertKind, string> = {
  traffic_spike: 'Traffic spike',
  refusals: 'Burst of refusals',
  new_ip_range: 'New IP range',
};

/** Usage alerts per UTC day ("2026-11-21" → count), to mark the chart's days. */
export function alertsByDay(alerts: readonly { createdAt: string }[]): Map<string, number> {
  const days = new Map<string, number>();
  for (const alert of alerts) {
    const day = alert.createdAt.slice(0, 10);
    days.set(day, (days.get(day) ?? 0) + 1);
  }
  return days;
}
