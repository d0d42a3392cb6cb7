const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

const STEPS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['minute', 60],
  ['hour', 3_600],
  ['day', 86_400],
  ['week', 604_800],
  ['month', 2_592_000],
  ['year', 31_536_000],
];

/** The largest unit that fits in `seconds` (at least a minute), and its length in seconds. */
function largestUnit(seconds: number): [Intl.RelativeTimeFormatUnit, number] {
  let found: [Intl.RelativeTimeFormatUnit, number] = ['minute', 60];
  for (const step of STEPS) if (seconds >= step[1]) found = step;
  return found;
}

/**
 * A past instant relative to `now` (both ms epoch): "just now" under a minute, then "5 minutes ago",
 * "yesterday", "3 weeks ago"… Future instants (clock skew) read as "just now".
 */
export function formatRelative(then: number, now: number): string {
  const seconds = Math.floor((now - then) / 1000);
  if (seconds < 60) return 'just now';
  const [unit, size] = largestUnit(seconds);
  return RELATIVE.format(-Math.floor(seconds / size), unit);
}

/** "21 Nov 2026, 17:26" in the viewer's zone. */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** A future instant relative to `now` (ms epoch): "in 5 minutes", "tomorrow", "in 7 days"; past → "expired". */
export function formatUntil(then: number, now: number): string {
  const seconds = Math.floor((then - now) / 1000);
  if (seconds <= 0) return 'expired';
  if (seconds < 60) return 'in less than a minute';
  const [unit, size] = largestUnit(seconds);
  // Rounded, not floored: an invitation sent a minute ago still expires "in 7 days".
  return RELATIVE.format(Math.round(seconds / size), unit);
}

/** "21 Nov 2026" in the viewer's zone. */
export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
}
