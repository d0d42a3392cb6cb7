// Scheduling times: an IANA time zone checked with Intl (the runtime's own tz database), and a time
// given either as an instant with an offset or as a wall-clock time in that zone ("9:00 in Berlin"),
// turned into the instant it names. A wall-clock time that does not exist (skipped by a daylight
// saving change) is refused rather than moved silently; one that exists twice takes the first.
import { DomainError } from '../errors.ts';

/** How far in the past a time may be and still mean "now" (a form filled in slowly). */
const PAST_TOLERANCE_MS = 5 * 60_000;
/** How far ahead a campaign may be scheduled. */
const MAX_AHEAD_MS = 366 * 86_400_000;
const ZONE_NAME =
  /^(UTC|[A-Za-z]+(?:[_-][A-Za-z]+)*(?:\/[A-Za-z0-9]+(?:[_+-][A-Za-z0-9]+)*){1,2}|Etc\/GMT[+-]\d{1,2})$/;

/** The canonical IANA name of `zone`, or VALIDATION_FAILED naming the field. */
export function canonicalTimeZone(zone: string): string {
  const refuse = () =>
    new DomainError(
      'VALIDATION_FAILED',
      `timeZone: "${zone.slice(0, 64)}" is not a time zone this server knows (use an IANA name such as Europe/Berlin or America/New_York)`,
      { field: 'timeZone' },
    );
  if (!ZONE_NAME.test(zone)) throw refuse();
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw refuse();
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock time of `instantMs` in `zone`, as if it were UTC (ms). */
function wallClockMs(instantMs: number, zone: string): number {
  const parts = formatter(zone).formatToParts(new Date(instantMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

/** The instant at which the clocks of `zone` show `wallMs` (a wall-clock time written as UTC ms), or null if never. */
export function zonedToInstant(wallMs: number, zone: string): number | null {
  const seconds = Math.floor(wallMs / 1000) * 1000;
  const rest = wallMs - seconds;
  // The offsets in force a day before and a day after (they differ only across a change): the wall
  // time is one of these two instants, both (repeated: the first wins) or neither (skipped).
  const offset = (at: number) => wallClockMs(at, zone) - at;
  const candidates = [seconds - offset(seconds - 86_400_000), seconds - offset(seconds + 86_400_000)];
  const matching = candidates.filter((candidate) => wallClockMs(candidate, zone) === seconds);
  return matching.length ? Math.min(...matching) + rest : null;
}

/**
 * The instant and zone of a schedule request. `at` omitted: now. `at` with an offset (`Z`, `+02:00`):
 * that instant. `at` without one: the wall-clock time in `timeZone`.
 */
export function resolveScheduleTime(
  at: string | undefined,
  timeZone: string,
  now: Date,
): { at: Date; timeZone: string } {
  const zone = canonicalTimeZone(timeZone);
  if (!at) return { at: now, timeZone: zone };
  const invalid = (message: string) =>
    new DomainError('VALIDATION_FAILED', `at: ${message}`, { field: 'at' });
  let instant: number | null;
  if (/(Z|[+-]\d{2}:\d{2})$/.test(at)) {
    instant = Date.parse(at);
  } else {
    const wall = Date.parse(`${at.length === 16 ? `${at}:00` : at}Z`);
    if (Number.isNaN(wall)) throw invalid(`"${at}" is not a date and time`);
    instant = zonedToInstant(wall, zone);
    if (instant === null)
      throw invalid(
        `${at} does not exist in ${zone} (the clocks skip it for daylight saving time): choose another time`,
      );
  }
  if (Number.isNaN(instant)) throw invalid(`"${at}" is not a date and time`);
  if (instant < now.getTime() - PAST_TOLERANCE_MS)
    throw invalid(`${at} (${zone}) has passed: choose a time in the future, or send now`);
  if (instant > now.getTime() + MAX_AHEAD_MS)
    throw invalid('a campaign can be scheduled at most a year ahead');
  return { at: new Date(Math.max(instant, now.getTime())), timeZone: zone };
}
