// API keys and plan usage, presented (pure: testable).

export type KeyStatus = 'active' | 'revoked' | 'expired';

interface KeyDates {
  revokedAt: string | null;
  expiresAt: string | null;
}

export function keyStatus(key: KeyDates, now: number): KeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

/** Active keys first (newest first within each group: the server's order). */
export function sortKeys<K extends KeyDates>(keys: readonly K[], now: number): K[] {
  const rank: Record<KeyStatus, number> = { active: 0, expired: 1, revoked: 2 };
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
