// Human-readable durations for the status page.

/** 42 → "42s", 725 → "12m 5s", 11_520 → "3h 12m", 190_800 → "2d 5h". */
export function formatUptime(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const rest = seconds % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
  if (minutes > 0) return rest > 0 ? `${minutes}m ${rest}s` : `${minutes}m`;
  return `${rest}s`;
}

/** Time elapsed since `then` (ms epoch), e.g. "just now", "4s ago", "3m ago", "2h ago". */
export function formatAgo(then: number, now: number): string {
  const seconds = Math.max(0, Math.floor((now - then) / 1000));
  if (seconds < 1) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ago`;
  return `${Math.floor(hours / 24)}d ago`;
}

/** 0.04 → "<0.1 ms", 1.25 → "1.3 ms", 112 → "112 ms", undefined → "—". */
export function formatLatency(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 0.1) return '<0.1 ms';
  if (ms < 10) return `${(Math.round(ms * 10) / 10).toString()} ms`;
  return `${Math.round(ms)} ms`;
}
