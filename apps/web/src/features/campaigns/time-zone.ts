// Scheduling in a chosen IANA time zone (pure: testable): the zones the browser knows, the member's
// own, and a wall-clock date-time in a zone turned into the instant it names — across daylight-saving
// changes, where a wall time can be skipped (spring forward) or happen twice (fall back). Intl does
// the zone arithmetic; no time-zone database is bundled.

/** A `<input type="datetime-local">` value: "2026-12-24T09:30" (seconds optional). */
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

const HOUR_MS = 3_600_000;

/** The zones of `Intl.supportedValuesOf('timeZone')`, with UTC and `extra` (an alias the browser reports). */
export function timeZones(extra?: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const all = new Set(known);
  all.add('UTC');
  if (extra && isTimeZone(extra)) all.add(extra);
  return [...all].sort((a, b) => a.localeCompare(b, 'en'));
}

/** The browser's zone (the member's local time), UTC when it reports none. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zones grouped by region for `<optgroup>`s: "Europe" → ["Europe/Berlin", …]; UTC and the like under "Other". */
export function groupTimeZones(zones: readonly string[]): Array<{ region: string; zones: string[] }> {
  const groups = new Map<string, string[]>();
  for (const zone of zones) {
    const region = zone.includes('/') ? (zone.split('/')[0] ?? 'Other') : 'Other';
    groups.set(region, [...(groups.get(region) ?? []), zone]);
  }
  return [...groups].map(([region, members]) => ({ region, zones: members }));
}

/** "Europe/Berlin" → "Europe / Berlin", "America/Argentina/Buenos_Aires" → "America / Argentina / Buenos Aires". */
export function zoneLabel(zone: string): string {
  return zone.replaceAll('_', ' ').split('/').join(' / ');
}

const PART_FORMATS = new Map<string, Intl.DateTimeFormat>();

function partsFormat(zone: string): Intl.DateTimeFormat {
  let format = PART_FORMATS.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    PART_FORMATS.set(zone, format);
  }
  return format;
}

/** The wall clock of `instant` (ms epoch) in `zone`, written as if it were UTC (ms epoch). */
function wallClock(instant: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const part of partsFormat(zone).formatToParts(new Date(instant)))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
}

/** How far `zone` is ahead of UTC at `instant`, in ms (Europe/Berlin in winter: +3,600,000). */
export function zoneOffset(instant: number, zone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallClock(whole, zone) - whole;
}

export type ZonedInstant =
  | { kind: 'invalid' }
  /** The wall time exists once. */
  | { kind: 'exact'; instant: Date }
  /** Skipped by a change to summer time: moved forward by the change, as clocks do. */
  | { kind: 'skipped'; instant: Date; shiftedTo: string }
  /** Happens twice (clocks going back): the first of the two is taken. */
  | { kind: 'repeated'; instant: Date };

/**
 * The instant that `local` ("2026-12-24T09:30") names in `zone` (what Temporal calls the "compatible"
 * choice: a skipped time moves forward, a repeated one takes the earlier instant).
 */
export function zonedToInstant(local: string, zone: string): ZonedInstant {
  const match = LOCAL.exec(local);
  if (!match || !isTimeZone(zone)) return { kind: 'invalid' };
  const [year, month, day, hour, minute, second] = match.slice(1).map((value) => Number(value ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  // Date.UTC rolls 31 February over to March: such a date does not exist.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59)
    return { kind: 'invalid' };
  // The offsets a day either side of the wall time cover any single transition near it.
  const before = zoneOffset(wall - 24 * HOUR_MS, zone);
  const after = zoneOffset(wall + 24 * HOUR_MS, zone);
  const candidates = [...new Set([wall - before, wall - after])]
    .filter((instant) => wallClock(instant, zone) === wall)
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first !== undefined)
    return candidates.length > 1
      ? { kind: 'repeated', instant: new Date(first) }
      : { kind: 'exact', instant: new Date(first) };
  // Skipped: read with the offset in force before the change, the wall time lands after it.
  const instant = new Date(wall - before);
  return { kind: 'skipped', instant, shiftedTo: toLocalInput(instant, zone) };
}

/** The `datetime-local` value of `instant` in `zone`: "2026-12-24T09:30". */
export function toLocalInput(instant: Date, zone: string): string {
  return new Date(wallClock(instant.getTime(), zone)).toISOString().slice(0, 16);
}

/** "Thu, 24 Dec 2026, 09:30 CET" — an instant as read in `zone`. */
export function formatInZone(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(instant);
}
